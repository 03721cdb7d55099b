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

    /// The record's file name in the batch's journal folder (`card-SERIAL.rec`).
    static func fileName(_ serial: Serial) -> String { CeremonyLayout.journalRecordName(serial) }

    /// Writes the record into the journal folder, through its descriptor.
    func write(in journal: DirectoryHandle) throws(CeremonyError) {
        try SecretRecord.write([record], in: journal, name: Self.fileName(serial))
    }

    /// Reads card `serial`'s record from the journal folder, through its descriptor.
    static func read(in journal: DirectoryHandle, expected serial: Serial) throws(CeremonyError) -> JournalCard {
        let name = fileName(serial)
        return try parse(SecretRecord.read(in: journal, name: name), path: journal.path(of: name), expected: serial)
    }

    static func read(_ url: URL, expected serial: Serial) throws(CeremonyError) -> JournalCard {
        try parse(SecretRecord.read(url), path: url.path, expected: serial)
    }

    private static func parse(
        _ records: [SecretRecord], path: String, expected serial: Serial
    ) throws(CeremonyError) -> JournalCard {
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
        guard let journal = try? DirectoryHandle.open(layout.journal(batch), policy: .private) else { return [] }
        var cards: [JournalCard] = []
        for name in try journal.names() where name.hasPrefix("card-") && name.hasSuffix(".rec") {
            guard let serial = Serial(text: String(name.dropFirst("card-".count).dropLast(".rec".count))) else {
                continue
            }
            cards.append(try read(in: journal, expected: serial))
        }
        return cards
    }
}
