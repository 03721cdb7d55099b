import BIP38
import CryptoCore
import Foundation

/// One printed card face: the address (front) and the encrypted key (under the sticker).
package struct CardFace: Codable, Sendable, Equatable {
    package let serial: Serial
    package let address: Address
    package let encryptedKey: EncryptedKey
    package let confirmationCode: ConfirmationCode

    package init(serial: Serial, address: Address, encryptedKey: EncryptedKey, confirmationCode: ConfirmationCode) {
        self.serial = serial
        self.address = address
        self.encryptedKey = encryptedKey
        self.confirmationCode = confirmationCode
    }

    var bundleCard: KeyBatchBody.Card {
        KeyBatchBody.Card(
            serial: serial, address: address, confirmationCode: confirmationCode,
            encryptedKeyCommitment: Self.commitment(encryptedKey))
    }

    /// SHA-256 of the encrypted key's text.
    package static func commitment(_ key: EncryptedKey) -> String { SHA256.hash(Array(key.text.utf8)).hex }

    static func writeSpool(_ faces: [CardFace], to url: URL) throws(CeremonyError) {
        // Encoding values this site made (strings only) cannot fail; no input reaches it.
        let data = try! TranscriptJSON.prettyEncoder.encode(faces)
        try AtomicFile.write(data, to: url, mode: .secret)
    }

    /// Reads a face spool (B's print output).
    package static func readSpool(_ url: URL) throws(CeremonyError) -> [CardFace] {
        let data = try BoundedFile.read(url)
        do {
            return try TranscriptJSON.decoder.decode([CardFace].self, from: data)
        } catch {
            throw .refusedBundle(file: url.path, reason: "unreadable card face spool")
        }
    }
}
