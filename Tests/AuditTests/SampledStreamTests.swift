import PatternSearch
import TestSupport
import Testing

/// ``SampledStream``: a buffer fed in pieces gives every match Hyperscan's block scan of the
/// whole buffer gives, each once, at its offset: literals planted across the pieces' joins, at
/// the ends, in mixed case; and without a filter (a short literal), Hyperscan's own stream.
@Suite struct SampledStreamTests {
    /// Random bytes with `literals` planted at `places` (each in mixed case when caseless).
    static func buffer(_ count: Int, _ literals: [[UInt8]], _ caseless: [Bool], at places: [Int]) -> [UInt8] {
        var random = SeededRandom(seed: 77)
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        for (k, place) in places.enumerated() {
            let literal = literals[k % literals.count]
            let planted = caseless[k % literals.count] ? SampledFilterTests.mixedCase(literal, &random) : literal
            bytes.replaceSubrange(place..<(place + planted.count), with: planted)
        }
        return bytes
    }

    /// Every (literal, end) of `bytes` fed to a stream in pieces of `piece` bytes.
    static func streamed(_ stream: SampledStream, _ bytes: [UInt8], piece: Int) throws -> [LiteralMatch] {
        try stream.begin()
        var out: [LiteralMatch] = []
        var at = 0
        while at < bytes.count {
            try stream.feed(bytes[at..<min(bytes.count, at + piece)])
            out += stream.take()
            at += piece
        }
        return out
    }

    @Test(
        "pieces of any size give the whole-buffer scan's matches, each once", arguments: [1, 5, 17, 64, 1000, 1 << 16])
    func piecesMatchTheWholeScan(piece: Int) throws {
        let (literals, caseless) = SampledFilterTests.literals(12, lengths: 24...48, seed: 31)
        let set = try LiteralSet(literals, caseless: caseless)
        let filter = try #require(SampledFilter(set))
        // Across the joins of every piece size tried, at both ends, two overlapping.
        let places = [0, 60, 95, 990, 1000, 1017, 4090, 65_530, 70_000, 70_020, 100_000 - 48]
        let bytes = Self.buffer(100_000, literals, caseless, at: places)
        let scanner = try LiteralScanner(set)
        var whole: [LiteralMatch] = []
        try scanner.scanBlock(bytes) { whole.append($0) }
        // Seven survive whole: the plants at 60 and 95, and at 990, 1000 and 1017, overwrite each other.
        #expect(whole.count == 7)
        let got = try Self.streamed(SampledStream(scanner, filter: filter), bytes, piece: piece)
        #expect(got.count == Set(got).count, "a match reported twice")
        #expect(Set(got) == Set(whole))
    }

    @Test("without a filter it is Hyperscan's stream: each literal once, at its first end")
    func withoutAFilter() throws {
        let literals = [Array("short-one".utf8), Array("another literal, long enough".utf8)]
        let set = try LiteralSet(literals)
        #expect(SampledFilter(set) == nil)
        let bytes = Self.buffer(5000, literals, [false, false], at: [10, 400, 2000, 3000])
        let stream = SampledStream(try LiteralScanner(set), filter: nil)
        let got = try Self.streamed(stream, bytes, piece: 100)
        #expect(got.map(\.end).sorted() == [19, 428])
    }
}
