import CryptoCore
import Foundation
import TestSupport
import Testing

@testable import Audit

/// Issue 15 item 3: bytes written as separated hex pairs (`openssl ec -text`, `bytes.hex(":")`)
/// or as percent and quoted-printable escapes are decoded (`Decoding+HexPairs.swift`), and
/// ordinary text (hex digests, times, `key=3f`) gives no run.
@Suite("Separated hex pairs and escapes")
struct HexPairsTests {
    static func hex(_ byte: UInt8, upper: Bool = false) -> String {
        String(format: upper ? "%02X" : "%02x", byte)
    }

    /// `openssl ec -text`'s layout: `priv:`, then lines of 15 groups, 4 spaces in, each ending with `:`.
    static func opensslText(_ key: [UInt8]) -> String {
        let lines = stride(from: 0, to: key.count, by: 15).map { start in
            "    " + key[start..<min(key.count, start + 15)].map { hex($0) }.joined(separator: ":")
        }
        return "Private-Key: (256 bit)\npriv:\n" + lines.joined(separator: ":\n") + "\npub:\n    04:\n"
    }

    /// URL encoding as `urllib.parse.quote` does it: letters, digits and `-._~` as they are.
    static func percentEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { b in
            let c = Character(Unicode.Scalar(b))
            return b < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c)) ? String(c) : "%" + hex(b, upper: true)
        }.joined()
    }

    /// Quoted-printable as a mail body carries bytes: `=HH` for every byte outside 33–126 and
    /// `=`, a soft line break (`=` and a line break) before column 76.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        var lines: [String] = []
        var line = ""
        for b in bytes {
            let piece =
                (33...126).contains(b) && b != 0x3D ? String(Character(Unicode.Scalar(b))) : "=" + hex(b, upper: true)
            if line.count + piece.count > 75 {
                lines.append(line + "=")
                line = ""
            }
            line += piece
        }
        return (lines + [line]).joined(separator: "\r\n")
    }

    @Test("openssl ec -text: the key's 32 bytes are one run across its three indented lines")
    func openssl() throws {
        for seed in 1...20 as ClosedRange<UInt64> {
            let key = SeededRandom.bytes(32, seed: seed)
            let text = Array(Self.opensslText(key).utf8)
            let runs = Decoding.hexPairs(text)
            try #require(runs.count == 1, "\(String(decoding: text, as: UTF8.self))")
            #expect(runs[0].1 == key)
            let firstDigit = try #require(text.firstRange(of: Array("priv:\n    ".utf8))).upperBound
            #expect(runs[0].0 == firstDigit)
        }
    }

    @Test("other separators, either case, one value per line: each run gives exactly its bytes")
    func separators() {
        let value = SeededRandom.bytes(24, seed: 99)
        for separator in [":", " ", "-", ", ", "\t"] {
            for upper in [false, true] {
                let line = value.map { Self.hex($0, upper: upper) }.joined(separator: separator)
                let text = Array("value \(line) end\n".utf8)
                let runs = Decoding.hexPairs(text)
                #expect(runs.map(\.1) == [value], "\(separator) \(upper)")
                #expect(runs.first?.0 == 6)
            }
        }
        // Sixteen a line, as `hexdump` without offsets prints them.
        let wrapped = stride(from: 0, to: value.count, by: 16).map {
            value[$0..<min(value.count, $0 + 16)].map { Self.hex($0) }.joined(separator: " ")
        }.joined(separator: "\n")
        #expect(Decoding.hexPairs(Array(wrapped.utf8)).map(\.1) == [value])
    }

    @Test("hex digests, times, dates and short lists give no run")
    func ordinaryText() {
        let digest = SeededRandom.bytes(32, seed: 5).map { Self.hex($0) }.joined()
        let text = """
            2025-11-24T12:00:01.5Z INFO card=0001 digest=\(digest) at 12:00:01 on 24-11-25
            ports 10 20 30 40 50 60 70, mac aa:bb:cc:dd:ee:ff, ab cd ef 0123 45 67 89 ab cd ef
            key=3f value=4a code=%41 done
            """
        #expect(Decoding.hexPairs(Array(text.utf8)).isEmpty)
        #expect(Decoding.escapedRuns(Array(text.utf8)).isEmpty)
    }

    @Test("random bytes give no run of either kind")
    func randomBytes() {
        let bytes = SeededRandom.bytes(4 << 20, seed: 11)
        #expect(Decoding.hexPairs(bytes).isEmpty)
        #expect(Decoding.escapedRuns(bytes).isEmpty)
    }

    @Test("URL encoding: a value's bytes are in one run, the letters an encoder leaves alone included")
    func percent() throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(32, seed: seed)
            let text = Array("GET /kept?v=\(Self.percentEncoded(value))&n=1 HTTP/1.1\r\n".utf8)
            let runs = Decoding.escapedRuns(text)
            try #require(runs.count == 1, "\(String(decoding: text, as: UTF8.self))")
            #expect(runs[0].1.firstRange(of: value) != nil, "\(seed)")
        }
        // A passphrase escaped whole, every byte.
        let passphrase = Array("correct-horse-battery-staple-42".utf8)
        let escaped = passphrase.map { "%" + Self.hex($0) }.joined()
        let runs = Decoding.escapedRuns(Array("p=\(escaped)\n".utf8))
        #expect(runs.count == 1 && runs[0].1.firstRange(of: passphrase) != nil)
    }

    @Test("quoted-printable: a value's bytes are in one run, across soft line breaks")
    func quotedPrintable() throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(48, seed: seed)
            let body = Self.quotedPrintable(value)
            let text = Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n\(body)\r\n".utf8)
            let runs = Decoding.escapedRuns(text)
            #expect(runs.contains { $0.1.firstRange(of: value) != nil }, "\(seed): \(body)")
        }
    }

    @Test("the text decoders name the runs by their offset: pairs@N, escaped@N")
    func named() {
        let key = SeededRandom.bytes(32, seed: 3)
        let openssl = Self.opensslText(key)
        let escaped = Self.percentEncoded(key)
        let text = Array("\(openssl)url /x?k=\(escaped)\n".utf8)
        let derived = Decoding.textDecodings(text)
        let pairs = derived.filter { $0.0.hasPrefix("pairs@") }
        #expect(pairs.map(\.1) == [key])
        #expect(derived.contains { $0.0.hasPrefix("escaped@") && $0.1.firstRange(of: key) != nil })
    }

    /// The decoder as it was before the pair kernel found its starts: every byte looked at.
    /// What the kernel's version must give, on any text.
    static func hexPairsByteByByte(_ b: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let separators: Set<UInt8> = [0x3A, 0x20, 0x2D, 0x2C, 0x09]
        func pair(_ at: Int, _ end: Int) -> UInt8? {
            guard at + 2 <= end, let high = Decoding.hexValue(b[at]), let low = Decoding.hexValue(b[at + 1]),
                at + 2 == end || !Decoding.isHexByte(b[at + 2])
            else { return nil }
            return high << 4 | low
        }
        func blanks(_ from: Int, _ end: Int) -> Int {
            var k = from
            while k < end && (b[k] == 0x20 || b[k] == 0x09) { k += 1 }
            return k
        }
        var out: [(Int, [UInt8])] = []
        for region in regions ?? Decoding.textRegions(b) {
            let end = region.upperBound
            var i = region.lowerBound
            while i + 5 <= end {
                let separator = b[i + 2]
                guard separators.contains(separator), i == region.lowerBound || !Decoding.isHexByte(b[i - 1]),
                    let first = pair(i, end)
                else {
                    i += 1
                    continue
                }
                var values = [first]
                var next = i + 2
                while true {
                    var k = next
                    if k < end && b[k] == separator { k += 1 }
                    k = blanks(k, end)
                    if k < end && (b[k] == 0x0A || b[k] == 0x0D) {
                        if b[k] == 0x0D { k += 1 }
                        if k < end && b[k] == 0x0A { k += 1 }
                        k = blanks(k, end)
                    }
                    guard k > next, let value = pair(k, end) else { break }
                    values.append(value)
                    next = k + 2
                }
                if values.count >= Decoding.pairRunMinimum { out.append((i, values)) }
                i = values.count > 1 ? next : i + 1
            }
        }
        return out
    }

    @Test("the kernel's starts give the runs a byte-by-byte look gives, on text thick with pairs", arguments: 1...8)
    func sameAsByteByByte(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        // Hex digits, every separator, blanks, line breaks and a letter, in runs and alone.
        let alphabet = Array("0123456789abcdefABCDEF::--,,  \t\n\r\nxg".utf8)
        var text: [UInt8] = []
        while text.count < 20_000 {
            if Bool.random(using: &random) {
                let separator = [":", " ", "-", ", ", "\t"][Int.random(in: 0..<5, using: &random)]
                let groups = (0..<Int.random(in: 1...20, using: &random)).map { _ in
                    String(format: "%02x", UInt8.random(in: 0...255, using: &random))
                }
                text += Array((groups.joined(separator: separator) + (Bool.random(using: &random) ? "\n  " : " ")).utf8)
            } else {
                text += (0..<Int.random(in: 1...12, using: &random)).map { _ in alphabet.randomElement(using: &random)!
                }
            }
        }
        let got = Decoding.hexPairs(text)
        let reference = Self.hexPairsByteByByte(text)
        #expect(reference.count > 50)
        #expect(got.map(\.0) == reference.map(\.0))
        #expect(got.map(\.1) == reference.map(\.1))
    }

    /// Text thick with hex pairs (as in ``sameAsByteByByte(seed:)``), `count` bytes.
    static func pairText(_ count: Int, using random: inout SeededRandom) -> [UInt8] {
        let alphabet = Array("0123456789abcdefABCDEF::--,,  \t\n\r\nxg".utf8)
        var text: [UInt8] = []
        while text.count < count {
            if Bool.random(using: &random) {
                let separator = [":", " ", "-", ", ", "\t", ":\n  "][Int.random(in: 0..<6, using: &random)]
                let groups = (0..<Int.random(in: 1...24, using: &random)).map { _ in
                    String(format: "%02x", UInt8.random(in: 0...255, using: &random))
                }
                text += Array(groups.joined(separator: separator).utf8)
                if Bool.random(using: &random) { text += Array(separator.utf8) }
            } else {
                text += (0..<Int.random(in: 1...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            }
        }
        return Array(text.prefix(count))
    }

    @Test(
        "the kernel's starts give the byte-by-byte runs in regions of any size and place, the buffer's ends included",
        arguments: 1...10)
    func regionsOfAnySize(seed: UInt64) {
        var random = SeededRandom(seed: seed &* 0x2545_F491)
        // Binary stretches between the texts, so that the text regions are many, short (under
        // the kernel's 4 KiB fast path) and long, the first at the buffer's start.
        var bytes: [UInt8] = []
        while bytes.count < 60_000 {
            let size = [
                Int.random(in: 1...64, using: &random), Int.random(in: 65...4095, using: &random),
                Int.random(in: 4096...12_000, using: &random),
            ][Int.random(in: 0...2, using: &random)]
            bytes += Self.pairText(size, using: &random)
            bytes += (0..<Int.random(in: 1...300, using: &random)).map { _ in
                UInt8.random(in: 0x80...0xFF, using: &random)
            }
        }
        bytes += Self.pairText(3000, using: &random)
        let got = Decoding.hexPairs(bytes)
        let reference = Self.hexPairsByteByByte(bytes)
        #expect(Decoding.textRegions(bytes).count > 3)
        #expect(reference.count > 20)
        #expect(got.map(\.0) == reference.map(\.0))
        #expect(got.map(\.1) == reference.map(\.1))
        // Regions given, cut anywhere: mid-run, mid-pair, on a separator, 0 to 6 bytes long.
        let text = Self.pairText(40_000, using: &random)
        var cuts = (0..<200).map { _ in Int.random(in: 0...text.count, using: &random) }
        cuts += (0..<100).map { _ in
            min(text.count, cuts.randomElement(using: &random)! + Int.random(in: 0...6, using: &random))
        }
        cuts = Array(Set(cuts + [0, text.count])).sorted()
        let regions = zip(cuts, cuts.dropFirst()).enumerated().filter { $0.offset % 3 != 2 }.map {
            $0.element.0..<$0.element.1
        }
        let inRegions = Decoding.hexPairs(text, regions: regions)
        let referenceInRegions = Self.hexPairsByteByByte(text, regions: regions)
        #expect(referenceInRegions.count > 20)
        #expect(inRegions.map(\.0) == referenceInRegions.map(\.0))
        #expect(inRegions.map(\.1) == referenceInRegions.map(\.1))
    }
}
