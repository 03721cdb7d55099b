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

/// ``SampledPairStream`` and both sampled kernels against Hyperscan's block scans of the whole
/// buffer and of its whole differences, on random cases: literal sets as short as a filter
/// takes (stride 8) and longer, planted densely (overlapping, in any case, masked by any byte,
/// at both ends), buffers whose length is a stride multiple plus 7 to 10, and pieces of random
/// sizes, each feed's own.
@Suite struct SampledPairDifferentialTests {
    /// A random case: the sets, the values behind the masked literals, and a buffer planted with both.
    static func randomCase(
        _ random: inout SeededRandom
    ) throws -> (
        plain: LiteralSet, masked: LiteralSet, bytes: [UInt8]
    ) {
        let shortest = Int.random(in: 15...20, using: &random)
        let plain = (0..<Int.random(in: 1...8, using: &random)).map { _ in
            (0..<Int.random(in: shortest...shortest + 30, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
        }
        let caseless = plain.map { _ in Bool.random(using: &random) }
        // Values one byte longer than their differences: the masked literals as short as the plain.
        let values = (0..<Int.random(in: 1...8, using: &random)).map { _ in
            (0..<Int.random(in: shortest + 1...shortest + 31, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
        }
        let plainSet = try LiteralSet(plain, caseless: caseless)
        let maskedSet = try LiteralSet(values.map(SampledPairStreamTests.differences))
        let stride = shortest - 7
        let count = [
            stride * Int.random(in: 4...400, using: &random) + Int.random(in: 7...10, using: &random),
            Int.random(in: 16...5000, using: &random),
        ][Int.random(in: 0...1, using: &random)]
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        for _ in 0..<Int.random(in: count / 60...count / 12, using: &random) {
            var literal: [UInt8]
            if Bool.random(using: &random) {
                literal = plain.randomElement(using: &random)!
                literal = SampledFilterTests.mixedCase(literal, &random)
            } else {
                let key = UInt8.random(in: 0...255, using: &random)
                literal = values.randomElement(using: &random)!.map { $0 ^ key }
            }
            guard literal.count <= count else { continue }
            // Often at either end, else anywhere.
            let place = [0, count - literal.count, Int.random(in: 0...count - literal.count, using: &random)][
                Int.random(in: 0...2, using: &random)]
            bytes.replaceSubrange(place..<place + literal.count, with: literal)
        }
        return (plainSet, maskedSet, bytes)
    }

    /// Matches as a sorted list (Hyperscan's order within one end is its own).
    static func sorted(_ matches: [LiteralMatch]) -> [LiteralMatch] {
        matches.sorted { ($0.end, $0.literal) < ($1.end, $1.literal) }
    }

    @Test(
        "random sets, plants and piece sizes: the stream gives the whole scans' matches, each once", arguments: 1...12)
    func streamsLikeWholeScans(seed: UInt64) throws {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9)
        var planted = (plain: 0, masked: 0)
        defer { #expect(planted.plain > 0 && planted.masked > 0, "\(planted)") }
        for _ in 0..<6 {
            let (plainSet, maskedSet, bytes) = try Self.randomCase(&random)
            let filter = try #require(SampledPairFilter(plain: plainSet, masked: maskedSet))
            let plain = try LiteralScanner(plainSet)
            let masked = try LiteralScanner(maskedSet)
            var wholePlain: [LiteralMatch] = []
            try plain.scanBlock(bytes) { wholePlain.append($0) }
            var wholeMasked: [LiteralMatch] = []
            try masked.scanBlock(SampledPairStreamTests.differences(bytes)) { wholeMasked.append($0) }
            planted.plain += wholePlain.count
            planted.masked += wholeMasked.count
            let stream = SampledPairStream(plain: plain, masked: masked, filter: filter)
            // The stream the pair replaces: its masked matches, piece by piece, are the pair's.
            let apart = try DifferenceScanner(maskedSet, filter: SampledFilter(maskedSet))
            for _ in 0..<4 {
                // Each feed's size its own: tiny, about a join's, or long.
                let most = [1, 3, filter.stride, 2 * max(plainSet.longest, maskedSet.longest), 1 << 14][
                    Int.random(in: 0...4, using: &random)]
                stream.begin()
                try apart.begin()
                var got: (plain: [LiteralMatch], masked: [LiteralMatch]) = ([], [])
                var at = 0
                while at < bytes.count {
                    let next = min(bytes.count, at + Int.random(in: 1...most, using: &random))
                    try stream.feed(bytes[at..<next])
                    try apart.feed(bytes[at..<next])
                    let found = stream.take()
                    #expect(Self.sorted(found.masked) == Self.sorted(apart.take()), "the piece at \(at)")
                    got.plain += found.plain
                    got.masked += found.masked
                    at = next
                }
                #expect(Self.sorted(got.plain) == Self.sorted(wholePlain), "pieces up to \(most) of \(bytes.count)")
                #expect(Self.sorted(got.masked) == Self.sorted(wholeMasked), "pieces up to \(most) of \(bytes.count)")
            }
        }
    }

    /// Every candidate of `next(from, room)`, resumed from the last one's position plus
    /// `stride` whenever fewer than `spare` slots were left.
    static func all<C>(
        room: Int, spare: Int, stride: Int, position: (C) -> Int, _ next: (Int, UnsafeMutableBufferPointer<Int>) -> [C]
    ) -> [C] {
        let out = UnsafeMutableBufferPointer<Int>.allocate(capacity: room)
        defer { out.deallocate() }
        var found: [C] = []
        var from = 0
        while true {
            let batch = next(from, out)
            found += batch
            guard batch.count > room - spare, let last = found.last else { return found }
            from = position(last) + stride
        }
    }

    @Test("both kernels' candidates are the same in any room, and cover every plant of their kind", arguments: 1...8)
    func candidatesInAnyRoom(seed: UInt64) throws {
        var random = SeededRandom(seed: seed &* 0xC2B2_AE3D)
        for _ in 0..<8 {
            let (plainSet, maskedSet, bytes) = try Self.randomCase(&random)
            let pair = try #require(SampledPairFilter(plain: plainSet, masked: maskedSet))
            // Small bitmaps: most samples hit, so that every room fills, often mid-round.
            let single = try #require(SampledFilter(plainSet, firstLog: 7, secondLog: 7))
            try bytes.withUnsafeBytes { raw in
                func pairs(_ room: Int) -> [SampledPairFilter.Candidate] {
                    Self.all(room: room, spare: 2, stride: pair.stride, position: \.position) { from, out in
                        let n = pair.candidates(raw, from: from, into: out)
                        #expect(n <= room)
                        return out[0..<n].map(SampledPairFilter.candidate)
                    }
                }
                func singles(_ room: Int) -> [Int] {
                    Self.all(room: room, spare: 1, stride: single.stride, position: { $0 }) { from, out in
                        Array(out[0..<single.candidates(raw, from: from, into: out)])
                    }
                }
                let pairReference = pairs(1 << 16)
                let singleReference = singles(1 << 16)
                for room in 2...10 {
                    #expect(pairs(room) == pairReference, "room \(room), \(bytes.count) bytes")
                    #expect(singles(room) == singleReference, "room \(room), \(bytes.count) bytes")
                }
                #expect(singles(1) == singleReference)
                #expect(singleReference.count == single.candidateCount(raw))
                // Ascending; the bytes' gram inside the buffer, and a masked one's differences too.
                #expect(
                    zip(pairReference, pairReference.dropFirst()).allSatisfy {
                        ($0.position, $0.masked ? 1 : 0) < ($1.position, $1.masked ? 1 : 0)
                    })
                #expect(pairReference.allSatisfy { $0.position % pair.stride == 0 && $0.position + 8 <= bytes.count })
                #expect(pairReference.allSatisfy { !$0.masked || $0.position + 9 <= bytes.count })
                // Each whole-scan match covers a candidate of its kind (a masked one, of
                // differences: its gram at q is differences q ..< q + 8).
                var plainEnds: [(Int, Int)] = []
                try LiteralScanner(plainSet).scanBlock(bytes) {
                    plainEnds.append(($0.end - plainSet.literals[$0.literal].count, $0.end))
                }
                var maskedEnds: [(Int, Int)] = []
                try LiteralScanner(maskedSet).scanBlock(SampledPairStreamTests.differences(bytes)) {
                    maskedEnds.append(($0.end - maskedSet.literals[$0.literal].count, $0.end))
                }
                for (start, end) in plainEnds {
                    #expect(pairReference.contains { !$0.masked && $0.position >= start && $0.position + 8 <= end })
                    #expect(singleReference.contains { $0 >= start && $0 + 8 <= end })
                }
                for (start, end) in maskedEnds {
                    #expect(pairReference.contains { $0.masked && $0.position >= start && $0.position + 8 <= end })
                }
            }
        }
    }

    @Test(
        "the sampled scan of a whole buffer gives its block scan's matches, with tables that hit often",
        arguments: 1...6)
    func sampledScanLikeBlockScan(seed: UInt64) throws {
        var random = SeededRandom(seed: seed &* 0x1656_67B1)
        for _ in 0..<8 {
            let (plainSet, _, bytes) = try Self.randomCase(&random)
            let scanner = try LiteralScanner(plainSet)
            var whole: [LiteralMatch] = []
            try scanner.scanBlock(bytes) { whole.append($0) }
            for log in [7, 12, SampledFilter.defaultLog] {
                let filter = try #require(SampledFilter(plainSet, firstLog: log, secondLog: log))
                var sampled: [LiteralMatch] = []
                try bytes.withUnsafeBytes { raw in
                    try scanner.scanSampled(raw, filter: filter) { sampled.append($0) }
                }
                #expect(Self.sorted(sampled) == Self.sorted(whole), "log \(log), \(bytes.count) bytes")
            }
        }
    }
}
