import BIP38
import CryptoCore
import Foundation

/// One card as site A holds it between `issue` and `seal`: the passphrase, the
/// commitment salt and the intermediate code. Stored as a 0600 ``SecretRecord``.
struct JournalCard: Sendable {
    let serial: Serial
    let passphrase: Passphrase
    let commitmentSalt: SecretBytes
    let intermediateCode: IntermediateCode

    /// Draws a passphrase and an ownersalt and derives the intermediate code.
    static func make(serial: Serial, policy: PassphrasePolicy, ownerSalt: [UInt8]? = nil) throws(CeremonyError) -> JournalCard {
        let passphrase: Passphrase
        let owner: OwnerFactors
        do {
            passphrase = try Passphrase(utf8: policy.generate())
            let lotSequence = try LotSequence(lot: serial.lot, sequence: serial.sequence)
            if let ownerSalt {
                owner = try IntermediateCode.make(
                    passphrase: passphrase, lotSequence: lotSequence, random: FixedRandomSource([ownerSalt]))
            } else {
                owner = try IntermediateCode.make(passphrase: passphrase, lotSequence: lotSequence)
            }
        } catch {
            throw .failed("card \(serial): \(error)")
        }
        return JournalCard(
            serial: serial, passphrase: passphrase, commitmentSalt: SystemRandom.secretBytes(count: 16),
            intermediateCode: owner.intermediateCode)
    }

    /// SHA-256("bip38-2fkg passphrase commitment v1" || salt || passphrase), hex.
    static func commitment(salt: SecretBytes, passphrase: Passphrase) -> String {
        let tag = Array("bip38-2fkg passphrase commitment v1".utf8)
        return SHA256.hash(SecretBytes(copying: tag).appending(salt).appending(passphrase.normalizedUTF8)).hex
    }

    var bundleCard: IntermediateBatchBody.Card {
        IntermediateBatchBody.Card(
            serial: serial, lot: serial.lot, sequence: serial.sequence, intermediateCode: intermediateCode,
            passphraseCommitment: Self.commitment(salt: commitmentSalt, passphrase: passphrase))
    }

    /// The scratch-off label: what the card holder needs, and the salt that opens the commitment.
    var label: SecretRecord {
        var record = SecretRecord()
        record.add("serial", serial.description)
        record.add("passphrase", passphrase.normalizedUTF8)
        record.add("commitment-salt", SecretBytes(copying: Array(commitmentSalt.revealedHex().utf8)))
        return record
    }

    private var record: SecretRecord {
        var record = label
        record.add("intermediate-code", intermediateCode.text)
        return record
    }

    func write(to url: URL) throws(StorageError) {
        try SecretRecord.write([record], to: url)
    }

    static func read(_ url: URL, expected serial: Serial) throws(CeremonyError) -> JournalCard {
        let records = try SecretRecord.read(url)
        let path = url.path
        guard records.count == 1, let record = records.first, record.text("serial") == serial.description,
            let passphraseBytes = record["passphrase"], let saltHex = record.text("commitment-salt"),
            let salt = [UInt8](hexString: saltHex), salt.count == 16, let codeText = record.text("intermediate-code")
        else { throw .refusedCard(file: path, serial: serial, reason: "journal record is damaged") }
        do {
            let code = try IntermediateCode(codeText)
            guard code.lotSequence.map(Serial.init) == serial else {
                throw CeremonyError.refusedCard(file: path, serial: serial, reason: "journal code is for another serial")
            }
            return JournalCard(
                serial: serial, passphrase: try Passphrase(utf8: passphraseBytes),
                commitmentSalt: SecretBytes(copying: salt), intermediateCode: code)
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw .refusedCard(file: path, serial: serial, reason: "journal record is damaged: \(error)")
        }
    }
}
