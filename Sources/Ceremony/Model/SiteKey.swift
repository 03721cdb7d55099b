import BIP38
import CryptoCore
import Foundation

/// One site's declared signing key.
package struct SiteKey: Codable, Sendable, Equatable {
    package let publicKey: String
    package let keyid: String

    package init(publicKey: [UInt8]) {
        self.publicKey = publicKey.hex
        keyid = KeyID(publicKey: publicKey).hex
    }

    package var rawPublicKey: [UInt8]? { [UInt8](hexString: publicKey).flatMap { $0.count == 32 ? $0 : nil } }

    /// The key's short form, computed from the public key bytes (never from the
    /// `keyid` field, which a file could spoof): what people compare aloud.
    package var shortForm: String { rawPublicKey.map { KeyID(publicKey: $0).humanForm } ?? "(no valid public key)" }

    /// Why the key is not a 32-byte Ed25519 public key whose `keyid` is exactly the
    /// hex SHA-256 of it (so that no reader can show one key and verify with
    /// another), or nil when it is.
    package var defect: String? {
        guard let raw = rawPublicKey else { return "public_key is not 32 bytes of hex" }
        guard keyid == KeyID(publicKey: raw).hex else {
            return "keyid \(KeyID.short(keyid)) is not the SHA-256 of its public key (\(shortForm))"
        }
        return nil
    }
}
