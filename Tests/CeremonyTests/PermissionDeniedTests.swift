import Ceremony
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Permission denied` in a site's refusal (issue 14): the tests run as root, whom
/// permission bits do not stop, so the site runs as nobody (TestSupport's `Unprivileged`)
/// in a ceremony folder given to nobody, with the one folder a step writes in made
/// unwritable. Each refusal is exactly one line naming the file and the cause, exit 1,
/// and leaves nothing half-written.
@Suite(
    "Refusals name Permission denied", .serialized,
    .enabled(if: Unprivileged.available, "needs root and setpriv (util-linux) to run a site as nobody"))
struct PermissionDeniedTests {
    let cause = String(cString: strerror(EACCES))

    /// Runs `tool arguments --ceremony ROOT` as nobody, expecting exactly `line` (after the
    /// tool's name) on stderr and exit 1, and nothing in the ceremony folder changed but `allowed`.
    func refused(
        _ test: TestCeremony, _ tool: String, _ arguments: [String], saying line: String, allowed: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = FolderSnapshot(test.root)
        let result = try Unprivileged.run(built: tool, arguments + ["--ceremony", test.path])
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == "\(tool): \(test.path)/\(line)\n", sourceLocation: sourceLocation)
        let changes = FolderSnapshot(test.root).changes(since: before)
        #expect(
            changes == allowed, "the refusal changed the ceremony folder: \(changes)", sourceLocation: sourceLocation)
    }

    /// `issue` cannot make the batch's journal in an unwritable `site-a/work/` (0500, so it
    /// is not tightened): nothing is drawn into a journal, no label printed, no bundle sent.
    @Test func issueIntoAnUnwritableWorkFolder() throws {
        #expect(cause == "Permission denied")
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let work = test.layout.site(.siteA).appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: false)
        try Unprivileged.handOver(test.root)
        #expect(chmod(work.path, 0o500) == 0)
        try refused(
            test, "passphrase-site", ["issue", "--batch", "1"],
            saying: "site-a/work/batch-0001: cannot write: cannot create folder: \(cause)")
        // Writable again, the same user issues the batch.
        #expect(chmod(work.path, 0o700) == 0)
        let issued = try Unprivileged.run(built: "passphrase-site", ["issue", "--batch", "1", "--ceremony", test.path])
        #expect(issued.status == 0, "\(issued.stderr)")
    }

    /// `mint` cannot write its key batch into an unwritable `transfer/` (0555): no bundle
    /// and no temporary in `transfer/`; the face spool it printed first is whole, and the
    /// next run finishes from it (never re-keying cards already printed).
    @Test func mintIntoAnUnwritableTransferFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try Unprivileged.handOver(test.root)
        #expect(chmod(test.layout.transfer.path, 0o555) == 0)
        try refused(
            test, "key-site", ["mint", "--batch", "1"],
            saying: "transfer/batch-0001.keys.json: cannot write: \(cause)",
            allowed: ["added printed/site-b", "added printed/site-b/batch-0001.faces.json"])
        let faces = try CardFace.readSpool(test.layout.faces(1))
        #expect(faces.count == 2)
        #expect(chmod(test.layout.transfer.path, 0o755) == 0)
        let minted = try Unprivileged.run(built: "key-site", ["mint", "--batch", "1", "--ceremony", test.path])
        #expect(minted.status == 0, "\(minted.stderr)")
        #expect(try CardFace.readSpool(test.layout.faces(1)) == faces)
        #expect(FileManager.default.fileExists(atPath: test.layout.keyBatch(1).path))
    }
}
