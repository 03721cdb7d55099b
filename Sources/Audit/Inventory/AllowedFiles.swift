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
        /// `printed/`: each site's print spools and sheets (`site-a/`, `site-b/`), until
        /// `destroy-spools` removes them (InventoryWalk+PrintRun.swift).
        case printed
        /// `mock-secrets/`: a mock ceremony's copy of the spools (`ceremony-audit mock-secrets`).
        case mockSecrets
        /// `cards/`: what assembly writes (``AssembledCards``).
        case cards
        /// `audit/`: the auditors' declarations, the sample's commitment and reveal, and the
        /// audit's reports.
        case audit
        /// `.site-a.lock`, `.site-b.lock` (``SiteLock``): a one-line note.
        case lock(Party)
    }

    static func topLevel(_ name: String) -> TopLevel? {
        switch name {
        case "ceremony.json": .manifest
        case Party.siteA.rawValue: .site(.siteA)
        case Party.siteB.rawValue: .site(.siteB)
        case "transfer": .transfer
        case "printed": .printed
        case "mock-secrets": .mockSecrets
        case "cards": .cards
        case "audit": .audit
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

    /// Why the closing manifest at `path` holds more than the ceremony's signatures, or nil.
    ///
    /// A DSSE signature names its key only by keyid (a hash), so a signature by a key nobody
    /// declared cannot be verified by anyone: it is 32 + 64 bytes of its writer's choosing,
    /// as many times as it likes. T7 reports each such signature and ignores it; default deny
    /// refuses to keep them. A countersigner declares its key in `audit/` first.
    static func checkCountersigners(_ path: [UInt8], trusted: [KeyID: [UInt8]]) -> String? {
        guard let bytes = FileSystem.read(path, limit: BoundedFile.defaultLimit),
            let envelope = try? Envelope(json: Data(bytes))
        else { return nil }
        let unknown = envelope.signatures.filter { KeyID(hex: $0.keyid).map { trusted[$0] == nil } ?? true }
        guard !unknown.isEmpty else { return nil }
        return
            "\(unknown.count) signature\(unknown.count == 1 ? "" : "s") by keys nobody declared: no reader can check one (a signature names its key by keyid only), so each is 96 bytes of its writer's choosing; a countersigner declares its key in audit/ first"
    }

    /// The names the sites give a payload of this kind, signer and batch in `transfer/`
    /// (``CeremonyLayout``): a bundle under any other name carries its name besides.
    static func bundleNames(_ header: PayloadHeader, layout: CeremonyLayout) -> Set<String> {
        let urls: [URL] =
            switch (header.type, header.batch) {
            case (.intermediateBatch, let batch?): [layout.intermediateBatch(batch)]
            case (.keyBatch, let batch?): [layout.keyBatch(batch)]
            case (.confirmationReport, let batch?): [layout.confirmationReport(batch)]
            case (.retentionStatement, let batch?): [layout.retention(header.signer, batch: batch)]
            case (.retentionStatement, nil):
                [layout.closingRetention(header.signer), layout.spoolRetention(header.signer)]
            case (.closingManifest, _): [layout.closingManifest]
            default: []
            }
        return Set(urls.map(\.lastPathComponent))
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
        // Timestamps of one shape compare as text: no step before the manifest, none after
        // the audit began, none before the step written ahead of it.
        var earliest = ceremony.body.created
        let now = timestamp()
        for (index, entry) in file.entries.enumerated() {
            let number = "entry \(index + 1)"
            guard entry.ceremony == ceremony.id else { return "\(number) names another ceremony" }
            guard states.contains(entry.state) else {
                return "\(number): \(entry.state.rawValue) is no step of \(party.siteName)"
            }
            guard isTimestamp(entry.time) else { return "\(number): its time is not a timestamp" }
            guard entry.time >= earliest, entry.time <= now else {
                return
                    "\(number): its time \(entry.time) is outside the ceremony (from \(earliest), the manifest's or the entry before, to now, \(now))"
            }
            earliest = entry.time
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

    /// Why the signed file at `path` (a bundle, a declaration, the closing or ceremony
    /// manifest) is not in the one form the toolkit writes, or nil when it is.
    ///
    /// DSSE signs the payload, not the envelope around it: white space between or after
    /// the members, their order, an escape in a string, a signature's base64 with its spare
    /// bits set or a keyid in capitals all verify the same and carry what the site likes.
    /// So the file must be exactly ``Envelope/json`` of what it parses as (pretty JSON,
    /// sorted keys, one newline after), each signature's base64 the canonical encoding of
    /// its 64 bytes and each keyid lower-case hex.
    static func checkEnvelopeBytes(_ path: [UInt8]) -> String? {
        guard let bytes = FileSystem.read(path, limit: BoundedFile.defaultLimit) else {
            return "unreadable or too large"
        }
        guard let envelope = try? Envelope(json: Data(bytes)) else { return "not a DSSE envelope" }
        for (index, signature) in envelope.signatures.enumerated() {
            guard let raw = Data(base64Encoded: signature.sig), raw.base64EncodedString() == signature.sig else {
                return "signature \(index + 1)'s base64 is not the canonical encoding of its bytes"
            }
            guard KeyID(hex: signature.keyid)?.hex == signature.keyid else {
                return "signature \(index + 1)'s keyid is not lower-case hex"
            }
        }
        guard Array(envelope.json) == bytes else {
            return
                "does not re-encode to its own bytes (white space, member order or an escape the toolkit never writes): it holds more than its envelope"
        }
        return nil
    }

    /// The highest PID Linux can hand out (`PID_MAX_LIMIT` on 64-bit kernels, 2^22): a lock
    /// note's PID above it was never a process's.
    static let pidLimit = 1 << 22

    /// The commands of `party` that take its lock (``SiteLock``), batch steps without their batch.
    static func lockActions(of party: Party) -> (simple: Set<String>, batchSteps: Set<String>) {
        party == .siteA
            ? (["init", "propose", "close", "destroy-spools"], ["issue", "verify", "seal"])
            : (["init", "endorse", "close", "destroy-spools"], ["mint"])
    }

    /// Why `path` is not `party`'s lock note, or nil when it is: empty, or
    /// `PID n is running SITE ACTION`, or that note voided (`-\n` over its first two bytes).
    ///
    /// The note must re-encode to its exact bytes: n in decimal, 1 to ``pidLimit``, with no
    /// leading zero; ACTION a command of that site, a batch step naming a batch of the
    /// manifest (1 to `batches`); single spaces. Anything else is no note, so the file can
    /// carry no more than the PID and the choice of command.
    static func checkLockNote(_ path: [UInt8], party: Party, batches: Int) -> String? {
        guard let bytes = FileSystem.read(path, limit: 256) else { return "unreadable or over 256 bytes" }
        guard !bytes.isEmpty, bytes != Array("-\n".utf8) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else { return "not UTF-8" }
        let voided = text.hasPrefix("-\n")
        let note = voided ? "PI" + text.dropFirst(2) : text
        let prefix = "PID "
        let middle = " is running \(party.siteName) "
        guard note.hasPrefix(prefix), let range = note.range(of: middle) else {
            return "not a lock note of \(party.siteName)"
        }
        let pidText = note[note.index(note.startIndex, offsetBy: prefix.count)..<range.lowerBound]
        guard let pid = Int(pidText), (1...pidLimit).contains(pid) else {
            return "its PID \(quoted(pidText, limit: 20)) is no process ID (1 to \(pidLimit))"
        }
        let action = note[range.upperBound...].dropLast()
        let (simple, steps) = lockActions(of: party)
        let words = action.split(separator: " ", omittingEmptySubsequences: false)
        let command: String
        if simple.contains(String(action)) {
            command = String(action)
        } else if words.count == 3, steps.contains(String(words[0])), words[1] == "batch", let batch = Int(words[2]),
            (1...max(batches, 1)).contains(batch)
        {
            command = "\(words[0]) batch \(batch)"
        } else {
            return "names no command of \(party.siteName)"
        }
        // Re-encoded from what was read: a leading zero, a `+` or a second line differs.
        let canonical = "\(prefix)\(pid)\(middle)\(command)\n"
        let read = voided ? Array("PI".utf8) + bytes.dropFirst(2) : bytes
        guard Array(canonical.utf8) == read else {
            return "does not re-encode to its own bytes: it holds more than a lock note"
        }
        return nil
    }
}
