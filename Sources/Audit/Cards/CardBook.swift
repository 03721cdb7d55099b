@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation
import Synchronization

/// Everything the audit knows about one card, from the transcript and the printed world.
struct AuditedCard: Sendable {
    let serial: Serial
    var issued: IntermediateBatchBody.Card?
    var minted: KeyBatchBody.Card?
    var face: CardFace?
    var label: Label?
    /// seedb recovered from the face and the public intermediate code (no passphrase needed).
    var seedb: SecretBytes?
    /// Every secret of the card, when both printed halves are present.
    var secrets: CardSecrets?

    struct Label: Sendable {
        let passphrase: Passphrase
        let commitmentSalt: SecretBytes?
        let file: String
    }
}

/// A card's secrets, rebuilt from its label and face: the values the share search looks for.
struct CardSecrets: Sendable {
    let passphrase: SecretBytes
    let prefactor: SecretBytes
    let passfactor: SecretBytes
    let seedb: SecretBytes?
    let factorb: SecretBytes?
    let privateKey: SecretBytes?
    let wif: String?
    let encryptedKey: EncryptedKey?
}

/// The cards of a ceremony, gathered without trusting any one source.
struct CardBook {
    var cards: [Serial: AuditedCard] = [:]
    var findings: [Finding] = []
    /// Milliseconds per heavy scrypt measured while rebuilding secrets.
    var scryptMilliseconds: Double?

    init(ceremony: Transcript, transcript: TranscriptAudit) {
        let manifest = ceremony.body
        let layout = ceremony.layout
        for batch in 1...manifest.batchCount {
            for serial in manifest.serials(batch: batch) { cards[serial] = AuditedCard(serial: serial) }
        }
        for (_, body, entry) in transcript.bodies(.intermediateBatch, .siteA, as: IntermediateBatchBody.self) {
            for card in body.cards {
                place(card.serial, file: layout.relative(entry.file), kind: "intermediate batch") {
                    var c = $0
                    c.issued = card
                    return c
                }
            }
        }
        for (_, body, entry) in transcript.bodies(.keyBatch, .siteB, as: KeyBatchBody.self) {
            for card in body.cards {
                place(card.serial, file: layout.relative(entry.file), kind: "key batch") {
                    var c = $0
                    c.minted = card
                    return c
                }
            }
        }
        readPrinted(layout: layout, manifest: manifest)
        for serial in cards.keys.sorted() {
            guard let card = cards[serial] else { continue }
            if card.issued == nil {
                findings.append(
                    Finding(.serials, .critical, "missing from every intermediate batch", serial: serial.description))
            }
            if card.minted == nil {
                findings.append(
                    Finding(.serials, .critical, "missing from every key batch", serial: serial.description))
            }
        }
    }

    /// Puts a bundle's card in its place, noting serials that repeat or do not belong.
    private mutating func place(_ serial: Serial, file: String, kind: String, _ update: (AuditedCard) -> AuditedCard) {
        guard let card = cards[serial] else {
            findings.append(
                Finding(
                    .serials, .critical, "\(kind) holds a serial the manifest does not", serial: serial.description,
                    file: file))
            return
        }
        let before = (card.issued != nil, card.minted != nil)
        let after = update(card)
        if (kind == "intermediate batch" && before.0) || (kind == "key batch" && before.1) {
            findings.append(
                Finding(.serials, .critical, "appears twice in the \(kind)es", serial: serial.description, file: file))
        }
        cards[serial] = after
    }

    /// Reads A's label spools and B's face spools (the physical world), where present.
    /// Each card of a spool must be a card of its batch, once: a face or label for
    /// another serial, or a second one for the same card (which could be the one
    /// printed), is a C1 finding and is not used.
    /// A mock ceremony's `mock-secrets/`, once made, is read instead of `printed/`: the sites
    /// destroy their spools after assembly, and the mock audit keeps its own copy.
    private mutating func readPrinted(layout: CeremonyLayout, manifest: ManifestBody) {
        let mock = FileManager.default.fileExists(atPath: layout.mockSecrets.path)
        for batch in 1...manifest.batchCount {
            let batchSerials = Set(manifest.serials(batch: batch))
            let facesURL = mock ? layout.mockFaces(batch) : layout.faces(batch)
            if FileManager.default.fileExists(atPath: facesURL.path) {
                do {
                    var seen = Set<Serial>()
                    for face in try CardFace.readSpool(facesURL)
                    where accept(
                        face.serial, in: batchSerials, seen: &seen, batch: batch, spool: "card face",
                        file: layout.relative(facesURL))
                    {
                        // `accept` admits only serials of the manifest, and `cards` holds every one.
                        cards[face.serial]!.face = face
                    }
                } catch {
                    findings.append(
                        Finding(
                            .codeAgreement, .high, "unreadable card faces: \(error)", file: layout.relative(facesURL)))
                }
            }
            let labelsURL = mock ? layout.mockLabels(batch) : layout.labels(batch)
            if FileManager.default.fileExists(atPath: labelsURL.path) {
                do {
                    var seen = Set<Serial>()
                    for label in try ScratchLabel.readSpoolLeniently(labelsURL) {
                        guard
                            accept(
                                label.serial, in: batchSerials, seen: &seen, batch: batch, spool: "label",
                                file: layout.relative(labelsURL)),
                            let passphrase = label.bip38Passphrase
                        else { continue }
                        // As above: an accepted serial is always in `cards`.
                        cards[label.serial]!.label = AuditedCard.Label(
                            passphrase: passphrase, commitmentSalt: label.commitmentSalt,
                            file: layout.relative(labelsURL))
                    }
                } catch {
                    findings.append(
                        Finding(.policy, .high, "unreadable labels: \(error)", file: layout.relative(labelsURL)))
                }
            }
        }
    }

    /// Whether a spool's card is one of its batch, seen for the first time; if not, a C1 finding.
    private mutating func accept(
        _ serial: Serial, in wanted: Set<Serial>, seen: inout Set<Serial>, batch: Int, spool: String,
        file: String
    ) -> Bool {
        guard wanted.contains(serial) else {
            findings.append(
                Finding(
                    .serials, .critical, "a \(spool) for a card that batch \(batch) of the manifest does not have",
                    serial: serial.description, file: file))
            return false
        }
        guard seen.insert(serial).inserted else {
            findings.append(
                Finding(
                    .serials, .critical, "a second \(spool) for the same card (the spool lists it twice)",
                    serial: serial.description, file: file))
            return false
        }
        return true
    }

    /// Recovers seedb from every face (cheap) and every secret where a label exists too
    /// (one heavy scrypt per card, on all cores).
    mutating func rebuildSecrets(network: Network) {
        let snapshot = cards.values.sorted { $0.serial < $1.serial }
        let start = Date()
        let heavy = Mutex<Int>(0)
        let rebuilt = parallelMap(snapshot.count) { index -> (SecretBytes?, CardSecrets?) in
            let card = snapshot[index]
            var seedb: SecretBytes?
            if let face = card.face, let code = card.issued?.intermediateCode {
                seedb = try? face.encryptedKey.recoverSeedb(passpoint: code.passpoint)
            }
            guard let label = card.label else { return (seedb, nil) }
            heavy.withLock { $0 += 1 }
            if let face = card.face,
                let decrypted = try? face.encryptedKey.decrypt(passphrase: label.passphrase, network: network),
                let ec = decrypted.ecMultiply
            {
                return (
                    seedb,
                    CardSecrets(
                        passphrase: label.passphrase.normalizedUTF8, prefactor: ec.owner.prefactor,
                        passfactor: ec.owner.passfactor,
                        seedb: ec.seedb, factorb: ec.factorb, privateKey: decrypted.key.scalar,
                        wif: decrypted.wif.revealedText(),
                        encryptedKey: face.encryptedKey)
                )
            }
            // No face, or a face that does not open: share 1 only.
            guard let entropy = card.issued?.intermediateCode.ownerEntropy,
                let owner = try? OwnerFactors(passphrase: label.passphrase, ownerEntropy: entropy)
            else { return (seedb, nil) }
            return (
                seedb,
                CardSecrets(
                    passphrase: label.passphrase.normalizedUTF8, prefactor: owner.prefactor,
                    passfactor: owner.passfactor,
                    seedb: seedb, factorb: seedb.map { SHA256.doubleHash(secret: $0) }, privateKey: nil, wif: nil,
                    encryptedKey: card.face?.encryptedKey)
            )
        }
        let count = heavy.withLock { $0 }
        if count > 0 {
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            scryptMilliseconds = Date().timeIntervalSince(start) * 1000 * min(cores, Double(count)) / Double(count)
        }
        // `snapshot` is `cards.values`: each of its serials is a key of `cards`.
        for (card, (seedb, secrets)) in zip(snapshot, rebuilt) {
            cards[card.serial]!.seedb = seedb
            cards[card.serial]!.secrets = secrets
        }
    }

    var sorted: [AuditedCard] { cards.values.sorted { $0.serial < $1.serial } }
}
