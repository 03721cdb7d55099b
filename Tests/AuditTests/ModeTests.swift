import Audit
import Ceremony
import FaultInjection
import Foundation
import TestSupport
import Testing

/// Production mode (no card secrets but the sample's) and mock mode (the whole print run).
@Suite struct ModeTests {
    @Test("an honest ceremony passes in both modes; the report says which ran and what it proves")
    func honestInBoth() throws {
        for mode in AuditMode.allCases {
            let folder = try Folder(copying: Honest.folder)
            // As the runbook has it: the mock audit keeps its copy, then the sites destroy their spools.
            _ = try Auditor.keepMockSecrets(folder.layout)
            try FileManager.default.removeItem(at: folder.layout.printed)
            let report = try Auditor.audit(
                folder.layout,
                options: .init(sample: 1, keyFolder: Honest.folder.auditor, countersign: false, mode: mode))
            #expect(report.verdict == "pass", "\(mode): \(report.findings)")
            #expect(report.mode.name == mode)
            #expect(report.mode.controlMustBe == (mode == .mock ? 2 : 1))
            #expect(
                report.reconstructable
                    == AuditReport.Matrix(siteA: 0, siteB: 0, both: 0, control: mode == .mock ? 2 : 1))
            #expect(!report.mode.proves.isEmpty && !report.mode.cannotProve.isEmpty)
            #expect(report.markdown.contains("## Mode: \(mode.rawValue)"))
            #expect(report.mode.cannotProve.contains { $0.contains("a copy taken off the machine") })
        }
    }

    @Test("without any spool in printed/, the audit runs in production mode by itself")
    func autoProduction() throws {
        let folder = try Folder(copying: Honest.folder)
        try FileManager.default.removeItem(at: folder.layout.printed)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.mode.name == .production)
        #expect(report.verdict == "pass", "\(report.findings)")
        #expect(report.reconstructable.control == 0)
    }

    @Test("production mode still catches a share kept in an unexplained record, by blind detection alone")
    func productionCatches() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.aKeepsEncryptedKeys, batch: 1)
        try FileManager.default.removeItem(at: folder.layout.printed)
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, mode: .production))
        #expect(report.verdict == "fail")
        #expect(report.reconstructable.siteA == 1)
        #expect(report.findings.contains { $0.check == .siteA && $0.serial == "0000001-0000" })
    }

    @Test("ceremony-audit --mode production reads no card but the sample; a bad mode is a usage error")
    func command() throws {
        let folder = try Folder(copying: Honest.folder)
        _ = try Auditor.keepMockSecrets(folder.layout)
        try FileManager.default.removeItem(at: folder.layout.printed)
        let result = try ProcessRunner.run(
            built: "ceremony-audit",
            [
                folder.url.path, "--mode", "production", "--sample", "1", "--key-folder", Honest.folder.auditor.path,
                "--no-countersign",
            ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("mode: production"))
        #expect(result.stdout.contains("control 1 (must be 0, 0, 0, 1)"))
        #expect(result.stdout.contains("  control: keys the audit rebuilt from the opened sample cards"))
        #expect(result.stdout.contains("\nshare 2 held by one site: site A 0, site B 0 (must be 0, 0)\n"))
        let bad = try ProcessRunner.run(
            built: "ceremony-audit", [folder.url.path, "--mode", "dream", "--no-countersign"])
        #expect(bad.status == 64)
    }
}
