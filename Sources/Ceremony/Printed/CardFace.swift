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

    /// This face's card in the key batch (no encrypted key: its commitment).
    package var bundleCard: KeyBatchBody.Card {
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

    /// Writes face spool `name` in `folder` atomically, mode 0600, through its descriptor:
    /// `faces`, joined from their spool entries (``entries``, `entries[i]` of `faces[i]`).
    static func writeSpool(
        _ faces: [CardFace], entries: [Data], in folder: DirectoryHandle, name: String
    ) throws(CeremonyError) {
        try folder.write(spool(joining: entries, of: faces), to: name, mode: .secret)
    }

    /// Reads a face spool (B's print output).
    package static func readSpool(_ url: URL) throws(CeremonyError) -> [CardFace] {
        try decodeSpool(try BoundedFile.read(url), path: url.path)
    }

    /// Reads face spool `name` in `folder` through its descriptor (never through a link).
    package static func readSpool(in folder: DirectoryHandle, name: String) throws(CeremonyError) -> [CardFace] {
        try decodeSpool(try folder.read(name), path: folder.path(of: name))
    }

    private static func decodeSpool(_ data: Data, path: String) throws(CeremonyError) -> [CardFace] {
        do {
            return try TranscriptJSON.decoder.decode([CardFace].self, from: data)
        } catch {
            throw .refusedBundle(file: path, reason: "unreadable card face spool")
        }
    }
}
