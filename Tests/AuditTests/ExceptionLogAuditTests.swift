import Audit
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

/// K4.exception-log, the exception entries in the report, the sign-off sheet, and the
/// spools: gone in production mode, read from mock-secrets/ in mock mode.
@Suite struct ExceptionLogAuditTests {
    func lines(_ layout: CeremonyLayout) throws -> [Data] {
        try Data(contentsOf: layout.exceptionLog).split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }

    func audit(_ folder: Folder, sample: Int = 0, mode: AuditMode? = nil) throws -> AuditReport {
        try Auditor.audit(
            folder.layout,
            options: .init(sample: sample, keyFolder: Honest.folder.auditor, countersign: false, mode: mode))
    }

    func failed(_ report: AuditReport, _ check: Check) -> Bool {
        report.checks.contains { $0.id == check && !$0.passed }
    }

    @Test("the honest mock ceremony's two entries pass K4 and are listed in report.json and report.md")
    func honestLog() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try audit(folder)
        #expect(report.verdict == "pass", "\(report.findings)")
        let log = try #require(report.exceptionLog)
        let lines = try lines(folder.layout)
        #expect(log.intact)
        #expect(log.recordedAtClose == 2)
        #expect(log.head == PayloadDigest(of: lines[1]).hex)
        #expect(log.entries.map(\.role) == ["witness", "site-a"])
        #expect(log.entries.map(\.signed) == [false, true])
        #expect(log.entries.map(\.step) == ["X-5.1", "C-6.1"])
        #expect(log.entries[0].reason == "mock ceremony: the cards are assembled on screen")
        #expect(log.entries[0].digest == PayloadDigest(of: lines[0]).hex)
        #expect(!log.entries.contains { $0.afterClose })
        #expect(report.markdown.contains("## Exception log"))
        #expect(
            report.markdown.contains(
                "| 2 | C-6.1 | site-a | \(log.entries[1].time) | yes | mock ceremony: no removable media to wipe |"))
        #expect(String(decoding: report.json, as: UTF8.self).contains("\"recorded_at_close\" : 2"))
    }

    @Test("the sign-off sheet shows the ceremony, the closing digest, the log's head, the verdict and lines to sign")
    func signoffSheet() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try audit(folder, sample: 1)
        let closing = PayloadDigest(
            of: try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).payload)
        let head = PayloadDigest(of: try lines(folder.layout)[1])
        let sheet = report.signoff
        #expect(report.closingDigest == closing.hex)
        #expect(sheet.contains("| ceremony | `\(try Transcript.load(folder.layout).id)` |"))
        #expect(sheet.contains("| closing digest | `\(closing.hex)` |"))
        #expect(sheet.contains("| closing digest, aloud | `\(closing.humanForm)` |"))
        #expect(sheet.contains("| exception log head, aloud | `\(head.humanForm)` |"))
        #expect(sheet.contains("| exception entries | 2, 2 recorded at close |"))
        #expect(sheet.contains("| audit verdict | **PASS** |"))
        #expect(sheet.contains("| checks | \(Check.allCases.count)/\(Check.allCases.count) passed |"))
        #expect(sheet.contains("| sample opened | \(report.sample[0]) |"))
        for role in ["site A operator", "site B operator", "witness", "auditor"] {
            #expect(sheet.contains("| \(role) | | | |"))
        }
        // A failing audit says so on the sheet.
        try Injector(layout: folder.layout).inject(.exceptionLogEdited, batch: 1)
        let failing = try audit(folder).signoff
        #expect(failing.contains("| audit verdict | **FAIL** |"))
        #expect(failing.contains("(failed: K4.exception-log)"))
        #expect(failing.contains(", BROKEN |"))
    }

    @Test("a log cut back to fewer entries than the closing manifest recorded fails K4")
    func truncated() throws {
        let folder = try Folder(copying: Honest.folder)
        try (try lines(folder.layout)[0] + Data("\n".utf8)).write(to: folder.layout.exceptionLog)
        let report = try audit(folder)
        #expect(failed(report, .exceptionLog))
        #expect(
            report.findings.contains {
                $0.check == .exceptionLog && $0.message.contains("recorded 2 entries, and only 1 verify")
            })
        // So does a log removed altogether.
        try FileManager.default.removeItem(at: folder.layout.exceptionLog)
        #expect(failed(try audit(folder), .exceptionLog))
    }

    @Test("a last line without its newline, or a site entry re-signed by the other site, fails K4 at its line")
    func badLines() throws {
        let folder = try Folder(copying: Honest.folder)
        let original = try Data(contentsOf: folder.layout.exceptionLog)
        try original.dropLast().write(to: folder.layout.exceptionLog)
        var report = try audit(folder)
        #expect(
            report.findings.contains {
                $0.check == .exceptionLog && $0.message == "line 2: the last line has no newline: the log was cut"
            })
        // Entry 2 claimed by site B while signed by site A.
        let lines = try lines(folder.layout)
        let forged = String(decoding: lines[1], as: UTF8.self).replacingOccurrences(
            of: "\"role\":\"site-a\"", with: "\"role\":\"site-b\"")
        try (lines[0] + Data("\n".utf8) + Data(forged.utf8) + Data("\n".utf8)).write(to: folder.layout.exceptionLog)
        report = try audit(folder)
        #expect(
            report.findings.contains { $0.check == .exceptionLog && $0.message == "line 2: not signed by site B's key" }
        )
        #expect(report.exceptionLog?.entries.count == 1)
    }

    @Test("an entry logged after close passes K4 and is marked as after close")
    func afterClose() throws {
        let folder = try Folder(copying: Honest.folder)
        try ExceptionLog.append(
            folder.layout, role: .auditor, step: "U-7.1", reason: "audit run twice", signer: nil)
        let report = try audit(folder)
        #expect(report.verdict == "pass", "\(report.findings)")
        #expect(report.exceptionLog?.entries.map(\.afterClose) == [false, false, true])
    }

    @Test(
        "production mode fails K3 while a print spool is left; with the spools destroyed it opens the sample from mock-secrets/"
    )
    func productionExpectsSpoolsGone() throws {
        let folder = try Folder(copying: Honest.folder)
        let left = try audit(folder, sample: 1, mode: .production)
        #expect(failed(left, .defaultDeny))
        #expect(
            left.findings.contains {
                $0.check == .defaultDeny && $0.file == "printed/site-a/batch-0001.labels"
                    && $0.message.contains("destroy-spools")
            })
        let copied = try Auditor.keepMockSecrets(folder.layout)
        #expect(
            copied == [
                "mock-secrets/site-a/batch-0001.labels", "mock-secrets/site-a/batch-0002.labels",
                "mock-secrets/site-b/batch-0001.faces.json", "mock-secrets/site-b/batch-0002.faces.json",
            ])
        let mode = try FileManager.default.attributesOfItem(atPath: folder.layout.mockLabels(1).path)[.posixPermissions]
        #expect(mode as? Int == 0o600)
        try FileManager.default.removeItem(at: folder.layout.printed)
        let production = try audit(folder, sample: 1, mode: .production)
        #expect(production.verdict == "pass", "\(production.findings)")
        #expect(production.reconstructable.control == 1)
        // Mock mode, chosen by itself from mock-secrets/, rebuilds every card from it.
        let mock = try audit(folder, sample: 1)
        #expect(mock.mode.name == .mock)
        #expect(mock.verdict == "pass", "\(mock.findings)")
        #expect(mock.reconstructable == AuditReport.Matrix(siteA: 0, siteB: 0, both: 0, control: 2))
    }
}
