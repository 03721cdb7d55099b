import Containers
import Foundation
import PatternSearch
import TestSupport
import Testing

@testable import Audit

/// The filter on a base64 run's other alignments (`cspans_base64_shifted_pairs`, through
/// ``ByteSpans/shiftedAlignments(_:anywhere:start:)``) against a bit-by-bit model, and the
/// alignments the search keeps (``Decoding/appendShiftedContainers(_:at:into:)``) against the
/// exact check of every alignment that the filter replaced: no alignment that may hold a
/// container is dropped.
@Suite("Shifted base64 alignments: the pair filter against the exact check")
struct ShiftedAlignmentTests {
    static let alphabet = ByteDecoding.alphabet
    static let anywhere = BytePairs(Containers.headerPairs)
    static let start = BytePairs(Containers.startPairs)

    /// The 6-bit value of a base64 character (`-` as `+`, `_` as `/`).
    static func value(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x2D: 62
        case 0x5F: 63
        default: UInt8(alphabet.firstIndex(of: c)!)
        }
    }

    /// The filter's answer bit by bit: the run's values as one stream of bits, and for each
    /// alignment s (1 to 3) the 16 bits at 6s + 8k for every k whose 16 bits lie in the stream
    /// (in `anywhere`), or at 6s and 6s + 8 × 257 (in `start`). Every alignment for a run with a
    /// byte outside the alphabet.
    static func model(_ run: [UInt8]) -> Int {
        guard run.allSatisfy(ByteSpansTests.isBase64) else { return 0xE }
        var bits: [UInt8] = []
        for c in run {
            let v = value(c)
            for k in (0..<6).reversed() { bits.append(v >> UInt8(k) & 1) }
        }
        func pair(_ p: Int) -> (UInt8, UInt8) {
            var w = 0
            for k in p..<(p + 16) { w = w << 1 | Int(bits[k]) }
            return (UInt8(w >> 8), UInt8(w & 0xFF))
        }
        var mask = 0
        for s in 1...3 {
            for p in [6 * s, 6 * s + 8 * 257] where p + 16 <= bits.count && start.contains(pair(p).0, pair(p).1) {
                mask |= 1 << s
            }
            var p = 6 * s
            while p + 16 <= bits.count {
                if anywhere.contains(pair(p).0, pair(p).1) { mask |= 1 << s }
                p += 8
            }
        }
        return mask
    }

    static func filter(_ run: [UInt8]) -> Int {
        run.withUnsafeBufferPointer { ByteSpans.shiftedAlignments($0, anywhere: anywhere, start: start) }
    }

    /// What the search kept before the filter: every other alignment decoded, kept when it may
    /// hold a container.
    static func exact(_ run: [UInt8], at: Int) -> [(Int, [UInt8])] {
        var batch = DecodedBatch()
        for shift in 1..<min(4, run.count) {
            Decoding.appendShiftedContainer(run[...], shift: shift, at: at, into: &batch)
        }
        return batch.runs
    }

    /// What the search keeps now.
    static func kept(_ run: [UInt8], at: Int) -> [(Int, [UInt8])] {
        var batch = DecodedBatch()
        Decoding.appendShiftedContainers(run[...], at: at, into: &batch)
        return batch.runs
    }

    static func same(_ a: [(Int, [UInt8])], _ b: [(Int, [UInt8])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    static func bytes(_ count: Int, _ random: inout SeededRandom) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// Unpadded base64 of `bytes`.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        Array(Data(bytes).base64EncodedString().utf8.filter { $0 != 0x3D })
    }

    /// The headers ``Containers/mayHoldContainer(_:)`` finds anywhere: each zlib header, each
    /// stream or archive magic looked for past a source's start, bzip2's with its block magic.
    static let headers: [[UInt8]] =
        [[0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA]] + [
            [0x1F, 0x8B, 0x08], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD],
            [0x04, 0x22, 0x4D, 0x18], Array("PK\u{03}\u{04}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
            Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
        ]

    @Test("the filter is the bit-by-bit model on random runs of 1 to 90 characters, hex runs and foreign bytes")
    func filterMatchesModel() {
        var random = SeededRandom(seed: 15_26)
        let hex = Array("0123456789abcdefABCDEF".utf8)
        for length in 1...90 {
            for round in 0..<40 {
                var run = ByteDecoding.randomRun(length, from: round % 4 == 0 ? hex : Self.alphabet, &random)
                if round == 39 { run[Int(random.next() % UInt64(length))] = 0x3D }
                #expect(Self.filter(run) == Self.model(run), "length \(length), round \(round)")
            }
        }
        // Long enough for tar's `ustar` at byte 257 of every alignment.
        for _ in 0..<20 {
            let run = ByteDecoding.randomRun(360, from: Self.alphabet, &random)
            #expect(Self.filter(run) == Self.model(run))
        }
    }

    @Test(
        "a header at every offset of every other alignment, runs of 16 to 84 characters, is kept as the exact check keeps it"
    )
    func plantedHeadersKept() {
        var random = SeededRandom(seed: 15_27)
        var keptCount = 0
        for count in 12...60 {
            for shift in 1...3 {
                for header in Self.headers where header.count <= count {
                    for offset in 0...(count - header.count) {
                        var payload = Self.bytes(count, &random)
                        payload.replaceSubrange(offset..<(offset + header.count), with: header)
                        // `shift` characters before the payload's base64: its decoding from there is the payload.
                        let run = ByteDecoding.randomRun(shift, from: Self.alphabet, &random) + Self.base64(payload)
                        let exact = Self.exact(run, at: 100)
                        #expect(
                            Self.same(Self.kept(run, at: 100), exact),
                            "count \(count), shift \(shift), header \(header), offset \(offset)")
                        // The planted alignment is kept exactly when it may hold a container.
                        let planted = exact.contains { $0.0 == 100 + shift && $0.1 == payload }
                        #expect(planted == Containers.mayHoldContainer(payload[...]))
                        if planted { keptCount += 1 }
                    }
                }
            }
        }
        // Every header but a zlib one in the last two bytes is kept.
        #expect(keptCount > 20_000)
    }

    @Test("an archive's or SQLite's magic at the start of another alignment, and tar's ustar at its byte 257, are kept")
    func startMagicsKept() {
        var random = SeededRandom(seed: 15_28)
        let starts: [[UInt8]] = [
            [0x1F, 0x8B], Array("BZh".utf8), [0x5D, 0x00, 0x00], Array("PK\u{05}\u{06}".utf8), Array("Rar!".utf8),
            Array("070701".utf8), Array("070707".utf8), Array("!<arch>\n".utf8), [0x1F, 0x9D],
            Array("SQLite format 3\u{0}".utf8),
        ]
        for shift in 1...3 {
            for count in [100, 101, 102, 130] {
                for magic in starts {
                    var payload = Self.bytes(count, &random)
                    payload.replaceSubrange(0..<magic.count, with: magic)
                    let run = ByteDecoding.randomRun(shift, from: Self.alphabet, &random) + Self.base64(payload)
                    let kept = Self.kept(run, at: 0)
                    #expect(Self.same(kept, Self.exact(run, at: 0)), "shift \(shift), magic \(magic)")
                    #expect(kept.contains { $0.0 == shift && $0.1 == payload }, "shift \(shift), magic \(magic)")
                }
            }
            var tar = Self.bytes(300, &random)
            tar.replaceSubrange(257..<262, with: Array("ustar".utf8))
            let run = ByteDecoding.randomRun(shift, from: Self.alphabet, &random) + Self.base64(tar)
            #expect(Self.kept(run, at: 0).contains { $0.0 == shift && $0.1 == tar }, "ustar, shift \(shift)")
        }
    }

    @Test("random runs of 16 to 80 characters and a dense log's runs keep what the exact check keeps")
    func randomRunsKeepTheSame() {
        var random = SeededRandom(seed: 15_29)
        let hex = Array("0123456789abcdef".utf8)
        for length in 16...80 {
            for round in 0..<300 {
                let run = ByteDecoding.randomRun(length, from: round % 3 == 0 ? hex : Self.alphabet, &random)
                #expect(Self.same(Self.kept(run, at: 7), Self.exact(run, at: 7)), "length \(length), round \(round)")
            }
        }
    }

    @Test("on random runs the filter lets few alignments through (most runs decode none of them)")
    func filterIsSelective() {
        var random = SeededRandom(seed: 15_30)
        let hex = Array("0123456789abcdef".utf8)
        for set in [Self.alphabet, hex] {
            var through = 0
            for _ in 0..<4000 where Self.filter(ByteDecoding.randomRun(64, from: set, &random)) != 0 { through += 1 }
            // About 11 pairs in 65,536 at some 140 offsets, and 14 more at 3: some 2.5 %.
            #expect(through < 400, "\(through) of 4000")
        }
    }
}
