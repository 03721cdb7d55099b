import Ceremony
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Never through a link (issue 14, item 1), for the bundles in `transfer/`, the
/// print spools and `card-print`: each goes through a folder opened from the
/// ceremony folder with `O_NOFOLLOW`, checked once, then `openat`/`renameat`
/// relative to it, so a link in place of `transfer/`, `printed/`, a spool or
/// `cards/` is refused in one line and nothing is read or written through it.
@Suite("Bundles, spools and cards: never through a link") struct SpoolLinkTests {
    typealias Elsewhere = LinkRefusalTests.Elsewhere

    /// Moves `folder` to `elsewhere` and puts a link to it in its place.
    func replaceWithLink(_ folder: URL, _ elsewhere: Elsewhere) throws {
        try FileManager.default.removeItem(at: elsewhere.url)
        try FileManager.default.moveItem(at: folder, to: elsewhere.url)
        try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: elsewhere.url)
    }

    static func cardPrint(_ arguments: String...) throws -> Tools.Result { try Tools.run("card-print", arguments) }

    /// Exit 1 and exactly one line on stderr, holding `cause`.
    func expectOneLineRefusal(_ result: Tools.Result, containing cause: String) {
        #expect(result.status == 1, "exit \(result.status), stderr: \(result.stderr)")
        #expect(result.stderr.contains(cause), "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
    }

    /// `issue` with `transfer/` swapped for a link: refused before the journal, the
    /// labels or the bundle are made (it used to write the bundle through the link).
    @Test func issueRefusesALinkedTransferFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let elsewhere = try Elsewhere()
        try replaceWithLink(test.layout.transfer, elsewhere)
        let before = elsewhere.snapshot
        try expectRefusalChangingNothing(test, containing: "transfer: is a symbolic link to \(elsewhere.url.path)") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.snapshot.changes(since: before).isEmpty, "written through the link")
        #expect(!FileManager.default.fileExists(atPath: test.layout.journal(1).path))
        #expect(!FileManager.default.fileExists(atPath: test.layout.printed.path))
    }

    /// A bundle in `transfer/` replaced by a link to a true copy of itself: `mint` refuses
    /// to follow it (a link could point anywhere the site's user can read, a FIFO included).
    @Test func mintRefusesALinkedBundle() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let elsewhere = try Elsewhere()
        let bundle = test.layout.intermediateBatch(1)
        let copy = elsewhere.url.appendingPathComponent(bundle.lastPathComponent)
        try FileManager.default.moveItem(at: bundle, to: copy)
        try FileManager.default.createSymbolicLink(at: bundle, withDestinationURL: copy)
        try expectRefusalChangingNothing(test, containing: "is a symbolic link (not followed)") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        #expect(!FileManager.default.fileExists(atPath: test.layout.keyBatch(1).path))
    }

    /// `mint` with `transfer/` swapped for a link after issue: refused before a key is
    /// made or a face printed (it used to write the key batch through the link).
    @Test func mintRefusesALinkedTransferFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let elsewhere = try Elsewhere()
        try replaceWithLink(test.layout.transfer, elsewhere)
        let before = elsewhere.snapshot
        try expectRefusalChangingNothing(test, containing: "transfer: is a symbolic link to \(elsewhere.url.path)") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        #expect(elsewhere.snapshot.changes(since: before).isEmpty, "written through the link")
        #expect(!FileManager.default.fileExists(atPath: test.layout.printed(.siteB).path))
    }

    /// `card-print labels` with `printed/` swapped for a link: refused, and the label
    /// sheet (every passphrase) is not written through it (it used to be).
    @Test func cardPrintDoesNotFollowALinkedPrintFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        let elsewhere = try Elsewhere()
        try replaceWithLink(test.layout.printed, elsewhere)
        let before = elsewhere.snapshot
        expectOneLineRefusal(
            try Self.cardPrint("labels", "--ceremony", test.path, "--batch", "1"),
            containing: "printed: is a symbolic link to \(elsewhere.url.path)")
        #expect(elsewhere.snapshot.changes(since: before).isEmpty, "written through the link")
    }

    /// A face spool replaced by a link to a copy of it outside the ceremony: `card-print`
    /// refuses it and does not read through it (it used to follow it).
    @Test(arguments: ["faces", "assemble"])
    func cardPrintDoesNotFollowALinkedFaceSpool(_ step: String) throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        let elsewhere = try Elsewhere()
        let spool = test.layout.faces(1)
        let copy = elsewhere.url.appendingPathComponent("faces.json")
        try FileManager.default.moveItem(at: spool, to: copy)
        try FileManager.default.createSymbolicLink(at: spool, withDestinationURL: copy)
        let before = FolderSnapshot(test.root)
        let arguments =
            step == "faces" ? [step, "--ceremony", test.path, "--batch", "1"] : [step, "--ceremony", test.path]
        expectOneLineRefusal(
            try Tools.run("card-print", arguments),
            containing: "batch-0001.faces.json: cannot read: is a symbolic link to \(copy.path), not followed")
        #expect(
            !FileManager.default.fileExists(
                atPath: test.layout.printed(.siteB).appendingPathComponent("batch-0001.faces.svg").path))
        #expect(FolderSnapshot(test.root).changes(since: before).filter { !$0.contains("cards") }.isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: test.layout.cards.path)) ?? []).isEmpty)
    }

    /// `cards/` as a link: `assemble` refuses it and writes no card through it.
    @Test func assembleRefusesALinkedCardsFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        let elsewhere = try Elsewhere()
        try FileManager.default.createSymbolicLink(at: test.layout.cards, withDestinationURL: elsewhere.url)
        expectOneLineRefusal(
            try Self.cardPrint("assemble", "--ceremony", test.path),
            containing: "cards: is a symbolic link to \(elsewhere.url.path)")
        #expect(elsewhere.names.isEmpty, "cards written through the link: \(elsewhere.names)")
    }

    /// A `cards/` others can write to is tightened to 0700 before a card (passphrase and
    /// encrypted key together) goes in it (it used to be kept as found).
    @Test func assembleTightensALooseCardsFolder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        try FileManager.default.createDirectory(at: test.layout.cards, withIntermediateDirectories: true)
        #expect(chmod(test.layout.cards.path, 0o777) == 0)
        expectSuccess(try Self.cardPrint("assemble", "--ceremony", test.path))
        var info = stat()
        #expect(stat(test.layout.cards.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(FileManager.default.fileExists(atPath: test.layout.cards.appendingPathComponent("index.html").path))
    }
}
