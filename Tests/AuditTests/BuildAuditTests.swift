import Audit
import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

/// B1.builds: the builds the payloads record, reported and compared (Docs/Audit.md).
@Suite struct BuildAudit: RunsCeremonyAudit {
    /// Where ``expected(_:)`` writes its files: one folder per test, removed with the suite's instance.
    let scratch: TemporaryFolder

    init() throws { scratch = try TemporaryFolder(prefix: "build-audit") }

    /// `text` as a SHA256SUMS file in ``scratch``, read as the expected builds; and the file.
    func expected(_ text: String) throws -> (ExpectedBuilds, URL) {
        let file = scratch.url.appendingPathComponent("SHA256SUMS-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        return (try ExpectedBuilds.read(file), file)
    }

    func audit(_ folder: Folder, expecting: ExpectedBuilds? = nil) throws -> AuditReport {
        try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, expectedBuilds: expecting))
    }

    @Test("an honest ceremony reports each party's build and passes B1")
    func honestBuildsAreReported() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try audit(folder)
        #expect(report.checks.first { $0.id == .builds }?.passed == true)
        #expect(!report.findings.contains { $0.check == .builds }, "\(report.findings)")
        #expect(report.builds.map(\.signer) == ["site-a", "site-b", "auditor"])
        let siteA = try #require(report.builds.first)
        #expect(siteA.tool == "passphrase-site")
        #expect(siteA.version == ToolkitVersion.current)
        #expect(siteA.executableSha256 == MockCeremony.build(of: .siteA).executableSha256.hex)
        #expect(siteA.expected == nil)
        // 2 cards in 2 batches: its declaration, the manifest, 2 intermediate batches, 2 reports, 2 statements, the closing.
        #expect(siteA.payloads.count == 9, "\(siteA.payloads)")
        #expect(siteA.payloads.prefix(2) == ["transfer/site-a.declaration.json", "ceremony.json"])
        #expect(report.markdown.contains("## Builds"))
        #expect(report.markdown.contains("| site-b | `key-site` | `\(ToolkitVersion.current)` |"))
        let json = try #require(try JSONSerialization.jsonObject(with: report.json) as? [String: Any])
        let builds = try #require(json["builds"] as? [[String: Any]])
        #expect(builds.count == 3)
        #expect(builds[1]["executable_sha256"] as? String == MockCeremony.build(of: .siteB).executableSha256.hex)
    }

    @Test("with the release's SHA256SUMS every build is expected; without key-site's line B1 fails naming it")
    func expectedBuilds() throws {
        let folder = try Folder(copying: Honest.folder)
        let (all, _) = try expected("# the mock release\n" + MockCeremony.releaseSums)
        let passing = try audit(folder, expecting: all)
        #expect(passing.checks.first { $0.id == .builds }?.passed == true, "\(passing.findings)")
        #expect(passing.builds.allSatisfy { $0.expected == true })

        let withoutB = MockCeremony.releaseSums.split(separator: "\n").filter { !$0.hasSuffix("key-site") }
            .joined(separator: "\n")
        let (partial, _) = try expected(withoutB)
        let failing = try audit(folder, expecting: partial)
        #expect(failing.checks.first { $0.id == .builds }?.passed == false)
        let findings = failing.findings.filter { $0.check == .builds }
        #expect(!findings.isEmpty)
        #expect(
            findings.allSatisfy { $0.message.hasPrefix("key-site ") && $0.message.contains("not among the expected") })
        #expect(failing.builds.first { $0.signer == "site-b" }?.expected == false)
        #expect(failing.markdown.contains("| **no** |"))
    }

    @Test("a digest listed under another tool's name is not expected")
    func expectedUnderItsOwnName() throws {
        let folder = try Folder(copying: Honest.folder)
        let swapped = MockCeremony.releaseSums.replacingOccurrences(of: "  key-site", with: "  card-print")
        let report = try audit(folder, expecting: try expected(swapped).0)
        #expect(report.checks.first { $0.id == .builds }?.passed == false)
    }

    @Test("an expected-builds file that is not sha256sum's format is refused, naming its line")
    func badExpectedBuildsFile() throws {
        #expect(throws: CeremonyError.self) { try expected("") }
        do {
            _ = try expected("\(String(repeating: "ab", count: 32))  key-site\nnot a line\n")
            Issue.record("accepted a bad line")
        } catch let error as CeremonyError {
            #expect(error.message.contains("line 2"))
        }
    }

    @Test("site B running another build fails B1: two versions")
    func otherBuild() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .bRunsOtherBuild)
        let report = try audit(folder)
        let finding = try #require(report.findings.first { $0.check == .builds && $0.message.contains("versions") })
        #expect(finding.message.contains("site B \(MockCeremony.otherVersion)"))
        #expect(finding.message.contains("site A \(ToolkitVersion.current)"))
        #expect(report.builds.first { $0.signer == "site-b" }?.version == MockCeremony.otherVersion)
    }

    @Test("a forged build record fails B1: the wrong tool for its signer, and a second executable")
    func forgedBuild() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .aForgesBuild)
        let report = try audit(folder)
        let messages = report.findings.filter { $0.check == .builds }.map(\.message)
        #expect(messages.contains { $0 == "site A's payload records the tool key-site, not passphrase-site" })
        #expect(messages.contains { $0.hasPrefix("key-site ran as 2 different executables") })
        let forged = report.findings.first { $0.message.contains("records the tool key-site") }
        #expect(forged?.file == "transfer/batch-0001.intermediate.json")
    }

    @Test("ceremony-audit --expect-build: the builds on stdout; a missing digest exits 3; an unreadable file exits 1")
    func throughTheTool() throws {
        let folder = try Folder(copying: Honest.folder)
        let (_, good) = try expected(MockCeremony.releaseSums)
        let (status, out, err) = try run(
            folder.url.path, "--no-countersign", "--sample", "0", "--expect-build", good.path)
        #expect(status == 0, "\(out)\(err)")
        #expect(
            out.contains(
                "build site-b: key-site \(ToolkitVersion.current) \(MockCeremony.build(of: .siteB).executableSha256.hex) (5 payloads, expected)"
            ), "\(out)")
        let (_, bad) = try expected(String(MockCeremony.releaseSums.split(separator: "\n")[0]) + "\n")
        let failing = try run(folder.url.path, "--no-countersign", "--sample", "0", "--expect-build", bad.path)
        #expect(failing.0 == 3)
        #expect(failing.1.contains("failed: B1.builds"), "\(failing.1)")
        let missing = try run(folder.url.path, "--no-countersign", "--expect-build", "/nonexistent/SHA256SUMS")
        #expect(missing.0 == 1)
        #expect(missing.2.hasPrefix("ceremony-audit: /nonexistent/SHA256SUMS"), "\(missing.2)")
    }
}
