import Foundation
import PatternSearch
import TestSupport
import Testing

@testable import Audit

/// Issue 15 item 7: the byte-class kernel (Sources/CKernels/CSpans, through
/// ``ByteSpans``) against models written byte by byte: the spans of each kind, and the text
/// regions, base64 runs and wrapped stretches the decoders build on them, which must be
/// those of the scalar walks the kernel replaced (kept here as the reference).
@Suite("Byte-class kernel against byte-by-byte models")
struct ByteSpansTests {
    // MARK: Models

    static func isBase64(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
            || [0x2B, 0x2F, 0x2D, 0x5F].contains(c)
    }
    static func isHex(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }
    static func isLine(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D }

    /// The kernel's text class, byte by byte: ASCII text, or a byte of 80–FF a well-formed
    /// sequence could hold where it stands.
    static func mayBeText(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        if (0x20...0x7E).contains(c) || (0x09...0x0D).contains(c) { return true }
        let before = i > 0 ? b[i - 1] : 0
        let after = i + 1 < b.count ? b[i + 1] : 0
        if (0x80...0xBF).contains(c) { return (0x80...0xBF).contains(before) || (0xC2...0xF4).contains(before) }
        if (0xC2...0xF4).contains(c) { return (0x80...0xBF).contains(after) }
        return false
    }

    /// Every span of `kind` the kernel must give, from a byte-by-byte walk of the whole buffer.
    static func modelSpans(
        _ b: [UInt8], kind: ByteSpans.Kind, minimum: Int, in range: Range<Int>? = nil
    ) -> [(Range<Int>, Int)] {
        let inClass: (Int) -> Bool =
            switch kind {
            case .base64: { isBase64(b[$0]) }
            case .text: { mayBeText(b, $0) }
            case .wrapped: { isBase64(b[$0]) || isLine(b[$0]) }
            }
        var out: [(Range<Int>, Int)] = []
        var i = 0
        while i < b.count {
            guard inClass(i) else {
                i += 1
                continue
            }
            var j = i
            while j < b.count && inClass(j) { j += 1 }
            let starts = range.map { $0.contains(i) } ?? true
            // A wrapped span holds a join: a base64 byte right after a line break.
            let joined = kind != .wrapped || ((i + 1)..<max(i + 1, j)).contains { isLine(b[$0 - 1]) && isBase64(b[$0]) }
            if j - i >= minimum && starts && joined {
                let extra: Int =
                    switch kind {
                    case .base64: b[i..<j].allSatisfy(isHex) ? 1 : 0
                    case .text: 0
                    // Line breaks from the range's start.
                    case .wrapped: b[(range?.lowerBound ?? 0)..<i].filter(isLine).count
                    }
                out.append((i..<j, extra))
            }
            i = j
        }
        return out
    }

    static func kernelSpans(
        _ b: [UInt8], kind: ByteSpans.Kind, minimum: Int, in range: Range<Int>? = nil, kernel: String? = nil
    ) -> [(Range<Int>, Int)] {
        let kinds: ByteSpans.Kinds =
            switch kind {
            case .base64: .base64
            case .text: .text
            case .wrapped: .wrapped
            }
        var out: [(Range<Int>, Int)] = []
        let lines = b.withUnsafeBufferPointer { p in
            ByteSpans.scan(p, kinds: kinds, minimum: minimum, in: range, kernel: kernel) { k, span, extra in
                #expect(k == kind)
                out.append((span, extra))
            }
        }
        let clamped = range.map { $0.clamped(to: 0..<b.count) } ?? 0..<b.count
        #expect(lines == b[clamped].filter(isLine).count, "kernel \(kernel ?? "of this CPU"): line breaks")
        return out
    }

    /// Bytes drawn from an alphabet that makes every kind's runs start and end often, across
    /// the kernel's 64-byte blocks: base64 and hex, line breaks, spaces, UTF-8 (good and cut),
    /// controls and random high bytes, in stretches of random length.
    static func mixed(_ count: Int, _ random: inout SeededRandom) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo".utf8), Array("0123456789abcdefABCDEF".utf8),
            [0x0A], [0x0D, 0x0A], [0x20], Array("é€𝄞".utf8), [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
            [0x00], [0x7F], [0x80], [0xF4, 0x8F, 0xBF, 0xBF], Array("-_+/".utf8), Array("text, more text".utf8),
        ]
        var out: [UInt8] = []
        while out.count < count {
            if random.next() % 4 == 0 {
                out.append(UInt8(truncatingIfNeeded: random.next()))
            } else {
                let piece = pieces[Int(random.next() % UInt64(pieces.count))]
                let repeats = 1 + Int(random.next() % 6)
                for _ in 0..<repeats { out += piece }
            }
        }
        return Array(out.prefix(count))
    }

    static func same(_ a: [(Range<Int>, Int)], _ b: [(Range<Int>, Int)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    // MARK: The spans themselves

    @Test(
        "each kind's spans, minimums 1 to 70, match the byte-by-byte model on mixed bytes of every length to 300, in every code path this CPU runs",
        arguments: ByteSpans.kernels)
    func spansMatchModel(kernel: String) {
        var random = SeededRandom(seed: 38)
        for count in Array(0...140) + [191, 192, 193, 255, 256, 257, 300] {
            let bytes = Self.mixed(count, &random)
            for kind in [ByteSpans.Kind.base64, .text, .wrapped] {
                for minimum in [1, 2, 5, 15, 16, 17, 24, 64, 70] {
                    let want = Self.modelSpans(bytes, kind: kind, minimum: minimum)
                    let got = Self.kernelSpans(bytes, kind: kind, minimum: minimum, kernel: kernel)
                    #expect(Self.same(got, want), "\(kernel): \(kind) minimum \(minimum), \(count) bytes")
                }
            }
        }
    }

    @Test("with a range: only the spans that start in it, read to their end; consecutive ranges give each span once")
    func rangesMatchModel() {
        var random = SeededRandom(seed: 39)
        for round in 0..<60 {
            let bytes = Self.mixed(200 + round * 37, &random)
            for kind in [ByteSpans.Kind.base64, .text, .wrapped] {
                let low = Int(random.next() % UInt64(bytes.count))
                let high = low + Int(random.next() % UInt64(bytes.count - low + 1))
                let want = Self.modelSpans(bytes, kind: kind, minimum: 4, in: low..<high)
                let got = Self.kernelSpans(bytes, kind: kind, minimum: 4, in: low..<high)
                #expect(Self.same(got, want), "\(kind) in \(low)..<\(high) of \(bytes.count)")
            }
            let piece = 1 + Int(random.next() % 97)
            let whole = Self.kernelSpans(bytes, kind: .base64, minimum: 3).map(\.0)
            let pieced = stride(from: 0, to: bytes.count, by: piece).flatMap {
                Self.kernelSpans(bytes, kind: .base64, minimum: 3, in: $0..<($0 + piece)).map(\.0)
            }
            #expect(pieced == whole, "piece \(piece)")
        }
    }

    @Test("several kinds in one pass give what each kind gives alone, in order of the spans' ends")
    func kindsTogether() {
        var random = SeededRandom(seed: 40)
        let bytes = Self.mixed(5000, &random)
        var got: [ByteSpans.Kind: [(Range<Int>, Int)]] = [:]
        var lastEnd = 0
        bytes.withUnsafeBufferPointer { p in
            _ = ByteSpans.scan(p, kinds: .all, minimum: 16) { kind, span, extra in
                #expect(span.upperBound >= lastEnd - 64, "spans come in block order")
                lastEnd = max(lastEnd, span.upperBound)
                got[kind, default: []].append((span, extra))
            }
        }
        for kind in [ByteSpans.Kind.base64, .text, .wrapped] {
            #expect(Self.same(got[kind] ?? [], Self.modelSpans(bytes, kind: kind, minimum: 16)), "\(kind)")
        }
        #expect(!(got[.text] ?? []).isEmpty && !(got[.wrapped] ?? []).isEmpty)
    }

    @Test("a run as long as the buffer, and a run that fills whole 64-byte blocks, end where the buffer ends")
    func runsToTheEnd() {
        for count in [16, 63, 64, 65, 128, 129, 1000] {
            let bytes = [UInt8](repeating: UInt8(ascii: "Q"), count: count)
            #expect(Self.same(Self.kernelSpans(bytes, kind: .base64, minimum: 16), [(0..<count, 0)]))
            #expect(Self.same(Self.kernelSpans(bytes, kind: .text, minimum: 16), [(0..<count, 0)]))
            let digits = [UInt8](repeating: UInt8(ascii: "7"), count: count)
            #expect(Self.same(Self.kernelSpans(digits, kind: .base64, minimum: 16), [(0..<count, 1)]))
        }
    }

    // MARK: The first look (a range of 4 chunks of 1,024 bytes or more)

    /// Random bytes, where a text run of 16 is rare, with runs of every kind planted at and
    /// around the first look's 1,024-byte chunk edges and its 64-byte block edges, of lengths
    /// around 16 and longer than a chunk: what the first look must not lose.
    static func sparse(_ count: Int, _ random: inout SeededRandom) -> [UInt8] {
        var out = SeededRandom.bytes(count, seed: random.next())
        let pieces: [[UInt8]] = [
            Array("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo".utf8), Array("0123456789abcdef".utf8),
            Array("QUJD\nREVG\r\nR0hJ".utf8), Array("text, more text ".utf8), Array("é€𝄞a".utf8),
        ]
        let lengths = [1, 14, 15, 16, 17, 31, 63, 64, 65, 200, 1500]
        let offsets = [-17, -16, -15, -1, 0, 1, 15, 63, 64]
        var at = 0
        while at < count {
            let edge = (at / 1024 + 1) * 1024
            let start = edge + offsets[Int(random.next() % UInt64(offsets.count))]
            let piece = pieces[Int(random.next() % UInt64(pieces.count))]
            let length = lengths[Int(random.next() % UInt64(lengths.count))]
            for k in 0..<length where start + k >= 0 && start + k < count { out[start + k] = piece[k % piece.count] }
            at = max(at + 300, start + length) + Int(random.next() % 700)
        }
        return out
    }

    @Test(
        "on long sparse buffers (the first look's chunks skipped) each kind's spans and line breaks match the model, whole, in ranges and in pieces, in every code path",
        arguments: ByteSpans.kernels)
    func firstLookLosesNothing(kernel: String) {
        var random = SeededRandom(seed: 41)
        for round in 0..<12 {
            let count = 6 * 1024 + Int(random.next() % (24 * 1024))
            let bytes = round % 3 == 2 ? Self.mixed(count, &random) : Self.sparse(count, &random)
            for kind in [ByteSpans.Kind.base64, .text, .wrapped] {
                for minimum in [1, 5, 15, 16, 17, 24, 70] {
                    let want = Self.modelSpans(bytes, kind: kind, minimum: minimum)
                    let got = Self.kernelSpans(bytes, kind: kind, minimum: minimum, kernel: kernel)
                    #expect(
                        Self.same(got, want), "\(kernel): \(kind) minimum \(minimum), \(count) bytes, round \(round)")
                }
                let low = Int(random.next() % UInt64(count / 2))
                let high = low + 3 * 1024 + Int(random.next() % UInt64(count - low - 3 * 1024 + 1))
                let want = Self.modelSpans(bytes, kind: kind, minimum: 16, in: low..<high)
                let got = Self.kernelSpans(bytes, kind: kind, minimum: 16, in: low..<high, kernel: kernel)
                #expect(Self.same(got, want), "\(kernel): \(kind) in \(low)..<\(high) of \(count)")
            }
            let piece = 4096 + Int(random.next() % 5000)
            let whole = Self.kernelSpans(bytes, kind: .text, minimum: 16, kernel: kernel).map(\.0)
            let pieced = stride(from: 0, to: count, by: piece).flatMap {
                Self.kernelSpans(bytes, kind: .text, minimum: 16, in: $0..<($0 + piece), kernel: kernel).map(\.0)
            }
            #expect(pieced == whole, "\(kernel): pieces of \(piece)")
        }
    }

    @Test(
        "a run that starts in a long range's last bytes and goes on past its end is given, read to its end, in every code path",
        arguments: ByteSpans.kernels)
    func firstLookRunPastStop(kernel: String) {
        for stop in [5000, 5120, 5121, 5183, 5184] {
            for back in [1, 2, 15, 16, 17, 40, 64, 65] {
                var bytes = SeededRandom.bytes(8192, seed: UInt64(stop * 100 + back))
                // Random bytes that are never text, around a run of 60 base64 bytes.
                for i in bytes.indices where Self.mayBeText(bytes, i) { bytes[i] = 0x00 }
                for i in (stop - back)..<(stop - back + 60) { bytes[i] = UInt8(ascii: "Q") }
                let got = Self.kernelSpans(bytes, kind: .base64, minimum: 16, in: 1000..<stop, kernel: kernel)
                #expect(
                    Self.same(got, [((stop - back)..<(stop - back + 60), 0)]), "\(kernel): stop \(stop), back \(back)")
            }
        }
    }

    @Test("the kernel names the code path it runs; a path this CPU cannot run, or an unknown one, is refused")
    func kernelName() {
        #expect(["avx2", "sse2", "portable"].contains(ByteSpans.kernelName))
        #expect(ByteSpans.kernels.first == ByteSpans.kernelName)
        #expect(ByteSpans.kernels.contains("portable"), "every CPU runs the portable path")
        #if arch(x86_64)
        #expect(ByteSpans.kernels.contains("sse2"))
        #endif
        let bytes: [UInt8] = Array("QUJDREVGR0hJSktMTU5P".utf8)
        let ran = bytes.withUnsafeBufferPointer {
            ByteSpans.scan($0, kinds: .base64, minimum: 1, kernel: "avx9000") { _, _, _ in Issue.record("called") }
        }
        #expect(ran == nil)
    }

    // MARK: What the decoders build on the spans

    @Test("text regions, base64 runs and the line join equal the scalar walks they replaced, on mixed and random bytes")
    func decodersMatchScalarWalks() {
        var random = SeededRandom(seed: 41)
        for round in 0..<40 {
            let bytes =
                round % 4 == 3
                ? (0..<(1 << 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                : Self.mixed(100 + round * 211, &random)
            #expect(Decoding.textRegions(bytes) == ScalarWalks.textRegions(bytes, minimum: 16), "round \(round)")
            #expect(Decoding.unwrapped(bytes) == ScalarWalks.unwrapped(bytes), "round \(round)")
            for minimum in [16, 24] {
                var got: [(Int, Int, Bool)] = []
                Decoding.forEachRun(bytes, minimum: minimum) { got.append(($0, $1.count, $2)) }
                let want = ScalarWalks.runs(bytes, minimum: minimum)
                #expect(got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1) && got.map(\.2) == want.map(\.2))
            }
            let plan = Decoding.TextPlan(bytes)
            #expect(plan.regions == Decoding.textRegions(bytes) && plan.joined == Decoding.unwrapped(bytes))
            let want = ScalarWalks.runs(bytes, minimum: 16)
            #expect(
                plan.runs.map(\.range) == want.map { $0.0..<($0.0 + $0.1) } && plan.runs.map(\.allHex) == want.map(\.2))
            // Read in pieces on two threads: the same plan (a wrapped stretch's line breaks counted across pieces).
            let piece = 37 + round * 5
            let pieced = Decoding.TextPlan(bytes, threads: 2, piece: piece)
            #expect(
                pieced.regions == plan.regions && pieced.joined == plan.joined && pieced.runs == plan.runs,
                "piece \(piece)")
        }
    }
}

/// The byte-by-byte walks the kernel replaced (as they were in commit a99c2c1): the
/// reference the kernel's decoders are checked against.
enum ScalarWalks {
    static func textRegions(_ b: [UInt8], minimum: Int) -> [Range<Int>] {
        func utf8Length(at i: Int) -> Int {
            let lead = b[i]
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return 0
            }
            guard i + length <= b.count, b[i + 1] >= low, b[i + 1] <= high else { return 0 }
            for k in (i + 2)..<(i + length) where b[k] & 0xC0 != 0x80 { return 0 }
            return length
        }
        var out: [Range<Int>] = []
        var start = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if (0x20...0x7E).contains(c) || (0x09...0x0D).contains(c) {
                i += 1
                continue
            }
            let length = utf8Length(at: i)
            if length > 0 {
                i += length
                continue
            }
            if i - start >= minimum { out.append(start..<i) }
            i += 1
            start = i
        }
        if b.count - start >= minimum { out.append(start..<b.count) }
        return out
    }

    static func runs(_ b: [UInt8], minimum: Int) -> [(Int, Int, Bool)] {
        var out: [(Int, Int, Bool)] = []
        var i = 0
        while i < b.count {
            guard ByteSpansTests.isBase64(b[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < b.count && ByteSpansTests.isBase64(b[j]) { j += 1 }
            if j - i >= minimum { out.append((i, j - i, b[i..<j].allSatisfy(ByteSpansTests.isHex))) }
            i = j
        }
        return out
    }

    static func unwrapped(_ b: [UInt8]) -> Decoding.Unwrapped? {
        let isBase64 = ByteSpansTests.isBase64
        let isLine = ByteSpansTests.isLine
        var out: [UInt8] = []
        var joins: [Int] = []
        var starts: [Int] = []
        var joinedStarts: [Int] = []
        var breaks = 0
        var i = 0
        while i < b.count {
            if !isBase64(b[i]) {
                if isLine(b[i]) { breaks += 1 }
                i += 1
                continue
            }
            let start = i
            var stretchJoins: [Int] = []
            var kept = 0
            var broken = false
            var j = i
            while j < b.count {
                if isBase64(b[j]) {
                    if broken {
                        stretchJoins.append(kept)
                        broken = false
                    }
                    kept += 1
                } else if isLine(b[j]) {
                    broken = true
                } else {
                    break
                }
                j += 1
            }
            if !stretchJoins.isEmpty && kept >= 16 {
                if !out.isEmpty { out.append(0x20) }
                starts.append(out.count)
                joinedStarts.append(start - breaks)
                joins += stretchJoins.map { $0 + out.count }
                for index in start..<j where isBase64(b[index]) { out.append(b[index]) }
            }
            for index in start..<j where isLine(b[index]) { breaks += 1 }
            i = j
        }
        guard !starts.isEmpty else { return nil }
        return Decoding.Unwrapped(bytes: out, joins: joins, starts: starts, joinedStarts: joinedStarts)
    }
}
