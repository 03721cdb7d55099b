import BIP38
import CryptoCore
import Foundation

/// A site key declaration: a site's public key, self-signed, made at `init`.
package struct SiteDeclarationBody: Codable, Sendable {
    package let site: Party
    package let key: SiteKey
    package let created: String

    package init(site: Party, key: SiteKey, created: String) {
        self.site = site
        self.key = key
        self.created = created
    }
}
