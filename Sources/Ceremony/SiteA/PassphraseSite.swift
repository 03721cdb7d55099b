import BIP38
import CryptoCore
import Foundation

/// Site A, the passphrase site (Docs/Design.md, flow steps 2 and 4).
///
/// Per card it draws a passphrase and a 4-byte ownersalt, derives the
/// intermediate code (one scrypt(16384, 8, 8)), prints a scratch-off label and
/// sends B only the code and a salted commitment to the passphrase. It later
/// checks B's confirmation codes against the passphrases, then destroys them.
///
/// While a batch is open, A's passphrases live in a journal in
/// `site-a/work/batch-NNNN/`, one 0600 file per card, so that a process killed
/// at any point resumes without re-keying a card. `seal` destroys the journal.
package struct PassphraseSite: Sendable {
    package let ceremony: Transcript
    let key: Ed25519.SigningKey
    let ownerSalts: (@Sendable (Serial) -> [UInt8])?
    let passphrases: (@Sendable (Serial) -> SecretBytes)?

    var layout: CeremonyLayout { ceremony.layout }

    /// Opens the site: loads its key and the manifest, and checks the manifest names this key.
    ///
    /// - Parameter ownerSalts: where 4-byte ownersalts come from; nil (always, in the
    ///   executables) means the system's generator. Only fault simulations
    ///   (Sources/FaultInjection) pass a source, to play a site with a bad one.
    /// - Parameter passphrases: likewise for the passphrases (nil: the policy's generator).
    /// - Parameter pin: where the PIN of a key kept in a token comes from.
    package init(
        layout: CeremonyLayout, ownerSalts: (@Sendable (Serial) -> [UInt8])? = nil,
        passphrases: (@Sendable (Serial) -> SecretBytes)? = nil, pin: PINSource = PINSource()
    ) throws(CeremonyError) {
        self.ownerSalts = ownerSalts
        self.passphrases = passphrases
        (key, ceremony) = try SiteIdentity.open(.siteA, layout: layout, pin: pin)
    }

    /// Issues batch `batch`: passphrases, intermediate codes, labels and the signed intermediate batch.
    /// Resumes a batch a killed run left half done; refuses one already issued.
    /// - Returns: the number of cards issued.
    @discardableResult
    package func issue(batch: Int, progress: (any CardProgress)? = nil) throws(CeremonyError) -> Int {
        let lock = try SiteLock.acquire(.siteA, layout: layout, for: "issue batch \(batch)")
        defer { withExtendedLifetime(lock) {} }
        try ceremony.checkBatch(batch)
        // The bundle goes through transfer/'s descriptor, a real folder (never a link), opened
        // before anything is written, so a linked transfer/ leaves the ceremony folder as it was.
        let transfer = try DirectoryHandle.transfer(layout: layout)
        let bundleURL = layout.intermediateBatch(batch)
        guard try !transfer.contains(bundleURL.lastPathComponent) else {
            throw .alreadyDone("batch \(batch) already issued (\(layout.relative(bundleURL)))")
        }
        var ledger = try BatchLedger.load(.siteA, layout: layout, ceremony: ceremony.id)
        // Issued but not verified, with the journal still here, is a resumed run: the bundle is
        // rebuilt from the journal byte for byte. Anything further along would draw new passphrases.
        if let state = ledger.state(of: batch),
            state > .issued || !FileManager.default.fileExists(atPath: layout.journal(batch).path)
        {
            throw CeremonyError(
                .alreadyDone, file: layout.relative(ledger.url),
                "batch \(batch) was \(state.rawValue) already, but \(layout.relative(bundleURL)) is missing: put it back; issuing again would draw new passphrases and lose every card already minted"
            )
        }
        // Every journal file goes through the batch folder's descriptor, opened from the site
        // folder's, each a real folder of ours (never a link), made 0700 or tightened.
        // The print folders are checked before anything is made, and made after the journal.
        try DirectoryHandle.printed(.siteA, layout: layout, create: false)
        let journal = try Self.journal(batch, layout: layout, create: true)
        let printed = try DirectoryHandle.printedFolder(.siteA, layout: layout)
        journal.removeStaleTemporaries()
        let serials = ceremony.body.serials(batch: batch)
        let policy = ceremony.body.policy
        progress?.begin("site A issue batch \(batch)", total: serials.count)
        let cards = try parallelMap(serials.count, progress: progress) { (index) throws(CeremonyError) -> JournalCard in
            let serial = serials[index]
            if try journal.contains(JournalCard.fileName(serial)) {
                return try JournalCard.read(in: journal, expected: serial)
            }
            let card = try JournalCard.make(
                serial: serial, policy: policy, ownerSalt: ownerSalts?(serial), passphrase: passphrases?(serial))
            try card.write(in: journal)
            return card
        }
        // The label spool and the bundle are rebuilt from the journal, byte for byte, on a resumed run.
        let labels = cards.map(\.label)
        try ScratchLabel.writeSpool(labels, in: printed, name: layout.labels(batch).lastPathComponent)
        let link = try ceremony.nextLink(for: .siteA)
        let body = IntermediateBatchBody(cards: cards.map(\.bundleCard))
        let payload = Payload(
            type: .intermediateBatch, ceremony: ceremony.id, signer: .siteA, batch: batch, sequence: link.sequence,
            prev: link.prev, answers: nil, body: body)
        let signed = SignedPayload(payload, signers: [key])
        // The ledger first: a run that dies between the two resumes from the journal.
        if ledger.state(of: batch) == nil { try ledger.record(batch, .issued, payload: signed.digest) }
        try signed.write(in: transfer, name: bundleURL.lastPathComponent)
        return cards.count
    }

    /// Checks B's key batch against the passphrases still held, and writes the signed confirmation report.
    /// - Returns: the report; cards that fail are listed by serial with the reason.
    package func verify(
        batch: Int, progress: (any CardProgress)? = nil
    ) throws(CeremonyError)
        -> ConfirmationReportBody
    {
        let lock = try SiteLock.acquire(.siteA, layout: layout, for: "verify batch \(batch)")
        defer { withExtendedLifetime(lock) {} }
        try ceremony.checkBatch(batch)
        let transfer = try DirectoryHandle.transfer(layout: layout)
        let reportURL = layout.confirmationReport(batch)
        var ledger = try BatchLedger.load(.siteA, layout: layout, ceremony: ceremony.id)
        if FileManager.default.fileExists(atPath: reportURL.path) {
            // A run that died after its report and before its ledger entry: record it, and answer the report.
            if let state = ledger.state(of: batch), state < .verified {
                let (report, reportEntry) = try ceremony.open(
                    reportURL, kind: .confirmationReport, signer: .siteA, batch: batch, as: ConfirmationReportBody.self)
                try ledger.record(batch, .verified, payload: reportEntry.digest)
                return report.payload.body
            }
            throw .alreadyDone("batch \(batch) already verified (\(layout.relative(reportURL)))")
        }
        let (issued, issuedEntry) = try ceremony.open(
            layout.intermediateBatch(batch), kind: .intermediateBatch, signer: .siteA, batch: batch,
            as: IntermediateBatchBody.self)
        let keysURL = layout.keyBatch(batch)
        let (answer, answerEntry) = try ceremony.open(
            keysURL, kind: .keyBatch, signer: .siteB, batch: batch, as: KeyBatchBody.self)
        let path = layout.relative(keysURL)
        guard answer.payload.answers == issuedEntry.digest else {
            throw .refusedBundle(file: path, reason: "does not answer this site's intermediate batch \(batch)")
        }
        let transcript = try ceremony.entries()
        try ceremony.checkChain(answerEntry, within: transcript)
        let expected = issued.payload.body.cards.map(\.serial)
        let received = answer.payload.body.cards.map(\.serial)
        if let duplicate = Self.firstRepeated(received) {
            throw .refusedCard(file: path, serial: duplicate, reason: "appears twice")
        }
        // The intermediate batch is read back from transfer/: a serial twice there is refused, never a trap below.
        if let duplicate = Self.firstRepeated(expected) {
            throw .refusedCard(
                file: layout.relative(layout.intermediateBatch(batch)), serial: duplicate, reason: "appears twice")
        }
        let receivedSet = Set(received)
        let expectedSet = Set(expected)
        if let missing = expected.first(where: { !receivedSet.contains($0) }) {
            throw .refusedCard(file: path, serial: missing, reason: "missing from the key batch")
        }
        if let extra = received.first(where: { !expectedSet.contains($0) }) {
            throw .refusedCard(file: path, serial: extra, reason: "was not issued in batch \(batch)")
        }
        // Serials are unique in both batches (checked above), so no key repeats.
        let issuedBySerial = Dictionary(uniqueKeysWithValues: issued.payload.body.cards.map { ($0.serial, $0) })
        let manifest = ceremony.body
        let journal = try Self.journal(batch, layout: layout, create: false)
        progress?.begin("site A verify batch \(batch)", total: received.count)
        let outcomes = try parallelMap(received.count, progress: progress) {
            (index) throws(CeremonyError) -> ConfirmationReportBody.Failure? in
            let card = answer.payload.body.cards[index]
            let journalCard = try JournalCard.read(in: journal, expected: card.serial)
            // Every received serial was issued (checked above), so the lookup always succeeds.
            let reason = Self.check(
                card, issued: issuedBySerial[card.serial]!, passphrase: journalCard.passphrase, manifest: manifest)
            return reason.map { ConfirmationReportBody.Failure(serial: card.serial, reason: $0) }
        }
        let failures = outcomes.compactMap { $0 }
        let report = ConfirmationReportBody(
            checked: received.count, confirmed: received.count - failures.count, failures: failures)
        let link = ceremony.nextLink(for: .siteA, in: transcript)
        let payload = Payload(
            type: .confirmationReport, ceremony: ceremony.id, signer: .siteA, batch: batch, sequence: link.sequence,
            prev: link.prev, answers: answerEntry.digest, body: report)
        let signed = SignedPayload(payload, signers: [key])
        try signed.write(in: transfer, name: reportURL.lastPathComponent)
        try ledger.record(batch, .verified, payload: signed.digest)
        return report
    }

    /// The first serial in `serials` that repeats an earlier one (at its second appearance), or
    /// nil: a refusal names the same card on every run, whatever the hash seed.
    static func firstRepeated(_ serials: [Serial]) -> Serial? {
        var seen: Set<Serial> = []
        return serials.first { !seen.insert($0).inserted }
    }

    /// One card's confirmation: the code must carry this card's ownerentropy and
    /// serial, and decrypt with the passphrase to exactly the address B sent.
    static func check(
        _ card: KeyBatchBody.Card, issued: IntermediateBatchBody.Card, passphrase: Passphrase, manifest: ManifestBody
    ) -> String? {
        let code = card.confirmationCode
        guard code.ownerEntropy == issued.intermediateCode.ownerEntropy else {
            return "confirmation code carries another card's ownerentropy"
        }
        guard code.lotSequence.map(Serial.init) == card.serial else {
            return "confirmation code's lot/sequence is not the serial"
        }
        guard code.format == manifest.addressFormat else { return "address type differs from the manifest" }
        do {
            let confirmed = try code.confirm(passphrase: passphrase, network: manifest.network)
            guard confirmed.address == card.address else {
                return "address \(card.address) is not the one the confirmation code binds to the passphrase"
            }
            return nil
        } catch {
            return "confirmation code does not verify: \(error)"
        }
    }

    /// Destroys the batch's passphrase journal and writes A's signed retention statement.
    ///
    /// A batch with failed confirmations is refused unless `voidFailed`: then those
    /// cards are voided (named in the retention statement, printed VOID, never sold).
    /// With `wipeMedium` (the path of the medium's image or device), the medium the batch's
    /// bundles crossed on is hashed and overwritten with zeros (``MediumWipe``) before the
    /// statement is signed, and the statement records its digest.
    /// - Returns: the wiped medium's record, as the statement holds it (nil without `wipeMedium`).
    @discardableResult
    package func seal(
        batch: Int, voidFailed: Bool = false, wipeMedium: String? = nil
    ) throws(CeremonyError) -> RetentionStatementBody.MediumWipe? {
        let lock = try SiteLock.acquire(.siteA, layout: layout, for: "seal batch \(batch)")
        defer { withExtendedLifetime(lock) {} }
        try ceremony.checkBatch(batch)
        let transfer = try DirectoryHandle.transfer(layout: layout)
        let statementURL = layout.retention(.siteA, batch: batch)
        guard !FileManager.default.fileExists(atPath: statementURL.path) else {
            throw .alreadyDone("batch \(batch) already sealed (\(layout.relative(statementURL)))")
        }
        guard FileManager.default.fileExists(atPath: layout.confirmationReport(batch).path) else {
            throw .outOfOrder("batch \(batch) is not verified yet: run verify before seal")
        }
        let (report, reportEntry) = try ceremony.open(
            layout.confirmationReport(batch), kind: .confirmationReport, signer: .siteA, batch: batch,
            as: ConfirmationReportBody.self)
        let failed = report.payload.body.failures.map(\.serial)
        guard failed.isEmpty || voidFailed else {
            throw CeremonyError(
                .refusedBundle, file: layout.relative(layout.confirmationReport(batch)),
                "\(failed.count) card(s) failed confirmation (\(failed.map(\.description).joined(separator: ", "))): seal --void-failed voids them, or stop the batch"
            )
        }
        if let wipeMedium { try MediumWipe.check(wipeMedium) }
        try destroyJournal(batch)
        let wiped = try wipeMedium.map { (path) throws(CeremonyError) in try MediumWipe.wipe(path) }
        // Recorded before the statement lists the folder, so the statement holds the ledger as it stays.
        var ledger = try BatchLedger.load(.siteA, layout: layout, ceremony: ceremony.id)
        if ledger.state(of: batch) != .sealed { try ledger.record(batch, .sealed, payload: reportEntry.digest) }
        let body = RetentionStatementBody(
            site: .siteA, kept: RetentionInventory.files(in: layout.site(.siteA), layout: layout),
            destroyed: [
                "passphrases and commitment salts of batch \(batch) (\(report.payload.body.checked) cards): journal overwritten with zeros and removed"
            ],
            notes: [
                "scratch-off labels for batch \(batch) left the site with the print run (\(layout.relative(layout.labels(batch))))",
                "overwriting is best effort on journaling or copy-on-write file systems and SSDs",
            ]
                + (failed.isEmpty
                    ? [] : ["voided for failed confirmation: \(failed.map(\.description).joined(separator: ", "))"])
                + (wiped.map {
                    ["the transfer medium (\($0.bytes) bytes, SHA-256 \($0.sha256)) was overwritten with zeros"]
                }
                    ?? []),
            voided: failed.isEmpty ? nil : failed, mediumWipe: wiped)
        let link = try ceremony.nextLink(for: .siteA)
        let payload = Payload(
            type: .retentionStatement, ceremony: ceremony.id, signer: .siteA, batch: batch, sequence: link.sequence,
            prev: link.prev, answers: reportEntry.digest, body: body)
        try SignedPayload(payload, signers: [key]).write(in: transfer, name: statementURL.lastPathComponent)
        return wiped
    }
}

extension PassphraseSite {
    /// Writes the closing manifest, once every batch is sealed and minted.
    /// A key kept in a token is then destroyed there, and that recorded in A's last
    /// retention statement (``KeyRetirement``); a run that stopped between the two finishes it.
    package func close() throws(CeremonyError) -> PayloadDigest {
        let lock = try SiteLock.acquire(.siteA, layout: layout, for: "close")
        defer { withExtendedLifetime(lock) {} }
        if let digest = try KeyRetirement.resume(.siteA, key: key, ceremony: ceremony) { return digest }
        let digest = try Closing.close(ceremony, signer: key)
        try KeyRetirement.retire(.siteA, key: key, ceremony: ceremony)
        return digest
    }
}

extension PassphraseSite {
    /// Destroys batch `batch`'s journal: exactly the card records `issue` wrote
    /// (by name, each a regular file holding that card's record) and the
    /// temporaries a killed write left, then the empty folder. Anything else in
    /// the folder (a link, a stranger's file) is refused before anything is
    /// destroyed, so `seal` never overwrites a file it did not write.
    func destroyJournal(_ batch: Int) throws(CeremonyError) {
        let site = try DirectoryHandle.site(.siteA, layout: layout)
        let batchName = CeremonyLayout.batchName(batch)
        guard let work = try site.folderIfPresent("work"), let journal = try work.folderIfPresent(batchName) else {
            return
        }
        let records = Dictionary(
            ceremony.body.serials(batch: batch).map { (JournalCard.fileName($0), $0) },
            uniquingKeysWith: { first, _ in first })
        let names = try journal.names()
        let isTemporary = { (name: String) in
            name.hasPrefix(".") && name.hasSuffix(".tmp") && records.keys.contains { name.hasPrefix(".\($0).") }
        }
        for name in names {
            guard let info = try journal.info(name), info.st_mode & S_IFMT == S_IFREG,
                records[name] != nil || isTemporary(name)
            else {
                throw .refusedBundle(
                    file: layout.relative(journal.url.appendingPathComponent(name)),
                    reason:
                        "is not a card record this site wrote: seal destroys only those; move it away and seal again")
            }
            // A record must hold its card (or be all zeros: a seal killed while destroying it).
            // It holds a passphrase, so it is read into a zeroing buffer, as every secret is.
            if let serial = records[name],
                try !journal.readSecret(name, limit: 1 << 16, allowEmpty: true).withUnsafeBytes({
                    $0.allSatisfy { $0 == 0 }
                })
            {
                _ = try JournalCard.read(in: journal, expected: serial)
            }
        }
        for name in names { try journal.destroy(name) }
        try work.removeFolder(batchName)
    }

    /// Batch `batch`'s journal folder (`site-a/work/batch-NNNN/`), opened from the site
    /// folder's descriptor: `create` makes `work/` and it 0700 (tightening a looser one
    /// of ours); otherwise both must already be private. Links are refused.
    static func journal(_ batch: Int, layout: CeremonyLayout, create: Bool) throws(CeremonyError) -> DirectoryHandle {
        let site = try DirectoryHandle.site(.siteA, layout: layout)
        let mode: mode_t? = create ? 0o700 : nil
        let policy: DirectoryHandle.Policy = create ? .tightened : .private
        let work = try site.folder("work", policy: policy, create: mode)
        return try work.folder(CeremonyLayout.batchName(batch), policy: policy, create: mode)
    }
}
