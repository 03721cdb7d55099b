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
}
