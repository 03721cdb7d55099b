import Audit
import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

/// A ceremony folder in a private temporary directory, removed when released (or at
/// exit, if never released: ``Honest/folder``), with the mock auditor's key folder and
/// the medium's folder beside it.
final class Folder: @unchecked Sendable {
    let url: URL
    var layout: CeremonyLayout { CeremonyLayout(root: url) }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)")
        for path in siblings { RemovedAtExit.register(path) }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A copy of another folder.
    init(copying other: Folder) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)")
        for path in siblings { RemovedAtExit.register(path) }
        try FileManager.default.copyItem(at: other.url, to: url)
    }

    /// The mock auditor's key folder, beside the ceremony folder.
    var auditor: URL { MockCeremony.auditorFolder(for: layout) }

    /// The folder itself, the auditor's key folder and the medium's folder: what removing it removes.
    private var siblings: [URL] {
        [url, MockCeremony.auditorFolder(for: layout), MockCeremony.medium(for: layout).deletingLastPathComponent()]
    }

    deinit {
        for path in siblings {
            RemovedAtExit.remove(path)
            RemovedAtExit.forget(path)
        }
    }
}

/// One honest ceremony, made once and copied by the tests that alter it afterwards.
enum Honest {
    static let configuration = MockCeremony.Configuration(cards: 2, batchSize: 1)
    static let folder: Folder = {
        let folder = try! Folder()
        try! MockCeremony.run(at: folder.layout, configuration)
        return folder
    }()

    /// A fresh copy of the honest ceremony, audited with the auditor's key folder, drawing `sample` cards.
    static func audited(sample: Int) throws -> (folder: Folder, report: AuditReport) {
        let folder = try Folder(copying: Honest.folder)
        return (
            folder, try Auditor.audit(folder.layout, options: .init(sample: sample, keyFolder: Honest.folder.auditor))
        )
    }
}

/// Suites that run the built `ceremony-audit`.
protocol RunsCeremonyAudit {}

extension RunsCeremonyAudit {
    /// `ceremony-audit ARGUMENTS`: its exit status, stdout and stderr.
    func run(_ arguments: String...) throws -> (Int32, String, String) {
        let result = try ProcessRunner.run(built: "ceremony-audit", arguments)
        return (result.status, result.stdout, result.stderr)
    }
}

@Suite struct HonestCeremonyAudit {
    @Test("an honest ceremony passes every check with no finding, and the matrix reads 0, 0, 0, N")
    func honestPasses() throws {
        let (folder, report) = try Honest.audited(sample: 2)
        #expect(report.verdict == "pass")
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.reconstructable == AuditReport.Matrix(siteA: 0, siteB: 0, both: 0, control: 2))
        #expect(report.checks.count == Check.allCases.count)
        #expect(report.checks.allSatisfy { $0.passed })
        #expect(report.sample.count == 2)
        #expect(report.exposure.policyBits == 100)
        #expect(report.exposure.yearsOnThisMachine > 1e20)
        #expect(report.randomness.allSatisfy { $0.passed })
        // The auditor countersigned the closing manifest; a second audit still passes and signs no more.
        let closing = try Envelope(json: Data(contentsOf: folder.layout.closingManifest))
        #expect(closing.signatures.count == 3)
        #expect(report.auditorSignature != nil)
        let again = try Auditor.audit(folder.layout, options: .init(sample: 0, keyFolder: Honest.folder.auditor))
        #expect(again.verdict == "pass", "\(again.findings)")
        #expect(try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).signatures.count == 3)
    }

    @Test("the sample is drawn from the closing manifest's digest: the same folder gives the same sample")
    func sampleIsDeterministic() throws {
        let first = try Folder(copying: Honest.folder)
        let second = try Folder(copying: Honest.folder)
        let one = try Auditor.audit(
            first.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor, countersign: false))
        let two = try Auditor.audit(
            second.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor, countersign: false))
        #expect(one.passed && two.passed, "\(one.findings)")
        #expect(one.sample == two.sample)
        #expect(one.sample.count == 1)
    }

    @Test("every check can fail: the fault catalogue turns each one red")
    func catalogueCoversEveryCheck() {
        let covered = Set(Fault.allCases.flatMap(\.caughtBy))
        #expect(covered == Set(Check.allCases), "uncovered: \(Set(Check.allCases).subtracting(covered))")
    }
}

@Suite struct FaultCatalogue {
    @Test("each fault is caught by its checks", arguments: Fault.allCases)
    func faultIsCaught(_ fault: Fault) throws {
        let folder: Folder
        let auditor: URL
        if fault.phase == .afterClose {
            folder = try Folder(copying: Honest.folder)
            auditor = Honest.folder.auditor
            try Injector(layout: folder.layout).inject(fault, batch: 1)
        } else {
            folder = try Folder()
            auditor = folder.auditor
            try MockCeremony.run(at: folder.layout, Honest.configuration, fault: fault)
        }
        let sampled: Set<Fault> = [.swappedLabels, .aResignsClosingForSample]
        let report = try Auditor.audit(
            folder.layout,
            options: .init(
                sample: sampled.contains(fault) ? 2 : 0, keyFolder: auditor, countersign: false,
                images: fault.onMedium ? [.init(view: .medium, path: MockCeremony.medium(for: folder.layout))] : []))
        #expect(report.verdict == "fail")
        let failed = Set(report.checks.filter { !$0.passed }.map(\.id))
        for check in fault.caughtBy {
            #expect(
                failed.contains(check),
                "\(fault.rawValue) not caught by \(check.rawValue); failed: \(failed.map(\.rawValue).sorted())")
        }
        #expect(report.auditorSignature == nil)
    }

    @Test("a site that logs passphrases is found at the right file and offset")
    func findingNamesFileAndOffset() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .aLogsPassphrases)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        let log = try String(
            contentsOf: folder.layout.site(.siteA).appendingPathComponent("logs/issue.log"), encoding: .utf8)
        let hits = report.findings.filter { $0.check == .siteA && $0.file == "site-a/logs/issue.log" }
        #expect(Set(hits.compactMap(\.serial)) == ["0000001-0000", "0000002-0000"])
        for hit in hits {
            let offset = try #require(hit.offset)
            let line = log.utf8.dropFirst(offset).prefix(29)
            #expect(
                String(decoding: line, as: UTF8.self).split(separator: "-").count == 5,
                "offset \(offset) does not point at a passphrase")
        }
        // Logging passphrases alone rebuilds no key: the matrix still reads 0 for A, but the check fails.
        #expect(report.reconstructable.siteA == 0)
    }

    @Test("an encrypted key sent to A lets A rebuild every card it reached")
    func encryptedKeyToA() throws {
        let folder = try Folder()
        // One batch of two: site A refuses the first key batch, and the run stops there.
        try MockCeremony.run(
            at: folder.layout, MockCeremony.Configuration(cards: 2, batchSize: 2), fault: .bSendsEncryptedKeyToA)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.reconstructable.siteA == 2)
        #expect(report.reconstructable.control == 2)
    }

    @Test("both sites keeping their shares: each alone rebuilds nothing, together they rebuild every key")
    func collusion() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .sitesBothKeepShares)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.reconstructable == AuditReport.Matrix(siteA: 0, siteB: 0, both: 2, control: 2))
        #expect(report.exposure.cardsExposedSiteB == 2)
        // The summary does not read like an honest run's: it names the site holding share 2.
        #expect(report.matrixSummaryLines[0].hasPrefix("keys rebuildable: site A 0, site B 0, both 2, control 2"))
        #expect(
            report.matrixSummaryLines[2]
                == "share 2 held by one site: site A 0, site B 2 (must be 0, 0): each such card is one passphrase brute force from its key (E1.brute-force-exposure)"
        )
    }
}

@Suite struct AuditCommand: RunsCeremonyAudit {
    @Test("exit 0 and both reports for an honest ceremony; the JSON carries the documented fields")
    func honest() throws {
        let folder = try Folder(copying: Honest.folder)
        let (status, stdout, stderr) = try run(
            folder.url.path, "--sample", "1", "--key-folder", Honest.folder.auditor.path)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("audit PASS"))
        #expect(stdout.contains("site A 0, site B 0, both 0, control 2"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.layout.audit.appendingPathComponent("report.json"))) as! [String: Any]
        #expect(json["verdict"] as? String == "pass")
        #expect(json["cards"] as? Int == 2)
        let matrix = try #require(json["reconstructable"] as? [String: Int])
        #expect(matrix == ["site_a": 0, "site_b": 0, "both": 0, "control": 2])
        #expect(json["exposure"] is [String: Any])
        #expect((json["findings"] as? [Any])?.isEmpty == true)
        let markdown = try String(contentsOf: folder.layout.audit.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("# Ceremony audit: PASS"))
        #expect(markdown.contains("| site A (retained files + transcript) | 0 | 0 |"))
    }

    @Test("exit 3 when a check fails, with each finding's check, serial and file in the JSON")
    func failing() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.editsBundle, batch: 1)
        let (status, stdout, _) = try run(folder.url.path, "--sample", "0", "--no-countersign")
        #expect(status == 3)
        #expect(stdout.contains("audit FAIL"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.layout.audit.appendingPathComponent("report.json"))) as! [String: Any]
        #expect(json["verdict"] as? String == "fail")
        let findings = try #require(json["findings"] as? [[String: Any]])
        let signature = try #require(findings.first { $0["check"] as? String == "T1.signatures" })
        #expect(signature["file"] as? String == "transfer/batch-0001.keys.json")
        #expect(signature["severity"] as? String == "critical")
        #expect((signature["message"] as? String)?.contains("bad signature") == true)
    }

    @Test("exit 2 for a folder with no manifest; exit 64 for bad usage")
    func unusable() throws {
        let folder = try Folder()
        let (status, _, stderr) = try run(folder.url.path, "--no-countersign")
        #expect(status == 2)
        #expect(stderr.contains("unusable ceremony folder"))
        #expect(stderr.contains("ceremony.json: missing"))
        #expect(try run().0 == 64)
        #expect(try run(folder.url.path, "--sample", "-1").0 == 64)
    }
}
