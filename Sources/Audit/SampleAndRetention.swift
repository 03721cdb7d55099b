import BIP38
import Ceremony
import CryptoCore
import Foundation

extension AuditRun {
    /// K1: opens the cut-and-choose sample, drawn from the closing manifest's digest
    /// so nobody could choose it before the transcript was fixed.
    mutating func checkSample(_ book: CardBook, transcript: TranscriptAudit) -> [String] {
        guard options.sample > 0 else { return [] }
        guard let closing = transcript.entry(.closingManifest, .siteA, batch: nil) else {
            findings.append(Finding(.sample, .high, "no closing manifest to draw the sample from"))
            return []
        }
        var pool = book.sorted.map(\.serial)
        var chosen: [Serial] = []
        var counter: UInt32 = 0
        while chosen.count < min(options.sample, manifest.cards) && !pool.isEmpty {
            let draw = SHA256.hash(Array(closing.digest.hex.utf8) + withUnsafeBytes(of: counter.bigEndian, Array.init))
            let value = draw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            chosen.append(pool.remove(at: Int(value % UInt64(pool.count))))
            counter += 1
        }
        for serial in chosen.sorted() { open(book.cards[serial]!) }
        return chosen.sorted().map(\.description)
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

    /// K2: each site's last retention statement against what its folder holds now.
    mutating func checkRetention(_ transcript: TranscriptAudit) {
        for party in [Party.siteA, .siteB] {
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
