import CryptoCore
import Foundation

/// Who wrote an exception-log entry: one of the sites (which sign it) or a person
/// without a ceremony key (the witness, the auditor), whose entries are chained, unsigned.
package enum ExceptionRole: String, Codable, Sendable, CaseIterable {
    case siteA = "site-a"
    case siteB = "site-b"
    case witness
    case auditor

    /// The site whose key signs this role's entries; nil for the unsigned roles.
    package var site: Party? {
        switch self {
        case .siteA: .siteA
        case .siteB: .siteB
        case .witness, .auditor: nil
        }
    }
}

/// One entry of the exception log: one line of `transfer/exceptions.jsonl`, the
/// canonical JSON of this value (snake_case, sorted keys, no spaces).
package struct ExceptionEntry: Codable, Sendable, Equatable {
    /// 1 for the first entry, then one more per line.
    package let index: Int
    /// SHA-256 of the previous line's bytes (its newline left out); ``ExceptionLog/genesis`` for the first.
    package let prev: PayloadDigest
    /// The ceremony id, once the manifest exists (absent before `propose`).
    package let ceremony: String?
    /// The runbook step the exception happened at (`A-2.1`).
    package let step: String
    package let role: ExceptionRole
    /// What happened, one line; never a secret.
    package let reason: String
    /// UTC, `2026-12-02T03:10:22Z`.
    package let time: String
    /// Site entries: the keyid of the site key that signed the entry.
    package let keyid: String?
    /// Site entries: Ed25519 over DSSE's pre-authentication encoding of
    /// ``ExceptionLog/payloadType`` and this entry's bytes without `keyid` and `sig`, base64.
    package let sig: String?

    init(
        index: Int, prev: PayloadDigest, ceremony: String?, step: String, role: ExceptionRole, reason: String,
        time: String, keyid: String? = nil, sig: String? = nil
    ) {
        self.index = index
        self.prev = prev
        self.ceremony = ceremony
        self.step = step
        self.role = role
        self.reason = reason
        self.time = time
        self.keyid = keyid
        self.sig = sig
    }

    /// The same entry without its signature: the bytes a site signs.
    var unsigned: ExceptionEntry {
        ExceptionEntry(
            index: index, prev: prev, ceremony: ceremony, step: step, role: role, reason: reason, time: time)
    }

    var bytes: Data { (try? TranscriptJSON.encoder.encode(self)) ?? Data() }
}

/// The exception log (`transfer/exceptions.jsonl`): append-only and hash-chained.
/// Either site (signed with its key) or the witness or auditor (unsigned) adds an
/// entry with a reason, the runbook step and the time. Each entry holds the SHA-256 of
/// the previous line, so an entry edited, removed or moved breaks the chain after it;
/// site A's closing manifest records the count and the last line's digest (the head),
/// so a log cut back to fewer entries shows too. The audit checks it (`K4.exception-log`).
package enum ExceptionLog {
    package static let fileName = "exceptions.jsonl"
    /// The type the site signatures are bound to (DSSE pre-authentication encoding).
    package static let payloadType = "application/vnd.bip38-2fkg.exception.v1+json"
    /// The `prev` of the first entry, and the head of an empty log.
    package static let genesis = PayloadDigest(of: Data("bip38-2fkg exception log v1".utf8))
    /// The longest reason accepted, in characters.
    package static let reasonLimit = 1000
    /// The largest log read.
    static let sizeLimit = 4 << 20

    /// What the closing manifest records of the log: how many entries it had, and the last one's digest.
    package struct Summary: Codable, Sendable, Equatable {
        package let entries: Int
        package let head: PayloadDigest

        package init(entries: Int, head: PayloadDigest) {
            self.entries = entries
            self.head = head
        }
    }

    /// A log as read: the entries that verify in order, each line's digest, and the first
    /// line that does not (with why), after which nothing is trusted.
    package struct Verified: Sendable {
        package var entries: [ExceptionEntry] = []
        package var digests: [PayloadDigest] = []
        package var failure: (line: Int, reason: String)?

        /// The digest of the last verified line, or ``ExceptionLog/genesis``.
        package var head: PayloadDigest { digests.last ?? ExceptionLog.genesis }
        package var summary: Summary { Summary(entries: entries.count, head: head) }

        /// The digest the chain had after `count` entries, if it has that many.
        package func head(after count: Int) -> PayloadDigest? {
            count == 0 ? ExceptionLog.genesis : count <= digests.count ? digests[count - 1] : nil
        }
    }

    /// Checks every line of `bytes`: canonical JSON of an entry, the next index, `prev`
    /// the digest of the line before, a valid step, role, reason and time, this ceremony
    /// (or none), and for a site entry a signature by the site key `keys` names.
    /// - Parameter keys: each site's public key (from the manifest); a site entry whose
    ///   site has no key here is refused.
    package static func verify(_ bytes: Data, keys: [Party: [UInt8]], ceremony: String?) -> Verified {
        var log = Verified()
        guard !bytes.isEmpty else { return log }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            if offset == lines.count - 1 {
                // The file ends with a newline, so the last piece is empty; anything else is a cut line.
                if !line.isEmpty { log.failure = (number, "the last line has no newline: the log was cut") }
                break
            }
            let bytes = Data(line)
            if let reason = check(bytes, index: number, prev: log.head, keys: keys, ceremony: ceremony) {
                log.failure = (number, reason)
                break
            }
            // `check` decoded it already: it is an entry.
            guard let entry = try? TranscriptJSON.decoder.decode(ExceptionEntry.self, from: bytes) else { break }
            log.entries.append(entry)
            log.digests.append(PayloadDigest(of: bytes))
        }
        return log
    }

    /// Why `line` is not entry `index` of the chain, or nil when it is.
    static func check(
        _ line: Data, index: Int, prev: PayloadDigest, keys: [Party: [UInt8]], ceremony: String?
    ) -> String? {
        guard let entry = try? TranscriptJSON.decoder.decode(ExceptionEntry.self, from: line) else {
            return "not an exception entry"
        }
        guard entry.bytes == line else { return "not in canonical form (the entry re-encodes to other bytes)" }
        guard entry.index == index else { return "entry \(entry.index) where entry \(index) belongs" }
        guard entry.prev == prev else { return "its prev is not the digest of the line before: the chain is broken" }
        if let why = problem(step: entry.step) ?? problem(reason: entry.reason) { return why }
        guard isTime(entry.time) else { return "its time is not a UTC timestamp" }
        if let named = entry.ceremony, let ceremony, named != ceremony {
            return "names ceremony \(quoted(named)), not \(ceremony)"
        }
        guard let site = entry.role.site else {
            return entry.keyid == nil && entry.sig == nil ? nil : "a \(entry.role.rawValue) entry carries a signature"
        }
        guard let key = keys[site] else { return "no key of \(site.siteName) to check its signature with" }
        guard entry.keyid == KeyID(publicKey: key).hex, let sig = entry.sig, let raw = Data(base64Encoded: sig),
            Ed25519.verify(signature: Array(raw), message: message(entry.unsigned), publicKey: key)
        else { return "not signed by \(site.siteName)'s key" }
        return nil
    }

    /// Why `step` is no runbook step id, or nil: 1 to 16 of A-Z, 0-9, `.` and `-`, starting with a letter.
    package static func problem(step: String) -> String? {
        let bytes = Array(step.utf8)
        let allowed = { (b: UInt8) in (0x41...0x5A).contains(b) || (0x30...0x39).contains(b) || b == 0x2E || b == 0x2D }
        guard (1...16).contains(bytes.count), (0x41...0x5A).contains(bytes[0]), bytes.allSatisfy(allowed) else {
            return "the step \(quoted(step)) is not a runbook step id (such as A-2.1)"
        }
        return nil
    }

    /// Why `reason` cannot be logged, or nil: one line of 1 to ``reasonLimit`` characters, no control characters.
    package static func problem(reason: String) -> String? {
        guard !reason.isEmpty else { return "the reason is empty" }
        guard reason.count <= reasonLimit else { return "the reason is over \(reasonLimit) characters" }
        guard !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "the reason holds a control character (a newline?): one line only"
        }
        return nil
    }

    static func isTime(_ text: String) -> Bool {
        let shape = Array("dddd-dd-ddTdd:dd:ddZ".utf8)
        let bytes = Array(text.utf8)
        return bytes.count == shape.count
            && zip(bytes, shape).allSatisfy { b, s in s == UInt8(ascii: "d") ? (0x30...0x39).contains(b) : b == s }
    }

    static func message(_ unsigned: ExceptionEntry) -> Data {
        Envelope.preAuthenticationEncoding(payloadType: payloadType, payload: unsigned.bytes)
    }

    /// The keyid, signature and signed message of one line of the log, when the line is a
    /// signed entry: what the audit signs again to see that the signature is the one the
    /// site's key makes (Docs/Audit.md, "Default deny").
    package static func signedMessage(ofLine line: Data) -> (keyid: String, sig: String, message: Data)? {
        guard let entry = try? TranscriptJSON.decoder.decode(ExceptionEntry.self, from: line),
            let keyid = entry.keyid, let sig = entry.sig
        else { return nil }
        return (keyid, sig, message(entry.unsigned))
    }

    /// The log's bytes, or empty when there is none.
    static func bytes(_ layout: CeremonyLayout) throws(CeremonyError) -> Data {
        let transfer = try DirectoryHandle.transfer(layout: layout)
        guard try transfer.info(fileName) != nil else { return Data() }
        return try transfer.read(fileName, limit: sizeLimit)
    }

    /// The ceremony's site keys and id, when the manifest is there to say them.
    static func context(_ layout: CeremonyLayout) -> (keys: [Party: [UInt8]], ceremony: String?) {
        guard let ceremony = try? Transcript.load(layout, requireBothSignatures: false) else { return ([:], nil) }
        return (keys(of: ceremony.body), ceremony.id)
    }

    /// Each site's public key as the manifest names it.
    package static func keys(of manifest: ManifestBody) -> [Party: [UInt8]] {
        var keys: [Party: [UInt8]] = [:]
        for party in [Party.siteA, .siteB] {
            if let key = manifest.key(of: party)?.rawPublicKey { keys[party] = key }
        }
        return keys
    }

    /// Reads and verifies the ceremony's log (empty when there is none).
    package static func read(_ layout: CeremonyLayout) throws(CeremonyError) -> Verified {
        let (keys, ceremony) = context(layout)
        return verify(try bytes(layout), keys: keys, ceremony: ceremony)
    }

    /// Refuses a log with a line that does not verify.
    static func requireIntact(_ log: Verified, layout: CeremonyLayout) throws(CeremonyError) {
        if let failure = log.failure {
            throw CeremonyError(
                .damagedRecord, file: "\(layout.relative(layout.transfer))/\(fileName)",
                "line \(failure.line): \(failure.reason): the exception log is broken; log nothing more until it is explained"
            )
        }
    }

    /// Adds one entry at the end of the log (the whole file rewritten atomically, the old
    /// lines unchanged), after checking every line already there.
    /// - Parameter signer: the site key, for a site role; nil for the witness and the auditor.
    /// - Returns: the entry and its line's digest (the log's new head).
    @discardableResult
    package static func append(
        _ layout: CeremonyLayout, role: ExceptionRole, step: String, reason: String, signer: Ed25519.SigningKey?
    ) throws(CeremonyError) -> (entry: ExceptionEntry, digest: PayloadDigest) {
        let path = "\(layout.relative(layout.transfer))/\(fileName)"
        if let why = problem(step: step) ?? problem(reason: reason) { throw CeremonyError(.failed, file: path, why) }
        guard (role.site == nil) == (signer == nil) else {
            throw CeremonyError(
                .failed, file: path, "a \(role.rawValue) entry is \(role.site == nil ? "un" : "")signed")
        }
        let (keys, ceremony) = context(layout)
        if let site = role.site, let signer, let key = keys[site], key != signer.publicKey {
            throw CeremonyError(.failed, file: path, "the key signing is not \(site.siteName)'s key in the manifest")
        }
        let old = try bytes(layout)
        let log = verify(old, keys: keys, ceremony: ceremony)
        try requireIntact(log, layout: layout)
        var entry = ExceptionEntry(
            index: log.entries.count + 1, prev: log.head, ceremony: ceremony, step: step, role: role, reason: reason,
            time: timestamp())
        if let signer {
            entry = ExceptionEntry(
                index: entry.index, prev: entry.prev, ceremony: entry.ceremony, step: step, role: role, reason: reason,
                time: entry.time, keyid: KeyID(publicKey: signer.publicKey).hex,
                sig: Data(signer.sign(message(entry))).base64EncodedString())
        }
        let line = entry.bytes
        try DirectoryHandle.transfer(layout: layout).write(old + line + Data("\n".utf8), to: fileName, mode: .shared)
        return (entry, PayloadDigest(of: line))
    }
}
