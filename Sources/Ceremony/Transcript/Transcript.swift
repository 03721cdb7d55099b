import BIP38
import CryptoCore
import Foundation

/// A ceremony's transcript as the parties see it: the verified manifest, and
/// the signed bundles in `transfer/`, read through ``read(_:)``.
///
/// Every site command and the audit open the ceremony through ``load(_:requireBothSignatures:)``
/// and read bundles through the same reader, so they agree on what the transcript holds.
package struct Transcript: Sendable {
    package let layout: CeremonyLayout
    package let manifest: SignedPayload<ManifestBody>

    /// The auditors' declared keys (audit/auditor*.declaration.json, each self-signed), in file order.
    package let auditorKeys: [SiteKey]

    package var body: ManifestBody { manifest.payload.body }
    package var id: String { body.ceremonyId }

    package init(layout: CeremonyLayout, manifest: SignedPayload<ManifestBody>, auditorKeys: [SiteKey]) {
        self.layout = layout
        self.manifest = manifest
        self.auditorKeys = auditorKeys
    }

    package init(layout: CeremonyLayout, manifest: SignedPayload<ManifestBody>, auditorKey: SiteKey?) {
        self.init(layout: layout, manifest: manifest, auditorKeys: auditorKey.map { [$0] } ?? [])
    }

    /// Every key that may sign in this ceremony: both sites', and the auditors'
    /// (which only countersign the closing manifest and sign the sample commitment).
    package var trustedKeys: [KeyID: [UInt8]] {
        var keys = body.trustedKeys
        for raw in auditorKeys.compactMap(\.rawPublicKey) { keys[KeyID(publicKey: raw)] = raw }
        return keys
    }

    /// Loads `ceremony.json` and verifies that both declared sites signed it.
    /// - Throws: ``CeremonyError`` naming the file and the cause.
    package static func load(
        _ layout: CeremonyLayout, requireBothSignatures: Bool = true
    ) throws(CeremonyError) -> Transcript {
        let file = layout.manifest
        let data = try BoundedFile.read(file)
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .envelope(file: file.path, error) }
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
            manifest = try SignedPayload(
                verifying: envelope, kind: .manifest, trusted: declared.trustedKeys, required: required)
        } catch {
            throw error.naming(file: file.path)
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
        return Transcript(layout: layout, manifest: manifest, auditorKeys: SiteSetup.auditorDeclarations(layout).keys)
    }

    /// The files of `transfer/` that may be bundles of the transcript, sorted by
    /// name: everything but hidden files and the site key declarations (made
    /// before the ceremony). The sites read the `.json` ones; the audit reads
    /// every entry instead (``transferEntries()``).
    package func transferFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.transfer.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") && !$0.contains(".declaration.") }.map {
            layout.transfer.appendingPathComponent($0)
        }
    }

    /// Every entry of `transfer/`, sorted by name, whatever it is: hidden files,
    /// key declarations, folders and symbolic links included (a name that is not
    /// UTF-8 is listed with U+FFFD for its bad bytes, so it is listed all the same).
    /// The audit accounts for each one; the sites read only ``transferFiles()``.
    package func transferEntries() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.transfer.path)) ?? []
        return names.sorted().map { layout.transfer.appendingPathComponent($0) }
    }

    /// Every envelope in `transfer/` signed by a key of this ceremony, verified,
    /// with its header decoded.
    /// - Throws: the first file that does not verify or belongs to another ceremony.
    /// With `known`, a file already read and verified there (``open(_:kind:signer:batch:as:from:)``)
    /// is not read again.
    package func entries(reusing known: [TranscriptEntry] = []) throws(CeremonyError) -> [TranscriptEntry] {
        var entries: [TranscriptEntry] = []
        for file in transferFiles() where file.pathExtension == "json" {
            if let entry = known.entry(for: file) {
                entries.append(entry)
            } else {
                entries.append(try entry(file))
            }
        }
        return entries
    }

    /// Reads and verifies one transfer file (any kind, any signer of this ceremony).
    /// - Throws: the reader's refusal as a ``CeremonyError`` naming the file.
    package func entry(_ file: URL) throws(CeremonyError) -> TranscriptEntry {
        switch read(file) {
        case .success(let entry): return entry
        case .failure(let refusal): throw refusal.ceremonyError
        }
    }

    /// The one reader of transfer files: reads, verifies and decodes the header of
    /// one file, or says why not. The sites throw the refusal
    /// (``entry(_:)``); the audit maps each refusal to its check id.
    ///
    /// The checks, in order: a readable DSSE envelope, a known payloadType, valid
    /// signatures by keys of this ceremony only, a payload of that kind in canonical
    /// form (``Payload/decodeCanonical(_:)``), a signature by the header's own
    /// signer, and this ceremony's id.
    package func read(_ file: URL) -> Result<TranscriptEntry, TranscriptRefusal> {
        read(file) { (kind, bytes) throws(CeremonyError) in try kind.canonicalHeader(of: bytes) }
    }

    /// ``read(_:)`` with `decode` taking the verified bytes to their header by the
    /// canonical rule: a caller that wants the body too decodes it there, once.
    func read(
        _ file: URL, decode: (PayloadKind, Data) throws(CeremonyError) -> PayloadHeader
    ) -> Result<TranscriptEntry, TranscriptRefusal> {
        let data: Data
        do { data = try BoundedFile.read(file) } catch {
            return .failure(TranscriptRefusal(.unreadable, file: nil, error.description, underlying: error))
        }
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch {
            return .failure(TranscriptRefusal(.unreadable, file: file.path, error.description, underlying: error))
        }
        return read(envelope, file: file, decode: decode)
    }

    /// The same reader over an envelope already parsed from `file`.
    /// The highest sequence a payload may carry (far above any ceremony's payload count).
    package static let maxSequence = 1 << 31

    package func read(_ envelope: Envelope, file: URL) -> Result<TranscriptEntry, TranscriptRefusal> {
        read(envelope, file: file) { (kind, bytes) throws(CeremonyError) in try kind.canonicalHeader(of: bytes) }
    }

    func read(
        _ envelope: Envelope, file: URL, decode: (PayloadKind, Data) throws(CeremonyError) -> PayloadHeader
    ) -> Result<TranscriptEntry, TranscriptRefusal> {
        let path = file.path
        guard let kind = PayloadKind.allCases.first(where: { $0.payloadType == envelope.payloadType }) else {
            return .failure(
                TranscriptRefusal(.unknownType, file: path, "unknown payloadType \(quoted(envelope.payloadType))"))
        }
        let bytes: Data
        do {
            bytes = try envelope.verifiedPayload(expectedType: kind.payloadType, trusted: trustedKeys, required: [])
        } catch {
            return .failure(TranscriptRefusal(.badSignature, file: path, error.description, underlying: error))
        }
        let header: PayloadHeader
        do {
            header = try decode(kind, bytes)
        } catch {
            return .failure(
                TranscriptRefusal(.malformedPayload, file: path, error.message, underlying: error.naming(file: path)))
        }
        guard header.type == kind else {
            return .failure(TranscriptRefusal(.malformedHeader, file: path, "malformed payload header"))
        }
        // A chain's next link is `sequence + 1`: a signed sequence near Int.max is refused here, never overflowed.
        guard header.sequence <= Self.maxSequence else {
            return .failure(
                TranscriptRefusal(.malformedHeader, file: path, "sequence \(header.sequence) is out of range"))
        }
        guard let signerKey = body.keyID(of: header.signer),
            envelope.signatures.contains(where: { $0.keyid == signerKey.hex })
        else {
            return .failure(
                TranscriptRefusal(.wrongSigner, file: path, "not signed by its declared signer \(header.signer)"))
        }
        guard header.ceremony == id else {
            return .failure(
                TranscriptRefusal(
                    .otherCeremony, file: path,
                    "belongs to ceremony \(header.ceremony.map { quoted($0) } ?? "none"), not \(id)"))
        }
        return .success(
            TranscriptEntry(file: file, envelope: envelope, header: header, digest: PayloadDigest(of: bytes)))
    }

    /// The batch number's validity.
    package func checkBatch(_ batch: Int) throws(CeremonyError) {
        guard (1...body.batchCount).contains(batch) else {
            throw .outOfOrder("batch \(batch) is not in this ceremony (1...\(body.batchCount))")
        }
    }

    /// Verifies a transfer file of a known kind, signer and batch, and decodes its body.
    /// With `entries`, a file already read and verified there is not read again.
    package func open<Body>(
        _ file: URL, kind: PayloadKind, signer: Party, batch: Int?, as: Body.Type, from entries: [TranscriptEntry] = []
    ) throws(CeremonyError) -> (SignedPayload<Body>, TranscriptEntry) {
        let entry: TranscriptEntry
        // A file read here is decoded once, body and all, by the reader's checks (an
        // intermediate or key batch of 4,096 cards takes a while to decode).
        var decoded: Payload<Body>?
        if let known = entries.entry(for: file) {
            entry = known
        } else {
            let read = read(file) { (found, bytes) throws(CeremonyError) in
                guard found == kind else { return try found.canonicalHeader(of: bytes) }
                let payload = try Payload<Body>.decodeCanonical(bytes)
                decoded = payload
                return payload.header
            }
            switch read {
            case .success(let read): entry = read
            case .failure(let refusal): throw refusal.ceremonyError
            }
        }
        let path = layout.relative(file)
        guard entry.header.type == kind else { throw .refusedBundle(file: path, reason: "expected a \(kind.rawValue)") }
        guard entry.header.signer == signer else {
            throw .refusedBundle(file: path, reason: "expected signer \(signer)")
        }
        guard entry.header.batch == batch else {
            throw .refusedBundle(
                file: path,
                reason:
                    "is for batch \(entry.header.batch.map(String.init) ?? "none"), expected \(batch.map(String.init) ?? "none")"
            )
        }
        guard let key = body.keyID(of: signer) else { throw .refusedBundle(file: path, reason: "no key for \(signer)") }
        if let decoded {
            // The reader verified every signature (all by keys of this ceremony, one by the
            // header's signer, which is `signer`) and the canonical form; what
            // SignedPayload(verifying:) adds is the format version.
            guard decoded.version == Payload<Body>.formatVersion else {
                throw CeremonyError(.unsupportedVersion, "unsupported format version \(decoded.version)").naming(
                    file: path)
            }
            return (SignedPayload(verified: entry.envelope, payload: decoded, digest: entry.digest), entry)
        }
        do {
            let signed = try SignedPayload<Body>(
                verifying: entry.envelope, kind: kind, trusted: trustedKeys, required: [key])
            return (signed, entry)
        } catch {
            throw error.naming(file: path)
        }
    }
}

/// Why the transcript reader did not take a file, naming the file. The sites
/// throw it as a ``CeremonyError`` (``TranscriptRefusal/ceremonyError``); the
/// audit maps its ``Reason`` to a check id.
package struct TranscriptRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Reason: String, Sendable, Equatable {
        /// The file cannot be read, or is not a DSSE envelope.
        case unreadable
        /// Its payloadType is none of this toolkit's.
        case unknownType
        /// A signature is bad or by a key this ceremony does not know.
        case badSignature
        /// The signed payload has no header of its type.
        case malformedHeader
        /// The signed payload does not decode as its kind, or is not in canonical form.
        case malformedPayload
        /// The header's signer did not sign it.
        case wrongSigner
        /// The header names another ceremony.
        case otherCeremony
    }

    package let reason: Reason
    /// The file, as given to the reader (nil when the message names it already).
    package let file: String?
    package let message: String
    package let underlying: (any Error)?

    init(_ reason: Reason, file: String?, _ message: String, underlying: (any Error)? = nil) {
        self.reason = reason
        self.file = file
        self.message = message
        self.underlying = underlying
    }

    package var description: String { file.map { "\($0): \(message)" } ?? message }

    /// The refusal as the sites throw it.
    package var ceremonyError: CeremonyError {
        if let error = underlying as? CeremonyError { return error }
        let code: CeremonyError.Code =
            switch reason {
            case .unreadable, .badSignature: .badEnvelope
            case .unknownType, .malformedHeader, .wrongSigner, .otherCeremony, .malformedPayload: .refusedBundle
            }
        return CeremonyError(code, file: file, message, underlying: underlying)
    }

    package static func == (a: TranscriptRefusal, b: TranscriptRefusal) -> Bool {
        a.reason == b.reason && a.file == b.file && a.message == b.message
    }
}
