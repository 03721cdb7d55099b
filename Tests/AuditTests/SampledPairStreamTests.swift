import PatternSearch
import TestSupport
import Testing

/// ``SampledPairStream``: a buffer fed in pieces gives the matches that Hyperscan's block scans
/// give of the whole buffer (the plain literals) and of its whole byte differences (the masked
/// literals), each once, at its offset: values planted plain and XORed with a byte, across the
/// pieces' joins and at both ends. And ``SampledPairFilter``'s candidates are the same however
/// small the room they are written into.
@Suite struct SampledPairStreamTests {
    /// Each byte XOR the next: what the masked literals are made of and searched in.
    static func differences(_ bytes: [UInt8]) -> [UInt8] {
        zip(bytes, bytes.dropFirst()).map { $0 ^ $1 }
    }

    /// The plain literals (some caseless), the values behind the masked ones, and the masked
    /// literals (those values' differences).
    static func sets() throws -> (plain: LiteralSet, values: [[UInt8]], masked: LiteralSet) {
        let (plain, caseless) = SampledFilterTests.literals(10, lengths: 24...48, seed: 41)
        let (values, _) = SampledFilterTests.literals(6, lengths: 25...40, seed: 43)
        return (try LiteralSet(plain, caseless: caseless), values, try LiteralSet(values.map(differences)))
    }

    /// Random bytes with plain literals at `plainAt` and masked values (each XORed with a
    /// nonzero byte of its own) at `maskedAt`.
    static func buffer(
        _ count: Int, plain: LiteralSet, values: [[UInt8]], plainAt: [Int], maskedAt: [Int]
    ) -> [UInt8] {
        var random = SeededRandom(seed: 79)
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        for (k, place) in plainAt.enumerated() {
            let literal = plain.literals[k % plain.literals.count]
            bytes.replaceSubrange(place..<(place + literal.count), with: literal)
        }
        for (k, place) in maskedAt.enumerated() {
            let key = UInt8.random(in: 1...255, using: &random)
            let value = values[k % values.count].map { $0 ^ key }
            bytes.replaceSubrange(place..<(place + value.count), with: value)
        }
        return bytes
    }

    /// Every plain and masked match of `bytes` fed to `stream` in pieces of `piece` bytes.
    static func streamed(
        _ stream: SampledPairStream, _ bytes: [UInt8], piece: Int
    ) throws -> (plain: [LiteralMatch], masked: [LiteralMatch]) {
        stream.begin()
        var plain: [LiteralMatch] = []
        var masked: [LiteralMatch] = []
        var at = 0
        while at < bytes.count {
            try stream.feed(bytes[at..<min(bytes.count, at + piece)])
            let found = stream.take()
            plain += found.plain
            masked += found.masked
            at += piece
        }
        return (plain, masked)
    }

    @Test(
        "pieces of any size give the whole-buffer scans' matches, plain and masked, each once",
        arguments: [1, 2, 5, 17, 64, 1000, 1 << 16])
    func piecesMatchTheWholeScans(piece: Int) throws {
        let (plainSet, values, maskedSet) = try Self.sets()
        let filter = try #require(SampledPairFilter(plain: plainSet, masked: maskedSet))
        // Across the joins of every piece size tried, at both ends (a masked value ending on
        // the last byte, whose last difference is the buffer's last), none overlapping.
        let count = 100_000
        let plainAt = [0, 200, 999, 4090, 65_450, 70_000]
        let maskedAt = [60, 950, 1050, 5000, 65_530, count - 40]
        let bytes = Self.buffer(count, plain: plainSet, values: values, plainAt: plainAt, maskedAt: maskedAt)
        let plain = try LiteralScanner(plainSet)
        let masked = try LiteralScanner(maskedSet)
        var wholePlain: [LiteralMatch] = []
        try plain.scanBlock(bytes) { wholePlain.append($0) }
        var wholeMasked: [LiteralMatch] = []
        try masked.scanBlock(Self.differences(bytes)) { wholeMasked.append($0) }
        #expect(wholePlain.count == plainAt.count)
        #expect(wholeMasked.count == maskedAt.count)
        // A masked match ends at a difference offset: the value's start plus its differences.
        #expect(
            Set(wholeMasked.map(\.end)) == Set(maskedAt.enumerated().map { $1 + values[$0 % values.count].count - 1 }))
        let got = try Self.streamed(
            SampledPairStream(plain: plain, masked: masked, filter: filter), bytes, piece: piece)
        #expect(got.plain.count == Set(got.plain).count, "a plain match reported twice")
        #expect(got.masked.count == Set(got.masked).count, "a masked match reported twice")
        #expect(Set(got.plain) == Set(wholePlain))
        #expect(Set(got.masked) == Set(wholeMasked))
    }

    @Test("the candidates are the same whatever room they are written into", arguments: [2, 3, 7, 8, 9, 1024])
    func candidatesResume(capacity: Int) throws {
        let (plainSet, values, maskedSet) = try Self.sets()
        let filter = try #require(SampledPairFilter(plain: plainSet, masked: maskedSet))
        // Dense with plants, so that a small room fills often; a length whose last sample
        // position has room for the bytes' gram only (count - 8 is a sample position).
        let step = filter.stride
        let count = 8 + step * 600
        let plainAt = Array(stride(from: 0, to: count - 48, by: 97))
        let maskedAt = Array(stride(from: 50, to: count - 48, by: 97))
        var bytes = Self.buffer(count, plain: plainSet, values: values, plainAt: plainAt, maskedAt: [])
        // The masked values over the plain ones' gaps, XORed with 0x5A.
        for (k, place) in maskedAt.enumerated() where place + values[k % values.count].count <= count {
            let value = values[k % values.count].map { $0 ^ 0x5A }
            bytes.replaceSubrange(place..<(place + value.count), with: value)
        }
        func all(_ room: Int) -> [SampledPairFilter.Candidate] {
            bytes.withUnsafeBytes { raw in
                let out = UnsafeMutableBufferPointer<Int>.allocate(capacity: room)
                defer { out.deallocate() }
                var found: [SampledPairFilter.Candidate] = []
                var from = 0
                while true {
                    let n = filter.candidates(raw, from: from, into: out)
                    found += out[0..<n].map(SampledPairFilter.candidate)
                    guard n > room - 2, let last = found.last else { return found }
                    from = last.position + step
                }
            }
        }
        let reference = all(1 << 16)
        #expect(reference.contains { $0.masked } && reference.contains { !$0.masked })
        #expect(all(capacity) == reference)
        #expect(reference.allSatisfy { $0.position % step == 0 && $0.position + 8 <= count })
        #expect(reference.filter(\.masked).allSatisfy { $0.position + 9 <= count })
        // The filter's promise: every plant covers a sample position whose gram (the bytes', or
        // the differences') is a candidate of its kind.
        func covered(_ place: Int, length: Int, masked: Bool) -> Bool {
            reference.contains { $0.masked == masked && $0.position >= place && $0.position + 8 <= place + length }
        }
        for (k, place) in plainAt.enumerated() {
            #expect(covered(place, length: plainSet.literals[k % plainSet.literals.count].count, masked: false))
        }
        for (k, place) in maskedAt.enumerated() where place + values[k % values.count].count <= count {
            // The value's differences: one fewer than its bytes.
            #expect(covered(place, length: values[k % values.count].count - 1, masked: true))
        }
    }
}
