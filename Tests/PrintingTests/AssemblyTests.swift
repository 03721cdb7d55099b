import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing
import TestSupport
import Testing

/// `card-print assemble` writes the opened backs only when asked (issue 16, item 7), and
/// `card-print void-sample` marks the audit's sample VOID on the cards and the contact sheet.
@Suite(.serialized) struct Assembly {
    func copy() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "assembly")
        try FileManager.default.removeItem(at: folder.url)
        try FileManager.default.copyItem(at: try SpoolRefusal.made.get().url, to: folder.url)
        return folder
    }

    func cardPrint(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(built: "card-print", arguments).withoutMemoryLockWarning
    }

    func names(_ folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("cards").path).sorted()
    }

    func sheet(_ folder: TemporaryFolder) throws -> String {
        try String(contentsOf: folder.url.appendingPathComponent("cards/index.html"), encoding: .utf8)
    }

    @Test("by default assemble writes no opened back; --reveal-backs writes them; a later default run destroys them")
    func revealedBacksOnlyOnRequest() throws {
        let folder = try copy()
        let path = folder.url.path
        try #require(try cardPrint("assemble", "--ceremony", path).status == 0)
        let sealed = [
            "0000001-0000.back.svg", "0000001-0000.front.svg", "0000002-0000.back.svg", "0000002-0000.front.svg",
            "index.html", "verify.html",
        ]
        #expect(try names(folder) == sealed)
        #expect(try sheet(folder).contains("no opened back was written"))

        let revealed = try cardPrint("assemble", "--ceremony", path, "--reveal-backs")
        try #require(revealed.status == 0, "\(revealed.stderr)")
        #expect(
            try names(folder)
                == (sealed + ["0000001-0000.back-revealed.svg", "0000002-0000.back-revealed.svg"]).sorted())
        let layout = CeremonyLayout(root: folder.url)
        let label = try #require(try ScratchLabel.readSpool(layout.labels(1)).first)
        let opened = try String(
            contentsOf: layout.cards.appendingPathComponent("0000001-0000.back-revealed.svg"), encoding: .utf8)
        #expect(opened.contains(">\(String(decoding: label.passphrase.revealedBytes(), as: UTF8.self))</text>"))
        #expect(opened.contains(try CardFace.readSpool(layout.faces(1))[0].encryptedKey.text.prefix(20)))
        #expect(try sheet(folder).contains("the opened backs (a mock demonstration) are in SERIAL.back-revealed.svg"))

        try #require(try cardPrint("assemble", "--ceremony", path).status == 0)
        #expect(try names(folder) == sealed)
    }

    @Test("void-sample stamps VOID on the audit's sampled cards and marks them on the contact sheet, once")
    func voidSample() throws {
        let folder = try copy()
        let path = folder.url.path
        try #require(try cardPrint("assemble", "--ceremony", path).status == 0)
        let audit = folder.url.appendingPathComponent("audit")
        try FileManager.default.createDirectory(at: audit, withIntermediateDirectories: true)
        try Data(#"{"sample": ["0000002-0000"], "verdict": "pass"}"#.utf8).write(
            to: audit.appendingPathComponent("report.json"))
        let result = try cardPrint("void-sample", "--ceremony", path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "voided 1 sampled card(s) in cards/: 0000002-0000\n")
        let cards = folder.url.appendingPathComponent("cards")
        let read = { (name: String) in try String(contentsOf: cards.appendingPathComponent(name), encoding: .utf8) }
        #expect(try read("0000002-0000.front.svg").contains(">VOID</text>"))
        #expect(try read("0000002-0000.back.svg").contains(">VOID</text>"))
        #expect(try !read("0000001-0000.front.svg").contains(">VOID</text>"))
        let sheet = try sheet(folder)
        #expect(sheet.contains("<figure class=\"void\"><img src=\"0000002-0000.front.svg\""))
        #expect(sheet.contains("<figcaption>0000002-0000 · VOID · audit sample (opened)</figcaption>"))
        #expect(sheet.contains("<figure><img src=\"0000001-0000.front.svg\""))
        #expect(sheet.contains("1 cards of the audit's sample were opened and are VOID"))
        // Run twice, a card is stamped once.
        try #require(try cardPrint("void-sample", "--ceremony", path).status == 0)
        #expect(try read("0000002-0000.front.svg").components(separatedBy: ">VOID</text>").count == 2)
    }

    @Test("void-sample refuses in one line a report that is missing, is not a report, or names a card not assembled")
    func voidSampleRefusals() throws {
        let folder = try copy()
        let path = folder.url.path
        try #require(try cardPrint("assemble", "--ceremony", path).status == 0)
        let report = folder.url.appendingPathComponent("audit/report.json")
        let missing = try cardPrint("void-sample", "--ceremony", path)
        #expect(missing.status == 1)
        #expect(missing.stderr == "card-print: audit/report.json: missing\n")
        try FileManager.default.createDirectory(
            at: report.deletingLastPathComponent(), withIntermediateDirectories: true)

        try Data(#"{"verdict": "pass"}"#.utf8).write(to: report)
        let notAReport = try cardPrint("void-sample", "--ceremony", path)
        #expect(notAReport.status == 1)
        #expect(notAReport.stderr == "card-print: audit/report.json: not an audit report (no list of sampled cards)\n")

        try Data(#"{"sample": ["0000009-0000"]}"#.utf8).write(to: report)
        let unknown = try cardPrint("void-sample", "--ceremony", path)
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "card-print: audit/report.json: card 0000009-0000: is in the sample but was not assembled\n")
        #expect(try !sheet(folder).contains("VOID"))
    }
}
