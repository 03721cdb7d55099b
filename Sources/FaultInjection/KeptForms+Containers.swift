// Site A's passphrase log kept compressed, archived, in SQLite or behind decoys, and the bomb (KeptForm's containers).
import Foundation

extension Injector {
    /// Writes batch `batch`'s passphrase log as `name` in `site` in the container `form`:
    /// compressed (gzip, zlib, raw deflate, xz, bzip2, zstd), archived (zip, tar, tar.gz, all
    /// three nested in base64), in a UTF-16 SQLite database, behind decoy headers, at an
    /// offset, misaligned in base64, or past the deep search's first window; or, for `bomb`,
    /// a gzip that inflates far beyond the decoders' bound.
    func keepContained(_ form: KeptForm, batch: Int, site: URL, name: String) throws {
        func put(_ data: [UInt8]) throws { try write(site, name, Data(data)) }
        let text = Array(try passphraseLog(batch).utf8)
        switch form {
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
        default: preconditionFailure("\(form.rawValue) is not a container form")
        }
    }

    /// A Python script that compresses or archives stdin to stdout as `form`.
    static func compressor(_ form: KeptForm) -> String {
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
}
