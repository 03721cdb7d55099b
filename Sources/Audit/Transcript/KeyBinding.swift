import Ceremony
import CryptoCore
import Foundation

extension Auditor {
    /// The short form people compare aloud, computed from the public key bytes:
    /// the first 16 hex digits of SHA-256(public key), in groups of four.
    /// (A local helper until `KeyID` carries one.)
    package static func shortForm(publicKey: [UInt8]) -> String {
        PayloadDigest(hex: SHA256.hash(publicKey).hex)!.humanForm
    }

    /// The short form of a keyid as written in a signature (no public key to hash).
    static func shortForm(keyid: String) -> String {
        PayloadDigest(hex: keyid)?.humanForm ?? "(malformed keyid)"
    }
}

extension AuditRun {
    /// T7: the manifest's keys are the keys the sites declared in `transfer/`, and every
    /// key that signed anything is reported by its short form: who declared it, what it signed.
    /// Signatures on the closing manifest by keys nobody declared are information, ignored.
    /// With `report: false`, only lists the keys (again, after the auditor countersigned).
    mutating func checkKeys(_ transcript: TranscriptAudit, report: Bool = true) -> [AuditReport.KeyUse] {
        let kept = findings
        defer { if !report { findings = kept } }
        var signed: [String: [String]] = [:]
        func note(_ envelope: Envelope, _ file: URL) {
            for signature in envelope.signatures { signed[signature.keyid, default: []].append(layout.relative(file)) }
        }
        note(ceremony.manifest.envelope, layout.manifest)
        for entry in transcript.entries where entry.header.type != .closingManifest { note(entry.envelope, entry.file) }
        if let written = try? Closing.readCountersigned(ceremony).written { note(written, layout.closingManifest) }
        if FileManager.default.fileExists(atPath: layout.sampleCommitment.path),
            let envelope = try? Envelope(json: BoundedFile.read(layout.sampleCommitment))
        {
            note(envelope, layout.sampleCommitment)
        }

        var keys: [AuditReport.KeyUse] = []
        var reported: Set<String> = []
        func add(_ key: SiteKey, _ party: Party?, declaredIn: String?) {
            guard let raw = key.rawPublicKey else { return }
            let keyid = KeyID(publicKey: raw).hex
            reported.insert(keyid)
            keys.append(
                AuditReport.KeyUse(
                    shortForm: Auditor.shortForm(publicKey: raw), party: party?.rawValue, declaredIn: declaredIn,
                    signed: signed[keyid] ?? []))
        }
        for party in [Party.siteA, .siteB] {
            let file = layout.declaration(party)
            let path = layout.relative(file)
            guard let named = manifest.key(of: party), let raw = named.rawPublicKey else { continue }
            let declared: SiteKey
            do {
                declared = try SiteSetup.declaration(of: party, at: file)
            } catch {
                findings.append(
                    Finding(
                        .keys, .critical,
                        "\(party.siteName)'s key declaration cannot be read (\(error.code == .refusedBundle ? error.message : error.description)): the manifest's key \(Auditor.shortForm(publicKey: raw)) is bound to nobody",
                        file: path))
                add(named, party, declaredIn: nil)
                continue
            }
            if declared == named {
                add(named, party, declaredIn: path)
            } else {
                let other = declared.rawPublicKey.map { Auditor.shortForm(publicKey: $0) } ?? "(malformed key)"
                findings.append(
                    Finding(
                        .keys, .critical,
                        "the manifest names key \(Auditor.shortForm(publicKey: raw)) for \(party.siteName), but \(path) declares \(other)",
                        file: path))
                add(named, party, declaredIn: nil)
                add(declared, nil, declaredIn: path)
            }
        }
        let auditors = SiteSetup.auditorDeclarations(layout)
        for (file, reason) in auditors.refused {
            findings.append(
                Finding(
                    .keys, .info, "not a valid auditor declaration, ignored: \(reason)", file: layout.relative(file)))
        }
        for (file, key) in auditors.files
        where !(key.rawPublicKey.map { reported.contains(KeyID(publicKey: $0).hex) } ?? true) {
            add(key, .auditor, declaredIn: layout.relative(file))
        }
        for (keyid, files) in signed.sorted(by: { $0.key < $1.key }) where !reported.contains(keyid) {
            keys.append(
                AuditReport.KeyUse(
                    shortForm: Auditor.shortForm(keyid: keyid), party: nil, declaredIn: nil, signed: files))
            for file in Set(files).sorted() {
                findings.append(
                    Finding(
                        .keys, .info,
                        "signature by key \(Auditor.shortForm(keyid: keyid)), which nobody declared: ignored",
                        file: file))
            }
        }
        return keys
    }
}

extension AuditReport {
    /// One key of the ceremony: its short form, the party that declared it, the files it signed.
    package struct KeyUse: Codable, Sendable, Equatable {
        /// The first 16 hex digits of SHA-256(public key), in groups of four (the keyid's, for an undeclared key).
        package let shortForm: String
        /// `site-a`, `site-b` or `auditor`; nil for a key nobody declared (or not the one the manifest names).
        package let party: String?
        /// The declaration file that binds the key to its party, if any.
        package let declaredIn: String?
        /// The files it signed.
        package let signed: [String]

        /// One line for people.
        package var line: String {
            let who: String =
                switch (party.flatMap(Party.init(rawValue:)), declaredIn) {
                case (.some(let party), .some(let file)): "\(party.siteName), declared in \(file)"
                case (.some(let party), nil): "named for \(party.siteName) but declared by nobody"
                case (nil, .some(let file)): "declared in \(file), but not the manifest's key"
                case (nil, nil): "declared by nobody (ignored)"
                }
            let what =
                signed.isEmpty
                ? "signed nothing"
                : "signed "
                    + (signed.count <= 3
                        ? signed.joined(separator: ", ")
                        : signed.prefix(2).joined(separator: ", ") + " and \(signed.count - 2) more")
            return "\(shortForm)  \(who): \(what)"
        }
    }

    /// The report.md section on keys.
    var keysMarkdown: [String] {
        var lines = ["## Keys", "", "| key (short form) | party | declared in | signed |", "|---|---|---|---|"]
        for key in keys {
            lines.append(
                "| `\(key.shortForm)` | \(key.party ?? "nobody") | \(key.declaredIn.map { "`\($0)`" } ?? "nobody") | \(key.signed.isEmpty ? "nothing" : key.signed.map { "`\($0)`" }.joined(separator: ", ")) |"
            )
        }
        lines.append("")
        return lines
    }
}
