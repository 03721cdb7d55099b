import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Crash safety: "every write is atomic (temporary file, fsync, rename); a
/// bundle is either complete and signed or absent. A site killed at any point
/// (kill -9) and started again finishes the batch or refuses it clearly,
/// without duplicating, skipping or silently re-keying a serial."
///
/// Each test starts the real site executables, kills them with SIGKILL at
/// several points, starts them again and checks what is on disk: while the
/// process runs (every bundle present parses and verifies, every journal
/// record is complete), right after the kill, and after the restart (the
/// batch holds each serial exactly once, in order, cards made before the kill
/// kept their secrets, and no temporary file is left).
@Suite("Crash safety: sites killed with SIGKILL and started again", .serialized)
struct CrashSafetyTests {
    // MARK: site A: issue

    /// Where `issue` is killed: right at start, once `n` cards are journaled
    /// (all 8: around the label spool and the bundle), or as soon as the label
    /// spool appears (before or while the bundle is written).
    enum IssueKill: Sendable, CustomStringConvertible {
        case atStart
        case afterCards(Int)
        case whenLabelsAppear
        /// As soon as a temporary file (a write in progress) appears in the journal, printed/site-a or transfer/.
        case whenTemporaryAppears

        var description: String {
            switch self {
            case .atStart: "at start"
            case .afterCards(let n): "after \(n) card(s)"
            case .whenLabelsAppear: "when the labels appear"
            case .whenTemporaryAppears: "mid-write"
            }
        }
    }

    @Test(
        "issue killed at several points of a batch resumes it without re-keying a card",
        arguments: [
            [IssueKill.atStart, .afterCards(3), .afterCards(8), .whenTemporaryAppears],
            [IssueKill.afterCards(1), .whenTemporaryAppears, .afterCards(5), .whenLabelsAppear, .whenTemporaryAppears],
        ])
    func issueKilledAndRestarted(killPoints: [IssueKill]) throws {
        let started = ContinuousClock.now
        let size = 8
        let run = try TestCeremony(cards: size, batchSize: size)
        let layout = run.layout
        let ceremony = try Transcript.load(layout)
        let serials = ceremony.body.serials(batch: 1)
        let watch = SiteAWatch(ceremony: ceremony, batch: 1, size: size)
        var notes: [String] = []
        var issuedBeforeFinalRun = false

        for point in killPoints {
            let process = try Tools.start("passphrase-site", ["issue", "--ceremony", run.path, "--batch", "1"])
            switch point {
            case .atStart:
                break
            case .afterCards(let n) where n < size:
                try Crash.poll(process, observe: { try watch.observe() }, until: { watch.journalFiles >= n })
            case .afterCards:
                // The last card: spin on cheap checks only, so the kill can land before the bundle.
                try Crash.poll(process, interval: 20, until: { watch.countJournalFiles() >= size })
            case .whenLabelsAppear:
                try Crash.poll(
                    process, interval: 20, until: { FileManager.default.fileExists(atPath: layout.labels(1).path) })
            case .whenTemporaryAppears:
                let folders = [watch.folder, layout.printed(.siteA), layout.transfer]
                try Crash.poll(process, interval: 20, until: { Crash.hasTemporary(in: folders) })
            }
            let killed = Crash.kill9(process)
            // After the kill: every journal record complete, every card seen before unchanged.
            try watch.observe(all: true)
            let bundled = FileManager.default.fileExists(atPath: layout.intermediateBatch(1).path)
            let temporaries = Crash.temporaries(under: run.root)
            notes.append(
                "kill \(point): \(killed ? "killed" : "had exited") with \(watch.journalFiles) card(s) journaled, bundle \(bundled ? "written" : "absent")"
                    + (temporaries.isEmpty ? "" : ", left \(temporaries.joined(separator: " "))"))
            #expect(watch.journalFiles <= size)
            if bundled {
                issuedBeforeFinalRun = true
                break
            }
        }
        let beforeRestart = watch.seen

        let final = try Tools.siteA("issue", "--ceremony", run.path, "--batch", "1")
        if issuedBeforeFinalRun {
            // The bundle was complete before the kill: the site refuses clearly instead of issuing twice.
            expectRefusal(final, containing: "already issued")
        } else {
            expectSuccess(final)
        }
        // Never a second bundle for the same batch.
        expectRefusal(try Tools.siteA("issue", "--ceremony", run.path, "--batch", "1"), containing: "already issued")

        try watch.observe(all: true)
        let (bundle, entry) = try ceremony.open(
            layout.intermediateBatch(1), kind: .intermediateBatch, signer: .siteA, batch: 1,
            as: IntermediateBatchBody.self)
        let cards = bundle.payload.body.cards
        #expect(cards.map(\.serial) == serials, "the bundle holds exactly the batch's serials, once each, in order")
        #expect(Set(watch.seen.keys) == Set(serials.map(\.description)), "one journal record per serial")
        for (serial, card) in beforeRestart {
            #expect(watch.seen[serial] == card, "card \(serial), made before a kill, was re-keyed by the restart")
        }
        for card in cards {
            let journal = try #require(watch.seen[card.serial.description], "card \(card.serial) has no journal record")
            #expect(card.intermediateCode.text == journal.code, "card \(card.serial): bundle code is not the journal's")
            #expect(
                card.passphraseCommitment == Crash.commitment(salt: journal.salt, passphrase: journal.passphrase),
                "card \(card.serial): commitment does not open with the journal's passphrase")
        }
        #expect(Set(cards.map { $0.intermediateCode.ownerEntropy.ownerSalt }).count == size, "an ownersalt was reused")
        let labels = try run.labels(1)
        #expect(Set(labels.keys) == Set(serials))
        for (serial, label) in labels {
            let journal = watch.seen[serial.description]
            #expect(
                label.passphrase.normalizedUTF8.revealedBytes() == journal?.passphrase, "label \(serial) passphrase")
            #expect(label.salt == journal?.salt, "label \(serial) salt")
        }
        let transcript = try ceremony.entries()
        #expect(transcript.filter { $0.header.type == .intermediateBatch }.count == 1)
        try ceremony.checkChain(entry, within: transcript)
        #expect(
            Crash.temporaries(under: run.root).isEmpty, "temporary files left: \(Crash.temporaries(under: run.root))")
        #expect(watch.problems.isEmpty, "\(watch.problems)")

        // The resumed batch goes on normally: B mints it and A's confirmation checks pass.
        try expectSuccess(Tools.siteB("mint", "--ceremony", run.path, "--batch", "1"))
        let verified = try Tools.siteA("verify", "--ceremony", run.path, "--batch", "1")
        expectSuccess(verified)
        #expect(verified.stdout.contains("\(size)/\(size) confirmation codes verified"))
        print("crash-safety issue \(killPoints): \(notes.joined(separator: "; ")); \(started.duration(to: .now))")
    }

    // MARK: site B: mint

    /// B's mint is fast (one light scrypt and a few curve multiplications per
    /// card), so a large batch is killed after varying delays, each time on a
    /// fresh copy of the same ceremony, and once as soon as the face spool (the
    /// commit point) appears. A's bundle is made by the test with random
    /// passpoints (no heavy scrypt) and signed with A's real key.
    @Test("mint killed after varying delays finishes from the face spool, or mints afresh when nothing was written")
    func mintKilledAndRestarted() throws {
        let started = ContinuousClock.now
        let size = 200
        let run = try TestCeremony(cards: size, batchSize: size)
        try Crash.forgeIntermediateBatch(run, batch: 1)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crash-mint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // Calibration: an uninterrupted mint on a copy gives the time scale of the kill delays.
        let calibration = scratch.appendingPathComponent("calibration")
        try FileManager.default.copyItem(at: run.root, to: calibration)
        let clock = ContinuousClock.now
        try expectSuccess(Tools.siteB("mint", "--ceremony", calibration.path, "--batch", "1"))
        let full = clock.duration(to: .now)
        let seconds = Double(full.components.seconds) + Double(full.components.attoseconds) / 1e18

        var plans: [MintKill] = [.after(0), .after(0.005), .after(0.015)]
        plans += [0.3, 0.6, 0.9, 1.0, 1.2].map { .after(seconds * $0) }
        plans += [.whenFacesAppear, .whenFacesAppear, .whenFacesAppear, .whenTemporaryAppears, .whenTemporaryAppears]
        var states: [String: Int] = [:]
        var attempt = 0
        func attemptOnce(_ plan: MintKill) throws {
            let folder = scratch.appendingPathComponent("attempt-\(attempt)")
            attempt += 1
            try FileManager.default.copyItem(at: run.root, to: folder)
            states[try mintOnce(CeremonyLayout(root: folder), size: size, kill: plan), default: 0] += 1
        }
        for plan in plans { try attemptOnce(plan) }
        // The commit point, and a kill mid-write, are the states that matter most: insist on reaching them.
        let reached = { (what: String) in states.contains { $0.key.contains(what) } }
        // Since the key batch is encoded on the workers, the gap between the two files is a few
        // milliseconds: try more times (each attempt is one short mint) rather than miss it.
        for _ in 0..<30 where !reached("faces only") { try attemptOnce(.whenFacesAppear) }
        for _ in 0..<6 where !reached("temporary") { try attemptOnce(.whenTemporaryAppears) }
        #expect(reached("faces only"), "no kill landed between the face spool and the key batch: \(states)")
        #expect(reached("temporary"), "no kill landed in the middle of a write: \(states)")
        print(
            "crash-safety mint \(size) cards (uninterrupted \(full)): states after kill \(states); \(started.duration(to: .now))"
        )
    }

    enum MintKill: CustomStringConvertible {
        case after(Double)
        case whenFacesAppear
        case whenTemporaryAppears

        var description: String {
            switch self {
            case .after(let s): "after \(Int(s * 1000)) ms"
            case .whenFacesAppear: "when the face spool appears"
            case .whenTemporaryAppears: "mid-write"
            }
        }
    }

    /// One kill and restart of `mint` in `layout`; returns what the kill left ("nothing", "faces only", ...).
    func mintOnce(_ layout: CeremonyLayout, size: Int, kill plan: MintKill) throws -> String {
        let path = layout.root.path
        let ceremony = try Transcript.load(layout)
        let faces = layout.faces(1)
        let keys = layout.keyBatch(1)
        let retention = layout.retention(.siteB, batch: 1)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }

        let process = try Tools.start("key-site", ["mint", "--ceremony", path, "--batch", "1"])
        switch plan {
        case .after(let seconds):
            if seconds > 0 { usleep(UInt32(seconds * 1_000_000)) }
        case .whenFacesAppear:
            try Crash.poll(
                process, interval: 100, observe: { try Crash.checkTransfer(ceremony) }, until: { exists(faces) })
        case .whenTemporaryAppears:
            let folders = [layout.printed(.siteB), layout.transfer]
            try Crash.poll(process, interval: 20, until: { Crash.hasTemporary(in: folders) })
        }
        Crash.kill9(process)

        // What the kill left: each file complete or absent.
        try Crash.checkTransfer(ceremony)
        let facesBefore = exists(faces) ? try CardFace.readSpool(faces) : nil
        let keysBefore = exists(keys) ? try Data(contentsOf: keys) : nil
        let state =
            (exists(retention)
                ? "complete" : keysBefore != nil ? "faces and keys" : facesBefore != nil ? "faces only" : "nothing")
            + (Crash.temporaries(under: layout.root).isEmpty ? "" : " + temporary")
        #expect(keysBefore == nil || facesBefore != nil, "\(plan): a key batch without its face spool")

        try Crash.expectRestart(done: state.hasPrefix("complete"), refusing: "already minted") {
            try Tools.siteB("mint", "--ceremony", path, "--batch", "1")
        }

        let printed = try CardFace.readSpool(faces)
        if let facesBefore {
            #expect(printed == facesBefore, "\(plan): the restart re-keyed cards whose faces were already printed")
        }
        if let keysBefore {
            #expect(try Data(contentsOf: keys) == keysBefore, "\(plan): the restart rewrote a signed key batch")
        }
        let serials = ceremony.body.serials(batch: 1)
        #expect(printed.map(\.serial) == serials, "\(plan): face spool serials")
        #expect(Set(printed.map(\.encryptedKey.text)).count == size, "\(plan): an encrypted key appears twice")
        #expect(Set(printed.map(\.address.text)).count == size, "\(plan): an address appears twice")

        let (request, _) = try ceremony.open(
            layout.intermediateBatch(1), kind: .intermediateBatch, signer: .siteA, batch: 1,
            as: IntermediateBatchBody.self)
        let (answer, answerEntry) = try ceremony.open(
            keys, kind: .keyBatch, signer: .siteB, batch: 1, as: KeyBatchBody.self)
        #expect(answer.payload.answers == request.digest, "\(plan): key batch does not answer A's bundle")
        let expected = printed.map {
            KeyBatchBody.Card(
                serial: $0.serial, address: $0.address, confirmationCode: $0.confirmationCode,
                encryptedKeyCommitment: CardFace.commitment($0.encryptedKey))
        }
        #expect(answer.payload.body.cards == expected, "\(plan): key batch does not match the face spool exactly")
        let (_, statementEntry) = try ceremony.open(
            retention, kind: .retentionStatement, signer: .siteB, batch: 1, as: RetentionStatementBody.self)
        let transcript = try ceremony.entries()
        #expect(
            transcript.filter { $0.header.signer == .siteB }.count == 2, "\(plan): B's payloads duplicated or missing")
        try ceremony.checkChain(answerEntry, within: transcript)
        try ceremony.checkChain(statementEntry, within: transcript)
        #expect(statementEntry.header.prev == answerEntry.digest)
        let left = Crash.temporaries(under: layout.root)
        #expect(left.isEmpty, "\(plan): temporary files left: \(left)")
        return state
    }

    // MARK: site A: verify and seal

    @Test("verify and seal killed midway are finished by a restart")
    func verifyAndSealKilled() throws {
        let started = ContinuousClock.now
        let size = 6
        let run = try TestCeremony(cards: size, batchSize: size)
        let layout = run.layout
        try expectSuccess(Tools.siteA("issue", "--ceremony", run.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", run.path, "--batch", "1"))
        let ceremony = try Transcript.load(layout)
        let journal = layout.site(.siteA).appendingPathComponent("work").appendingPathComponent("batch-0001")
        let journalBefore = try Crash.contents(of: journal)
        #expect(journalBefore.count == size)

        // verify: one heavy scrypt per card, written only at the end. Kill early and midway.
        var notes: [String] = []
        for delay in [0.03, 0.6] {
            let process = try Tools.start("passphrase-site", ["verify", "--ceremony", run.path, "--batch", "1"])
            usleep(UInt32(delay * 1_000_000))
            let killed = Crash.kill9(process)
            try Crash.checkTransfer(ceremony)
            let reported = FileManager.default.fileExists(atPath: layout.confirmationReport(1).path)
            notes.append(
                "verify killed after \(Int(delay * 1000)) ms: \(killed ? "killed" : "had exited"), report \(reported ? "written" : "absent")"
            )
            #expect(try Crash.contents(of: journal) == journalBefore, "verify changed the passphrase journal")
            if reported { break }
        }
        let verified = try Tools.siteA("verify", "--ceremony", run.path, "--batch", "1")
        if verified.status == 0 {
            #expect(verified.stdout.contains("\(size)/\(size) confirmation codes verified"))
        } else {
            expectRefusal(verified, containing: "already verified")
        }
        let (report, reportEntry) = try ceremony.open(
            layout.confirmationReport(1), kind: .confirmationReport, signer: .siteA, batch: 1,
            as: ConfirmationReportBody.self)
        #expect(report.payload.body.checked == size && report.payload.body.confirmed == size)
        try ceremony.checkChain(reportEntry, within: try ceremony.entries())
        #expect(Crash.temporaries(under: run.root).isEmpty)

        // seal: fast, so each kill runs on a fresh copy of the verified ceremony.
        let passphrases = try run.labels(1).values.map { $0.passphrase.normalizedUTF8.revealedBytes() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crash-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let plans: [SealKill] = [
            .after(0), .after(0.01), .after(0.02), .after(0.03), .after(0.04), .after(0.06),
            .whenJournalShrinks, .whenJournalShrinks, .whenJournalGone, .whenJournalGone, .whenTemporaryAppears,
            .whenTemporaryAppears,
            .simulated(destroyed: size / 2), .simulated(destroyed: size),
        ]
        var states: [String: Int] = [:]
        for (index, plan) in plans.enumerated() {
            let folder = scratch.appendingPathComponent("seal-\(index)")
            try FileManager.default.copyItem(at: run.root, to: folder)
            let state = try sealOnce(
                CeremonyLayout(root: folder), kill: plan, journalBefore: journalBefore, passphrases: passphrases)
            states[state, default: 0] += 1
        }
        print(
            "crash-safety verify/seal: \(notes.joined(separator: "; ")); seal states after kill \(states); \(started.duration(to: .now))"
        )
    }

    enum SealKill: CustomStringConvertible {
        case after(Double)
        case whenJournalShrinks
        case whenJournalGone
        case whenTemporaryAppears
        /// The state a kill between destroying journal files and the statement leaves, made by hand.
        case simulated(destroyed: Int)

        var description: String {
            switch self {
            case .after(let s): "after \(Int(s * 1000)) ms"
            case .whenJournalShrinks: "when the first journal file is gone"
            case .whenJournalGone: "when the journal folder is gone"
            case .whenTemporaryAppears: "mid-write"
            case .simulated(let n): "simulated kill after destroying \(n) journal file(s)"
            }
        }
    }

    func sealOnce(
        _ layout: CeremonyLayout, kill plan: SealKill, journalBefore: [String: Data], passphrases: [[UInt8]]
    ) throws -> String {
        let path = layout.root.path
        let ceremony = try Transcript.load(layout)
        let journal = layout.site(.siteA).appendingPathComponent("work").appendingPathComponent("batch-0001")
        let statement = layout.retention(.siteA, batch: 1)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }

        if case .simulated(let destroyed) = plan {
            for name in journalBefore.keys.sorted().prefix(destroyed) {
                try FileManager.default.removeItem(at: journal.appendingPathComponent(name))
            }
            if destroyed == journalBefore.count { try FileManager.default.removeItem(at: journal) }
        } else {
            let process = try Tools.start("passphrase-site", ["seal", "--ceremony", path, "--batch", "1"])
            switch plan {
            case .after(let seconds):
                if seconds > 0 { usleep(UInt32(seconds * 1_000_000)) }
            case .whenJournalShrinks:
                try Crash.poll(
                    process, interval: 100,
                    until: { (try? Crash.contents(of: journal).count) ?? 0 < journalBefore.count })
            case .whenJournalGone:
                try Crash.poll(process, interval: 100, until: { !exists(journal) })
            case .whenTemporaryAppears:
                try Crash.poll(process, interval: 20, until: { Crash.hasTemporary(in: [layout.transfer]) })
            case .simulated:
                break
            }
            Crash.kill9(process)
        }

        // What the kill left: journal files untouched, or being destroyed (zeroed), or gone.
        try Crash.checkTransfer(ceremony)
        let left = (try? Crash.contents(of: journal)) ?? [:]
        for (name, data) in left where data != journalBefore[name] {
            #expect(data.allSatisfy { $0 == 0 }, "\(plan): journal file \(name) changed but not zeroed")
        }
        let state =
            (exists(statement)
                ? "sealed"
                : left.count == journalBefore.count
                    ? "journal intact" : left.isEmpty ? "journal destroyed, no statement" : "journal partly destroyed")
            + (Crash.temporaries(under: layout.root).isEmpty ? "" : " + temporary")

        try Crash.expectRestart(done: state.hasPrefix("sealed"), refusing: "already sealed") {
            try Tools.siteA("seal", "--ceremony", path, "--batch", "1")
        }

        #expect(!exists(journal), "\(plan): the journal survived seal")
        let (signed, entry) = try ceremony.open(
            statement, kind: .retentionStatement, signer: .siteA, batch: 1, as: RetentionStatementBody.self)
        let transcript = try ceremony.entries()
        try ceremony.checkChain(entry, within: transcript)
        #expect(entry.header.answers == transcript.first { $0.header.type == .confirmationReport }?.digest)
        #expect(transcript.filter { $0.header.type == .retentionStatement && $0.header.signer == .siteA }.count == 1)
        #expect(
            !signed.payload.body.kept.contains { $0.path.hasSuffix(".rec") }, "\(plan): statement keeps a journal file")
        // No passphrase anywhere in A's retained folder.
        for file in Crash.files(under: layout.site(.siteA)) {
            let data = [UInt8](try Data(contentsOf: file))
            for passphrase in passphrases where Crash.contains(data, passphrase) {
                Issue.record("\(plan): \(layout.relative(file)) still holds a passphrase")
            }
        }
        let temporaries = Crash.temporaries(under: layout.root)
        #expect(temporaries.isEmpty, "\(plan): temporary files left: \(temporaries)")
        return state
    }
}

/// What the issue test has seen of site A's journal and outputs while the site
/// runs. A journal record once seen must never change (no re-keying), must
/// always be complete, and a bundle or label spool present must be whole.
final class SiteAWatch {
    struct Card: Equatable {
        let passphrase: [UInt8]
        let salt: String
        let code: String
    }

    let ceremony: Transcript
    let batch: Int
    let size: Int
    let folder: URL
    private(set) var seen: [String: Card] = [:]
    private(set) var journalFiles = 0
    private(set) var problems: [String] = []

    init(ceremony: Transcript, batch: Int, size: Int) {
        self.ceremony = ceremony
        self.batch = batch
        self.size = size
        folder = ceremony.layout.site(.siteA).appendingPathComponent("work")
            .appendingPathComponent(CeremonyLayout.batchName(batch))
    }

    /// Counts the journal files without reading them.
    func countJournalFiles() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("card-") && $0.hasSuffix(".rec") }.count
    }

    /// Reads new journal records (every one when `all`), the label spool and the transfer folder.
    func observe(all: Bool = false) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("card-") && $0.hasSuffix(".rec") }
        journalFiles = names.count
        for name in names {
            let serial = String(name.dropFirst("card-".count).dropLast(".rec".count))
            if !all && seen[serial] != nil { continue }
            let records = try SecretRecord.read(folder.appendingPathComponent(name))
            guard records.count == 1, let record = records.first, record.fields.count == 4,
                record.text("serial") == serial, let passphrase = record["passphrase"],
                let salt = record.text("commitment-salt"), let code = record.text("intermediate-code")
            else {
                problems.append("journal file \(name) is incomplete or damaged")
                continue
            }
            let card = Card(passphrase: passphrase.revealedBytes(), salt: salt, code: code)
            if let earlier = seen[serial] {
                if earlier != card { problems.append("journal record for \(serial) changed: re-keyed") }
            } else {
                seen[serial] = card
            }
        }
        let labels = ceremony.layout.labels(batch)
        if FileManager.default.fileExists(atPath: labels.path) {
            let count = try SecretRecord.read(labels).count
            if count != size { problems.append("label spool holds \(count) labels, not \(size)") }
        }
        try Crash.checkTransfer(ceremony)
    }
}

/// Helpers for killing and inspecting site processes.
enum Crash {
    /// The step run again after the kill: refused as `refusing` when the kill came
    /// after it was `done`, else it completes; then once more, refused as done.
    static func expectRestart(
        done: Bool, refusing cause: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ step: () throws -> Tools.Result
    ) throws {
        let restart = try step()
        if done {
            expectRefusal(restart, containing: cause, sourceLocation: sourceLocation)
        } else {
            expectSuccess(restart, sourceLocation: sourceLocation)
        }
        expectRefusal(try step(), containing: cause, sourceLocation: sourceLocation)
    }

    /// Sends SIGKILL to a running process and reaps it.
    /// - Returns: whether the signal ended it (false when it had already exited).
    @discardableResult
    static func kill9(_ process: Process) -> Bool {
        if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// Runs `observe` and checks `condition` every `interval` microseconds until the
    /// condition holds or the process ends; fails after `timeout` seconds.
    static func poll(
        _ process: Process, interval: UInt32 = 1000, timeout: Double = 60, observe: () throws -> Void = {},
        until condition: () throws -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            try observe()
            if try condition() || !process.isRunning { return }
            guard Date() < deadline else {
                Crash.kill9(process)
                Issue.record("timed out waiting for the kill point")
                return
            }
            usleep(interval)
        }
    }

    /// Every file in `transfer/` (not a temporary) must parse and verify, whenever it is looked at.
    static func checkTransfer(_ ceremony: Transcript) throws {
        let transfer = ceremony.layout.transfer
        let names = (try? FileManager.default.contentsOfDirectory(atPath: transfer.path)) ?? []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") && !name.contains(".declaration.") {
            do {
                _ = try ceremony.entry(transfer.appendingPathComponent(name))
            } catch {
                Issue.record("transfer/\(name) is present but does not verify: \(error)")
            }
        }
    }

    /// Every regular file under `folder`, hidden ones included.
    static func files(under folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var out: [URL] = []
        for case let relative as String in enumerator {
            let url = folder.appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                out.append(url)
            }
        }
        return out
    }

    /// Temporary files (`.NAME.PID.RANDOM.tmp`) left anywhere in a ceremony folder.
    static func temporaries(under root: URL) -> [String] {
        files(under: root).map(\.lastPathComponent).filter { $0.hasSuffix(".tmp") }.sorted()
    }

    /// Whether any of `folders` holds a temporary file (a write in progress or left by a kill).
    static func hasTemporary(in folders: [URL]) -> Bool {
        folders.contains { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains {
                $0.hasSuffix(".tmp")
            }
        }
    }

    /// The files of a folder by name.
    static func contents(of folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// A's passphrase commitment, recomputed independently:
    /// SHA-256("bip38-2fkg passphrase commitment v1" || salt || passphrase), hex.
    static func commitment(salt hex: String, passphrase: [UInt8]) -> String {
        SHA256.hash(Array("bip38-2fkg passphrase commitment v1".utf8) + ([UInt8](hexString: hex) ?? []) + passphrase)
            .hex
    }

    /// Writes A's intermediate batch for `batch` with random passpoints (no heavy
    /// scrypt), signed with A's real key and chained like the site would: to B it
    /// is indistinguishable from a real one, so B's mint runs its real path.
    static func forgeIntermediateBatch(_ run: TestCeremony, batch: Int) throws {
        let ceremony = try Transcript.load(run.layout)
        var cards: [IntermediateBatchBody.Card] = []
        for serial in ceremony.body.serials(batch: batch) {
            let entropy = OwnerEntropy(
                ownerSalt: SystemRandom.bytes(count: 4),
                lotSequence: try LotSequence(lot: serial.lot, sequence: serial.sequence))
            let passpoint = try Secp256k1.publicPoint(of: SystemRandom.secretBytes(count: 32))
            cards.append(
                IntermediateBatchBody.Card(
                    serial: serial, lot: serial.lot, sequence: serial.sequence,
                    intermediateCode: IntermediateCode(ownerEntropy: entropy, passpoint: passpoint),
                    passphraseCommitment: SHA256.hash(SystemRandom.bytes(count: 32)).hex))
        }
        struct Cards: Encodable { let cards: [IntermediateBatchBody.Card] }
        let body = try TranscriptJSON.decoder.decode(
            IntermediateBatchBody.self, from: TranscriptJSON.encoder.encode(Cards(cards: cards)))
        let link = try ceremony.nextLink(for: .siteA)
        let payload = Payload(
            type: .intermediateBatch, ceremony: ceremony.id, signer: .siteA, batch: batch, sequence: link.sequence,
            prev: link.prev, answers: nil, body: body)
        try SignedPayload(payload, signers: [try run.siteKey(.siteA)]).write(to: run.layout.intermediateBatch(batch))
    }
}
