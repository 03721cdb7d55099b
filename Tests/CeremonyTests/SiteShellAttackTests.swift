import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// An attacker (or a careless operator) with a shell on the site machine, as the
/// same user: links planted in the site's folders, loose folder modes, two runs
/// at once. Each refused in one line, and nothing outside the ceremony is touched.
@Suite("Site folders against a shell on the site machine") struct SiteShellAttackTests {
    /// A file outside the ceremony that a link points at: it must come out unchanged.
    final class Victim {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("victim-\(UUID().uuidString)")
        let contents = Data("precious, not the ceremony's\n".utf8)
        init() throws { try contents.write(to: url) }
        deinit { try? FileManager.default.removeItem(at: url) }
        var untouched: Bool { (try? Data(contentsOf: url)) == contents }
    }

    @Test func sealRefusesALinkPlantedInTheJournalAndDestroysNothing() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
        let victim = try Victim()
        let link = test.layout.journal(1).appendingPathComponent("notes.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim.url)
        try expectRefusalChangingNothing(test, containing: "is not a card record this site wrote") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }
        #expect(victim.untouched)
        // Once the stranger is gone, seal destroys exactly the records it wrote.
        try FileManager.default.removeItem(at: link)
        expectSuccess(try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))
        #expect(!FileManager.default.fileExists(atPath: test.layout.journal(1).path))
        #expect(victim.untouched)
    }

    @Test func aStaleTemporaryThatIsALinkIsRemovedNotFollowed() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let journal = test.layout.journal(1)
        try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        let victim = try Victim()
        let link = journal.appendingPathComponent(".card-0000001-0000.rec.99999.1.tmp")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim.url)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        #expect(victim.untouched)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == nil, "the link is gone")
    }

    @Test func aJournalFolderThatIsALinkIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try FileManager.default.createDirectory(
            at: test.layout.journal(1).deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(at: test.layout.journal(1), withDestinationURL: elsewhere)
        try expectRefusalChangingNothing(test, containing: "is a symbolic link") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test func initTightensALooseSiteFolderAndOpenRefusesOneLeftLoose() throws {
        let test = try TestCeremony(setUp: false)
        let site = test.layout.site(.siteA)
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        #expect(chmod(site.path, 0o777) == 0)
        expectSuccess(try Tools.siteA("init", "--ceremony", test.path))
        #expect(try mode(site) == 0o700)
        expectSuccess(try Tools.siteB("init", "--ceremony", test.path))
        #expect(chmod(site.path, 0o777) == 0)
        expectRefusal(
            try Tools.siteA("propose", "--ceremony", test.path, "--cards", "1", "--batch-size", "1"),
            containing: "others can write to it (mode 777)")
    }

    @Test func aSiteFolderThatIsALinkIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let moved = test.root.appendingPathComponent("site-a-real")
        try FileManager.default.moveItem(at: test.layout.site(.siteA), to: moved)
        try FileManager.default.createSymbolicLink(at: test.layout.site(.siteA), withDestinationURL: moved)
        try expectRefusalChangingNothing(test, containing: "is a symbolic link") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
    }

    /// Two runs at once: exactly one works, the other refuses at once naming the
    /// holder's PID, and the batch stays consistent. Two processes started one after the
    /// other need not overlap (a loaded machine may start the second once the first is done,
    /// which then finds the batch done and says so): such a pair is tried again, on a fresh
    /// ceremony, up to four times, and one pair must meet the lock.
    @Test(arguments: ["issue", "mint"])
    func oneWriterAtATime(_ step: String) throws {
        var metTheLock = false
        for _ in 0..<4 where !metTheLock {
            let test = try TestCeremony(cards: 8, batchSize: 8)
            if step == "mint" { expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")) }
            let tool = step == "issue" ? "passphrase-site" : "key-site"
            let arguments = [step, "--ceremony", test.path, "--batch", "1"]
            let first = try Tools.start(tool, arguments)
            let second = try Tools.start(tool, arguments)
            let runs = [first, second].map { process -> (pid: Int32, status: Int32, stderr: String) in
                let err = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.processIdentifier, process.terminationStatus, String(decoding: err, as: UTF8.self))
            }
            let winners = runs.filter { $0.status == 0 }
            let losers = runs.filter { $0.status != 0 }
            try #require(winners.count == 1 && losers.count == 1, "\(runs)")
            #expect(losers[0].status == 1)
            #expect(losers[0].stderr.split(separator: "\n").count == 1)
            metTheLock = losers[0].stderr.contains("in use by another run (PID \(winners[0].pid) is running")
            // Otherwise the second ran after the first: it refused the batch as done.
            #expect(metTheLock || losers[0].stderr.contains("already"), "\(losers[0].stderr)")
            if step == "issue" { expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")) }
            let verify = try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
            expectSuccess(verify)
            #expect(verify.stdout.contains("8/8 confirmation codes verified"))
        }
        #expect(metTheLock, "no two runs of \(step) overlapped in four tries")
    }

    /// A FIFO in place of a bundle is refused at once, never waited on.
    @Test func aFIFOInPlaceOfABundleIsRefusedAtOnce() throws {
        let test = try TestCeremony(cards: 1, batchSize: 1)
        #expect(mkfifo(test.layout.intermediateBatch(1).path, 0o644) == 0)
        try expectRefusedAtOnce(
            "key-site", ["mint", "--ceremony", test.path, "--batch", "1"],
            containing: "batch-0001.intermediate.json: cannot read: not a regular file")
    }

    /// A FIFO in place of a journal record (a secret file) is refused at once too.
    @Test func aFIFOInPlaceOfAJournalRecordIsRefusedAtOnce() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let journal = test.layout.journal(1)
        try FileManager.default.createDirectory(
            at: journal, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(chmod(journal.deletingLastPathComponent().path, 0o700) == 0)
        #expect(mkfifo(test.layout.journalRecord(1, Serial(lot: 1, sequence: 0)).path, 0o600) == 0)
        try expectRefusedAtOnce(
            "passphrase-site", ["issue", "--ceremony", test.path, "--batch", "1"],
            containing: "card-0000001-0000.rec: cannot read: not a regular file")
    }

    /// Runs `tool arguments`, which must refuse (exit 1, `cause` on stderr) rather than
    /// wait: a run still going after 20 s is ended and fails the test.
    func expectRefusedAtOnce(
        _ tool: String, _ arguments: [String], containing cause: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let process = try Tools.start(tool, arguments)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let hung = process.isRunning
        if hung { process.terminate() }
        process.waitUntilExit()
        #expect(!hung, "\(tool) \(arguments[0]) waited on a FIFO", sourceLocation: sourceLocation)
        let stderr = String(
            decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1, sourceLocation: sourceLocation)
        #expect(stderr.contains(cause), "\(stderr)", sourceLocation: sourceLocation)
    }

    /// A refusal to make a folder names the system's cause.
    @Test func aFolderThatCannotBeMadeNamesTheCause() throws {
        let test = try TestCeremony(setUp: false)
        let file = test.root.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let result = try Tools.siteA("init", "--ceremony", file.appendingPathComponent("ceremony").path)
        expectRefusal(
            result, containing: "plain-file/ceremony/site-a: cannot write: cannot create folder: Not a directory")
    }

    func mode(_ url: URL) throws -> mode_t {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw CeremonyError(.readFailed, "stat") }
        return info.st_mode & 0o777
    }
}

/// Batches move one way: each site's ledger remembers what it did, whatever transfer/ holds.
@Suite("Batch ledgers: no batch is issued or minted twice") struct BatchLedgerTests {
    @Test func aSealedBatchWhoseBundleWasMovedAsideIsNotIssuedAgain() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        let labels = try Data(contentsOf: test.layout.labels(1))
        let aside = test.root.appendingPathComponent("aside.json")
        try FileManager.default.moveItem(at: test.layout.intermediateBatch(1), to: aside)
        try expectRefusalChangingNothing(test, containing: "site-a/ledger.json: batch 1 was sealed already") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
        #expect(try Data(contentsOf: test.layout.labels(1)) == labels, "the printed labels are untouched")
    }

    @Test func aMintedBatchWhoseOutputsWereMovedAsideIsNotMintedAgain() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        expectSuccess(try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        for file in [test.layout.keyBatch(1), test.layout.retention(.siteB, batch: 1), test.layout.faces(1)] {
            try FileManager.default.moveItem(at: file, to: test.root.appendingPathComponent(file.lastPathComponent))
        }
        try expectRefusalChangingNothing(test, containing: "site-b/ledger.json: batch 1 was minted already") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
    }

    @Test func anEditedLedgerIsRefused() throws {
        let test = try TestCeremony(cards: 4, batchSize: 2)
        try test.runBatch(1)
        let url = test.layout.site(.siteA).appendingPathComponent("ledger.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var entries = object["entries"] as! [Any]
        #expect(entries.count == 3, "issued, verified, sealed")
        entries.removeFirst()
        object["entries"] = entries
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        try expectRefusalChangingNothing(test, containing: "the batch ledger was edited: entry 1 does not chain") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "2")
        }
    }

    @Test func theLedgerIsInTheSitesRetentionStatement() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        for party in [Party.siteA, .siteB] {
            let statement = try Envelope(json: Data(contentsOf: test.layout.retention(party, batch: 1)))
            let body = try Payload<RetentionStatementBody>.decodeCanonical(statement.payload).body
            let ledger = try #require(body.kept.first { $0.path == "\(party.rawValue)/ledger.json" }, "\(party)")
            let bytes = try Data(contentsOf: test.layout.site(party).appendingPathComponent("ledger.json"))
            #expect(
                ledger.sha256 == SHA256.hash(Array(bytes)).hex, "\(party): the statement holds the ledger as it stays")
        }
    }
}
