import BIP38
import CryptoCore

/// Site A's salted commitment to a card's passphrase, sent to B in the
/// intermediate batch: SHA-256("bip38-2fkg passphrase commitment v1" || salt || passphrase).
///
/// The 16-byte salt is printed on the scratch-off label and never kept by A,
/// so the commitment lets an opened card be checked against the transcript
/// without giving anyone a cheaper passphrase test than BIP38's scrypt.
package struct PassphraseCommitment: Hashable, Sendable, CustomStringConvertible {
    /// The domain tag hashed first.
    package static let tag = "bip38-2fkg passphrase commitment v1"
    /// The salt's length in bytes.
    package static let saltLength = 16

    /// The commitment as lower-case hex, as the bundle carries it.
    package let hex: String

    /// Commits to `passphrase` (its NFC UTF-8 bytes) under `salt`.
    package init(salt: SecretBytes, passphrase: Passphrase) {
        hex =
            SHA256.hash(SecretBytes(copying: Array(Self.tag.utf8)).appending(salt).appending(passphrase.normalizedUTF8))
            .hex
    }

    package var description: String { hex }

    /// Whether `hex` (a bundle's field) is this commitment.
    package func matches(_ hex: String) -> Bool { hex == self.hex }
}
