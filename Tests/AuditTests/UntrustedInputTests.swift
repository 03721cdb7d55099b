import Audit
import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

/// Text from files and file names reaches stdout, report.md and report.json
/// escaped (issue 13, item 5).
@Suite struct UntrustedTextIsEscaped {
    func audit(_ folder: Folder) throws -> (status: Int32, stdout: String, markdown: String, json: Data) {
        let result = try ProcessRunner.run(
            built: "ceremony-audit", [folder.url.path, "--sample", "0", "--no-countersign"])
        let markdown = try String(contentsOf: folder.layout.audit.appendingPathComponent("report.md"), encoding: .utf8)
        let json = try Data(contentsOf: folder.layout.audit.appendingPathComponent("report.json"))
        return (result.status, result.stdout, markdown, json)
    }

    /// The lines of `text` that state a verdict, on stdout (`audit PASS: ...`) or in report.md (`# Ceremony audit: PASS`).
    func verdicts(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return line.hasPrefix("audit PASS") || line.hasPrefix("audit FAIL") || line.hasPrefix("# Ceremony audit:")
        }
    }

    /// Whether `text` holds a control, format or line-separator character other than the newline.
    func holdsRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            $0 != "\n"
                && [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
        }
    }

    @Test("an honest audit prints one verdict line, and escaping leaves its text as it was")
    func honest() throws {
        let folder = try Folder(copying: Honest.folder)
        let run = try audit(folder)
        #expect(run.status == 0, "\(run.stdout)")
        #expect(verdicts(run.stdout).count == 1 && verdicts(run.stdout)[0].hasPrefix("audit PASS: ceremony "))
        #expect(verdicts(run.markdown) == ["# Ceremony audit: PASS"])
        #expect(!holdsRawControl(run.stdout) && !holdsRawControl(run.markdown))
        // Plain text goes through unchanged, and escaped text is not escaped twice.
        for text in [run.stdout, run.markdown] {
            #expect(quoted(text, limit: .max) == text.replacing("\n", with: "\\n"))
        }
        #expect(quoted(quoted("a\u{1B}b\n", limit: .max), limit: .max) == "a\\u{1B}b\\n")
    }

    @Test(
        "a file name with terminal escapes and a payloadType with \"\\naudit PASS\\n\" add no verdict line to a failing audit"
    )
    func hostileNames() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.escapesInFileName, batch: 1)
        // And a hidden name that would clear the screen and print a verdict of its own.
        let hidden = ".\u{1B}[2J\u{1B}[H\u{9B}1A\naudit PASS\n"
        try Data("x".utf8).write(to: folder.layout.transfer.appendingPathComponent(hidden))
        let run = try audit(folder)
        #expect(run.status == 3)
        #expect(verdicts(run.stdout).count == 1, "\(run.stdout)")
        #expect(verdicts(run.stdout).first?.hasPrefix("audit FAIL: ceremony ") == true)
        #expect(verdicts(run.markdown) == ["# Ceremony audit: FAIL"], "\(run.markdown)")
        for (name, text) in [("stdout", run.stdout), ("report.md", run.markdown)] {
            #expect(!text.utf8.contains(0x1B), "a raw ESC reached \(name)")
            #expect(!holdsRawControl(text), "a raw control character reached \(name)")
            #expect(text.contains("\\u{1B}[2K\\r\\naudit PASS: ceremony "), "\(name) shows the escaped name")
            #expect(text.contains("unknown payloadType \\naudit PASS\\n"), "\(name) shows the escaped payloadType")
        }
        // report.json holds the same escaped text as a JSON string (no \u001b, no raw ESC).
        #expect(!run.json.contains(0x1B))
        let report = try #require(try JSONSerialization.jsonObject(with: run.json) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let files = findings.compactMap { $0["file"] as? String }
        #expect(
            files.contains { $0.hasPrefix("transfer/batch-0001.note\\u{1B}[2K\\r\\naudit PASS: ceremony ") }, "\(files)"
        )
        #expect(files.contains("transfer/" + quoted(hidden, limit: .max)), "\(files)")
        #expect(quoted(hidden, limit: .max).hasPrefix(".\\u{1B}[2J\\u{1B}[H\\u{"))
        for finding in findings {
            for case let text as String in finding.values { #expect(!holdsRawControl(text), "\(finding)") }
        }
        // The hidden file is a T1 finding (and, as an unexplained record, a K3 one).
        let hiddenChecks = findings.filter { ($0["file"] as? String)?.hasPrefix("transfer/.") == true }
            .compactMap { $0["check"] as? String }
        #expect(Set(hiddenChecks) == ["T1.signatures", "K3.default-deny"])
    }

    @Test("a finding keeps its file, card and message escaped, once, and cuts a flood of text")
    func findingEscapes() {
        let finding = Finding(
            .signatures, .high, "bad\n\u{202E}type", serial: "1\r2", file: "transfer/a\u{1B}[31m.json")
        #expect(finding.message == "bad\\n\\u{202E}type")
        #expect(finding.serial == "1\\r2")
        #expect(finding.file == "transfer/a\\u{1B}[31m.json")
        #expect(AuditReport.shown(finding.file!) == finding.file)
        #expect(Finding(.signatures, .high, String(repeating: "x", count: 10_000)).message.count < 2100)
    }
}

/// Every entry of transfer/ is accounted for, and every card of a face or
/// label spool is a card of its batch, once (issue 13, item 6).
@Suite struct NothingHiddenInTransfer {
    @Test("an honest ceremony passes, also with a declared auditor's key declaration beside the sites'")
    func honestWithDeclaration() throws {
        let folder = try Folder(copying: Honest.folder)
        let auditorKeys = try Folder()
        let key = try SiteIdentity.create(in: auditorKeys.url)
        // A second auditor declares its key in audit/ and shows the same declaration in transfer/.
        let declaration = folder.layout.auditorDeclaration(KeyID(publicKey: key.publicKey))
        _ = try SiteSetup.declare(.auditor, key: key, to: declaration)
        try FileManager.default.copyItem(
            at: declaration, to: folder.layout.transfer.appendingPathComponent(declaration.lastPathComponent))
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.verdict == "pass", "\(report.findings)")
        #expect(report.findings.isEmpty)
    }

    @Test("a hidden file, a folder, a symbolic link, a stray file and a false declaration are each one finding")
    func strayEntries() throws {
        let folder = try Folder(copying: Honest.folder)
        let transfer = folder.layout.transfer
        let manager = FileManager.default
        try manager.copyItem(
            at: folder.layout.keyBatch(1), to: transfer.appendingPathComponent(".batch-0001.keys.json"))
        try manager.createDirectory(
            at: transfer.appendingPathComponent("extra.json"), withIntermediateDirectories: false)
        try manager.createSymbolicLink(
            at: transfer.appendingPathComponent("link.json"), withDestinationURL: folder.layout.keyBatch(2))
        try Data("notes".utf8).write(to: transfer.appendingPathComponent("notes.txt"))
        try manager.copyItem(at: folder.layout.keyBatch(1), to: transfer.appendingPathComponent("x.declaration.json"))
        // Site B's declaration under site A's name.
        try manager.removeItem(at: folder.layout.declaration(.siteA))
        try manager.copyItem(at: folder.layout.declaration(.siteB), to: folder.layout.declaration(.siteA))

        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.verdict == "fail")
        let t1 = report.findings.filter { $0.check == .signatures }
        func message(_ file: String) -> String? { t1.first { $0.file == "transfer/\(file)" }?.message }
        #expect(
            message(".batch-0001.keys.json")
                == "unexpected entry in transfer/ (a hidden file): only signed bundles and key declarations belong there"
        )
        #expect(message("extra.json")?.contains("(a folder)") == true)
        #expect(message("link.json")?.contains("(a symbolic link)") == true)
        #expect(message("notes.txt")?.contains("(a file that is no bundle)") == true)
        #expect(message("x.declaration.json") == "not a key declaration of any party that verifies")
        #expect(message("site-a.declaration.json")?.hasPrefix("key declaration does not verify: ") == true)
        #expect(t1.count == 6, "\(t1)")
        #expect(t1.allSatisfy { !$0.message.contains("\n") })
    }

    @Test("the sites still read only the bundles: a hidden file is not a bundle to them")
    func sitesReadBundlesOnly() throws {
        let folder = try Folder(copying: Honest.folder)
        let ceremony = try Transcript.load(folder.layout)
        let before = try ceremony.entries().map(\.file.lastPathComponent)
        try Data("x".utf8).write(to: folder.layout.transfer.appendingPathComponent(".hidden"))
        #expect(try ceremony.entries().map(\.file.lastPathComponent) == before)
        #expect(ceremony.transferEntries().map(\.lastPathComponent).contains(".hidden"))
        #expect(ceremony.transferEntries().map(\.lastPathComponent).contains("site-a.declaration.json"))
    }

    @Test("a card twice in a face or label spool, or a card the manifest does not have, is a C1 finding naming it")
    func spoolCards() throws {
        for fault in [Fault.duplicatesFace, .extraFace] {
            let folder = try Folder(copying: Honest.folder)
            try Injector(layout: folder.layout).inject(fault, batch: 1)
            let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
            let hits = report.findings.filter {
                $0.check == .serials && $0.file == "printed/site-b/batch-0001.faces.json"
            }
            #expect(hits.count == 1, "\(fault.rawValue): \(report.findings)")
            let expected =
                fault == .duplicatesFace
                ? ("0000001-0000", "a second card face for the same card (the spool lists it twice)")
                : ("0000001-0001", "a card face for a card that batch 1 of the manifest does not have")
            #expect(hits.first?.serial == expected.0)
            #expect(hits.first?.message == expected.1)
        }
        let folder = try Folder(copying: Honest.folder)
        let labels = folder.layout.labels(2)
        let spool = try ScratchLabel.readSpool(labels)
        try ScratchLabel.writeSpool(spool + spool, to: labels)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        let hit = try #require(
            report.findings.first { $0.check == .serials && $0.file == "printed/site-a/batch-0002.labels" })
        #expect(hit.serial == "0000002-0000")
        #expect(hit.message == "a second label for the same card (the spool lists it twice)")
        #expect(report.verdict == "fail")
    }
}
