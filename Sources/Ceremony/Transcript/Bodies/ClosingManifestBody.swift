import BIP38
import CryptoCore
import Foundation

/// The list of every payload in the ceremony, in order, signed by A, B and the auditor.
package struct ClosingManifestBody: Codable, Sendable {
    package struct Entry: Codable, Sendable, Hashable {
        package let file: String
        package let type: PayloadKind
        package let signer: Party
        package let sequence: Int
        package let batch: Int?
        package let digest: PayloadDigest
    }

    package let entries: [Entry]

    package init(entries: [Entry]) { self.entries = entries }
}
