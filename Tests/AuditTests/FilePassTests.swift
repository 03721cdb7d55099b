import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

@testable import Audit

/// Issue 15: one read and one pass per file (`ShareSearch.search(folder:layout:workers:deep:)`),
/// a big file's decoding cut into pieces spread over the cores.
@Suite struct FilePass {
    static func needle(_ length: Int = 32, seed: UInt64 = 3, name: String = "n") -> Needle {
        var random = SeededRandom(seed: seed)
        return Needle(
            serial: Serial(lot: 1, sequence: 1), share: .two, name: name,
            bytes: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// Lines of text with no base64 run of 16 or more characters (words of at most 8 letters).
    static func filler(_ count: Int, seed: UInt64 = 11) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var out: [UInt8] = []
        while out.count < count {
            let word = Int(1 + random.next() % 8)
            out += (0..<word).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 26) }
            out.append(random.next() % 7 == 0 ? 0x0A : 0x20)
        }
        return Array(out.prefix(count))
    }

    func search(_ bytes: [UInt8], _ needles: [Needle], piece: Int, workers: Int) throws -> ShareSearch.FolderSearch {
        let folder = try TemporaryFolder(prefix: "file-pass")
        try Data(bytes).write(to: folder.url.appendingPathComponent("f.txt"))
        var search = ShareSearch(needles: needles)
        search.pieceSize = piece
        return search.search(folder: folder.url, layout: CeremonyLayout(root: folder.url), workers: workers)
    }

    @Test(
        "a base64 value across a piece edge is found at its run's offset, whatever the piece size and thread count",
        arguments: [(64, 2), (97, 2), (256, 1), (1 << 20, 2)])
    func runAcrossPieceEdge(piece: Int, workers: Int) throws {
        let needle = Self.needle()
        let encoded = Array(Data(needle.bytes).base64EncodedString().utf8)
        // The run starts 10 bytes before the first piece edge past 1000: it crosses that edge.
        let edge = (1000 / piece + 1) * piece
        let at = edge > 1000 && edge < 4000 ? edge - 10 : 1990
        var bytes = Self.filler(4000)
        bytes[at - 1] = 0x20
        bytes.replaceSubrange(at..<(at + encoded.count), with: encoded)
        bytes[at + encoded.count] = 0x20
        let result = try search(bytes, [needle], piece: piece, workers: workers)
        #expect(result.hits.map(\.offset) == [at], "\(result.hits)")
        #expect(result.hits.map(\.file) == ["f.txt"])
        #expect(result.incomplete.isEmpty && result.skipped.isEmpty)
    }

    @Test("hex inside a base64 run across a piece edge is found in the derived source named for the run")
    func derivedAcrossPieceEdge() throws {
        let needle = Self.needle(24, seed: 4)
        // The needle as hex digits, base64-encoded: only decoding the run, then searching it, finds it.
        let inner = Array(needle.bytes.hex.utf8)
        let encoded = Array(Data(inner).base64EncodedString().utf8)
        let at = 120
        var bytes = Self.filler(600)
        bytes[at - 1] = 0x20
        bytes.replaceSubrange(at..<(at + encoded.count), with: encoded)
        bytes[at + encoded.count] = 0x20
        let result = try search(bytes, [needle], piece: 128, workers: 2)
        #expect(result.hits.isEmpty, "\(result.hits)")
        // The run's bytes hold the hex (decoded again there), and the hex decodes to the needle.
        #expect(
            Set(result.derived.map(\.file)) == ["f.txt!decoded@\(at)", "f.txt!decoded@\(at)!decoded@0"],
            "\(result.derived)")
    }

    @Test(
        "a run decoded from its first character that derives nothing (a leaf) is searched and named as a derived source",
        arguments: [(128, 2), (1 << 20, 1)])
    func leafRunFound(piece: Int, workers: Int) throws {
        let needle = Self.needle(32, seed: 5)
        // 43 characters and 2 more: 45, which no alignment of the plain search decodes from
        // its start (a lone last character), so only the run decoded from its first one holds it.
        let encoded = Array(Data(needle.bytes).base64EncodedString().utf8.prefix(43)) + Array("AA".utf8)
        let decoded = try #require(Decoding.base64Bytes(encoded.dropLast()[...]))
        #expect(Decoding.isLeaf(decoded))
        let at = 300
        var bytes = Self.filler(900)
        bytes[at - 1] = 0x20
        bytes.replaceSubrange(at..<(at + encoded.count), with: encoded)
        bytes[at + encoded.count] = 0x20
        let result = try search(bytes, [needle], piece: piece, workers: workers)
        #expect(result.hits.isEmpty, "\(result.hits)")
        #expect(result.derived.map(\.file) == ["f.txt!decoded@\(at)"], "\(result.derived)")
        #expect(result.derived.map(\.offset) == [0])
    }

    @Test("a leaf is a source with no span of 16, no container's magic, no zlib header and no UTF-16 or UTF-32")
    func leaves() {
        // Control bytes and bytes no UTF-8 holds: no base64, no text, no magic, no zero.
        let foreign: [UInt8] = (0x01...0xFF).filter { b in
            b < 0x09 || (0x0E...0x1F).contains(b) || b == 0x7F || b == 0xC0 || b == 0xC1 || b >= 0xF5
        }
        let plain = (0..<48).map { foreign[$0 % foreign.count] }
        #expect(Decoding.isLeaf(plain))
        var run = plain
        run.replaceSubrange(10..<26, with: repeatElement(UInt8(ascii: "A"), count: 16))
        #expect(!Decoding.isLeaf(run))
        var text = plain
        text.replaceSubrange(10..<26, with: Array("plain words here".utf8))
        #expect(!Decoding.isLeaf(text))
        #expect(!Decoding.isLeaf([0x1F, 0x8B] + plain))
        var zlib = plain
        zlib.replaceSubrange(20..<22, with: [0x78, 0x9C])
        #expect(!Decoding.isLeaf(zlib))
        #expect(!Decoding.isLeaf(Array("SQLite format 3\u{0}".utf8) + plain + plain))
        #expect(!Decoding.isLeaf(Array("a few words, UTF-16".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(!Decoding.isLeaf(Array(repeating: plain, count: Decoding.leafLimit / 48 + 1).flatMap { $0 }))
    }

    @Test("consecutive ranges give every run exactly once, as the whole text does", arguments: [1, 7, 50, 333])
    func rangesGiveEveryRunOnce(piece: Int) {
        let text = ByteDecoding.mixedText(seed: 9)
        var whole: [Int] = []
        Decoding.forEachRun(text, minimum: 16) { start, _, _ in whole.append(start) }
        var pieced: [Int] = []
        for from in stride(from: 0, to: text.count, by: piece) {
            Decoding.forEachRun(text, minimum: 16, in: from..<min(text.count, from + piece)) { start, _, _ in
                pieced.append(start)
            }
        }
        #expect(pieced == whole)
        #expect(whole.count > 100)
        let primary = stride(from: 0, to: text.count, by: piece).flatMap {
            Decoding.primaryRuns(text, in: $0..<min(text.count, $0 + piece))
        }
        #expect(primary.map(\.0) == Decoding.primaryRuns(text).map(\.0))
        #expect(primary.map(\.1) == Decoding.primaryRuns(text).map(\.1))
    }

    @Test("the text decodings on two threads in small pieces are those of one thread, in the same order")
    func textDecodingsInPieces() {
        let text =
            ByteDecoding.mixedText(seed: 5) + Array(#"<a><b><c><d> \x41\x42\x43\x44 1, 2, 3, 4, 5, 6, 7, 8"#.utf8)
        let whole = Decoding.textDecodings(text)
        let pieced = Decoding.textDecodings(text, threads: 2, piece: 100)
        #expect(pieced.map(\.0) == whole.map(\.0))
        #expect(pieced.map(\.1) == whole.map(\.1))
        #expect(
            Set(whole.map(\.0)).isSuperset(of: ["text", "unescaped", "bytes@\(text.count - 22)"]), "\(whole.map(\.0))")
    }

    @Test("the pass on two threads in small pieces finds what one thread finds in one piece")
    func piecesMatchWhole() throws {
        var bytes = ByteDecoding.mixedText(seed: 2)
        let needles = (0..<6).map { Self.needle(24, seed: 20 + UInt64($0), name: "n\($0)") }
        for (index, needle) in needles.enumerated() {
            let forms = [
                Data(needle.bytes).base64EncodedString(), needle.bytes.hex,
                "\"" + needle.bytes.map { String(format: "\\x%02x", $0) }.joined() + "\"",
            ]
            bytes += Array(" \(forms[index % 3]) \n".utf8) + ByteDecoding.mixedText(seed: 30 + UInt64(index))
        }
        let one = try search(bytes, needles, piece: 1 << 20, workers: 1)
        let two = try search(bytes, needles, piece: 200, workers: 2)
        #expect(Set(one.hits) == Set(two.hits))
        #expect(Set(one.derived) == Set(two.derived))
        // Base64 and hex in the file's own decoded runs; the \x escapes in its unescaped text.
        #expect(Set(one.hits.map(\.name)) == ["n0", "n1", "n3", "n4"], "\(one.hits)")
        #expect(Set(one.derived.map(\.name)) == ["n2", "n5"], "\(one.derived)")
        #expect(Set(one.derived.map(\.file)) == ["f.txt!unescaped"], "\(one.derived)")
    }

    @Test(
        "markup text: tags and white space dropped, entities decoded as replacing each in turn did, bad UTF-8 left out"
    )
    func markupEntities() throws {
        let page = Array("<a><b>x &amp;lt; &lt;y&gt; &quot;&apos;&#39; &am</b><c/><d>p; &amp;amp;</d>".utf8) + [0xFF]
        let text = try #require(Decoding.markupText(page))
        // The 0xFF is no text: the page's text region ends before it.
        #expect(String(decoding: text, as: UTF8.self) == "x&lt;<y>\"''&&amp;")
    }

    @Test("escapes: fewer than four give nothing; four or more, the text with them decoded")
    func escapeCount() {
        #expect(Decoding.unescaped(Array(#"a\x41\\x42\u0043\n"#.utf8)) == nil)
        #expect(Decoding.unescaped(Array(#"\x41\x42\u0043\u0044!"#.utf8)) == Array("ABCD!".utf8))
    }
}
