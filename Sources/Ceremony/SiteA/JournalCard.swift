import BIP38
import CryptoCore
import Foundation

/// One card as site A holds it between `issue` and `seal`: the passphrase, the
/// commitment salt and the intermediate code. Stored as a 0600 ``SecretRecord``.
package struct JournalCard: Sendable {
    package let serial: Serial
    package let passphrase: Passphrase
    package let commitmentSalt: SecretBytes
    package let intermediateCode: IntermediateCode

    /// Draws a passphrase and an ownersalt and derives the intermediate code.
    static func make(
        serial: Serial, policy: PassphrasePolicy, ownerSalt: [UInt8]? = nil, passphrase drawn: SecretBytes? = nil
    ) throws(CeremonyError) -> JournalCard {
        let passphrase: Passphrase
        let owner: OwnerFactors
        do {
            passphrase = try Passphrase(utf8: drawn ?? policy.generate())
            let lotSequence = try LotSequence(lot: serial.lot, sequence: serial.sequence)
            if let ownerSalt {
                owner = try IntermediateCode.make(
                    passphrase: passphrase, lotSequence: lotSequence, random: FixedRandomSource([ownerSalt]))
            } else {
                owner = try IntermediateCode.make(passphrase: passphrase, lotSequence: lotSequence)
            }
        } catch {
            throw CeremonyError(.cardFailed, serial: serial, "\(error)", underlying: error)
        }
        return JournalCard(
            serial: serial, passphrase: passphrase, commitmentSalt: SystemRandom.secretBytes(count: 16),
            intermediateCode: owner.intermediateCode)
    }

    var bundleCard: IntermediateBatchBody.Card {
        IntermediateBatchBody.Card(
            serial: serial, lot: serial.lot, sequence: serial.sequence, intermediateCode: intermediateCode,
            passphraseCommitment: PassphraseCommitment(salt: commitmentSalt, passphrase: passphrase).hex)
    }

    /// The scratch-off label: what the card holder needs, and the salt that opens the commitment.
    var label: ScratchLabel {
        ScratchLabel(serial: serial, passphrase: passphrase.normalizedUTF8, commitmentSalt: commitmentSalt)
    }

    /// The journal record: the label's fields and the intermediate code.
    private var record: SecretRecord {
        var record = label.record
        record.add("intermediate-code", intermediateCode.text)
        return record
    }

    func write(to url: URL) throws(CeremonyError) {
        try SecretRecord.write([record], to: url)
    }

    static func read(_ url: URL, expected serial: Serial) throws(CeremonyError) -> JournalCard {
        let records = try SecretRecord.read(url)
        let path = url.path
        guard records.count == 1, let record = records.first, record.text("serial") == serial.description,
            let label = ScratchLabel(record: record), let salt = label.commitmentSalt,
            let codeText = record.text("intermediate-code")
        else { throw .refusedCard(file: path, serial: serial, reason: "journal record is damaged") }
        let code: IntermediateCode
        let passphrase: Passphrase
        do {
            code = try IntermediateCode(codeText)
            passphrase = try Passphrase(utf8: label.passphrase)
        } catch {
            throw .refusedCard(file: path, serial: serial, reason: "journal record is damaged: \(error)")
        }
        guard code.lotSequence.map(Serial.init) == serial else {
            throw .refusedCard(file: path, serial: serial, reason: "journal code is for another serial")
        }
        return JournalCard(serial: serial, passphrase: passphrase, commitmentSalt: salt, intermediateCode: code)
    }

    /// Every card of batch `batch`'s open journal, in serial order (for the fault
    /// simulations, which play a site that copies its journal).
    package static func openJournal(_ layout: CeremonyLayout, batch: Int) throws(CeremonyError) -> [JournalCard] {
        let folder = layout.journal(batch)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var cards: [JournalCard] = []
        for name in names where name.hasPrefix("card-") && name.hasSuffix(".rec") {
            guard let serial = Serial(text: String(name.dropFirst("card-".count).dropLast(".rec".count))) else {
                continue
            }
            cards.append(try read(folder.appendingPathComponent(name), expected: serial))
        }
        return cards
    }
}
