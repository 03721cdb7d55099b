import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Reads `transfer/` file by file, keeping what verifies and turning every
/// problem into a finding (the audit never stops at the first bad file).
struct TranscriptAudit {
    let ceremony: Transcript
    private(set) var entries: [TranscriptEntry] = []
    private(set) var findings: [Finding] = []

    init(ceremony: Transcript) {
        self.ceremony = ceremony
        for file in ceremony.transferEntries() { account(for: file) }
        checkChains()
        checkAnswers()
    }

    private var layout: CeremonyLayout { ceremony.layout }

    /// Accounts for one entry of `transfer/`, whatever its name: it must be a
    /// regular file, not hidden, and either a key declaration (`NAME.declaration.json`)
    /// that verifies, the exception log (`exceptions.jsonl`, K4), or a bundle (any other
    /// `.json` the sites read) taken through
    /// the transcript's reader. Anything else is a T1 finding: a site could hide
    /// there what the sites never read and the closing manifest never lists.
    private mutating func account(for file: URL) {
        let path = layout.relative(file)
        let name = file.lastPathComponent
        let type = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.type] as? FileAttributeType
        let unexpected: String? =
            switch type {
            case .typeRegular?:
                if name.hasPrefix(".") {
                    "a hidden file"
                } else if name.hasSuffix(Self.declarationSuffix) || name == ExceptionLog.fileName {
                    // The exception log is checked line by line by K4.exception-log.
                    nil
                } else if name.contains(".declaration.") || file.pathExtension != "json" {
                    "a file that is no bundle"
                } else {
                    nil
                }
            case .typeDirectory?: "a folder"
            case .typeSymbolicLink?: "a symbolic link"
            case nil: name.contains("\u{FFFD}") ? "a name that is not UTF-8" : "an entry that cannot be examined"
            default: "a special file"
            }
        if let unexpected {
            findings.append(
                Finding(
                    .signatures, .high,
                    "unexpected entry in transfer/ (\(unexpected)): only signed bundles and key declarations belong there",
                    file: path))
        } else if name.hasSuffix(Self.declarationSuffix) {
            checkDeclaration(file)
        } else if name == ExceptionLog.fileName {
            return
        } else {
            read(file)
        }
    }

    /// How a key declaration's name ends: `site-a.declaration.json`, `site-b.declaration.json`
    /// (and any other party's, such as an auditor's).
    static let declarationSuffix = ".declaration.json"

    /// A key declaration must parse and verify as a self-signed site-key declaration:
    /// of its site where the name is a site's (``CeremonyLayout/declaration(_:)``), of
    /// any party otherwise.
    private mutating func checkDeclaration(_ file: URL) {
        let named = Party.allCases.filter { layout.declaration($0).lastPathComponent == file.lastPathComponent }
        var refusal: CeremonyError?
        for party in named.isEmpty ? Party.allCases : named {
            do {
                _ = try SiteSetup.declaration(of: party, at: file)
                return
            } catch {
                refusal = refusal ?? error
            }
        }
        let message =
            named.isEmpty
            ? "not a key declaration of any party that verifies"
            : "key declaration does not verify: \(refusal.map(\.message) ?? "unreadable")"
        findings.append(Finding(.signatures, .critical, message, file: layout.relative(file)))
    }

    /// Takes one file through the transcript's reader; a refusal becomes a finding
    /// of the check it breaks (T2 for another ceremony's bundle, T1 for the rest).
    private mutating func read(_ file: URL) {
        let path = layout.relative(file)
        // The closing manifest may carry countersignatures by keys nobody declared: ignored (T7 reports them).
        let declared =
            file.path == layout.closingManifest.path ? try? Closing.readCountersigned(ceremony).declared : nil
        switch declared.map({ ceremony.read($0, file: file) }) ?? ceremony.read(file) {
        case .success(let entry):
            entries.append(entry)
        case .failure(let refusal):
            let check: Check = refusal.reason == .otherCeremony ? .binding : .signatures
            let message =
                refusal.reason == .unreadable
                ? "unreadable envelope: \(refusal.underlying.map { "\($0)" } ?? refusal.message)" : refusal.message
            findings.append(Finding(check, .critical, message, file: path))
        }
    }

    private mutating func checkChains() {
        for entry in entries {
            do {
                try ceremony.checkChain(entry, within: entries)
            } catch {
                findings.append(Finding(.chain, .critical, chainReason(error), file: layout.relative(entry.file)))
            }
        }
        // A payload copied under another name is a replay even where the chain still fits.
        for (digest, copies) in Dictionary(grouping: entries, by: \.digest) where copies.count > 1 {
            findings.append(
                Finding(
                    .chain, .critical, "payload \(digest.humanForm) appears \(copies.count) times (replay)",
                    file: copies.map { layout.relative($0.file) }.joined(separator: ", ")))
        }
    }

    private func chainReason(_ error: CeremonyError) -> String {
        error.code == .refusedBundle ? error.message : error.description
    }

    /// The one entry of `kind` by `signer` for `batch`, if exactly one.
    func entry(_ kind: PayloadKind, _ signer: Party, batch: Int?) -> TranscriptEntry? {
        let matches = entries.filter {
            $0.header.type == kind && $0.header.signer == signer && $0.header.batch == batch
        }
        return matches.count == 1 ? matches[0] : nil
    }

    private mutating func checkAnswers() {
        let rules: [(PayloadKind, Party, PayloadKind, Party)] = [
            (.keyBatch, .siteB, .intermediateBatch, .siteA),
            (.confirmationReport, .siteA, .keyBatch, .siteB),
            (.retentionStatement, .siteA, .confirmationReport, .siteA),
            (.retentionStatement, .siteB, .intermediateBatch, .siteA),
        ]
        for (kind, signer, answeredKind, answeredSigner) in rules {
            // A site's last statement, after the closing manifest, answers it (KeyRetirement); a
            // retention statement without a batch that answers nothing (destroy-spools) is left out.
            for response in entries
            where response.header.type == kind && response.header.signer == signer
                && !(kind == .retentionStatement && response.header.batch == nil
                    && !KeyRetirement.followsClosing(response.header))
            {
                let request =
                    KeyRetirement.followsClosing(response.header)
                    ? entry(.closingManifest, .siteA, batch: nil)
                    : entry(answeredKind, answeredSigner, batch: response.header.batch)
                guard let request, response.header.answers == request.digest else {
                    findings.append(
                        Finding(
                            .answers, .critical,
                            "\(kind.rawValue) does not answer the \(answeredKind.rawValue) of batch \(response.header.batch.map(String.init) ?? "none")",
                            file: layout.relative(response.file)))
                    continue
                }
            }
        }
    }

    /// Decodes the body of every valid entry of `kind`, with its batch.
    func bodies<Body: Decodable & Sendable>(
        _ kind: PayloadKind, _ signer: Party, as: Body.Type
    ) -> [(Int?, Body, TranscriptEntry)] {
        entries.filter { $0.header.type == kind && $0.header.signer == signer }.compactMap { entry in
            guard let payload = try? TranscriptJSON.decoder.decode(PayloadBody<Body>.self, from: entry.envelope.payload)
            else {
                return nil
            }
            return (entry.header.batch, payload.body, entry)
        }
    }

    /// Records bodies that fail to decode (after the signature verified).
    mutating func noteUndecodable<Body: Decodable & Sendable>(_ kind: PayloadKind, _ signer: Party, as: Body.Type) {
        for entry in entries where entry.header.type == kind && entry.header.signer == signer {
            do {
                _ = try TranscriptJSON.decoder.decode(PayloadBody<Body>.self, from: entry.envelope.payload)
            } catch {
                findings.append(
                    Finding(
                        .signatures, .critical, "signed but malformed \(kind.rawValue): \(error)",
                        file: layout.relative(entry.file)))
            }
        }
    }

    /// The closing manifest check.
    mutating func checkClosing() {
        let file = layout.closingManifest
        let path = layout.relative(file)
        guard let closing = entry(.closingManifest, .siteA, batch: nil) else {
            findings.append(Finding(.closing, .critical, "no valid closing manifest signed by site A", file: path))
            return
        }
        let signers = Set(closing.envelope.signatures.map(\.keyid))
        for party in [Party.siteA, .siteB] {
            if let key = ceremony.body.keyID(of: party), !signers.contains(key.hex) {
                findings.append(Finding(.closing, .critical, "closing manifest lacks \(party)'s signature", file: path))
            }
        }
        guard
            let body = try? TranscriptJSON.decoder.decode(
                PayloadBody<ClosingManifestBody>.self, from: closing.envelope.payload)
        else {
            findings.append(Finding(.closing, .critical, "closing manifest body is malformed", file: path))
            return
        }
        let present = Closing.entries(manifest: ceremony, transcript: entries)
        let listed = body.body.entries
        for entry in listed where !present.contains(entry) {
            findings.append(
                Finding(
                    .closing, .critical, "lists \(entry.file) (\(entry.digest.humanForm)), which is missing or changed",
                    file: path))
        }
        for entry in present where !listed.contains(entry) {
            findings.append(
                Finding(.closing, .critical, "does not list \(entry.file) (\(entry.digest.humanForm))", file: path))
        }
        if Set(listed) == Set(present) && listed != present {
            findings.append(Finding(.closing, .critical, "lists the payloads out of order", file: path))
        }
    }
}

/// Decodes only a payload's body.
struct PayloadBody<Body: Decodable & Sendable>: Decodable {
    let body: Body
}
