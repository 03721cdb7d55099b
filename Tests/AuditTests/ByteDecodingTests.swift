import Ceremony
import Containers
import CryptoCore
import Foundation
import TestSupport
import Testing

@testable import Audit

/// The byte-level base64 and hex decoders (`Decoding+Bytes.swift`) decode as Foundation and
/// `[UInt8](hexString:)` do, and the runs built on them are the runs the `String` versions gave.
@Suite struct ByteDecoding {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)

    /// Foundation's decoding of an unpadded run (URL-safe folded in), padded as the search pads it.
    static func foundation(_ run: [UInt8]) -> [UInt8]? {
        var text = String(decoding: run, as: UTF8.self)
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = text + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map { Array($0) }
    }

    static func randomRun(_ count: Int, from set: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        (0..<count).map { _ in set[Int(random.next() % UInt64(set.count))] }
    }

    @Test("base64 decodes as Foundation's Data(base64Encoded:) on seeded random runs of every length to 200")
    func base64MatchesFoundation() {
        var random = SeededRandom(seed: 15_07)
        var decoded = 0
        for count in 0...200 {
            for _ in 0..<8 {
                let run = Self.randomRun(count, from: Self.alphabet, &random)
                let expected = Self.foundation(run)
                #expect(Decoding.base64Bytes(run[...]) == expected, "\(String(decoding: run, as: UTF8.self))")
                if expected != nil { decoded += 1 }
            }
        }
        // Three lengths in four decode (a lone last character does not).
        #expect(decoded == 8 * (201 - 50))
    }

    @Test("base64 of random bytes round-trips, standard and URL-safe, at every alignment of a slice")
    func base64RoundTrips() {
        var random = SeededRandom(seed: 42)
        for count in 0..<100 {
            let raw = Self.randomRun(count, from: Array(0...255), &random)
            let standard = Array(Data(raw).base64EncodedString().utf8.filter { $0 != 0x3D })
            let urlSafe: [UInt8] = standard.map { $0 == 0x2B ? 0x2D : $0 == 0x2F ? 0x5F : $0 }
            #expect(Decoding.base64Bytes(standard[...]) == raw)
            #expect(Decoding.base64Bytes(urlSafe[...]) == raw)
            let framed: [UInt8] = [0x20, 0x20] + standard + [0x3D]
            #expect(Decoding.base64Bytes(framed[2..<(framed.count - 1)]) == raw)
        }
    }

    @Test(
        "base64 edge cases decode as Foundation does",
        arguments: [
            "", "A", "AB", "ABC", "ABCD", "ABCDE", "QQ", "QR", "QUI", "QUJ", "-_-_", "__8", "////", "AB C",
            "AB.C", "ABCD\n",
        ])
    func base64EdgeCases(_ text: String) {
        let run = Array(text.utf8)
        #expect(Decoding.base64Bytes(run[...]) == Self.foundation(run))
    }

    @Test(
        "base64 runs are unpadded: a '=' inside or at the end of a run is refused (the run finders cut at '=')",
        arguments: ["AB=C", "ABCDEFGH=", "AB==", "=ABC"])
    func base64RefusesPaddingInsideARun(_ text: String) {
        let run = Array(text.utf8)
        #expect(Decoding.base64Bytes(run[...]) == nil)
    }

    @Test("base64 refuses a byte outside the alphabet anywhere in a run, as Foundation does")
    func base64RefusesForeignBytes() {
        var random = SeededRandom(seed: 7)
        for foreign: UInt8 in [0x00, 0x0A, 0x20, 0x2E, 0x3A, 0x7F, 0x80, 0xFF] {
            for count in [4, 8, 11, 23] {
                var run = Self.randomRun(count, from: Self.alphabet, &random)
                run[Int(random.next() % UInt64(count))] = foreign
                #expect(Decoding.base64Bytes(run[...]) == nil)
                #expect(Self.foundation(run) == nil)
            }
        }
    }

    @Test("the byte predicates are the alphabets, for every byte value")
    func predicatesOfEveryByte() {
        let base64 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        let hex = Array("0123456789abcdef".utf8)
        for value in 0...255 {
            let b = UInt8(value)
            #expect(Decoding.isBase64Byte(b) == base64.contains(b), "base64 \(value)")
            let digit =
                hex.firstIndex(of: b) ?? hex.firstIndex(of: Array(String(UnicodeScalar(b)).lowercased().utf8)[0])
            #expect(Decoding.hexValue(b) == digit.map(UInt8.init), "hex value \(value)")
            #expect(Decoding.isHexByte(b) == (digit != nil), "hex digit \(value)")
            // The class table the kernels' callers read agrees with the predicates.
            #expect((Decoding.byteClasses[value] & 1 != 0) == base64.contains(b), "class \(value)")
            #expect((Decoding.byteClasses[value] & 2 != 0) == (digit != nil), "class \(value)")
        }
    }

    @Test("hex decodes as [UInt8](hexString:) on seeded random digits, odd lengths and foreign bytes")
    func hexMatchesHexString() {
        var random = SeededRandom(seed: 99)
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for count in 0...80 {
            var run = Self.randomRun(count, from: digits, &random)
            #expect(Decoding.hexBytes(run[...]) == [UInt8](hexString: String(decoding: run, as: UTF8.self)))
            if count > 0 {
                run[Int(random.next() % UInt64(count))] = [0x67, 0x47, 0x2F, 0x3A, 0x40, 0x60][count % 6]
                #expect(Decoding.hexBytes(run[...]) == nil)
            }
        }
        #expect(Decoding.hexBytes(Array("00ff7Fa0".utf8)[...]) == [0x00, 0xFF, 0x7F, 0xA0])
    }

    /// Text of base64 and hex runs of many lengths, with padding, line breaks and other bytes between.
    static func mixedText(seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var out: [UInt8] = []
        let separators = Array(" \n\r=:,.\"\u{0}".utf8) + [0x80, 0xFF]
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for _ in 0..<400 {
            let count = Int(random.next() % 90)
            out += Self.randomRun(count, from: random.next() % 3 == 0 ? digits : Self.alphabet, &random)
            out += Self.randomRun(Int(1 + random.next() % 3), from: separators, &random)
        }
        return out
    }

    @Test("the decoded runs are those the String and Foundation version gave", arguments: [1, 2, 3, 4] as [UInt64])
    func decodedRunsUnchanged(_ seed: UInt64) {
        let text = Self.mixedText(seed: seed)
        let runs = Decoding.decodedRuns(text)
        let expected = Reference.decodedRuns(text)
        #expect(runs.count == expected.count)
        #expect(runs.map(\.0) == expected.map(\.0))
        #expect(runs.map(\.1) == expected.map(\.1))
        #expect(runs.count > 400)
    }

    @Test("the primary runs are those the String and Foundation version gave", arguments: [1, 2, 3, 4] as [UInt64])
    func primaryRunsUnchanged(_ seed: UInt64) {
        let text = Self.mixedText(seed: seed)
        let runs = Decoding.primaryRuns(text)
        let expected = Reference.primaryRuns(text)
        #expect(runs.map(\.0) == expected.map(\.0))
        #expect(runs.map(\.1) == expected.map(\.1))
        #expect(runs.count > 100)
    }
}

@Suite("Decoded batch: runs end to end, matches inside one run only")
struct DecodedBatchTests {
    @Test("each run keeps its file offset; a range crossing a join belongs to no run; failed decodings leave nothing")
    func offsets() {
        var batch = DecodedBatch()
        batch.append(100) { Decoding.appendHex(Array("00112233".utf8)[...], to: &$0) }
        batch.append(7) { Decoding.appendHex(Array("zz".utf8)[...], to: &$0) }  // not hex: nothing kept
        batch.append(200) { Decoding.appendBase64(Array("QUJD".utf8)[...], to: &$0) }  // "ABC"
        #expect(batch.bytes == [0x00, 0x11, 0x22, 0x33, 0x41, 0x42, 0x43])
        #expect(batch.runs.map(\.0) == [100, 200])
        #expect(batch.offset(of: 0..<4) == 100)
        #expect(batch.offset(of: 1..<3) == 100)
        #expect(batch.offset(of: 4..<7) == 200)
        #expect(batch.offset(of: 3..<5) == nil)
        #expect(batch.offset(of: 6..<8) == nil)
    }

    @Test(
        "joining lines: only the stretches a line break cuts are copied, joined; only runs that cross a join are decoded again"
    )
    func crossingRuns() throws {
        let text = Array("AAAAAAAAAAAAAAAAAAAAAAAA\r\nBBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCC\nDDDDDDDDDDDDDDDD\n".utf8)
        let unwrapped = try #require(Decoding.unwrapped(text))
        // Two stretches (A+B, C+D: the space ends the first), one space between them in the copy;
        // the last line break ends the text and joins nothing.
        #expect(unwrapped.bytes == Array(("A" * 24 + "B" * 16 + " " + "C" * 16 + "D" * 16).utf8))
        #expect(unwrapped.joins == [24, 57])
        // Offsets named as in the whole text without its line breaks (C starts at 41 there too).
        #expect(unwrapped.starts == [0, 41])
        #expect(unwrapped.joinedStarts == [0, 41])
        #expect(unwrapped.joinedOffset(45) == 45)
        var crossing: [Int] = []
        Decoding.forEachRun(unwrapped.bytes, minimum: 16, crossing: unwrapped.joins) { start, _, _ in
            crossing.append(start)
        }
        // A+B cross the first join, C+D the second; the last join ends the text.
        #expect(crossing == [0, 41])
        #expect(Decoding.unwrapped(Array("no line break".utf8)) == nil)
    }

    @Test("a needle base64-encoded and wrapped at 76 columns is found across the line breaks, named at offset 0")
    func wrappedNeedle() throws {
        var random = SeededRandom(seed: 5)
        let needle = (0..<200).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let wrapped = Data(needle).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        let search = ShareSearch(
            needles: [Needle(serial: Serial(lot: 1, sequence: 1), share: .two, name: "n", bytes: needle)])
        let found = search.scan(Array("log: \(wrapped)\n".utf8), file: "f")
        #expect(found.map(\.offset) == [0])
    }

    @Test(
        "the share search finds a needle in a decoded run, but not one made of the tail of one run and the head of the next"
    )
    func searchDoesNotJoinRuns() throws {
        let needle = Array("split-needle-bytes!!".utf8)
        let head = Array(needle.prefix(10))
        let tail = Array(needle.dropFirst(10))
        // Two base64 runs, one holding the needle's head at its end, the next its tail at its start.
        let first = Data([0x01, 0x02, 0x03] + head).base64EncodedString().filter { $0 != "=" }
        let second = Data(tail + [0x04, 0x05, 0x06]).base64EncodedString().filter { $0 != "=" }
        let whole = Data(needle).base64EncodedString().filter { $0 != "=" }
        let search = ShareSearch(
            needles: [Needle(serial: Serial(lot: 1, sequence: 1), share: .two, name: "n", bytes: needle)])
        #expect(search.scan(Array("\(first) \(second)\n".utf8), file: "f").isEmpty)
        let found = search.scan(Array("xx \(first) \(whole)\n".utf8), file: "f")
        #expect(found.map(\.offset) == [4 + first.count])
    }
}

/// The run finders as they were before the byte-level decoders, with `String` and Foundation.
private enum Reference {
    static func isBase64(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F
            || b == 0x2D || b == 0x5F
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    static func decodedRuns(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        var runs: [(Int, [UInt8])] = []
        var i = 0
        while i < bytes.count {
            guard isBase64(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count && isBase64(bytes[j]) { j += 1 }
            var end = j
            while end < bytes.count && bytes[end] == 0x3D && end - j < 2 { end += 1 }
            let run = Array(bytes[i..<j])
            if run.count >= 16 {
                if run.allSatisfy(isHex), run.count % 2 == 0,
                    let decoded = [UInt8](hexString: String(decoding: run, as: UTF8.self))
                {
                    runs.append((i, decoded))
                }
                var text = String(decoding: run, as: UTF8.self)
                text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                for shift in 0..<4 {
                    let body = String(text.dropFirst(shift))
                    let padded = body + String(repeating: "=", count: (4 - body.count % 4) % 4)
                    if let data = Data(base64Encoded: padded) { runs.append((i, Array(data))) }
                }
            }
            i = max(end, j)
        }
        return runs
    }

    static func primaryRuns(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        var out: [(Int, [UInt8])] = []
        var i = 0
        while i < bytes.count {
            guard isBase64(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count && isBase64(bytes[j]) { j += 1 }
            if j - i >= 24 {
                let run = Array(bytes[i..<j])
                func hex(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
                    [UInt8](hexString: String(decoding: digits, as: UTF8.self))
                }
                func base64(_ characters: ArraySlice<UInt8>) -> [UInt8]? {
                    var text = String(decoding: characters, as: UTF8.self)
                    text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                    let usable =
                        text.count % 4 == 1
                        ? String(text.dropLast()) : text + String(repeating: "=", count: (4 - text.count % 4) % 4)
                    return Data(base64Encoded: usable).map { Array($0) }
                }
                let allHex = run.allSatisfy(isHex)
                if allHex, run.count % 2 == 0, let decoded = hex(run[...]) {
                    out.append((i, decoded))
                } else {
                    if let data = base64(run[...]) { out.append((i, data)) }
                    if allHex {
                        // Odd: without the last digit, and without the first.
                        out.append((i, hex(run.dropLast())!))
                        out.append((i + 1, hex(run.dropFirst())!))
                    }
                }
                // The other alignments, kept when they may hold a container.
                for shift in 1..<min(4, run.count) {
                    if let data = base64(run.dropFirst(shift)), !data.isEmpty,
                        Containers.mayHoldContainer(data[...])
                    {
                        out.append((i + shift, data))
                    }
                }
            }
            i = j
        }
        return out
    }
}

private func * (text: String, count: Int) -> String { String(repeating: text, count: count) }
