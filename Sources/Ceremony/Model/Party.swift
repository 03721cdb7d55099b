import BIP38
import CryptoCore
import Foundation

/// Who signs a payload.
package enum Party: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Site A: the passphrase site.
    case siteA = "site-a"
    /// Site B: the key site.
    case siteB = "site-b"
    case auditor

    package var description: String { rawValue }

    /// How messages name the party: `site A`, `site B`, `the auditor`.
    package var siteName: String {
        switch self {
        case .siteA: "site A"
        case .siteB: "site B"
        case .auditor: "the auditor"
        }
    }
}
