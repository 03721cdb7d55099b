import BIP38
import Ceremony
import CryptoCore
import Foundation

/// What the protocol lets each folder hold once a ceremony is finished (Docs/Audit.md,
/// "Default deny"), and the schema each allowed file must parse as. Everything else is
/// an unexplained record, whatever a retention statement calls it.
enum AllowedFiles {
    /// What an allowed name at the ceremony's top level is.
    enum TopLevel: Equatable {
        /// `ceremony.json`, which the audit has verified already.
        case manifest
        case site(Party)
        case transfer
        /// `printed/`, `cards/`, `audit/`, `mock-secrets/` (the mock audit's copy of the spools):
        /// the print run and the auditor's own output and input, not
        /// part of either site's retained state (not descended).
        case outsideTheSites
        /// `.site-a.lock`, `.site-b.lock` (``SiteLock``): a one-line note.
        case lock(Party)
    }

    static func topLevel(_ name: String) -> TopLevel? {
        switch name {
        case "ceremony.json": .manifest
        case Party.siteA.rawValue: .site(.siteA)
        case Party.siteB.rawValue: .site(.siteB)
        case "transfer": .transfer
        case "printed", "cards", "audit", "mock-secrets": .outsideTheSites
        case ".\(Party.siteA.rawValue).lock": .lock(.siteA)
        case ".\(Party.siteB.rawValue).lock": .lock(.siteB)
        default: nil
        }
    }

    /// What an allowed name in a site's folder is.
    enum SiteFile: Equatable {
        /// `signing-key.seed`: 32 bytes, the seed of the key the manifest names for the site.
        case signingKey
        /// `signing-key.pkcs11.json` (``TokenKeyRecord``): where the site's key is in a token,
        /// naming the public key the manifest names for the site; nothing secret.
        case tokenKeyRecord
        /// `ledger.json` (``BatchLedger``): its chain verifies and every entry names this ceremony's payload.
        case ledger
        /// `site-a/work/`: the journal's folder, empty once every batch is sealed.
        case journalFolder
    }

    static func siteFile(_ name: String, of party: Party) -> SiteFile? {
        switch name {
        case SiteIdentity.fileName: .signingKey
        case TokenKeyRecord.fileName: .tokenKeyRecord
        case BatchLedger.fileName: .ledger
        case "work" where party == .siteA: .journalFolder
        default: nil
        }
    }

    /// The site files a retention statement may list as kept (relative to the ceremony folder).
    static func keepable(_ party: Party) -> Set<String> {
        [
            "\(party.rawValue)/\(SiteIdentity.fileName)", "\(party.rawValue)/\(BatchLedger.fileName)",
            "\(party.rawValue)/\(TokenKeyRecord.fileName)",
        ]
    }

    /// The names `transfer/` may hold: both sites' key declarations, the closing manifest, and
    /// every bundle the closing manifest lists (without one, every bundle that verified).
    /// Another party's declaration that verifies is allowed too (``InventoryWalk``).
    static func transferNames(_ transcript: TranscriptAudit, layout: CeremonyLayout) -> Set<String> {
        var names: Set<String> = [
            layout.declaration(.siteA).lastPathComponent, layout.declaration(.siteB).lastPathComponent,
            layout.closingManifest.lastPathComponent, ExceptionLog.fileName,
        ]
        let prefix = layout.relative(layout.transfer) + "/"
        if let (_, closing, _) = transcript.bodies(.closingManifest, .siteA, as: ClosingManifestBody.self).first {
            for entry in closing.entries where entry.file.hasPrefix(prefix) {
                names.insert(String(entry.file.dropFirst(prefix.count)))
            }
        } else {
            for entry in transcript.entries { names.insert(entry.file.lastPathComponent) }
        }
        // A token site's last retention statement follows the closing manifest (KeyRetirement).
        // (A site has two statements of no batch when it also destroyed its spools: match the one that follows.)
        for party in [Party.siteA, .siteB]
        where transcript.entries.contains(where: {
            $0.header.signer == party && KeyRetirement.followsClosing($0.header)
                && $0.file.lastPathComponent == layout.closingRetention(party).lastPathComponent
        }) {
            names.insert(layout.closingRetention(party).lastPathComponent)
        }
        return names
    }

    /// Extended attributes the kernel sets by itself, not the site (SELinux labels).
    static let systemAttributes: Set<String> = ["security.selinux"]

    // MARK: - Schemas

    /// Why `path` is not the site's signing key seed, or nil when it is.
    static func checkSigningKey(_ path: [UInt8], party: Party, manifest: ManifestBody) -> String? {
        guard
            let seed = try? SecretInput.read(
                path: String(decoding: path, as: UTF8.self), limit: 33, stripNewline: false)
        else { return "unreadable" }
        guard seed.count == 32 else { return "\(seed.count) bytes, not a 32-byte Ed25519 seed" }
        guard let key = try? Ed25519.SigningKey(seed: seed) else { return "not an Ed25519 seed" }
        guard SiteKey(publicKey: key.publicKey) == manifest.key(of: party) else {
            return "32 bytes, but not the seed of the key the manifest names for \(party.siteName)"
        }
        return nil
    }

    private struct LedgerFile: Codable { var entries: [BatchLedger.Entry] }

    /// Why `path` is not the site's ledger of this ceremony, or nil when it is: it must load
    /// (its chain verifies), re-encode to its exact bytes (no field or byte more), and each
    /// entry must name this ceremony, a state of this site, a timestamp, and the digest of
    /// the payload of the transcript that step wrote.
    static func checkLedger(
        _ path: [UInt8], party: Party, ceremony: Transcript, transcript: TranscriptAudit
    ) -> String? {
        guard let bytes = FileSystem.read(path, limit: 16 << 20) else { return "unreadable or over 16 MiB" }
        do {
            _ = try BatchLedger.load(party, layout: ceremony.layout, ceremony: ceremony.id)
        } catch {
            return error.message
        }
        guard let file = try? TranscriptJSON.decoder.decode(LedgerFile.self, from: Data(bytes)),
            let again = try? TranscriptJSON.prettyEncoder.encode(file), Array(again) == bytes
        else { return "does not re-encode to its own bytes: it holds more than a ledger" }
        let states: Set<BatchLedger.State> = party == .siteA ? [.issued, .verified, .sealed] : [.minted]
        for (index, entry) in file.entries.enumerated() {
            let number = "entry \(index + 1)"
            guard entry.ceremony == ceremony.id else { return "\(number) names another ceremony" }
            guard states.contains(entry.state) else {
                return "\(number): \(entry.state.rawValue) is no step of \(party.siteName)"
            }
            guard isTimestamp(entry.time) else { return "\(number): its time is not a timestamp" }
            let kind: PayloadKind =
                switch entry.state {
                case .issued: .intermediateBatch
                case .verified, .sealed: .confirmationReport
                case .minted: .keyBatch
                }
            let signer: Party = kind == .keyBatch ? .siteB : .siteA
            guard transcript.entry(kind, signer, batch: entry.batch)?.digest == entry.payload else {
                return "\(number) (\(entry.state.rawValue) batch \(entry.batch)) names no payload of the transcript"
            }
        }
        return nil
    }

    /// `2026-12-02T00:55:26Z`.
    static func isTimestamp(_ text: String) -> Bool {
        let shape = Array("dddd-dd-ddTdd:dd:ddZ".utf8)
        let bytes = Array(text.utf8)
        return bytes.count == shape.count
            && zip(bytes, shape).allSatisfy { b, s in s == UInt8(ascii: "d") ? (0x30...0x39).contains(b) : b == s }
    }

    /// Why `path` is not `party`'s lock note, or nil when it is: empty, or
    /// `PID n is running SITE ACTION`, or that note voided (`-\n` over its first two bytes).
    static func checkLockNote(_ path: [UInt8], party: Party) -> String? {
        guard let bytes = FileSystem.read(path, limit: 256) else { return "unreadable or over 256 bytes" }
        guard !bytes.isEmpty else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else { return "not UTF-8" }
        var note = Substring(text)
        if note.hasPrefix("-\n") {
            note = note.dropFirst(2)
            if note.isEmpty { return nil }
            note = "PI" + note
        }
        guard note.hasSuffix("\n") else { return "not one line" }
        let words = note.dropLast().split(separator: " ", omittingEmptySubsequences: false)
        let site = party.siteName.split(separator: " ")
        guard words.count >= 6, words[0] == "PID", words[1].allSatisfy(\.isNumber), !words[1].isEmpty,
            words[2] == "is", words[3] == "running", Array(words[4...5]) == site
        else { return "not a lock note of \(party.siteName)" }
        let action = words.dropFirst(6).joined(separator: " ")
        let simple: Set<String> = ["init", "propose", "endorse", "close", "destroy-spools"]
        let batchStep = action.split(separator: " ")
        let isBatchStep =
            batchStep.count == 3 && ["issue", "mint", "verify", "seal"].contains(String(batchStep[0]))
            && batchStep[1] == "batch" && batchStep[2].allSatisfy(\.isNumber)
        guard simple.contains(action) || isBatchStep else { return "names no command of a site" }
        return nil
    }
}
