import Audit
import Ceremony
import Foundation
import Testing

/// A ceremony folder (site-a/, site-b/, transfer/, printed/) that is a symbolic link
/// is one high-severity K2 finding naming its target; a linked site folder is not
/// followed into the retention check (issue 14, item 1).
@Suite struct LinkedFolders {
    @Test(arguments: ["site-a", "site-b", "transfer", "printed"])
    func aLinkedFolderIsOneFindingNamingItsTarget(_ name: String) throws {
        let folder = try Folder(copying: Honest.folder)
        let original = folder.url.appendingPathComponent(name)
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("linked-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try FileManager.default.moveItem(at: original, to: elsewhere)
        try FileManager.default.createSymbolicLink(at: original, withDestinationURL: elsewhere)

        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        let linked = report.findings.filter { $0.message.contains("is a symbolic link") }
        #expect(linked.count == 1, "\(report.findings)")
        let finding = try #require(linked.first)
        #expect(finding.check == .retention)
        #expect(finding.severity == .high)
        #expect(finding.file == name)
        #expect(
            finding.message
                == "\(name)/ is a symbolic link to \(elsewhere.path), not a folder: a ceremony folder must hold its own files"
        )
        #expect(report.verdict == "fail")
        if name.hasPrefix("site-") {
            // Not followed into K2: no list of "missing" files (the signing key first among them).
            #expect(
                !report.findings.contains { $0.check == .retention && $0.message.contains("signing-key.seed") },
                "\(report.findings)")
        }
    }

    @Test func theHonestCeremonyHasNoLinkFinding() throws {
        let report = try Auditor.audit(Honest.folder.layout, options: .init(sample: 0, countersign: false))
        #expect(!report.findings.contains { $0.message.contains("symbolic link") })
    }

    /// A link planted inside a site folder is listed as a link by the retention
    /// inventory (not followed, its target never read), so K2 reports it.
    @Test func aLinkInsideASiteFolderIsListedNotFollowed() throws {
        let folder = try Folder(copying: Honest.folder)
        let victim = FileManager.default.temporaryDirectory.appendingPathComponent("victim-\(UUID().uuidString)")
        try Data("outside the ceremony".utf8).write(to: victim)
        defer { try? FileManager.default.removeItem(at: victim) }
        let link = folder.layout.site(.siteB).appendingPathComponent("notes")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        #expect(mkfifo(folder.layout.site(.siteB).appendingPathComponent("pipe").path, 0o600) == 0)

        let kept = RetentionInventory.files(in: folder.layout.site(.siteB), layout: folder.layout)
        let entry = try #require(kept.first { $0.path == "site-b/notes" })
        #expect(entry.holds == "a symbolic link to \(victim.path), not followed")
        let pipe = try #require(kept.first { $0.path == "site-b/pipe" })
        #expect(pipe.holds.contains("not a regular file"))

        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.findings.contains { $0.message.hasPrefix("site-b/notes is not in ") })
    }
}
