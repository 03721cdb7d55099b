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

    /// The short form people compare aloud: the first 64 bits in four groups,
    /// `ad42 a92e 2cb6 3066`, the same form as ``PayloadDigest/humanForm``.
    package var humanForm: String { shortForm(ofHex: hex) }

    /// How messages name a keyid read from a file: its short form when it is a
    /// keyid at all (the form read aloud), else the text itself, quoted.
    static func short(_ hex: String) -> String { KeyID(hex: hex)?.humanForm ?? quoted(hex, limit: 16) }

    package var description: String { hex }
}
