import CryptoCore
import Foundation

/// Lists what a site folder holds, for its retention statement.
package enum RetentionInventory {
    package static func files(in folder: URL, layout: CeremonyLayout) -> [RetentionStatementBody.KeptFile] {
        guard
            let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var kept: [RetentionStatementBody.KeptFile] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = try? BoundedFile.read(url)
            else { continue }
            let name = url.lastPathComponent
            let holds =
                name == SiteIdentity.fileName
                ? "the site's Ed25519 signing key seed (secret, not a card secret)"
                : name.hasSuffix(".rec")
                    ? "card journal (secret)"
                    : name == BatchLedger.fileName
                        ? "the site's batch ledger (public: states and bundle digests)" : "site record"
            kept.append(.init(path: layout.relative(url), sha256: SHA256.hash(data).hex, holds: holds))
        }
        return kept.sorted { $0.path < $1.path }
    }
}
