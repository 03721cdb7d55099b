import Foundation
import TestSupport
import Testing

@testable import Audit

/// uuencoded lines (`uuencode`, Python's `binascii.b2a_uu`) are decoded in the text regions
/// (`Decoding+UU.swift`), with the `begin`/`end` framing and without it, and ordinary text
/// gives no run.
@Suite("uuencode")
struct UUencodeTests {
    /// `binascii.b2a_uu` of each 45-byte piece of `bytes` in turn: a zero sextet as a
    /// backtick with `backtick`, else as a space (Python's default).
    static func uuLines(_ bytes: [UInt8], backtick: Bool = false) -> String {
        func char(_ v: UInt8) -> Character {
            Character(Unicode.Scalar(v == 0 && backtick ? 0x60 : v + 0x20))
        }
        return stride(from: 0, to: bytes.count, by: 45).map { start in
            let piece = Array(bytes[start..<min(bytes.count, start + 45)])
            var line = String(char(UInt8(piece.count)))
            for k in stride(from: 0, to: piece.count, by: 3) {
                let a = piece[k]
                let b = k + 1 < piece.count ? piece[k + 1] : 0
                let c = k + 2 < piece.count ? piece[k + 2] : 0
                line.append(char(a >> 2))
                line.append(char((a & 3) << 4 | b >> 4))
                line.append(char((b & 0xF) << 2 | c >> 6))
                line.append(char(c & 0x3F))
            }
            return line + "\n"
        }.joined()
    }

    /// `uuencode`'s framing around the lines: `begin 644 name`, a last line of length 0, `end`.
    static func framed(_ bytes: [UInt8]) -> String {
        "begin 644 seeds.bin\n" + uuLines(bytes, backtick: true) + "`\nend\n"
    }

    @Test("Python's b2a_uu output decodes to its input, with either spelling of 0")
    func pythonVectors() {
        let vector = Array(stride(from: 0, to: 240, by: 10).map { UInt8($0) })
        // `binascii.b2a_uu(bytes(range(0, 240, 10)))`, and with `backtick=True`.
        let python = "8  H4'B@R/$906F1N>(*,EJ\"JM+[(TMSF\n"
        let pythonBacktick = "8``H4'B@R/$906F1N>(*,EJ\"JM+[(TMSF\n"
        #expect(Self.uuLines(vector) == python)
        #expect(Self.uuLines(vector, backtick: true) == pythonBacktick)
        for text in [python, pythonBacktick] {
            let runs = Decoding.uuencoded(Array(text.utf8))
            #expect(runs.map(\.0) == [0])
            #expect(runs.map(\.1) == [vector])
        }
    }

    @Test("seeded random values round trip, framed and bare, over one line or many")
    func roundTrips() throws {
        for seed in 1...60 as ClosedRange<UInt64> {
            let count = 8 + Int(seed * 37 % 200)
            let value = SeededRandom.bytes(count, seed: seed)
            let framed = Array(Self.framed(value).utf8)
            let runs = Decoding.uuencoded(framed)
            try #require(runs.count == 1, "\(seed): \(Self.framed(value))")
            #expect(runs[0].1 == value, "\(seed)")
            #expect(runs[0].0 == "begin 644 seeds.bin\n".utf8.count)
            let bare = Array(Self.uuLines(value, backtick: seed % 2 == 0).utf8)
            #expect(Decoding.uuencoded(bare).map(\.1) == [value], "\(seed)")
            // Trailing spaces stripped (an editor, a mail agent): the missing characters read as 0.
            let stripped = Self.uuLines(value).split(separator: "\n").map {
                String($0.reversed().drop { $0 == " " }.reversed())
            }
            #expect(Decoding.uuencoded(Array((stripped.joined(separator: "\r\n") + "\r\n").utf8)).map(\.1) == [value])
        }
    }

    @Test("a run amid other text: lines before and after, and a value after its card's serial")
    func amidText() throws {
        let value = SeededRandom.bytes(24, seed: 7)
        let other = SeededRandom.bytes(24, seed: 8)
        let line = Self.uuLines(value).dropLast()
        let text = """
            notes for batch 1, kept by site b
            \(Self.framed(value))more notes after the block
            0000001-0000: \(line)
            seedb="\(Self.uuLines(other).dropLast())"
            done
            """
        let bytes = Array(text.utf8)
        let runs = Decoding.uuencoded(bytes)
        #expect(runs.map(\.1) == [value, value])
        let afterSerial = try #require(bytes.firstRange(of: Array("0000001-0000: ".utf8))).upperBound
        #expect(runs.last?.0 == afterSerial)
        // The quoted one: its closing quote is no data character, so the line is no data line.
        let quoted = Array("seedb=\(Self.uuLines(other))".utf8)
        #expect(Decoding.uuencoded(quoted).map(\.1) == [other])
    }

    @Test("ordinary text, logs, JSON and digests give no run; random bytes give none")
    func noFalseRuns() throws {
        let words = ["card", "batch", "seal", "mint", "verify", "the", "of", "site", "OK", "INFO", "A", "B"]
        let prose = SeededRandom.prose(words, lines: 4000, seed: 3)
        let digest = SeededRandom.bytes(32, seed: 5).map { String(format: "%02x", $0) }.joined()
        let log = """
            2025-11-24T12:00:01.5Z INFO card=0001 digest=\(digest)
            {"serial":"0000001-0000","passphrase":"E6WA-QDTX-E5VT-9YFQ-D5YB"}
            passphrase: E6WA-QDTX-E5VT-9YFQ-D5YB
            E6WA-QDTX-E5VT-9YFQ-D5YB
            M
            end
            """
        #expect(Decoding.uuencoded(Array((prose + log).utf8)).isEmpty)
        #expect(Decoding.uuencoded(SeededRandom.bytes(4 << 20, seed: 11)).isEmpty)
    }

    @Test("what the runs give is at most three quarters of the text they are read from")
    func bounded() {
        var text: [UInt8] = []
        for seed in 1...50 as ClosedRange<UInt64> {
            text += Array(("line \(seed)\n" + Self.framed(SeededRandom.bytes(Int(seed) * 13, seed: seed))).utf8)
        }
        let decoded = Decoding.uuencoded(text).reduce(0) { $0 + $1.1.count }
        #expect(decoded == (1...50).reduce(0) { $0 + $1 * 13 })
        #expect(decoded * 4 <= text.count * 3)
    }

    @Test("the text decoders name a run by its offset: uu@N")
    func named() {
        let value = SeededRandom.bytes(48, seed: 4)
        let text = Array(("kept\n" + Self.framed(value)).utf8)
        let derived = Decoding.textDecodings(text).filter { $0.0.hasPrefix("uu@") }
        #expect(derived.map(\.0) == ["uu@\("kept\nbegin 644 seeds.bin\n".utf8.count)"])
        #expect(derived.map(\.1) == [value])
    }
}
