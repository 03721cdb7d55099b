import BIP38
import Ceremony
import CryptoCore
import Foundation

extension Auditor {
    /// The cut-and-choose rule: draw `i` (from 0) is `SHA-256(seed || i as 4 bytes big-endian)`;
    /// its first 8 bytes, big-endian, modulo the cards left, pick the next card from the
    /// remaining serials in order.
    package static func drawSample(seed: [UInt8], from serials: [Serial], count: Int) -> [Serial] {
        var pool = serials.sorted()
        var chosen: [Serial] = []
        var counter: UInt32 = 0
        while chosen.count < count && !pool.isEmpty {
            let draw = SHA256.hash(seed + withUnsafeBytes(of: counter.bigEndian, Array.init))
            let value = draw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            chosen.append(pool.remove(at: Int(value % UInt64(pool.count))))
            counter += 1
        }
        return chosen.sorted()
    }
}

extension AuditRun {
    /// K1, first half: draws the cut-and-choose sample, from `SHA-256(closing digest || value)`, where
    /// value is the auditor's random value, committed to before `close` (audit/sample-commitment.json,
    /// recorded in the closing manifest) and revealed only now: nobody could choose the sample.
    /// A closing manifest without the commitment gives a sample site A could steer: a finding,
    /// and the sample is drawn from the closing digest alone (the earlier rule).
    mutating func drawSample(_ book: CardBook, transcript: TranscriptAudit) -> [Serial] {
        guard options.sample > 0 else { return [] }
        guard let closing = transcript.entry(.closingManifest, .siteA, batch: nil) else {
            findings.append(Finding(.sample, .high, "no closing manifest to draw the sample from"))
            return []
        }
        var seed = Array(closing.digest.hex.utf8)
        sampleSeed = "the closing manifest's digest alone (steerable by site A)"
        switch revealedValue(closing) {
        case .success(let value):
            seed = SampleCommitment.seed(closing: closing.digest, value: value)
            sampleSeed = "SHA-256(closing digest || the auditor's committed value)"
        case .failure(let finding):
            findings.append(finding)
        }
        return Auditor.drawSample(
            seed: seed, from: book.sorted.map(\.serial), count: min(options.sample, manifest.cards))
    }

    /// K1, second half: opens each drawn card (after the book rebuilt its secrets).
    mutating func openSample(_ book: CardBook, _ chosen: [Serial]) -> [String] {
        // The sample is drawn from the book's own serials, so each is in it.
        for serial in chosen { open(book.cards[serial]!) }
        return chosen.map(\.description)
    }

    /// The auditor's value, checked against the commitment the closing manifest records.
    private mutating func revealedValue(_ closing: TranscriptEntry) -> Result<[UInt8], Finding> {
        let closingPath = layout.relative(layout.closingManifest)
        let commitmentPath = layout.relative(layout.sampleCommitment)
        func fail(_ message: String, _ file: String, _ severity: Severity = .high) -> Result<[UInt8], Finding> {
            .failure(Finding(.sample, severity, message, file: file))
        }
        guard
            let body = try? TranscriptJSON.decoder.decode(
                PayloadBody<ClosingManifestBody>.self, from: closing.envelope.payload)
        else { return fail("closing manifest body is malformed", closingPath) }
        guard let recorded = body.body.auditorCommitment else {
            return fail(
                "the closing manifest records no auditor commitment: site A could re-sign it until the sample suited it",
                closingPath)
        }
        let commitment: SignedPayload<SampleCommitmentBody>
        let committer: KeyID
        do {
            guard let found = try SampleCommitment.read(ceremony) else {
                return fail(
                    "the closing manifest records commitment \(recorded.humanForm), but \(commitmentPath) is missing",
                    closingPath)
            }
            (commitment, committer) = found
        } catch {
            return fail("the auditor's commitment does not verify: \(error.description)", commitmentPath)
        }
        guard commitment.digest == recorded else {
            return fail(
                "the closing manifest records commitment \(recorded.humanForm), not the auditor's \(commitment.digest.humanForm)",
                closingPath, .critical)
        }
        let published: SampleReveal?
        do { published = try SampleCommitment.readReveal(layout) } catch {
            return fail(error.description, layout.relative(layout.sampleReveal))
        }
        var value: [UInt8]?
        if let folder = options.keyFolder,
            let held = try? BoundedFile.read(SampleCommitment.valueFile(in: folder, ceremony: ceremony.id), limit: 64)
        {
            value = Array(held)
            if published == nil {
                pendingReveal = SampleReveal(
                    ceremony: ceremony.id, commitment: recorded, closing: closing.digest, value: Array(held))
            }
        } else if let published {
            value = [UInt8](hexString: published.value)
        }
        guard let value else {
            return fail(
                "the auditor's committed value is neither in --key-folder nor published in \(layout.relative(layout.sampleReveal)): the sample cannot be drawn",
                commitmentPath)
        }
        guard value.count == 32, SampleCommitment.commitment(of: value) == commitment.payload.body.commitment else {
            return fail("the revealed value does not open the auditor's commitment", commitmentPath, .critical)
        }
        if let published {
            // Once the value is public, a closing manifest re-signed afterwards could steer the sample:
            // only the one the committing auditor countersigned counts.
            guard published.closing == closing.digest,
                closing.envelope.signatures.contains(where: { $0.keyid == committer.hex })
            else {
                return fail(
                    "the auditor's value was published, but the committing auditor (key \(Auditor.shortForm(keyid: committer.hex))) did not countersign this closing manifest: it may have been re-signed after the reveal",
                    closingPath, .critical)
            }
        }
        return .success(value)
    }

    private mutating func open(_ card: AuditedCard) {
        let serial = card.serial.description
        func fail(_ message: String) { findings.append(Finding(.sample, .critical, message, serial: serial)) }
        guard let label = card.label, let face = card.face, let minted = card.minted, let issued = card.issued else {
            fail("sampled card cannot be opened: its label or face is missing")
            return
        }
        guard let scalar = card.secrets?.privateKey, let key = try? PrivateKey(scalar: scalar) else {
            fail("the label's passphrase does not decrypt the card's encrypted key")
            return
        }
        let address = key.address(format: face.encryptedKey.format, network: manifest.network)
        if address != minted.address || address != face.address {
            fail("the key opens to \(address), not the transcript's \(minted.address)")
        }
        if let salt = label.commitmentSalt {
            if !PassphraseCommitment(salt: salt, passphrase: label.passphrase).matches(issued.passphraseCommitment) {
                fail("the label does not open site A's passphrase commitment")
            }
        } else {
            fail("the label carries no commitment salt")
        }
        if CardFace.commitment(face.encryptedKey) != minted.encryptedKeyCommitment {
            fail("the encrypted key does not open site B's commitment")
        }
        if (try? minted.confirmationCode.confirm(passphrase: label.passphrase, network: manifest.network).address)
            != minted.address
        {
            fail("the confirmation code does not confirm the address with the label's passphrase")
        }
    }

    /// K2: a ceremony folder (`site-a/`, `site-b/`, `transfer/`, `printed/`) that is a
    /// symbolic link, each one finding naming its target. What a site retains is its
    /// own folder, so the audit does not follow a linked site folder into the retention check.
    mutating func checkLinkedFolders() {
        for folder in [layout.site(.siteA), layout.site(.siteB), layout.transfer, layout.printed] {
            var info = stat()
            guard lstat(folder.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { continue }
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder.path)) ?? "?"
            findings.append(
                Finding(
                    .retention, .high,
                    "\(layout.relative(folder))/ is a symbolic link to \(target), not a folder: a ceremony folder must hold its own files",
                    file: layout.relative(folder)))
        }
    }

    /// K2: each site's last retention statement against what its folder holds now.
    mutating func checkRetention(_ transcript: TranscriptAudit) {
        for party in [Party.siteA, .siteB] {
            var info = stat()
            // A linked site folder is one finding (checkLinkedFolders), not a list of missing files.
            if lstat(layout.site(party).path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { continue }
            let statements = transcript.bodies(.retentionStatement, party, as: RetentionStatementBody.self)
            guard let (_, last, entry) = statements.max(by: { $0.2.header.sequence < $1.2.header.sequence }) else {
                findings.append(Finding(.retention, .high, "\(party) made no retention statement"))
                continue
            }
            let file = layout.relative(entry.file)
            let actual = RetentionInventory.files(in: layout.site(party), layout: layout)
            let stated = Dictionary(last.kept.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            for kept in actual where stated[kept.path] != kept.sha256 {
                findings.append(
                    Finding(
                        .retention, .high,
                        stated[kept.path] == nil
                            ? "\(kept.path) is not in \(party)'s retention statement"
                            : "\(kept.path) changed after \(party)'s retention statement",
                        file: file))
            }
            let present = Set(actual.map(\.path))
            for kept in last.kept where !present.contains(kept.path) {
                findings.append(
                    Finding(
                        .retention, .medium, "\(kept.path) is stated as kept but is not in \(party)'s folder",
                        file: file))
            }
            for kept in last.kept where kept.holds.contains("journal") {
                findings.append(
                    Finding(
                        .retention, .high, "\(party)'s statement admits keeping \(kept.path) (\(kept.holds))",
                        file: file))
            }
        }
    }
}

/// A finding carried out of a check that stops early.
extension Finding: Error {}
