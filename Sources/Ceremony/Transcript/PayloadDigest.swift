import BIP38
import CryptoCore
import Foundation

/// SHA-256 of a payload's exact bytes: how payloads name each other.
package struct PayloadDigest: Hashable, Sendable, CodableAsText, Comparable {
    package let hex: String

    package init(of payload: Data) { hex = SHA256.hash(payload).hex }

    package init?(hex: String) {
        guard hex.count == 64, let bytes = [UInt8](hexString: hex) else { return nil }
        self.hex = bytes.hex
    }

    /// The first 64 bits in four groups, for people to compare aloud: `3f2a 9c01 77de 04b5`.
    package var humanForm: String { shortForm(ofHex: hex) }

    package var description: String { hex }
    package static func < (a: PayloadDigest, b: PayloadDigest) -> Bool { a.hex < b.hex }

    package init?(text: String) { self.init(hex: text) }
    package static func notParsed(_ text: String) -> String { "not a SHA-256 digest" }
}
