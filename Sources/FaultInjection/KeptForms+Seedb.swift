// Site B's seedb kept as numbers, binary-to-text encodings, dumps, gzip or split across files (KeptForm's seedb forms).
import BIP38
import CryptoCore
import Foundation

extension Injector {
    /// Writes batch `batch`'s seedb as `name` in `site` in the form `form`, or for
    /// `split-across-files` as two files a card (`kept/seedb-SERIAL.1` and `.2`), for
    /// `split-across-folders` as two files a card in two folders.
    func keepSeedb(_ form: KeptForm, batch: Int, site: URL, name: String) throws {
        func put(_ data: [UInt8]) throws { try write(site, name, Data(data)) }
        switch form {
        case .seedbGzip:
            try put(try python(Self.compressor(.gzip), input: try seeds(batch).flatMap { $0.1.revealedBytes() }))
        case .latin1JSON:
            let rows = try seeds(batch).map { [$0.0.description, $0.1.revealedHex()] }
            try put(
                try python(
                    """
                    import sys, json
                    for serial, seedb in json.load(sys.stdin):
                        line = json.dumps({"serial": serial, "seedb": bytes.fromhex(seedb).decode("latin-1")})
                        sys.stdout.write(line + "\\n")
                    """, input: Array(try JSONSerialization.data(withJSONObject: rows))))
        case .split:
            for (serial, seedb) in try seeds(batch) {
                let hex = seedb.revealedHex()
                let cut = hex.index(hex.startIndex, offsetBy: 20)
                try write(site, "kept/seedb-\(serial).1", Data("notes \(hex[..<cut])".utf8))
                try write(site, "kept/seedb-\(serial).2", Data("\(hex[cut...]) end\n".utf8))
            }
        case .splitAcrossFolders:
            for (serial, seedb) in try seeds(batch) {
                let hex = seedb.revealedHex()
                let cut = hex.index(hex.startIndex, offsetBy: 28)
                try write(site, "kept/notes/\(serial).txt", Data("notes \(hex[..<cut])".utf8))
                try write(site, "kept/spool/\(serial).txt", Data("\(hex[cut...]) end\n".utf8))
            }
        default: try put(try seedbForm(form, batch: batch))
        }
    }

    /// Batch `batch`'s seedb, one card a line (or a file of them), in `form`.
    private func seedbForm(_ form: KeptForm, batch: Int) throws -> [UInt8] {
        let seeds = try seeds(batch).map { ($0.0.description, $0.1.revealedBytes()) }
        func lines(_ body: ([UInt8]) -> String) -> [UInt8] {
            Array(seeds.map { "\($0.0): \(body($0.1))\n" }.joined().utf8)
        }
        switch form {
        case .decimal: return lines { $0.map(String.init).joined(separator: ", ") }
        case .spaced: return lines { $0.map(String.init).joined(separator: " ") }
        case .byteArray:
            let object = Dictionary(uniqueKeysWithValues: seeds.map { ($0.0, $0.1.map(Int.init)) })
            return Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
        case .hex0x: return lines { "0x" + $0.hex }
        case .hex0xList: return lines { $0.map { String(format: "0x%02X", $0) }.joined(separator: ",") }
        case .littleEndianHex: return lines { Array($0.reversed()).hex }
        case .reversed: return seeds.flatMap { $0.1.reversed() }
        case .xored: return seeds.flatMap { $0.1.map { $0 ^ 0xA7 } }
        case .bitReversed:
            return seeds.flatMap { $0.1.map { byte in (0..<8).reduce(UInt8(0)) { $0 | (byte >> $1 & 1) << (7 - $1) } } }
        case .base32, .base32Lower:
            // After two bytes of other data, so the value does not start on a 5-byte boundary.
            let encoded = try python(
                "import sys, base64; sys.stdout.buffer.write(base64.b32encode(sys.stdin.buffer.read()))",
                input: [0x01, 0x02] + seeds.flatMap(\.1))
            return form == .base32 ? encoded : Array(String(decoding: encoded, as: UTF8.self).lowercased().utf8)
        case .base58: return lines { Base58.encode($0) }
        case .xxd: return try tool("xxd", [], input: seeds.flatMap(\.1))
        case .hexdump: return try tool("hexdump", ["-C"], input: [0x00, 0x01, 0x02] + seeds.flatMap(\.1))
        case .hexPairs:
            return lines { seedb in
                "priv:\n"
                    + stride(from: 0, to: seedb.count, by: 15).map { start in
                        "    "
                            + seedb[start..<min(seedb.count, start + 15)].map { String(format: "%02x", $0) }
                            .joined(separator: ":")
                    }.joined(separator: ":\n")
            }
        case .urlEncoded:
            return lines { seedb in
                "GET /kept?seedb="
                    + seedb.map { b in
                        let unreserved =
                            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                            || [0x2D, 0x2E, 0x5F, 0x7E].contains(b)
                        return unreserved ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
                    }.joined() + " HTTP/1.1"
            }
        case .latin1Text:
            return lines { seedb in String(String.UnicodeScalarView(seedb.map { Unicode.Scalar($0) })) }
        case .quotedPrintable:
            // One body for all the batch's seeds, wrapped at 76 columns as a mail agent wraps it.
            var body = ""
            var column = 0
            for b in seeds.flatMap(\.1) {
                let piece =
                    (0x21...0x7E).contains(b) && b != 0x3D ? String(UnicodeScalar(b)) : String(format: "=%02X", b)
                if column + piece.count > 75 {
                    body += "=\r\n"
                    column = 0
                }
                body += piece
                column += piece.count
            }
            return Array(
                "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\(body)\r\n"
                    .utf8)
        case .uuencoded:
            // As GNU uuencode writes it: a backtick for 0, 45 bytes a line, a last line of length 0.
            return try python(
                """
                import sys, binascii
                data, out = sys.stdin.buffer.read(), sys.stdout.buffer
                out.write(b"begin 644 seeds.bin\\n")
                for i in range(0, len(data), 45): out.write(binascii.b2a_uu(data[i:i + 45], backtick=True))
                out.write(b"`\\nend\\n")
                """, input: seeds.flatMap(\.1))
        case .ascii85:
            let rows = seeds.map { [$0.0, $0.1.hex] }
            return try python(
                """
                import sys, json, base64
                for serial, seedb in json.load(sys.stdin):
                    line = json.dumps({"serial": serial, "seedb": base64.a85encode(bytes.fromhex(seedb)).decode()})
                    sys.stdout.write(line + "\\n")
                """, input: Array(try JSONSerialization.data(withJSONObject: rows)))
        case .base85:
            return try python(
                """
                import sys, base64, textwrap
                text = base64.b85encode(sys.stdin.buffer.read()).decode()
                sys.stdout.write("\\n".join(textwrap.wrap(text, 76)) + "\\n")
                """, input: seeds.flatMap(\.1))
        case .octalDump: return try tool("od", ["-b"], input: seeds.flatMap(\.1))
        case .od: return try tool("od", [], input: [0x01] + seeds.flatMap(\.1))
        case .seedbOdChars: return try tool("od", ["-c"], input: seeds.flatMap(\.1))
        case .seedbOdDecimalWords: return try tool("od", ["-t", "u4"], input: [0x01] + seeds.flatMap(\.1))
        case .seedbOdLongWords: return try tool("od", ["-t", "d8"], input: seeds.flatMap(\.1))
        default: preconditionFailure("\(form.rawValue) is not a seedb form")
        }
    }
}
