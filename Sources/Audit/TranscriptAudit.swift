import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Reads `transfer/` file by file, keeping what verifies and turning every
/// problem into a finding (the audit never stops at the first bad file).
struct TranscriptAudit {
    let ceremony: Ceremony
    private(set) var entries: [TranscriptEntry] = []
    private(set) var findings: [Finding] = []

    init(ceremony: Ceremony) {
        self.ceremony = ceremony
        let layout = ceremony.layout
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: layout.transfer.path)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") && !name.contains(".declaration.") {
            read(layout.transfer.appendingPathComponent(name))
        }
        checkChains()
        checkAnswers()
    }

    private var layout: CeremonyLayout { ceremony.layout }

    private mutating func read(_ file: URL) {
        let path = layout.relative(file)
        guard file.pathExtension == "json" else {
            findings.append(Finding(.signatures, .high, "unexpected file in transfer/: only signed bundles belong there", file: path))
            return
        }
        let envelope: Envelope
        do {
            envelope = try Envelope(json: try BoundedFile.read(file))
        } catch {
            findings.append(Finding(.signatures, .critical, "unreadable envelope: \(error)", file: path))
            return
        }
        guard let kind = PayloadKind.allCases.first(where: { $0.payloadType == envelope.payloadType }) else {
            findings.append(Finding(.signatures, .critical, "unknown payloadType \(envelope.payloadType)", file: path))
            return
        }
        let bytes: Data
        do {
            bytes = try envelope.verifiedPayload(expectedType: kind.payloadType, trusted: ceremony.trustedKeys, required: [])
        } catch {
            findings.append(Finding(.signatures, .critical, error.description, file: path))
            return
        }
        guard let header = try? TranscriptJSON.decoder.decode(PayloadHeader.self, from: bytes), header.type == kind else {
            findings.append(Finding(.signatures, .critical, "malformed payload header", file: path))
            return
        }
        guard let signerKey = ceremony.body.keyID(of: header.signer),
            envelope.signatures.contains(where: { $0.keyid == signerKey.hex })
        else {
            findings.append(Finding(.signatures, .critical, "not signed by its declared signer \(header.signer)", file: path))
            return
        }
        guard header.ceremony == ceremony.id else {
            findings.append(
                Finding(.binding, .critical, "belongs to ceremony \(header.ceremony ?? "none"), not \(ceremony.id)", file: path))
            return
        }
        entries.append(TranscriptEntry(file: file, envelope: envelope, header: header, digest: PayloadDigest(of: bytes)))
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
                Finding(.chain, .critical, "payload \(digest.humanForm) appears \(copies.count) times (replay)",
                    file: copies.map { layout.relative($0.file) }.joined(separator: ", ")))
        }
    }

    private func chainReason(_ error: CeremonyError) -> String {
        if case .refusedBundle(_, let reason) = error { return reason }
        return error.description
    }

    /// The one entry of `kind` by `signer` for `batch`, if exactly one.
    func entry(_ kind: PayloadKind, _ signer: Party, batch: Int?) -> TranscriptEntry? {
        let matches = entries.filter { $0.header.type == kind && $0.header.signer == signer && $0.header.batch == batch }
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
            for response in entries where response.header.type == kind && response.header.signer == signer {
                let request = entry(answeredKind, answeredSigner, batch: response.header.batch)
                guard let request, response.header.answers == request.digest else {
                    findings.append(
                        Finding(.answers, .critical,
                            "\(kind.rawValue) does not answer the \(answeredKind.rawValue) of batch \(response.header.batch.map(String.init) ?? "none")",
                            file: layout.relative(response.file)))
                    continue
                }
            }
        }
    }

    /// Decodes the body of every valid entry of `kind`, with its batch.
    func bodies<Body: Decodable & Sendable>(_ kind: PayloadKind, _ signer: Party, as: Body.Type) -> [(Int?, Body, TranscriptEntry)] {
        entries.filter { $0.header.type == kind && $0.header.signer == signer }.compactMap { entry in
            guard let payload = try? TranscriptJSON.decoder.decode(PayloadBody<Body>.self, from: entry.envelope.payload) else {
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
                    Finding(.signatures, .critical, "signed but malformed \(kind.rawValue): \(error)", file: layout.relative(entry.file)))
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
        guard let body = try? TranscriptJSON.decoder.decode(PayloadBody<ClosingManifestBody>.self, from: closing.envelope.payload)
        else {
            findings.append(Finding(.closing, .critical, "closing manifest body is malformed", file: path))
            return
        }
        let present = Closing.entries(manifest: ceremony, transcript: entries)
        let listed = body.body.entries
        for entry in listed where !present.contains(entry) {
            findings.append(Finding(.closing, .critical, "lists \(entry.file) (\(entry.digest.humanForm)), which is missing or changed", file: path))
        }
        for entry in present where !listed.contains(entry) {
            findings.append(Finding(.closing, .critical, "does not list \(entry.file) (\(entry.digest.humanForm))", file: path))
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
