import BIP38
import CryptoCore
import Foundation

/// The header fields of any payload, decoded without its body.
package struct PayloadHeader: Decodable, Sendable {
    package let type: PayloadKind
    package let version: Int
    package let ceremony: String?
    package let signer: Party
    package let batch: Int?
    package let sequence: Int
    package let prev: PayloadDigest?
    package let answers: PayloadDigest?
}
