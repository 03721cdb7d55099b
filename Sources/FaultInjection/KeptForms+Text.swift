// Site A's passphrase log kept in other text encodings, spellings and dumps (KeptForm's text forms).
import Foundation

extension Injector {
    /// Writes batch `batch`'s passphrase log as `name` in `site` in the text form `form`:
    /// UTF-16 or UTF-32, EBCDIC, without dashes, in lower or mixed case, as JSON escapes,
    /// quoted-printable, ROT13, backwards, XORed with one byte, or as `od -c` writes it.
    func keepText(_ form: KeptForm, batch: Int, site: URL, name: String) throws {
        func put(_ data: [UInt8]) throws { try write(site, name, Data(data)) }
        let lines = try passphraseLog(batch)
        let text = Array(lines.utf8)
        switch form {
        case .utf16le: try put(Array(lines.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        case .utf16be: try put(Array(lines.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        case .utf32le:
            try put(lines.unicodeScalars.flatMap { s in (0..<4).map { UInt8((s.value >> (8 * $0)) & 0xFF) } })
        case .utf32be:
            try put(
                lines.unicodeScalars.flatMap { s in (0..<4).reversed().map { UInt8((s.value >> (8 * $0)) & 0xFF) } })
        case .withoutDashes: try put(Array(lines.replacingOccurrences(of: "-", with: "").utf8))
        case .lowerCase: try put(Array(lines.lowercased().utf8))
        case .rot13: try put(try tool("tr", ["A-Za-z", "N-ZA-Mn-za-m"], input: text))
        case .xoredText: try put(text.map { $0 ^ 0x2A })
        case .odChars: try put(try tool("od", ["-c"], input: text))
        case .ebcdic:
            try put(
                try python(
                    "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode().encode('cp037'))", input: text
                ))
        case .backwards:
            try put(Array(try passphrases(batch).map { "card \($0.0): \(String($0.1.reversed()))\n" }.joined().utf8))
        case .quotedPrintableText:
            // Each record is two 75-column lines, its passphrase from column 60, so across the first break.
            let rows = try passphrases(batch).map { [$0.0, $0.1] }
            try put(
                try python(
                    """
                    import sys, json, quopri
                    body = "".join((f"card {s} passphrase ".ljust(60, ".") + p).ljust(150, ".")
                                   for s, p in json.load(sys.stdin))
                    sys.stdout.buffer.write(quopri.encodestring(body.encode() + b"\\n"))
                    """, input: Array(try JSONSerialization.data(withJSONObject: rows))))
        case .mixedCase:
            let mixed = try passphrases(batch).map { card in
                var upper = false
                let text = String(
                    card.1.map { c -> Character in
                        guard c.isLetter else { return c }
                        upper.toggle()
                        return Character(upper ? c.lowercased() : c.uppercased())
                    })
                return "card \(card.0) passphrase \(text)\n"
            }
            try put(Array(mixed.joined().utf8))
        case .bare: try put(Array(lines.replacingOccurrences(of: "-", with: "").lowercased().utf8))
        case .jsonEscapes:
            let cards = try passphrases(batch).map { card in
                "\"\(card.0)\":\"" + card.1.utf16.map { String(format: "\\u%04x", $0) }.joined() + "\""
            }
            try put(Array("{\(cards.joined(separator: ","))}\n".utf8))
        default: preconditionFailure("\(form.rawValue) is not a passphrase text form")
        }
    }
}
