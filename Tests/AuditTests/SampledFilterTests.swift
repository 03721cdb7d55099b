import PatternSearch
import TestSupport
import Testing

/// The sampled gram filter in front of Hyperscan (``SampledFilter``, C in
/// Sources/CKernels/CSpans/sample.c) against Hyperscan's own block scan of the whole buffer:
/// ``LiteralScanner/scanSampled(_:filter:_:)`` must give the identical (literal, end) pairs,
/// each once, wherever the literals lie.
@Suite("Sampled filter against Hyperscan's whole-buffer scan")
struct SampledFilterTests {
    // MARK: Literals and buffers

    /// One literal of `length` bytes of the kind `kind % 4`: random bytes (0x00 and 0x80–FF
    /// among them), ASCII letters and digits (caseless), UTF-16LE of ASCII text (every other
    /// byte 0x00), or base64-like text (exact).
    static func literal(_ length: Int, kind: Int, _ random: inout SeededRandom) -> [UInt8] {
        let text = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        switch kind % 4 {
        case 0: return (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1, 3: return (0..<length).map { _ in text.randomElement(using: &random)! }
        default: return (0..<length).map { i in i % 2 == 1 ? 0 : text.randomElement(using: &random)! }
        }
    }

    /// `count` literals of lengths in `lengths`, the kinds in turn; the letter kind caseless.
    static func literals(_ count: Int, lengths: ClosedRange<Int>, seed: UInt64) -> (bytes: [[UInt8]], caseless: [Bool])
    {
        var random = SeededRandom(seed: seed)
        let bytes = (0..<count).map { literal(Int.random(in: lengths, using: &random), kind: $0, &random) }
        return (bytes, (0..<count).map { $0 % 4 == 1 })
    }

    /// `bytes` with each ASCII letter's case flipped when the seeded coin says so.
    static func mixedCase(_ bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        bytes.map { b in
            let letter = (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            return letter && Bool.random(using: &random) ? b ^ 0x20 : b
        }
    }

    /// `literal` written over `buffer` from `at`.
    static func plant(_ literal: [UInt8], at: Int, in buffer: inout [UInt8]) {
        buffer.replaceSubrange(at..<(at + literal.count), with: literal)
    }

    /// One match as the tests write them: which literal, and the offset just past its end.
    struct Found: Hashable, CustomStringConvertible {
        let literal: Int
        let end: Int
        var description: String { "\(literal)@\(end)" }
    }

    /// Matches ordered by end, then literal.
    static func ordered(_ matches: [LiteralMatch]) -> [Found] {
        matches.map { Found(literal: $0.literal, end: $0.end) }.sorted { ($0.end, $0.literal) < ($1.end, $1.literal) }
    }

    /// Hyperscan's block scan of all of `bytes` and the sampled scan of them, both ordered;
    /// checks that the sampled scan reported its matches in order of their ends.
    static func both(
        _ scanner: LiteralScanner, _ filter: SampledFilter, _ bytes: [UInt8]
    ) throws -> (
        whole: [Found], sampled: [Found]
    ) {
        var whole: [LiteralMatch] = []
        try scanner.scanBlock(bytes) { whole.append($0) }
        var sampled: [LiteralMatch] = []
        try bytes.withUnsafeBytes { raw in try scanner.scanSampled(raw, filter: filter) { sampled.append($0) } }
        #expect(sampled.map(\.end) == sampled.map(\.end).sorted())
        return (ordered(whole), ordered(sampled))
    }

    // MARK: Tests

    @Test("literals planted at every offset modulo the stride, overlapping, twice, at both ends")
    func everyOffset() throws {
        var (literals, caseless) = Self.literals(60, lengths: 24...80, seed: 1)
        // A literal whose start is the tail of another (so that two occurrences overlap), and a
        // literal listed twice (two ids, one occurrence each reports both).
        var random = SeededRandom(seed: 2)
        literals.append(Array(literals[0][10...]) + Self.literal(20, kind: 0, &random))
        caseless.append(false)
        literals.append(literals[5])
        caseless.append(caseless[5])
        let set = try LiteralSet(literals, caseless: caseless)
        let filter = try #require(SampledFilter(set))
        let stride = filter.stride
        #expect(stride == literals.map(\.count).min()! - 7)
        let scanner = try LiteralScanner(set)

        let slot = (set.longest + stride) / stride * stride + stride
        let tail = slot * 4 * stride
        var buffer = SeededRandom.bytes(tail + 400, seed: 3)
        var planted: [Found] = []
        for j in 0..<(4 * stride) {
            let at = j * slot + j % stride
            let index = j % (literals.count - 2)
            Self.plant(literals[index], at: at, in: &buffer)
            planted.append(Found(literal: index, end: at + literals[index].count))
        }
        // After the slots, literal 0, then the rest of the literal that starts at its byte 10.
        let overlap = literals.count - 2
        Self.plant(literals[0], at: tail + 5, in: &buffer)
        Self.plant(literals[overlap], at: tail + 15, in: &buffer)
        planted.append(Found(literal: 0, end: tail + 5 + literals[0].count))
        planted.append(Found(literal: overlap, end: tail + 15 + literals[overlap].count))
        let (whole, sampled) = try Self.both(scanner, filter, buffer)
        #expect(sampled == whole)
        #expect(Set(planted).isSubset(of: Set(whole)))
        // Literal 5 is listed twice: each of its occurrences reports both ids.
        #expect(whole.filter { $0.literal == 5 }.map(\.end) == whole.filter { $0.literal == 61 }.map(\.end))
        #expect(whole.contains { $0.literal == 61 })

        // A literal at a buffer's very first and very last position, for every buffer length modulo the stride.
        for extra in 0..<(stride + 1) {
            let literal = literals[extra % 4]
            var edges = SeededRandom.bytes(3 * slot + extra, seed: 4 + UInt64(extra))
            Self.plant(literal, at: 0, in: &edges)
            Self.plant(literal, at: edges.count - literal.count, in: &edges)
            let (whole, sampled) = try Self.both(scanner, filter, edges)
            #expect(sampled == whole)
            #expect(whole.filter { $0.literal == extra % 4 }.map(\.end) == [literal.count, edges.count])
        }
    }

    @Test("caseless literals in mixed case are found; an exact literal with one letter's case flipped is not")
    func cases() throws {
        let (literals, caseless) = Self.literals(40, lengths: 24...64, seed: 10)
        let set = try LiteralSet(literals, caseless: caseless)
        let filter = try #require(SampledFilter(set))
        let scanner = try LiteralScanner(set)
        var random = SeededRandom(seed: 11)
        var buffer = SeededRandom.bytes(40 * 200, seed: 12)
        var expected: Set<Found> = []
        var flipped: Set<Found> = []
        for (index, literal) in literals.enumerated() {
            let at = index * 200 + index % filter.stride
            if caseless[index] {
                let mixed = Self.mixedCase(literal, &random)
                #expect(mixed != literal)
                Self.plant(mixed, at: at, in: &buffer)
                expected.insert(Found(literal: index, end: at + literal.count))
            } else if let letter = literal.firstIndex(where: { (0x61...0x7A).contains($0 | 0x20) }) {
                // The exact literal once as it is, once with one letter in the other case.
                var other = literal
                other[letter] ^= 0x20
                Self.plant(literal, at: at, in: &buffer)
                Self.plant(other, at: at + 100, in: &buffer)
                expected.insert(Found(literal: index, end: at + literal.count))
                flipped.insert(Found(literal: index, end: at + 100 + literal.count))
            }
        }
        #expect(flipped.count >= 10)
        let (whole, sampled) = try Self.both(scanner, filter, buffer)
        #expect(sampled == whole)
        #expect(expected.isSubset(of: Set(sampled)))
        #expect(flipped.isDisjoint(with: Set(sampled)))
        // The table holds every literal's sampled grams, in either case.
        for literal in literals {
            for offset in 0..<filter.stride {
                #expect(filter.mayHold(literal, at: offset))
                #expect(filter.mayHold(literal.map { (0x61...0x7A).contains($0 | 0x20) ? $0 ^ 0x20 : $0 }, at: offset))
            }
        }
    }

    @Test("a literal exactly the shortest length, at every offset modulo the stride")
    func shortest() throws {
        var (literals, caseless) = Self.literals(20, lengths: 30...50, seed: 20)
        var random = SeededRandom(seed: 21)
        literals.append(Self.literal(24, kind: 0, &random))
        caseless.append(false)
        let set = try LiteralSet(literals, caseless: caseless)
        let filter = try #require(SampledFilter(set))
        #expect(filter.stride == 17)
        let scanner = try LiteralScanner(set)
        var buffer = SeededRandom.bytes(17 * 60 * 3, seed: 22)
        for r in 0..<17 { Self.plant(literals[20], at: r * 17 * 3 + r, in: &buffer) }
        let (whole, sampled) = try Self.both(scanner, filter, buffer)
        #expect(sampled == whole)
        #expect(whole.filter { $0.literal == 20 }.map(\.end) == (0..<17).map { $0 * 51 + $0 + 24 })
    }

    @Test("a shortest literal of 14 bytes gives no filter; of 15 bytes, a stride of 8")
    func strideEight() throws {
        var random = SeededRandom(seed: 30)
        let long = (0..<10).map { Self.literal(20 + $0, kind: $0, &random) }
        let fourteen = try LiteralSet(long + [Self.literal(14, kind: 0, &random)])
        #expect(SampledFilter(fourteen) == nil)
        let fifteen = Self.literal(15, kind: 0, &random)
        let set = try LiteralSet(long + [fifteen], caseless: (0..<11).map { $0 % 4 == 1 })
        let filter = try #require(SampledFilter(set))
        #expect(filter.stride == 8)
        let scanner = try LiteralScanner(set)
        var buffer = SeededRandom.bytes(2000, seed: 31)
        for r in 0..<8 { Self.plant(fifteen, at: r * 40 * 4 + r, in: &buffer) }
        for (index, literal) in long.enumerated() { Self.plant(literal, at: 1300 + 40 * index, in: &buffer) }
        let (whole, sampled) = try Self.both(scanner, filter, buffer)
        #expect(sampled == whole)
        #expect(whole.filter { $0.literal == 10 }.map(\.end) == (0..<8).map { $0 * 160 + $0 + 15 })
        #expect(Set(whole.map(\.literal)) == Set(0...10))
    }

    @Test("a buffer of one literal repeated fills the candidate array, and the scan goes on")
    func dense() throws {
        var random = SeededRandom(seed: 40)
        let repeated = Self.literal(24, kind: 0, &random)
        let others = (0..<8).map { Self.literal(30, kind: $0, &random) }
        let set = try LiteralSet([repeated] + others)
        let filter = try #require(SampledFilter(set))
        let scanner = try LiteralScanner(set)
        let copies = 5000
        var buffer = [UInt8]((0..<copies).map { _ in repeated }.joined())
        // One other literal in the middle, overwriting copies.
        Self.plant(others[2], at: 24 * 2500 + 5, in: &buffer)
        let candidates = buffer.withUnsafeBytes { filter.candidateCount($0) }
        #expect(candidates > 3 * 1024)
        let (whole, sampled) = try Self.both(scanner, filter, buffer)
        #expect(sampled == whole)
        #expect(whole.filter { $0.literal == 0 }.count == copies - 2)
        #expect(whole.filter { $0.literal == 3 }.map(\.end) == [24 * 2500 + 35])
    }

    @Test("empty and short buffers")
    func short() throws {
        var random = SeededRandom(seed: 50)
        let fifteen = Self.literal(15, kind: 0, &random)
        let set = try LiteralSet([fifteen, Self.literal(20, kind: 1, &random)])
        let filter = try #require(SampledFilter(set))
        let scanner = try LiteralScanner(set)
        for length in 0..<24 {
            var buffer = SeededRandom.bytes(length, seed: 51 + UInt64(length))
            if length >= 15 { Self.plant(fifteen, at: length - 15, in: &buffer) }
            let (whole, sampled) = try Self.both(scanner, filter, buffer)
            #expect(sampled == whole)
            #expect(sampled == (length >= 15 ? [Found(literal: 0, end: length)] : []))
            #expect(buffer.withUnsafeBytes { filter.candidateCount($0) } == (length >= 15 ? 1 : 0))
        }
    }

    @Test("random bytes give almost no candidate")
    func falseCandidates() throws {
        let (literals, caseless) = Self.literals(400, lengths: 24...80, seed: 60)
        let set = try LiteralSet(literals, caseless: caseless)
        let filter = try #require(SampledFilter(set))
        let buffer = SeededRandom.bytes(1 << 20, seed: 61)
        let samples = (buffer.count - 8) / filter.stride + 1
        let candidates = buffer.withUnsafeBytes { filter.candidateCount($0) }
        // Some 6,800 grams in two bitmaps of 2^20 bits: some 4 in 100,000 samples a candidate.
        #expect(samples > 60_000)
        #expect(candidates <= 10)
        // A small table of the same grams (2^8 and 2^8 bits) is full: every sample a candidate.
        let full = try #require(SampledFilter(set, firstLog: 8, secondLog: 8))
        #expect(buffer.withUnsafeBytes { full.candidateCount($0) } > samples * 9 / 10)
    }
}
