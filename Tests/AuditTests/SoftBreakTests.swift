import Foundation
import TestSupport
import Testing

@testable import Audit

/// Quoted-printable text with few escapes is joined at its soft line breaks
/// (`Decoding+SoftBreaks.swift`), so a value a break cuts is whole again; text with no line
/// ending in `=` gives nothing.
@Suite("Soft line breaks")
struct SoftBreakTests {
    /// `text` as Python's `quopri.encodestring` writes it for printable ASCII without `=`:
    /// lines of 75 characters and a soft break, the last line as it is.
    static func quopri(_ text: String, crlf: Bool = false) -> String {
        let chars = Array(text)
        var lines: [String] = []
        var start = 0
        while chars.count - start > 76 {
            lines.append(String(chars[start..<(start + 75)]) + "=")
            start += 75
        }
        lines.append(String(chars[start...]))
        return lines.joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
    }

    @Test("the encoder here writes what Python's quopri writes")
    func pythonVector() {
        // `quopri.encodestring(("card 1 passphrase ".ljust(60, ".") + "ABCD-EFGH-JKMN-PQRS-TVWX").ljust(150, ".").encode())`
        let body = ("card 1 passphrase " + String(repeating: ".", count: 42) + "ABCD-EFGH-JKMN-PQRS-TVWX")
        let text = body + String(repeating: ".", count: 150 - body.count)
        #expect(
            Self.quopri(text)
                == "card 1 passphrase ..........................................ABCD-EFGH-JKMN-=\n"
                + "PQRS-TVWX..................................................................\n")
    }

    @Test("a value cut by soft breaks is whole in the joined stretch, with LF or CRLF, and =HH decoded")
    func joined() {
        for seed in 1...30 as ClosedRange<UInt64> {
            var random = SeededRandom(seed: seed)
            let alphabet = Array("ABCDEFGHJKMNPQRSTVWXYZ0123456789")
            let passphrase = (0..<4).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &random)! }) }
                .joined(separator: "-")
            let lead = Int.random(in: 0..<200, using: &random)
            let text =
                "note " + String(repeating: "x", count: lead) + " " + passphrase + " tail"
                + String(repeating: " y", count: 60)
            for crlf in [false, true] {
                let encoded = Array(("Subject: cards\n\n" + Self.quopri(text, crlf: crlf)).utf8)
                let stretches = Decoding.softBrokenLines(encoded)
                #expect(stretches.count == 1, "\(seed)")
                #expect(stretches.first?.1 == Array(text.utf8), "\(seed) \(crlf)")
                #expect(stretches.first?.0 == 16)
            }
        }
        let escaped = Array("k=3Dv =C3=A9t=\nvalue=\nend\n".utf8)
        #expect(Decoding.softBrokenLines(escaped).map(\.1) == [Array("k=v \u{e9}tvalueend".utf8)])
    }

    @Test("text without soft breaks, long lines ending in =, and base64 give at most short stretches")
    func noFalseStretches() {
        var text = ""
        for seed in 1...100 as ClosedRange<UInt64> {
            text += "2025-11-24T12:00:\(seed % 60)Z INFO batch \(seed) sealed, status ok\n"
        }
        #expect(Decoding.softBrokenLines(Array(text.utf8)).isEmpty)
        // A line of more than 76 bytes ending in `=` is no soft break.
        let long = String(repeating: "a", count: 90) + "=\nnext\n"
        #expect(Decoding.softBrokenLines(Array(long.utf8)).isEmpty)
        // MIME base64: only its last line may end in `=`, and that stretch is two lines.
        let base64 = Data(SeededRandom.bytes(57 * 20 + 10, seed: 4)).base64EncodedString(
            options: .lineLength76Characters)
        let stretches = Decoding.softBrokenLines(Array((base64 + "\r\nafter\r\n").utf8))
        #expect(stretches.count <= 1)
        #expect(stretches.allSatisfy { $0.1.count <= 76 + 8 })
    }

    @Test("the text decoders name the stretch by the offset of its first line: qp@N")
    func named() {
        let text = Array(("head\n" + Self.quopri(String(repeating: "abc-", count: 40))).utf8)
        let derived = Decoding.textDecodings(text).filter { $0.0.hasPrefix("qp@") }
        #expect(derived.map(\.0) == ["qp@5"])
        #expect(derived.first?.1 == Array(String(repeating: "abc-", count: 40).utf8))
    }
}
