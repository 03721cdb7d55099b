import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing
import TestSupport
import Testing

/// Cards rendered to PNG (rsvg-convert) and scanned (zbarimg): the QR codes must decode to the exact values.
@Suite struct CardScanTests {
    static let card = CardContent(
        serial: Serial(lot: 263183, sequence: 1), network: .mainnet,
        address: try! Address("1Jscj8ALrYu2y9TD8NrpvDBugPedmbj4Yh"),
        encryptedKey: try! EncryptedKey("6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j"),
        passphrase: SecretBytes(copying: Array("MOLON LABE".utf8)), denomination: "TEST")

    @Test("the front's QR code scans to the address")
    func front() throws {
        #expect(try scan(try CardArt.front(Self.card)) == ["1Jscj8ALrYu2y9TD8NrpvDBugPedmbj4Yh"])
    }

    @Test("the opened back's QR code scans to the encrypted key, and shows the passphrase")
    func revealedBack() throws {
        let svg = try CardArt.back(Self.card, revealed: true)
        #expect(try scan(svg) == ["6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j"])
        #expect(svg.contains("MOLON LABE"))
    }

    @Test("the sealed back shows neither the encrypted key nor the passphrase")
    func sealedBack() throws {
        let svg = try CardArt.back(Self.card, revealed: false)
        #expect(try scan(svg).isEmpty)
        #expect(!svg.contains("MOLON LABE"))
        #expect(!svg.contains("6PgNBNNz"))
    }

    @Test("text is escaped for XML")
    func escaping() throws {
        let card = CardContent(
            serial: Self.card.serial, network: .testnet, address: Self.card.address,
            encryptedKey: Self.card.encryptedKey,
            passphrase: SecretBytes(copying: Array("a<b&\"c".utf8)), denomination: "<&>")
        let svg = try CardArt.back(card, revealed: true) + (try CardArt.front(card))
        #expect(svg.contains("a&lt;b&amp;&quot;c"))
        #expect(svg.contains("&lt;&amp;&gt;"))
    }

    /// Renders an SVG to PNG and returns every QR code zbarimg decodes.
    func scan(_ svg: String) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let svgURL = folder.appendingPathComponent("card.svg")
        let pngURL = folder.appendingPathComponent("card.png")
        try Data(svg.utf8).write(to: svgURL)
        let render = try run("rsvg-convert", ["-w", "1200", "-o", pngURL.path, svgURL.path])
        try #require(render.status == 0, "rsvg-convert failed (make test-deps installs librsvg2-bin): \(render.stderr)")
        let decode = try run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", pngURL.path])
        // zbarimg exits 4 when it finds no symbol.
        try #require(
            decode.status == 0 || decode.status == 4,
            "zbarimg failed (make test-deps installs zbar-tools): \(decode.stderr)")
        return decode.stdout.split(separator: "\n").map(String.init)
    }
}

typealias RunResult = ProcessResult

/// Runs a program found on PATH (or at an absolute path) and waits.
func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
    try ProcessRunner.run(onPath: program, arguments, environment: environment)
}
