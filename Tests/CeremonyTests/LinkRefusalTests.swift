import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Never through a link (issue 14, item 1): every site file operation goes through
/// a folder opened once with `O_NOFOLLOW` and checked with `fstat`, so a link in
/// place of a site, work, batch or print folder, of a journal record or of the
/// signing key is refused in one line, and nothing outside the ceremony is read
/// or written.
@Suite("Site folders and files: never through a link") struct LinkRefusalTests {
    /// A folder outside the ceremony, removed when released.
    final class Elsewhere {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("elsewhere-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
        var snapshot: FolderSnapshot { FolderSnapshot(url) }
    }

    /// Moves `folder` to `elsewhere` and puts a link to it in its place.
    func replaceWithLink(_ folder: URL, _ elsewhere: Elsewhere) throws {
        try FileManager.default.removeItem(at: elsewhere.url)
        try FileManager.default.moveItem(at: folder, to: elsewhere.url)
        try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: elsewhere.url)
    }

    func mode(_ url: URL) -> mode_t {
        var info = stat()
        return stat(url.path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test(arguments: ["printed", "printed/site-a"])
    func aLinkedPrintFolderIsRefusedAndNoLabelLeaves(_ name: String) throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let elsewhere = try Elsewhere()
        let folder = test.root.appendingPathComponent(name)
        if name == "printed" {
            try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: elsewhere.url)
        } else {
            try FileManager.default.createDirectory(
                at: folder.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: elsewhere.url)
        }
        try expectRefusalChangingNothing(test, containing: "\(name): is a symbolic link to \(elsewhere.url.path)") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.names.isEmpty, "labels left through the link: \(elsewhere.names)")
    }

    @Test func aLinkedFaceFolderIsRefusedAndNoFaceLeaves() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let elsewhere = try Elsewhere()
        try FileManager.default.createSymbolicLink(at: test.layout.printed(.siteB), withDestinationURL: elsewhere.url)
        try expectRefusalChangingNothing(test, containing: "printed/site-b: is a symbolic link") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.names.isEmpty)
    }

    /// A journal folder swapped for a link after issue: verify no longer reads the
    /// passphrases through it (it used to), seal destroys nothing through it.
    @Test(arguments: ["verify", "seal"])
    func aJournalFolderSwappedForALinkIsRefused(_ step: String) throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        if step == "seal" { expectSuccess(try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")) }
        let elsewhere = try Elsewhere()
        try replaceWithLink(test.layout.journal(1), elsewhere)
        let before = elsewhere.snapshot
        try expectRefusalChangingNothing(test, containing: "work/batch-0001: is a symbolic link") {
            try Tools.siteA(step, "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.snapshot.changes(since: before).isEmpty)
    }

    /// `site-a/work` itself swapped for a link: seal refuses, and the records behind it survive.
    @Test func aWorkFolderSwappedForALinkIsRefusedAtSeal() throws {
        let test = try verifiedBatch(cards: 2)
        let elsewhere = try Elsewhere()
        try replaceWithLink(test.layout.journal(1).deletingLastPathComponent(), elsewhere)
        let before = elsewhere.snapshot
        try expectRefusalChangingNothing(test, containing: "site-a/work: is a symbolic link") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.snapshot.changes(since: before).isEmpty)
        #expect(elsewhere.names == ["batch-0001"])
    }

    /// A journal record replaced by a link to a copy of itself outside the ceremony
    /// is not read through (verify used to follow it).
    @Test func aJournalRecordThatIsALinkIsNotFollowed() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        let serial = try Transcript.load(test.layout).body.serials(batch: 1)[0]
        let record = test.layout.journalRecord(1, serial)
        let elsewhere = try Elsewhere()
        let copy = elsewhere.url.appendingPathComponent("copy.rec")
        try FileManager.default.moveItem(at: record, to: copy)
        try FileManager.default.createSymbolicLink(at: record, withDestinationURL: copy)
        try expectRefusalChangingNothing(
            test, containing: "card-\(serial).rec: cannot read: is a symbolic link to \(copy.path), not followed"
        ) {
            try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
        }
    }

    /// The signing key replaced by a link to a copy of it: refused, not read through.
    @Test func aSigningKeyThatIsALinkIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let key = test.layout.site(.siteB).appendingPathComponent(SiteIdentity.fileName)
        let elsewhere = try Elsewhere()
        let copy = elsewhere.url.appendingPathComponent("seed")
        try FileManager.default.moveItem(at: key, to: copy)
        try FileManager.default.createSymbolicLink(at: key, withDestinationURL: copy)
        try expectRefusalChangingNothing(test, containing: "signing-key.seed: cannot read: is a symbolic link") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
    }

    /// A print folder others can write to is tightened to 0700 when the site makes its
    /// spool there (it used to be kept as found); a site folder left loose is refused.
    @Test func aLoosePrintFolderIsTightenedAndALooseSiteFolderRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try FileManager.default.createDirectory(at: test.layout.printed(.siteA), withIntermediateDirectories: true)
        #expect(chmod(test.layout.printed.path, 0o777) == 0)
        #expect(chmod(test.layout.printed(.siteA).path, 0o777) == 0)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        #expect(mode(test.layout.printed) == 0o700)
        #expect(mode(test.layout.printed(.siteA)) == 0o700)
        #expect(chmod(test.layout.site(.siteB).path, 0o770) == 0)
        try expectRefusalChangingNothing(test, containing: "site-b: others can write to it (mode 770)") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
    }

    /// A ceremony of one batch of `cards` cards, issued, minted and verified: its journal awaits seal.
    func verifiedBatch(cards: Int) throws -> TestCeremony {
        let test = try TestCeremony(cards: cards, batchSize: cards)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
        return test
    }

    /// What a seal killed while destroying the journal leaves: a record overwritten with zeros,
    /// one emptied, the others whole. A second seal accepts the first two without reading a card
    /// in them, destroys the rest and removes the folder.
    @Test func sealFinishesARecordAKilledSealZeroed() throws {
        let test = try verifiedBatch(cards: 3)
        let serials = try Transcript.load(test.layout).body.serials(batch: 1)
        let zeroed = test.layout.journalRecord(1, serials[0])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: zeroed.path)[.size] as? Int)
        try Data(count: size).write(to: zeroed)
        try Data().write(to: test.layout.journalRecord(1, serials[1]))
        expectSuccess(try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))
        #expect(!FileManager.default.fileExists(atPath: test.layout.journal(1).path))
        #expect(FileManager.default.fileExists(atPath: test.layout.retention(.siteA, batch: 1).path))
    }

    /// Seal checks each record by what it holds: a card's record replaced by another
    /// card's is refused before anything is destroyed.
    @Test func sealRefusesARecordHoldingAnotherCard() throws {
        let test = try verifiedBatch(cards: 2)
        let serials = try Transcript.load(test.layout).body.serials(batch: 1)
        let first = test.layout.journalRecord(1, serials[0])
        let second = test.layout.journalRecord(1, serials[1])
        try FileManager.default.removeItem(at: second)
        try FileManager.default.copyItem(at: first, to: second)
        try expectRefusalChangingNothing(test, containing: "card \(serials[1]): journal record is damaged") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }
    }
}

/// Causes in refusals (issue 14, item 7): a refusal to write names the file and the
/// system's cause. Tests run as root, where permission bits do not stop a write, so a
/// folder is made read-only with a read-only bind mount (needs root; skipped otherwise).
@Suite(
    "Refusals name the system's cause", .serialized,
    .enabled(if: SmallDisk.canMount, "read-only bind mounts need root"))
struct RefusalCauseTests {
    /// `folder` mounted read-only over itself until `unmount`.
    final class ReadOnly {
        let folder: URL
        private var mounted = false
        init(_ folder: URL) throws {
            self.folder = folder
            try Self.mount(["--bind", folder.path, folder.path])
            mounted = true
            try Self.mount(["-o", "remount,bind,ro", folder.path])
        }
        deinit { unmount() }
        func unmount() {
            guard mounted else { return }
            mounted = false
            _ = try? ProcessRunner.run(URL(fileURLWithPath: "/bin/umount"), [folder.path])
        }
        static func mount(_ arguments: [String]) throws {
            let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/mount"), arguments)
            guard result.status == 0 else { throw CeremonyError(.failed, "mount \(arguments): \(result.stderr)") }
        }
    }

    /// Each step meets a read-only folder where it writes, and names the file and
    /// `Read-only file system` in one line; nothing changes.
    @Test func aReadOnlyFolderIsNamedWithItsCause() throws {
        let test = try TestCeremony(cards: 2, batchSize: 1)
        let layout = test.layout
        let cause = String(cString: strerror(EROFS))
        func refused(
            _ folder: URL, _ tool: String, _ arguments: [String], saying line: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let readOnly = try ReadOnly(folder)
            defer { readOnly.unmount() }
            let result = try Tools.run(tool, arguments + ["--ceremony", test.path])
            #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr == "\(tool): \(test.path)/\(line)\n", sourceLocation: sourceLocation)
        }
        #expect(String(cString: strerror(EROFS)) == "Read-only file system")
        let issue = ["issue", "--batch", "1"]
        try refused(
            layout.site(.siteA), "passphrase-site", issue,
            saying: "site-a/work: cannot write: cannot create folder: \(cause)")
        try FileManager.default.createDirectory(
            at: layout.printed(.siteA), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(chmod(layout.printed.path, 0o700) == 0)
        try refused(
            layout.printed(.siteA), "passphrase-site", issue,
            saying: "printed/site-a/batch-0001.labels: cannot write: \(cause)")
        expectSuccess(try Tools.run("passphrase-site", issue + ["--ceremony", test.path]))
        let mint = ["mint", "--batch", "1"]
        try refused(layout.transfer, "key-site", mint, saying: "transfer/batch-0001.keys.json: cannot write: \(cause)")
        try refused(layout.site(.siteB), "key-site", mint, saying: "site-b/ledger.json: cannot write: \(cause)")
        expectSuccess(try Tools.run("key-site", mint + ["--ceremony", test.path]))
        expectSuccess(try Tools.run("passphrase-site", ["verify", "--batch", "1", "--ceremony", test.path]))
        // seal cannot overwrite the journal: it says so, and removes nothing unwritten.
        let serial = try Transcript.load(layout).body.serials(batch: 1)[0]
        try refused(
            layout.journal(1), "passphrase-site", ["seal", "--batch", "1"],
            saying: "site-a/work/batch-0001/card-\(serial).rec: cannot write: cannot overwrite: \(cause)")
        #expect(FileManager.default.fileExists(atPath: layout.journalRecord(1, serial).path))
        expectSuccess(try Tools.run("passphrase-site", ["seal", "--batch", "1", "--ceremony", test.path]))
    }
}
