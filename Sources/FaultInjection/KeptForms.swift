import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing

/// The forms in which a dishonest site can keep a share so that a plain search misses it:
/// every form and container the deep search decodes (Docs/Audit.md, "Forms and containers").
/// Site A keeps passphrases, site B seedb or encrypted keys, one file per batch.
package enum KeptForm: String, CaseIterable, Sendable {
    // Passphrases in other text encodings and spellings (site A).
    case utf16le, utf16be, utf32le, utf32be
    case withoutDashes = "without-dashes"
    case lowerCase = "lower-case"
    case bare = "lower-case-without-dashes"
    case jsonEscapes = "json-escapes"
    /// Each passphrase with its letters in alternating case (`aBcD-eFgH-...`), dashes kept.
    case mixedCase = "mixed-case"
    /// The passphrases in one quoted-printable paragraph (Python's `quopri`), each cut by a
    /// soft line break (`=` at the 76th column) and otherwise as it is.
    case quotedPrintableText = "quoted-printable-text"
    /// Each passphrase in ROT13 (`tr A-Za-z N-ZA-Mn-za-m`).
    case rot13
    /// Each passphrase written backwards.
    case backwards
    /// The passphrase log in EBCDIC (Python's `cp037`), as a mainframe transfer would leave it.
    case ebcdic
    /// The passphrase log with every byte XORed with one key byte (0x2A).
    case xoredText = "xored-text"
    /// The passphrase log as `od -c` writes it: octal offsets, each character in four columns.
    case odChars = "od-chars"
    // Passphrases in containers (site A).
    case gzip, zlib, xz, bzip2, zstd, zip, tar
    case tarGzip = "tar-gzip"
    case nested
    /// The passphrase log as a raw deflate stream (zlib's `wbits=-15`): no header, no magic.
    case rawDeflate = "raw-deflate"
    case sqliteUTF16 = "sqlite-utf16"
    /// A zlib stream after 300 decoy zlib headers, each followed by a byte no inflate accepts.
    case zlibBehindDecoys = "zlib-behind-decoys"
    /// One line of base64 of a zlib stream, 3 MiB of compressed log lines and then the
    /// passphrases, from 512 KiB before the end of the first 32 MiB of zero bytes: the deep
    /// search's first window of a big file must read on past its 1 MiB of overlap to reach them.
    case acrossWindow = "across-window"
    /// A gzip after three random bytes: its magic is not where a file's magic is read.
    case gzipAtOffset = "gzip-at-offset"
    /// One line of base64 of a gzip after one more base64 character: its groups are off by one.
    case misalignedBase64 = "misaligned-base64"
    // seedb as numbers and other binary-to-text encodings (site B).
    case decimal
    case byteArray = "json-byte-array"
    case spaced = "space-separated"
    case hex0x = "0x-hex"
    case hex0xList = "0x-list"
    case littleEndianHex = "little-endian-hex"
    case reversed
    /// The batch's seedb end to end with each byte's bits in reverse order (bit 0 to bit 7).
    case bitReversed = "bit-reversed"
    /// The batch's seedb end to end, every byte XORed with one key byte (0xA7).
    case xored
    case base32
    case base32Lower = "base32-lower"
    case base58
    case xxd
    case hexdump
    /// Colon-separated hex pairs, 15 to an indented line ending in `:` (`openssl ec -text`).
    case hexPairs = "hex-pairs"
    /// A request log line with the value URL-encoded (`%HH`, letters, digits and `-._~` as they are).
    case urlEncoded = "url-encoded"
    /// A mail body, quoted-printable: `=HH` for bytes outside `!`–`~` and for `=`, soft line breaks.
    case quotedPrintable = "quoted-printable"
    /// JSON lines, each seedb as a latin-1 string (Python's `json.dumps`: `\u00xx`, `\b`, `\f`).
    case latin1JSON = "latin1-json"
    /// Each seedb as a latin-1 string saved as UTF-8 (bytes from 80 up take two, control bytes as they are).
    case latin1Text = "latin1-text"
    /// The batch's seedb end to end, uuencoded (`begin 644 seeds.bin`, lines of 45 bytes, `end`).
    case uuencoded
    /// JSON lines, each seedb in Ascii85 as Python's `base64.a85encode` writes it (a quote or
    /// backslash in it escaped by `json.dumps`).
    case ascii85
    /// The batch's seedb end to end in RFC 1924's base85 (Python's `base64.b85encode`, git's
    /// binary patches), wrapped at 76 characters.
    case base85
    /// The batch's seedb end to end as `od -b` writes it: octal offsets, 3-digit octal bytes.
    case octalDump = "octal-dump"
    /// One byte and then the batch's seedb as plain `od` writes it (6-digit octal 2-byte
    /// words, low byte first on this machine): each value starts in the middle of a word.
    case od
    /// The batch's seedb end to end as `od -c` writes it: most bytes in octal, the rest as
    /// characters and C escapes (`\n`, `\0`), four columns each.
    case seedbOdChars = "seedb-od-chars"
    /// One byte and then the batch's seedb as `od -t u4` writes it: unsigned decimal 4-byte
    /// words, low byte first, each value starting one byte into a word.
    case seedbOdDecimalWords = "seedb-od-u4"
    /// The batch's seedb as `od -t d8` writes it: signed decimal 8-byte words.
    case seedbOdLongWords = "seedb-od-d8"
    case split = "split-across-files"
    case seedbGzip = "seedb-gzip"
    // Encrypted keys (site B).
    case keyUTF16 = "key-utf16"
    case keyBase58 = "key-base58-no-checksum"
    case keySecretBytes = "key-secret-bytes"
    case faceSheet = "face-sheet"
    /// The face sheet between two 64 KiB blocks of random bytes: its markup is a text region
    /// of a binary file (Docs/Audit.md, "Text regions").
    case faceSheetInBinary = "face-sheet-in-binary"
    /// Not a share: a gzip that inflates far beyond the decoders' bound (site A).
    case bomb

    /// The site that keeps it.
    package var party: Party {
        switch self {
        case .utf16le, .utf16be, .utf32le, .utf32be, .withoutDashes, .lowerCase, .bare, .jsonEscapes, .mixedCase,
            .quotedPrintableText, .rot13, .backwards, .ebcdic, .xoredText, .odChars, .gzip, .zlib, .xz, .bzip2, .zstd,
            .zip,
            .tar, .tarGzip, .nested, .rawDeflate, .sqliteUTF16, .zlibBehindDecoys, .acrossWindow, .gzipAtOffset,
            .misalignedBase64, .bomb:
            .siteA
        default: .siteB
        }
    }
}

extension Injector {
    /// Has the form's site keep batch `batch`'s shares in `form`, in a file of its folder
    /// (`kept/batch-NNNN.<form>`, or two files for `split-across-files`).
    package func keep(_ form: KeptForm, batch: Int) throws(CeremonyError) {
        do {
            try write(form, batch: batch)
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw CeremonyError(.failed, "keeping shares as \(form.rawValue): \(error)", underlying: error)
        }
    }

    private func write(_ form: KeptForm, batch: Int) throws {
        let site = layout.site(form.party)
        let name = "kept/\(CeremonyLayout.batchName(batch)).\(form.rawValue)"
        func put(_ data: [UInt8]) throws { try write(site, name, Data(data)) }
        let lines = try passphrases(batch).map { "card \($0.0) passphrase \($0.1)\n" }.joined()
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
        case .gzip, .zlib, .rawDeflate, .xz, .bzip2, .zip, .tar, .tarGzip, .zlibBehindDecoys:
            try put(try python(Self.compressor(form), input: text))
        case .zstd: try put(try tool("zstd", ["-q", "-c"], input: text))
        case .gzipAtOffset: try put([0x4E, 0x07, 0xC3] + (try python(Self.compressor(.gzip), input: text)))
        case .misalignedBase64:
            let gzip = try python(Self.compressor(.gzip), input: text)
            try put(Array(("Q" + Data(gzip).base64EncodedString() + "\n").utf8))
        case .acrossWindow:
            try put(
                try python(
                    """
                    import sys, zlib, random, base64
                    r, c, parts, size = random.Random(15), zlib.compressobj(6), [], 0
                    while size < 3 << 20:
                        chunk = "".join(f"line {r.getrandbits(20):07d} ok {r.getrandbits(32):08x}\\n" for _ in range(4096))
                        parts.append(c.compress(chunk.encode())); size += len(parts[-1])
                    parts += [c.compress(sys.stdin.buffer.read()), c.flush()]
                    out = sys.stdout.buffer
                    out.write(bytes((32 << 20) - (512 << 10) - 1) + b"\\n"); out.write(base64.b64encode(b"".join(parts)) + b"\\n")
                    """, input: text))
        case .nested:
            // A zip in a tar in a gzip, base64 at 76 columns: four steps down.
            let zip = try python(Self.compressor(.zip), input: text)
            let tarred = try python(Self.compressor(.tarGzip), input: zip)
            try put(Array((Data(tarred).base64EncodedString(options: .lineLength76Characters) + "\n").utf8))
        case .sqliteUTF16:
            let url = site.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let rows = try passphrases(batch).map { [$0.0, $0.1] }
            _ = try python(
                """
                import sqlite3, sys, json
                db = sqlite3.connect(sys.argv[1])
                db.execute('pragma encoding = "UTF-16le"')
                db.execute("create table cards (serial text, passphrase text)")
                db.executemany("insert into cards values (?, ?)", json.load(sys.stdin))
                db.commit()
                """, arguments: [url.path], input: Array(try JSONSerialization.data(withJSONObject: rows)))
        case .bomb:
            try put(
                try python("import sys, gzip; sys.stdout.buffer.write(gzip.compress(bytes(64 << 20), 9))", input: []))
        case .decimal, .byteArray, .spaced, .hex0x, .hex0xList, .littleEndianHex, .reversed, .bitReversed, .xored,
            .base32,
            .base32Lower,
            .base58, .xxd, .hexdump, .hexPairs, .urlEncoded, .quotedPrintable, .latin1Text, .uuencoded,
            .ascii85, .base85, .octalDump, .od, .seedbOdChars, .seedbOdDecimalWords, .seedbOdLongWords:
            try put(try seedbForm(form, batch: batch))
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
        case .keyUTF16:
            let keys = try CardFace.readSpool(spoolFaces(batch)).map { "\($0.serial) \($0.encryptedKey.text)\n" }
            try put(Array(keys.joined().utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        case .keyBase58:
            let keys = try CardFace.readSpool(spoolFaces(batch)).map {
                "\($0.serial) \(Base58.encode($0.encryptedKey.bytes))\n"
            }
            try put(Array(keys.joined().utf8))
        case .keySecretBytes:
            try put(try CardFace.readSpool(spoolFaces(batch)).flatMap { Array($0.encryptedKey.bytes[15..<39]) })
        case .faceSheet:
            let sheet = try PrintRun.faceSheet(layout, batch: batch, denomination: "1 BTC")
            try write(site, "kept/\(sheet.lastPathComponent)", try BoundedFile.read(sheet))
        case .faceSheetInBinary:
            let sheet = try PrintRun.faceSheet(layout, batch: batch, denomination: "1 BTC")
            var random = SystemRandomNumberGenerator()
            func noise() -> [UInt8] { (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) } }
            try put(noise() + [0] + Array(try BoundedFile.read(sheet)) + [0] + noise())
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
        default: return []
        }
    }

    /// A Python script that compresses or archives stdin to stdout as `form`.
    private static func compressor(_ form: KeptForm) -> String {
        let body =
            switch form {
            case .gzip: "out = gzip.compress(data)"
            case .zlib: "out = zlib.compress(data)"
            // No header, no check: zlib's wbits=-15.
            case .rawDeflate: "c = zlib.compressobj(9, zlib.DEFLATED, -15)\nout = c.compress(data) + c.flush()"
            case .zlibBehindDecoys: "out = b\"\\x78\\x9c\\xff\" * 300 + zlib.compress(data)"
            case .xz: "out = lzma.compress(data)"
            case .bzip2: "out = bz2.compress(data)"
            case .zip:
                """
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z: z.writestr("notes/cards.txt", data)
                out = buf.getvalue()
                """
            default:
                """
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w:gz" if \(form == .tarGzip ? "True" : "False") else "w") as t:
                    info = tarfile.TarInfo("notes/cards.txt"); info.size = len(data); t.addfile(info, io.BytesIO(data))
                out = buf.getvalue()
                """
            }
        return
            "import sys, io, gzip, zlib, lzma, bz2, zipfile, tarfile\ndata = sys.stdin.buffer.read()\n\(body)\nsys.stdout.buffer.write(out)\n"
    }

    /// Site A's passphrases for a batch: from its open journal, or once sealed from its label spool.
    func passphrases(_ batch: Int) throws -> [(String, String)] {
        let open = (try? journal(batch)) ?? []
        if !open.isEmpty { return open.map { ($0.serial, $0.passphrase) } }
        return try ScratchLabel.readSpool(spoolLabels(batch)).map {
            ($0.serial.description, String(decoding: $0.passphrase.revealedBytes(), as: UTF8.self))
        }
    }

    private func python(_ script: String, arguments: [String] = [], input: [UInt8]) throws -> [UInt8] {
        try tool("python3", ["-c", script] + arguments, input: input)
    }

    /// Runs a tool found on PATH with `input` on its stdin, and returns its stdout.
    private func tool(_ name: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Write on another thread: a tool may fill its stdout pipe before it has read all its input.
        let handle = stdin.fileHandleForWriting
        let data = Data(input)
        let writer = Thread {
            handle.write(data)
            try? handle.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CeremonyError(.failed, "\(name) failed") }
        return Array(output)
    }
}
