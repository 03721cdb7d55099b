import CryptoCore
import Foundation
import TestSupport
import Testing

@testable import Audit

/// Issue 15 item 7: the text decoders read only what reads as text, and the lines are joined
/// only where a line break cuts base64, so random bytes cost a pass and no copy; text inside
/// binary is decoded still, and the joined runs are those of the whole text joined.
@Suite("Text regions and wrapped lines")
struct TextRegionTests {
    @Test("a text file is one region, UTF-8 included; a malformed sequence, a control byte or a short run is not text")
    func regions() {
        let text = Array("Card 1/2: pass-phrase, héllo wörld €, 𝄞\tend\r\n".utf8)
        #expect(Decoding.textRegions(text) == [0..<text.count])
        let a = Array(repeating: UInt8(ascii: "a"), count: 20)
        let b = Array(repeating: UInt8(ascii: "b"), count: 20)
        // Overlong '/', a UTF-16 surrogate, past U+10FFFF, a lone continuation, NUL, DEL, a cut sequence.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0x00], [0x7F]] {
            let bytes = a + bad + b
            #expect(
                Decoding.textRegions(bytes) == [0..<20, (20 + bad.count)..<bytes.count], "\(bad)")
        }
        #expect(Decoding.textRegions(a + [0xE2, 0x82]) == [0..<20])
        // 15 text bytes between two NULs: below the minimum.
        #expect(Decoding.textRegions([0] + a.prefix(15) + [0]) == [])
        #expect(Decoding.textRegions([0] + a.prefix(16) + [0]) == [1..<17])
    }

    @Test("random bytes: almost nothing is text, and the text decoders and the line join copy almost nothing")
    func randomBytesCostNoCopy() {
        let bytes = SeededRandom.bytes(4 << 20, seed: 7)
        let covered = Decoding.textRegions(bytes).reduce(0) { $0 + $1.count }
        #expect(covered < bytes.count / 1000, "\(covered) bytes of text regions")
        let derived = Decoding.textDecodings(bytes).reduce(0) { $0 + $1.1.count }
        #expect(derived < bytes.count / 100, "\(derived) bytes derived")
        #expect((Decoding.unwrapped(bytes)?.bytes.count ?? 0) < bytes.count / 100)
    }

    @Test("markup, escapes and a byte list inside random bytes are decoded, the byte list at its own offset")
    func textInsideBinary() throws {
        let one = Array("pass-word-one-1234".utf8)
        let two = Array("SECRET-TWO".utf8)
        let three: [UInt8] = [7, 250, 3, 99, 0, 128, 64, 1, 2]
        // The first value printed over four <text> elements, as a face sheet prints a key.
        let svg = Array(
            "<svg><text>pass-</text>\n<text>word-</text><text>one-</text>\n  <text>1234</text></svg>".utf8)
        let escaped = Array(("\"" + two.map { String(format: "\\x%02x", $0) }.joined() + "\"").utf8)
        let list = Array(("[" + three.map(String.init).joined(separator: ", ") + "]").utf8)
        var bytes = SeededRandom.bytes(65_536, seed: 1) + [0] + svg + [0] + SeededRandom.bytes(65_536, seed: 2) + [0]
        bytes += escaped + [0] + SeededRandom.bytes(65_536, seed: 3) + [0]
        let listAt = bytes.count + 1
        bytes += list + [0] + SeededRandom.bytes(65_536, seed: 4)

        let derived = Decoding.textDecodings(bytes)
        let text = try #require(derived.first { $0.0 == "text" }?.1)
        #expect(text.firstRange(of: one) != nil)
        let unescaped = try #require(derived.first { $0.0 == "unescaped" }?.1)
        #expect(unescaped.firstRange(of: two) != nil)
        #expect(derived.contains { $0.0 == "bytes@\(listAt)" && $0.1 == three }, "\(derived.map(\.0))")
    }

    /// The joined text as the search first built it: every line break taken out of the whole text.
    static func wholeJoin(_ bytes: [UInt8]) -> (bytes: [UInt8], joins: [Int]) {
        var joined: [UInt8] = []
        var joins: [Int] = []
        for b in bytes {
            if b == 0x0A || b == 0x0D {
                if joins.last != joined.count { joins.append(joined.count) }
            } else {
                joined.append(b)
            }
        }
        return (joined, joins)
    }

    @Test(
        "the runs that line breaks cut, from the wrapped stretches alone, are those of the whole text joined, at the same offsets",
        arguments: [1, 2, 3, 4] as [UInt64])
    func wrappedStretchesMatchWholeJoin(_ seed: UInt64) throws {
        var bytes = ByteDecoding.mixedText(seed: seed)
        // MIME-wrapped base64 and hexdump -p lines between the mixed text.
        let block = SeededRandom.bytes(300, seed: seed + 10)
        bytes += [0x20] + Array(Data(block).base64EncodedString(options: [.lineLength64Characters]).utf8) + [0x20]
        bytes += ByteDecoding.mixedText(seed: seed + 20)
        let hex = block.hex
        bytes += [0x20]
        bytes += Array(
            stride(from: 0, to: hex.count, by: 60).map { start -> String in
                let from = hex.index(hex.startIndex, offsetBy: start)
                return String(hex[from..<(hex.index(from, offsetBy: min(60, hex.count - start)))])
            }.joined(separator: "\r\n").utf8)

        let whole = Self.wholeJoin(bytes)
        let expected = Decoding.primaryRuns(whole.bytes, crossing: whole.joins)
            .filter { $0.1.count >= 48 }.map { ("unwrapped@\($0.0)", $0.1) }
        let derived = Decoding.textDecodings(bytes).filter { $0.0.hasPrefix("unwrapped@") }
        #expect(derived.map(\.0) == expected.map(\.0))
        #expect(derived.map(\.1) == expected.map(\.1))
        // The wrapped base64 and the wrapped hex each decode to the whole block.
        #expect(derived.filter { $0.1 == block }.count == 2, "\(derived.map(\.0))")

        // The batch's runs across joins (every alignment) are the same bytes as the whole join's.
        var mine = DecodedBatch()
        let joined = try #require(Decoding.unwrapped(bytes))
        Decoding.decodeRuns(joined.bytes, into: &mine, offset: 0, crossing: joined.joins)
        var theirs = DecodedBatch()
        Decoding.decodeRuns(whole.bytes, into: &theirs, offset: 0, crossing: whole.joins)
        #expect(mine.runs.map(\.1) == theirs.runs.map(\.1))
        #expect(mine.runs.count > 4)
        #expect(joined.bytes.count < whole.bytes.count)
    }
}
