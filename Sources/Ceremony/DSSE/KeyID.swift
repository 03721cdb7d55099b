import CryptoCore
import Foundation

/// DSSE keyid: hex SHA-256 of the raw Ed25519 public key.
package struct KeyID: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let hex: String

    package init(publicKey: [UInt8]) { hex = SHA256.hash(publicKey).hex }

    package init?(hex: String) {
        guard hex.count == 64, let bytes = [UInt8](hexString: hex) else { return nil }
        self.hex = bytes.hex
    }

    package static func < (a: KeyID, b: KeyID) -> Bool { a.hex < b.hex }

    static func short(_ hex: String) -> String { quoted(hex, limit: 16) }

    package var description: String { hex }
}
