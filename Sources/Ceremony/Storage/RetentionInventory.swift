import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Lists what a site folder holds, for its retention statement (and for the audit's K2).
///
/// The walk goes by directory descriptor (``DirectoryHandle``), never through a
/// link: a link is listed as a link (with the SHA-256 of its target's name, and
/// the target in `holds`), a FIFO, device or socket as what it is, neither
/// followed nor read. A site folder that is itself a link lists nothing.
package enum RetentionInventory {
    package static func files(in folder: URL, layout: CeremonyLayout) -> [RetentionStatementBody.KeptFile] {
        guard let handle = try? DirectoryHandle.open(folder, policy: .real) else { return [] }
        var kept: [RetentionStatementBody.KeptFile] = []
        walk(handle, layout: layout, into: &kept, depth: 0)
        return kept.sorted { $0.path < $1.path }
    }

    /// How deep the walk goes (a site folder is two levels deep: `work/batch-NNNN/`).
    static let maximumDepth = 16

    private static func walk(
        _ folder: DirectoryHandle, layout: CeremonyLayout, into kept: inout [RetentionStatementBody.KeptFile],
        depth: Int
    ) {
        for name in (try? folder.names()) ?? [] {
            let url = folder.url.appendingPathComponent(name)
            guard let info = try? folder.info(name) else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if depth < maximumDepth, let child = try? folder.folder(name, policy: .real) {
                    walk(child, layout: layout, into: &kept, depth: depth + 1)
                }
            case S_IFREG:
                guard let data = try? folder.read(name) else {
                    kept.append(.init(path: layout.relative(url), sha256: "", holds: "a file that cannot be read"))
                    continue
                }
                kept.append(.init(path: layout.relative(url), sha256: SHA256.hash(data).hex, holds: holds(name)))
            case S_IFLNK:
                let target = folder.linkTarget(name)
                kept.append(
                    .init(
                        path: layout.relative(url), sha256: SHA256.hash(Array(target.utf8)).hex,
                        holds: "a symbolic link\(target), not followed"))
            default:
                kept.append(
                    .init(
                        path: layout.relative(url), sha256: "",
                        holds: "not a regular file (a FIFO, device or socket), not read"))
            }
        }
    }

    private static func holds(_ name: String) -> String {
        name == SiteIdentity.fileName
            ? "the site's Ed25519 signing key seed (secret, not a card secret)"
            : name == TokenKeyRecord.fileName
                ? "where the site's signing key is in its PKCS#11 token (public: module, token, key id)"
                : name.hasSuffix(".rec")
                    ? "card journal (secret)"
                    : name == BatchLedger.fileName
                        ? "the site's batch ledger (public: states and bundle digests)" : "site record"
    }
}
