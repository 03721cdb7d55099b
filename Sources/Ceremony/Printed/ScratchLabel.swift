import BIP38
import CryptoCore
import Foundation

/// One scratch-off label of site A's print spool (`printed/site-a/batch-NNNN.labels`):
/// the card's serial, its passphrase as printed, and the salt that opens the
/// card's ``PassphraseCommitment``.
///
/// The spool is a 0600 ``SecretRecord`` file, one record per card with the
/// fields `serial`, `passphrase` and `commitment-salt` (hex). This type is its
/// only reader and writer.
package struct ScratchLabel: Sendable {
    package let serial: Serial
    /// The passphrase's bytes exactly as printed (NFC UTF-8, dashes included).
    package let passphrase: SecretBytes
    /// The 16-byte commitment salt, or nil when the record has none (or a damaged one).
    package let commitmentSalt: SecretBytes?

    package init(serial: Serial, passphrase: SecretBytes, commitmentSalt: SecretBytes?) {
        self.serial = serial
        self.passphrase = passphrase
        self.commitmentSalt = commitmentSalt
    }

    /// A label from one spool record; nil when its serial or passphrase is missing or unreadable.
    package init?(record: SecretRecord) {
        guard let text = record.text("serial"), let serial = Serial(text: text), let passphrase = record["passphrase"]
        else {
            return nil
        }
        let salt = record.text("commitment-salt").flatMap { [UInt8](hexString: $0) }
        self.init(
            serial: serial, passphrase: passphrase,
            commitmentSalt: salt.flatMap {
                $0.count == PassphraseCommitment.saltLength ? SecretBytes(copying: $0) : nil
            })
    }

    /// The passphrase as BIP38 reads it, or nil when the bytes are not a valid passphrase.
    package var bip38Passphrase: Passphrase? { try? Passphrase(utf8: passphrase) }

    /// The salt as printed on the label (hex), or "" when there is none.
    package var commitmentSaltHex: String { commitmentSalt?.revealedHex() ?? "" }

    /// The spool record: `serial`, `passphrase`, `commitment-salt`, in that order.
    package var record: SecretRecord {
        var record = SecretRecord()
        record.add("serial", serial.description)
        record.add("passphrase", passphrase)
        record.add("commitment-salt", SecretBytes(copying: Array(commitmentSaltHex.utf8)))
        return record
    }

    /// Writes a label spool atomically, mode 0600.
    package static func writeSpool(_ labels: [ScratchLabel], to url: URL) throws(CeremonyError) {
        try SecretRecord.write(labels.map(\.record), to: url)
    }

    /// Writes label spool `name` in `folder` atomically, mode 0600, through its descriptor.
    package static func writeSpool(
        _ labels: [ScratchLabel], in folder: DirectoryHandle, name: String
    )
        throws(CeremonyError)
    {
        try SecretRecord.write(labels.map(\.record), in: folder, name: name)
    }

    /// Reads label spool `name` in `folder` through its descriptor (never through a link),
    /// refusing it whole when a record is damaged.
    /// - Parameter display: how the file is named in the refusal (default: its path).
    package static func readSpool(
        in folder: DirectoryHandle, name: String, display: String? = nil
    ) throws(CeremonyError) -> [ScratchLabel] {
        try SecretRecord.read(in: folder, name: name).map { (record) throws(CeremonyError) -> ScratchLabel in
            guard let label = ScratchLabel(record: record) else {
                throw .refusedBundle(file: display ?? folder.path(of: name), reason: "damaged label record")
            }
            return label
        }
    }

    /// Reads a label spool, refusing it whole when a record is damaged.
    /// - Parameter name: how the file is named in the refusal (default: its path).
    package static func readSpool(_ url: URL, name: String? = nil) throws(CeremonyError) -> [ScratchLabel] {
        try SecretRecord.read(url).map { (record) throws(CeremonyError) -> ScratchLabel in
            guard let label = ScratchLabel(record: record) else {
                throw .refusedBundle(file: name ?? url.path, reason: "damaged label record")
            }
            return label
        }
    }

    /// Reads what can be read of a spool, skipping damaged records (for the audit, which never stops).
    package static func readSpoolLeniently(_ url: URL) throws(CeremonyError) -> [ScratchLabel] {
        try SecretRecord.read(url).compactMap { ScratchLabel(record: $0) }
    }
}
