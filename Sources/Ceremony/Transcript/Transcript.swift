import CryptoCore
import Foundation

/// The header fields of any payload, decoded without its body.
public struct PayloadHeader: Decodable, Sendable {
    public let type: PayloadKind
    public let version: Int
    public let ceremony: String?
    public let signer: Party
    public let batch: Int?
    public let sequence: Int
    public let prev: PayloadDigest?
    public let answers: PayloadDigest?
}

/// One verified envelope found in `transfer/`.
public struct TranscriptEntry: Sendable {
    public let file: URL
    public let envelope: Envelope
    public let header: PayloadHeader
    public let digest: PayloadDigest

    public init(file: URL, envelope: Envelope, header: PayloadHeader, digest: PayloadDigest) {
        self.file = file
        self.envelope = envelope
        self.header = header
        self.digest = digest
    }
}

/// The ceremony as the parties see it: the verified manifest and the bundles in `transfer/`.
public struct Ceremony: Sendable {
    public let layout: CeremonyLayout
    public let manifest: SignedPayload<ManifestBody>

    /// The auditor's declared key (audit/auditor.declaration.json), if an auditor has declared one.
    public let auditorKey: SiteKey?

    public var body: ManifestBody { manifest.payload.body }
    public var id: String { body.ceremonyId }

    /// Every key that may sign in this ceremony: both sites', and the auditor's
    /// (which only countersigns the closing manifest).
    public var trustedKeys: [KeyID: [UInt8]] {
        var keys = body.trustedKeys
        if let raw = auditorKey?.rawPublicKey { keys[KeyID(publicKey: raw)] = raw }
        return keys
    }

    /// Loads `ceremony.json` and verifies that both declared sites signed it.
    /// - Throws: ``CeremonyError`` naming the file and the cause.
    public static func load(_ layout: CeremonyLayout, requireBothSignatures: Bool = true) throws(CeremonyError) -> Ceremony {
        let file = layout.manifest
        let data: Data
        do { data = try BoundedFile.read(file) } catch { throw .storage(error) }
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .transcript(file: file.path, .envelope(error)) }
        // The manifest names its own signers; each site also checks its own key is the one named.
        guard let header = try? TranscriptJSON.decoder.decode(Payload<ManifestBody>.self, from: envelope.payload) else {
            throw .refusedBundle(file: file.path, reason: "not a ceremony manifest")
        }
        let declared = header.body
        var required: Set<KeyID> = []
        if let a = declared.keyID(of: .siteA) { required.insert(a) }
        if requireBothSignatures, let b = declared.keyID(of: .siteB) { required.insert(b) }
        let manifest: SignedPayload<ManifestBody>
        do {
            manifest = try SignedPayload(verifying: envelope, kind: .manifest, trusted: declared.trustedKeys, required: required)
        } catch {
            throw .transcript(file: file.path, error)
        }
        guard manifest.payload.ceremony == declared.ceremonyId, manifest.payload.sequence == 0,
            manifest.payload.prev == nil
        else { throw .refusedBundle(file: file.path, reason: "manifest header does not match its body") }
        // Every tool relies on its numbers (batches, lots, serials): a signed but invalid manifest is refused here.
        do {
            try manifest.payload.body.validate(forceWeakPolicy: true)
        } catch {
            throw .refusedBundle(file: file.path, reason: error.description)
        }
        let auditor = FileManager.default.fileExists(atPath: layout.auditorDeclaration.path)
            ? try SiteSetup.declaration(of: .auditor, at: layout.auditorDeclaration) : nil
        return Ceremony(layout: layout, manifest: manifest, auditorKey: auditor)
    }

    /// Every envelope in `transfer/` signed by a key of this ceremony, verified,
    /// with its header decoded. Declarations (made before the ceremony) are skipped.
    /// - Throws: the first file that does not verify or belongs to another ceremony.
    public func transcript() throws(CeremonyError) -> [TranscriptEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.transfer.path)) ?? []
        var entries: [TranscriptEntry] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") && !name.contains(".declaration.") {
            entries.append(try entry(layout.transfer.appendingPathComponent(name)))
        }
        return entries
    }

    /// Reads and verifies one transfer file (any kind, any signer of this ceremony).
    public func entry(_ file: URL) throws(CeremonyError) -> TranscriptEntry {
        let data: Data
        do { data = try BoundedFile.read(file) } catch { throw .storage(error) }
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .transcript(file: file.path, .envelope(error)) }
        guard let kind = PayloadKind.allCases.first(where: { $0.payloadType == envelope.payloadType }) else {
            throw .refusedBundle(file: file.path, reason: "unknown payloadType \(quoted(envelope.payloadType))")
        }
        let bytes: Data
        do {
            bytes = try envelope.verifiedPayload(expectedType: kind.payloadType, trusted: trustedKeys, required: [])
        } catch {
            throw .transcript(file: file.path, .envelope(error))
        }
        guard let header = try? TranscriptJSON.decoder.decode(PayloadHeader.self, from: bytes), header.type == kind else {
            throw .refusedBundle(file: file.path, reason: "malformed payload header")
        }
        guard header.ceremony == id else {
            throw .refusedBundle(file: file.path, reason: "belongs to ceremony \(header.ceremony.map { quoted($0) } ?? "none"), not \(id)")
        }
        guard let signerKey = body.keyID(of: header.signer),
            envelope.signatures.contains(where: { $0.keyid == signerKey.hex })
        else { throw .refusedBundle(file: file.path, reason: "not signed by its declared signer \(header.signer)") }
        return TranscriptEntry(file: file, envelope: envelope, header: header, digest: PayloadDigest(of: bytes))
    }

    /// The next `(sequence, prev)` for `party`'s chain, from what is in `transfer/`.
    public func nextLink(for party: Party) throws(CeremonyError) -> (sequence: Int, prev: PayloadDigest) {
        nextLink(for: party, in: try transcript())
    }

    /// The next `(sequence, prev)` for `party`'s chain in a transcript already read.
    public func nextLink(for party: Party, in transcript: [TranscriptEntry]) -> (sequence: Int, prev: PayloadDigest) {
        let own = transcript.filter { $0.header.signer == party }.sorted { $0.header.sequence < $1.header.sequence }
        guard let last = own.last else { return (1, manifest.digest) }
        return (last.header.sequence + 1, last.digest)
    }

    /// Checks that `entry` continues its signer's chain: its `prev` is the
    /// digest of the signer's payload one sequence earlier (the manifest for the first).
    public func checkChain(_ entry: TranscriptEntry, within all: [TranscriptEntry]) throws(CeremonyError) {
        let header = entry.header
        let path = layout.relative(entry.file)
        guard header.sequence >= 1 else { throw .refusedBundle(file: path, reason: "sequence \(header.sequence) < 1") }
        let expected: PayloadDigest?
        if header.sequence == 1 {
            expected = manifest.digest
        } else {
            let earlier = all.filter { $0.header.signer == header.signer && $0.header.sequence == header.sequence - 1 }
            guard earlier.count == 1 else {
                throw .refusedBundle(
                    file: path, reason: "chain gap: \(header.signer) payload \(header.sequence - 1) is missing or duplicated")
            }
            expected = earlier[0].digest
        }
        guard header.prev == expected else {
            throw .refusedBundle(file: path, reason: "chain broken: prev does not match \(header.signer)'s payload \(header.sequence - 1)")
        }
        let same = all.filter { $0.header.signer == header.signer && $0.header.sequence == header.sequence }
        guard same.count <= 1 else {
            throw .refusedBundle(file: path, reason: "replay or fork: two \(header.signer) payloads with sequence \(header.sequence)")
        }
    }

    /// The batch number's validity.
    public func checkBatch(_ batch: Int) throws(CeremonyError) {
        guard (1...body.batchCount).contains(batch) else {
            throw .outOfOrder("batch \(batch) is not in this ceremony (1...\(body.batchCount))")
        }
    }

    /// Verifies a transfer file of a known kind, signer and batch, and decodes its body.
    /// With `transcript`, a file already read and verified there is not read again.
    public func open<Body>(
        _ file: URL, kind: PayloadKind, signer: Party, batch: Int?, as: Body.Type, from transcript: [TranscriptEntry] = []
    ) throws(CeremonyError) -> (SignedPayload<Body>, TranscriptEntry) {
        let entry: TranscriptEntry
        if let known = transcript.first(where: { $0.file.standardizedFileURL == file.standardizedFileURL }) {
            entry = known
        } else {
            entry = try self.entry(file)
        }
        let path = layout.relative(file)
        guard entry.header.type == kind else { throw .refusedBundle(file: path, reason: "expected a \(kind.rawValue)") }
        guard entry.header.signer == signer else { throw .refusedBundle(file: path, reason: "expected signer \(signer)") }
        guard entry.header.batch == batch else {
            throw .refusedBundle(file: path, reason: "is for batch \(entry.header.batch.map(String.init) ?? "none"), expected \(batch.map(String.init) ?? "none")")
        }
        guard let key = body.keyID(of: signer) else { throw .refusedBundle(file: path, reason: "no key for \(signer)") }
        do {
            let signed = try SignedPayload<Body>(
                verifying: entry.envelope, kind: kind, trusted: trustedKeys, required: [key])
            return (signed, entry)
        } catch {
            throw .transcript(file: path, error)
        }
    }
}
