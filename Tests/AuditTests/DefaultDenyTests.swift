import Audit
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import Testing

/// K3: only what the protocol explains may stay in the site folders, transfer/ and the top level.
@Suite struct DefaultDenyTests {
    func audit(_ folder: Folder, mode: AuditMode? = nil) throws -> AuditReport {
        try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
    }

    func denied(_ report: AuditReport) -> [Finding] { report.findings.filter { $0.check == .defaultDeny } }

    @Test("an honest folder holds only explained records: K3 passes with no finding")
    func honest() throws {
        let report = try audit(try Folder(copying: Honest.folder))
        #expect(denied(report).isEmpty, "\(denied(report))")
        #expect(report.checks.first { $0.id == .defaultDeny }?.passed == true)
    }

    @Test("a file of random bytes is an unexplained record of its site, with its size and entropy")
    func randomFile() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.aKeepsUnexplainedFile, batch: 1)
        let found = denied(try audit(folder))
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.file == "site-a/cache.bin")
        #expect(finding.message.contains("unexplained record of site A: a file, 4096 bytes, entropy 7.9"))
    }

    @Test("a share the site's own retention statement calls a site record is still unexplained")
    func shareAsSiteRecord() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .bKeepsShareAsSiteRecord)
        let report = try audit(folder)
        let found = denied(report)
        #expect(
            found.contains {
                $0.file == "site-b/records/batch-0001.txt" && $0.message.contains("unexplained record of site B")
            })
        #expect(
            found.contains {
                $0.file == "transfer/batch-0002.retention-site-b.json" && $0.message.contains("as \"site record\"")
            })
        // K2 alone would pass it: the last statement lists the file with its hash.
        #expect(report.checks.first { $0.id == .retention }?.passed == true)
    }

    @Test("a hidden file in transfer/ and an unknown folder beside site-a/ are unexplained")
    func transferAndTopLevel() throws {
        let hidden = try Folder()
        try MockCeremony.run(at: hidden.layout, Honest.configuration, fault: .aHidesPassphrasesInTransfer)
        #expect(denied(try audit(hidden)).contains { $0.file == "transfer/.cache" && $0.message.contains("hidden") })

        let beside = try Folder(copying: Honest.folder)
        try Injector(layout: beside.layout).inject(.unknownFolderBesideSites, batch: 1)
        let found = denied(try audit(beside))
        #expect(found.contains { $0.file == "site-c" && $0.message.contains("a folder, 1 entries") })
        #expect(found.contains { $0.file == "site-c/faces.json" && $0.message.contains("top level") })
    }

    @Test("an extended attribute is an unexplained record, even on an allowed file")
    func attribute() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bHidesSeedbInAttribute, batch: 1)
        let found = denied(try audit(folder))
        #expect(Set(found.compactMap(\.file)) == ["site-b/ledger.json [xattr user.note0]"])
        #expect(found[0].message.contains("an extended attribute user.note0 of 48 bytes"))
    }

    @Test(
        "an allowed name that does not parse as its kind is unexplained: a seed that is not the site's key, a lock that is no note, a ledger with a field more"
    )
    func schemas() throws {
        let folder = try Folder(copying: Honest.folder)
        let seed = folder.layout.site(.siteB).appendingPathComponent(SiteIdentity.fileName)
        try Data(SystemRandom.bytes(count: 32)).write(to: seed)
        try Data("a passphrase could live here\n".utf8).write(to: folder.layout.lock(.siteA))
        let ledger = folder.layout.site(.siteA).appendingPathComponent(BatchLedger.fileName)
        var text = try String(contentsOf: ledger, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"batch\" : 1,", with: "\"batch\" : 1, \"note\" : \"x\",")
        try Data(text.utf8).write(to: ledger)
        let found = denied(try audit(folder))
        #expect(
            found.contains {
                $0.file == "site-b/signing-key.seed"
                    && $0.message.contains("not the seed of the key the manifest names")
            })
        #expect(found.contains { $0.file == ".site-a.lock" && $0.message.contains("not site A's lock note") })
        #expect(found.contains { $0.file == "site-a/ledger.json" && $0.message.contains("not site A's ledger") })
    }

    @Test("a symbolic link and a FIFO in a site folder are unexplained, and the FIFO is never opened")
    func linkAndFIFO() throws {
        let folder = try Folder(copying: Honest.folder)
        let site = folder.layout.site(.siteA)
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("link").path, withDestinationPath: "/etc/hostname")
        #expect(mkfifo(site.appendingPathComponent("pipe").path, 0o600) == 0)
        let found = denied(try audit(folder))
        #expect(
            found.contains { $0.file == "site-a/link" && $0.message.contains("a symbolic link (target of 13 bytes") })
        #expect(found.contains { $0.file == "site-a/pipe" && $0.message.contains("a FIFO") })
    }
}
