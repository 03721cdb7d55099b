import Foundation
import TestSupport
import Testing

@testable import Audit

/// Base85 text (Ascii85, RFC 1924's alphabet, Z85) is decoded in the text regions
/// (`Decoding+Base85.swift`): a value alone, in a bigger blob at any byte offset, after a key,
/// wrapped; and base64, hex, JSON and ordinary text give no run.
@Suite("Base85")
struct Base85Tests {
    /// Each 4 bytes of `bytes` as 5 characters of `alphabet` (a short last group as one more
    /// character than its bytes, as Python's encoders write it without padding); with `zeros`,
    /// a whole group of zero bytes as `z` (Ascii85).
    static func encode(_ bytes: [UInt8], _ alphabet: Decoding.Base85, zeros: Bool = false) -> String {
        let table = alphabet.alphabet
        var out: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 4) {
            let piece = Array(bytes[start..<min(bytes.count, start + 4)])
            let padded = piece + [UInt8](repeating: 0, count: 4 - piece.count)
            let value = padded.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if zeros && piece.count == 4 && value == 0 {
                out.append(0x7A)
                continue
            }
            var digits: [UInt8] = []
            var v = value
            for _ in 0..<5 {
                digits.append(table[Int(v % 85)])
                v /= 85
            }
            out += digits.reversed().prefix(piece.count + 1)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's `base64.a85encode(data, wrapcol=, adobe=)`: `<~ ~>` counted in the lines.
    static func a85encode(_ bytes: [UInt8], wrapcol: Int = 0, adobe: Bool = false) -> String {
        let text = (adobe ? "<~" : "") + encode(bytes, .ascii85, zeros: true)
        guard wrapcol > 0 else { return text + (adobe ? "~>" : "") }
        var lines = stride(from: 0, to: text.count, by: wrapcol).map { start in
            String(text.dropFirst(start).prefix(wrapcol))
        }
        if adobe {
            if lines[lines.count - 1].count + 2 > wrapcol { lines.append("~>") } else { lines[lines.count - 1] += "~>" }
        }
        return lines.joined(separator: "\n")
    }

    @Test("the encoders here write what Python's write")
    func pythonVectors() {
        let v = Array(stride(from: 0, to: 240, by: 10).map { UInt8($0) })
        #expect(Self.a85encode(v) == "!\"'D]-o*nS:g.CIG_1m?TW5B5aO8l+")
        #expect(
            Self.a85encode(v + [0, 0, 0, 0] + Array("xy".utf8), adobe: true)
                == "<~!\"'D]-o*nS:g.CIG_1m?TW5B5aO8l+zG^0~>")
        #expect(Self.encode(v + Array("xy".utf8), .rfc1924) == "016ZyC^9@oP+DYec!G?UpsKXK$kN>AczF")
        #expect(
            Self.a85encode(Array(0..<60), wrapcol: 20, adobe: true)
                == "<~!!*-'\"9eu7#RLhG$k3\n[W&.oNg'GVB\"(`=52*$$\n(B+<_pR,UFcb-n-Vr/1i\nJ-0JP==1c70M3&s#]~>")
        // Z85's own test vector (ZeroMQ RFC 32): 86 4F D2 6F B5 59 F7 5B is "HelloWorld".
        #expect(Self.encode([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B], .z85) == "HelloWorld")
    }

    /// Whether some run of `alphabet` decoded from `text` holds `value`.
    static func found(_ value: [UInt8], in text: String, _ alphabet: Decoding.Base85) -> Bool {
        Decoding.base85Runs(Array(text.utf8)).contains { $0.0 == alphabet.name && $0.2.firstRange(of: value) != nil }
    }

    @Test("a seedb alone, after a key, in JSON and wrapped is found in each alphabet")
    func seedbForms() {
        for seed in 1...40 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(24, seed: seed)
            for alphabet in Decoding.Base85.allCases {
                let text = Self.encode(value, alphabet, zeros: alphabet == .ascii85)
                #expect(Self.found(value, in: "\(text)\n", alphabet), "\(seed) \(alphabet)")
                #expect(Self.found(value, in: "0000001-0000: \(text)\n", alphabet), "\(seed) \(alphabet)")
                // As `json.dumps` writes it: a quote or backslash in the text escaped.
                let json = text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"")
                #expect(Self.found(value, in: "{\"serial\":\"0000001-0000\",\"seedb\":\"\(json)\"}\n", alphabet))
                #expect(Self.found(value, in: "seedb=\(text);next=1\n", alphabet), "\(seed) \(alphabet)")
                // As Python's `json.dumps` writes it by default, with spaces after `:` and `,`.
                #expect(
                    Self.found(value, in: "{\"serial\": \"0000001-0000\", \"seedb\": \"\(json)\"}\n", alphabet),
                    "\(seed) \(alphabet)")
            }
            #expect(Self.found(value, in: Self.a85encode(value, adobe: true), .ascii85), "\(seed)")
            #expect(Self.found(value, in: "k " + Self.a85encode(value, wrapcol: 20, adobe: true) + "\n", .ascii85))
        }
    }

    @Test("a value inside a bigger blob, at any byte offset, with zero groups and line breaks")
    func inBlob() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(24, seed: seed)
            let offset = Int(seed % 7)
            let blob =
                SeededRandom.bytes(offset, seed: seed + 100) + value + [0, 0, 0, 0] + SeededRandom.bytes(37, seed: seed)
            #expect(Self.found(value, in: Self.a85encode(blob, wrapcol: 76), .ascii85), "\(seed)")
            #expect(Self.found(value, in: Self.encode(blob, .rfc1924), .rfc1924), "\(seed)")
            #expect(Self.found(value, in: Self.encode(blob, .z85), .z85), "\(seed)")
            // Decoded from its first character, the whole blob comes back.
            let runs = Decoding.base85Runs(Array(Self.a85encode(blob, wrapcol: 76).utf8))
            #expect(runs.first { $0.0 == "a85" && $0.1 == 0 }?.2 == blob, "\(seed)")
        }
    }

    @Test("base64, hex, JSON of them, prose and logs give no run; random bytes give none")
    func noFalseRuns() {
        var text = ""
        for seed in 1...200 as ClosedRange<UInt64> {
            let bytes = SeededRandom.bytes(48, seed: seed)
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let base64 = Data(bytes).base64EncodedString()
            text += "2025-11-24T12:00:\(seed % 60)Z INFO sha256=\(hex) blob=\(base64) status=ok\n"
            text += "  \"keyid\" : \"\(hex)\",\n  \"payload\" : \"\(base64)\",\n"
            text += "{\"serial\":\"0000001-\(seed)\",\"digest\":\"\(hex)\",\"b64\":\"\(base64)\"}\n"
            text += "the site keeps its signing key and its ledger, nothing else, batch \(seed) sealed.\n"
        }
        text += Data(SeededRandom.bytes(57 * 40, seed: 9)).base64EncodedString(options: .lineLength76Characters)
        #expect(Decoding.base85Runs(Array(text.utf8)).isEmpty)
        #expect(Decoding.base85Runs(SeededRandom.bytes(4 << 20, seed: 11)).isEmpty)
    }

    @Test(
        "what the runs give is bounded: at most 15 decodings of 4 bytes for each 5 characters; a long blob is read whole"
    )
    func bounded() {
        for seed in 1...12 as ClosedRange<UInt64> {
            let blob = SeededRandom.bytes(1000 * Int(seed), seed: seed)
            let text = Array(Self.a85encode(blob, wrapcol: 76).utf8)
            let escapes = zip(text, text.dropFirst()).contains { $0 == 0x5C && ($1 == 0x22 || $1 == 0x5C) }
            let runs = Decoding.base85Runs(text).filter { $0.0 == "a85" }
            // Whole: from each of the first five characters, five more with escapes read, and
            // the first JSON piece's five when two chance `":` or `,"` make the run look like JSON.
            let whole = runs.filter { $0.1 < 5 }
            #expect(whole.count >= (escapes ? 10 : 5) && whole.count <= 15, "\(seed)")
            #expect(runs.first?.2 == blob, "\(seed)")
            #expect(runs.count <= 15 + 5 * text.count / Decoding.base85RunMinimum, "\(seed)")
            #expect(runs.reduce(0) { $0 + $1.2.count } <= 15 * blob.count, "\(seed)")
        }
    }

    @Test("the text decoders name the decodings by alphabet and offset: a85@N")
    func named() {
        let value = SeededRandom.bytes(24, seed: 6)
        let text = Array("kept \(Self.encode(value, .ascii85))\n".utf8)
        let derived = Decoding.textDecodings(text).filter { $0.0.hasPrefix("a85@") }
        #expect(derived.map(\.0) == (5..<10).map { "a85@\($0)" })
        #expect(derived.first?.1 == value)
    }
}
