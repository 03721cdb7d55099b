import BIP38
import CryptoCore
import Foundation

/// A site's statement of what it kept and what it destroyed.
package struct RetentionStatementBody: Codable, Sendable {
    package struct KeptFile: Codable, Sendable, Equatable {
        package let path: String
        package let sha256: String
        package let holds: String
    }

    package let site: Party
    package let kept: [KeptFile]
    package let destroyed: [String]
    package let notes: [String]

    package init(site: Party, kept: [KeptFile], destroyed: [String], notes: [String]) {
        self.site = site
        self.kept = kept
        self.destroyed = destroyed
        self.notes = notes
    }
}
