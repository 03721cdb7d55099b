import Ceremony
import CryptoCore
import Foundation

/// Where each site kept its signing key, and whether its destruction is on record
/// (Docs/Hardening.md, "Keys in a token"): a seed file in its folder, or a key in a
/// PKCS#11 token that the site destroyed at close and recorded in its last retention
/// statement (`transfer/closing.retention-site-X.json`, ``KeyRetirement``).
package struct SiteKeyStorage: Codable, Sendable, Equatable {
    package enum Storage: String, Codable, Sendable {
        /// `signing-key.seed` in the site folder.
        case file
        /// A PKCS#11 token (`signing-key.pkcs11.json`, or a recorded destruction).
        case token
        /// Neither: no key file, no record.
        case none
    }

    package let site: Party
    package let storage: Storage
    /// The token's label, for a token key.
    package let token: String?
    /// Whether a valid last retention statement of the site records its key's destruction in the token.
    package let destructionRecorded: Bool
    /// That statement, relative to the ceremony folder.
    package let statement: String?

    /// The line the audit prints: `site A: token 'site-a', destruction recorded in transfer/...`.
    package var line: String {
        let name = AuditReport.shown(site.siteName)
        switch storage {
        case .file: return "\(name): key in a file (signing-key.seed), destruction not recorded"
        case .none: return "\(name): no key file and no token record"
        case .token:
            let where_ = token.map { "token '\(AuditReport.shown($0))'" } ?? "a token"
            return destructionRecorded
                ? "\(name): key in PKCS#11 \(where_), destruction recorded in \(AuditReport.shown(statement ?? "?"))"
                : "\(name): key in PKCS#11 \(where_), destruction NOT recorded"
        }
    }

    /// Each site's key storage, from its folder and the verified transcript.
    static func survey(
        _ layout: CeremonyLayout, manifest: ManifestBody, transcript: TranscriptAudit
    ) -> [SiteKeyStorage] {
        [Party.siteA, .siteB].map { party in
            let folder = layout.site(party)
            let record = FileManager.default.contents(
                atPath: folder.appendingPathComponent(TokenKeyRecord.fileName).path
            ).flatMap { try? TranscriptJSON.decoder.decode(TokenKeyRecord.self, from: $0) }
            let hasSeed = FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(SiteIdentity.fileName).path)
            let keyid = manifest.key(of: party)?.rawPublicKey.map { KeyID(publicKey: $0).hex }
            let last = transcript.bodies(.retentionStatement, party, as: RetentionStatementBody.self).first {
                $0.0 == nil && $0.1.keyDestruction != nil && $0.1.keyDestruction?.keyid == keyid
            }
            let storage: Storage = record != nil || (last != nil && !hasSeed) ? .token : hasSeed ? .file : .none
            return SiteKeyStorage(
                site: party, storage: storage, token: record?.token ?? last?.1.keyDestruction?.token,
                destructionRecorded: storage == .token && last != nil,
                statement: last.map { layout.relative($0.2.file) })
        }
    }
}

extension AuditReport {
    /// The report's "Site keys" section.
    var siteKeysMarkdown: [String] {
        guard !siteKeys.isEmpty else { return [] }
        return ["## Site keys", ""] + siteKeys.map { "- \($0.line)" } + [""]
    }
}
