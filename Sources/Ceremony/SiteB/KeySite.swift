import BIP38
import CryptoCore
import Foundation

/// Site B, the key site (Docs/Design.md, flow step 3).
///
/// Verifies A's intermediate batch, then per card draws seedb and makes the
/// encrypted key, address and confirmation code. The card faces (address,
/// and the encrypted key for under the sticker) go to the print spool; A gets
/// only serial, address, confirmation code and a commitment to the encrypted
/// key. seedb and factorb are never written to disk.
///
/// Crash safety: the face spool is written first, atomically, and is the
/// commit point; the key batch and retention statement are rebuilt from it
/// byte for byte if the process was killed after it.
package struct KeySite: Sendable {
    package let ceremony: Transcript
    let key: Ed25519.SigningKey
    let seeds: (@Sendable (Serial) -> SecretBytes)?

    var layout: CeremonyLayout { ceremony.layout }

    ///
    /// - Parameter seeds: where each card's 24-byte seedb comes from; nil (always, in
    ///   the executables) means the system's generator. Only fault simulations
    ///   (Sources/FaultInjection) pass a source, to play a site with a bad one.
    /// - Parameter pin: where the PIN of a key kept in a token comes from.
    package init(
        layout: CeremonyLayout, seeds: (@Sendable (Serial) -> SecretBytes)? = nil, pin: PINSource = PINSource()
    ) throws(CeremonyError) {
        self.seeds = seeds
        (key, ceremony) = try SiteIdentity.open(.siteB, layout: layout, pin: pin)
    }

    /// Mints batch `batch` from A's intermediate batch.
    /// - Returns: the number of cards minted.
    @discardableResult
    package func mint(batch: Int, progress: (any CardProgress)? = nil) throws(CeremonyError) -> Int {
        let lock = try SiteLock.acquire(.siteB, layout: layout, for: "mint batch \(batch)")
        defer { withExtendedLifetime(lock) {} }
        try ceremony.checkBatch(batch)
        // The key batch's build record is hashed while A's batch is read and verified;
        // waited for on every way out (the process must not exit under the hashing thread).
        Provenance.digestInBackground()
        defer { Provenance.waitForDigest() }
        // Bundles go through transfer/'s descriptor, a real folder (never a link), opened
        // before anything is written.
        let transfer = try DirectoryHandle.transfer(layout: layout)
        let keysURL = layout.keyBatch(batch)
        let statementURL = layout.retention(.siteB, batch: batch)
        guard !FileManager.default.fileExists(atPath: statementURL.path) else {
            throw .alreadyDone("batch \(batch) already minted (\(layout.relative(keysURL)))")
        }
        if FileManager.default.fileExists(atPath: keysURL.path) {
            // Killed between the key batch and the retention statement: finish the statement.
            let (answer, answerEntry) = try ceremony.open(
                keysURL, kind: .keyBatch, signer: .siteB, batch: batch, as: KeyBatchBody.self)
            try writeRetention(
                batch: batch, after: answerEntry, cards: answer.payload.body.cards.count, in: transfer)
            return answer.payload.body.cards.count
        }
        let ledger = try BatchLedger.load(.siteB, layout: layout, ceremony: ceremony.id)
        if ledger.state(of: batch) == .minted {
            throw CeremonyError(
                .alreadyDone, file: layout.relative(ledger.url),
                "batch \(batch) was minted already, but \(layout.relative(keysURL)) is missing: put it back; minting again would make new keys for cards already printed"
            )
        }
        let requestURL = layout.intermediateBatch(batch)
        // A's batch read, verified and decoded once, then the rest of the transcript.
        let (request, requestEntry) = try ceremony.open(
            requestURL, kind: .intermediateBatch, signer: .siteA, batch: batch, as: IntermediateBatchBody.self)
        let transcript = try ceremony.entries(reusing: [requestEntry])
        try ceremony.checkChain(requestEntry, within: transcript)
        let cards = try checkedCards(request.payload.body, batch: batch, file: layout.relative(requestURL))

        let facesURL = layout.faces(batch)
        let facesName = facesURL.lastPathComponent
        let faces: [CardFace]
        // Each card's entry in the key batch, encoded on the core that made it (nil when resuming).
        var batchEntries: [Data]?
        // printed/site-b/ must be a real folder of ours (a looser one tightened), never a link;
        // checked (nothing made) before the keys are made, made after, and the spool goes through it.
        if let printed = try DirectoryHandle.printed(.siteB, layout: layout, create: false),
            try printed.contains(facesName)
        {
            // A killed run printed the faces already: finish from them, never re-key.
            faces = try CardFace.readSpool(in: printed, name: facesName)
            guard faces.map(\.serial) == cards.map(\.serial) else {
                throw .refusedBundle(
                    file: layout.relative(facesURL), reason: "spool from an earlier run does not match batch \(batch)")
            }
        } else {
            let manifest = ceremony.body
            progress?.begin("site B mint batch \(batch)", total: cards.count)
            // Cards in chunks of the kernel's width (8 with AVX-512, else 4; narrower when the
            // batch is small, so every core gets some), one chunk at a time per core: each
            // card's first phase, then the chunk's light scrypts side by side in one kernel
            // call, then each card's AES and confirmation code (PreparedKey.finish).
            let width = max(1, min(Scrypt.kernel.lanesAtOnce, cards.count / max(1, availableCores())))
            let chunks = stride(from: 0, to: cards.count, by: width).map { $0..<min($0 + width, cards.count) }
            // Each worker also encodes its cards' entries in the key batch and the spool
            // (CardFace.entries), so the main thread only joins the bytes.
            let minted = try parallelMap(chunks.count) { (chunk) throws(CeremonyError) -> [MintedCard] in
                var prepared: [PreparedKey] = []
                for card in cards[chunks[chunk]] {
                    do throws(BIP38Error) {
                        let key =
                            if let seedb = seeds?(card.serial) {
                                try card.intermediateCode.prepareKey(
                                    seedb: seedb, format: manifest.addressFormat, network: manifest.network)
                            } else {
                                try card.intermediateCode.prepareKey(
                                    format: manifest.addressFormat, network: manifest.network)
                            }
                        prepared.append(key)
                    } catch {
                        throw .refusedCard(
                            file: layout.relative(requestURL), serial: card.serial, reason: error.description)
                    }
                }
                let generated: [GeneratedKey]
                do throws(BIP38Error) {
                    generated = try PreparedKey.finish(prepared)
                } catch {
                    throw .refusedCard(
                        file: layout.relative(requestURL), serial: cards[chunks[chunk].lowerBound].serial,
                        reason: error.description)
                }
                for _ in generated { progress?.step() }
                return zip(cards[chunks[chunk]], generated).map { card, key in
                    let face = CardFace(
                        serial: card.serial, address: key.address, encryptedKey: key.encryptedKey,
                        confirmationCode: key.confirmationCode)
                    let entries = face.entries
                    return MintedCard(face: face, batchEntry: entries.keyBatch, spoolEntry: entries.spool)
                }
            }.flatMap { $0 }
            progress?.finish()
            faces = minted.map(\.face)
            batchEntries = minted.map(\.batchEntry)
            try CardFace.writeSpool(
                faces, entries: minted.map(\.spoolEntry), in: try DirectoryHandle.printedFolder(.siteB, layout: layout),
                name: facesName)
        }

        let link = ceremony.nextLink(for: .siteB, in: transcript)
        let answer = Payload(
            type: .keyBatch, ceremony: ceremony.id, signer: .siteB, batch: batch, sequence: link.sequence,
            prev: link.prev, answers: requestEntry.digest, body: KeyBatchBody(cards: faces.map(\.bundleCard)))
        let signedAnswer =
            if let batchEntries {
                SignedPayload(answer, encoded: answer.encoded(joining: batchEntries), signers: [key])
            } else {
                SignedPayload(answer, signers: [key])
            }
        try signedAnswer.write(in: transfer, name: keysURL.lastPathComponent)

        // The entry of the key batch just signed and written, from its envelope (not read back and decoded again).
        let answerEntry = TranscriptEntry(
            file: keysURL, envelope: signedAnswer.envelope, header: answer.header, digest: signedAnswer.digest)
        try writeRetention(batch: batch, after: answerEntry, cards: faces.count, in: transfer)
        return faces.count
    }

    /// B's retention statement for a batch, chained right after its key batch.
    func writeRetention(
        batch: Int, after answer: TranscriptEntry, cards: Int, in transfer: DirectoryHandle
    ) throws(CeremonyError) {
        // Recorded before the statement lists the folder, so the statement holds the ledger as it stays.
        var ledger = try BatchLedger.load(.siteB, layout: layout, ceremony: ceremony.id)
        if ledger.state(of: batch) != .minted { try ledger.record(batch, .minted, payload: answer.digest) }
        let statement = Payload(
            type: .retentionStatement, ceremony: ceremony.id, signer: .siteB, batch: batch,
            sequence: answer.header.sequence + 1, prev: answer.digest, answers: answer.header.answers,
            body: RetentionStatementBody(
                site: .siteB, kept: RetentionInventory.files(in: layout.site(.siteB), layout: layout),
                destroyed: ["seedb and factorb of batch \(batch) (\(cards) cards): held in memory only, never written"],
                notes: [
                    "card faces for batch \(batch), with the encrypted keys for under the stickers, left the site with the print run (\(layout.relative(layout.faces(batch))))"
                ]))
        try SignedPayload(statement, signers: [key]).write(
            in: transfer, name: layout.retention(.siteB, batch: batch).lastPathComponent)
    }

    /// The cards of an intermediate batch, each checked: exactly the batch's
    /// serials in order, lot/sequence = serial, no ownersalt or passpoint twice.
    func checkedCards(
        _ body: IntermediateBatchBody, batch: Int, file: String
    ) throws(CeremonyError)
        -> [IntermediateBatchBody.Card]
    {
        let expected = ceremony.body.serials(batch: batch)
        let expectedSet = Set(expected)
        var seenSerials = Set<Serial>()
        var seenSalts = Set<[UInt8]>()
        var seenPoints = Set<CurvePoint>()
        for card in body.cards {
            guard seenSerials.insert(card.serial).inserted else {
                throw .refusedCard(file: file, serial: card.serial, reason: "serial appears twice")
            }
            guard expectedSet.contains(card.serial) else {
                throw .refusedCard(file: file, serial: card.serial, reason: "serial is not in batch \(batch)")
            }
            let code = card.intermediateCode
            guard let lotSequence = code.lotSequence else {
                throw .refusedCard(file: file, serial: card.serial, reason: "intermediate code carries no lot/sequence")
            }
            guard Serial(lotSequence) == card.serial, card.lot == card.serial.lot, card.sequence == card.serial.sequence
            else {
                throw .refusedCard(
                    file: file, serial: card.serial, reason: "intermediate code's \(lotSequence) is not the serial")
            }
            guard seenSalts.insert(code.ownerEntropy.ownerSalt).inserted else {
                throw .refusedCard(file: file, serial: card.serial, reason: "ownersalt reused within the batch")
            }
            guard seenPoints.insert(code.passpoint).inserted else {
                throw .refusedCard(file: file, serial: card.serial, reason: "passpoint reused within the batch")
            }
            guard card.passphraseCommitment.count == 64, [UInt8](hexString: card.passphraseCommitment) != nil else {
                throw .refusedCard(
                    file: file, serial: card.serial, reason: "passphrase commitment is not a SHA-256 digest")
            }
        }
        if let missing = expected.first(where: { !seenSerials.contains($0) }) {
            throw .refusedCard(file: file, serial: missing, reason: "missing from the batch")
        }
        return body.cards
    }
}

extension KeySite {
    /// Countersigns the closing manifest after checking it lists exactly the transcript.
    /// A key kept in a token is then destroyed there, and that recorded in B's last
    /// retention statement (``KeyRetirement``); a run that stopped between the two finishes it.
    package func countersignClosing() throws(CeremonyError) -> PayloadDigest {
        let lock = try SiteLock.acquire(.siteB, layout: layout, for: "close")
        defer { withExtendedLifetime(lock) {} }
        if let digest = try KeyRetirement.resume(.siteB, key: key, ceremony: ceremony) { return digest }
        let digest = try Closing.countersign(ceremony, as: .siteB, key: key)
        try KeyRetirement.retire(.siteB, key: key, ceremony: ceremony)
        return digest
    }
}

/// A card of a batch being minted: its face, and its entries in the key batch
/// and in the face spool, encoded on the core that made it (``CardFace/entries``).
struct MintedCard: Sendable {
    let face: CardFace
    let batchEntry: Data
    let spoolEntry: Data
}
