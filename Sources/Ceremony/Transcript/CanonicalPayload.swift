import Foundation

/// The rule every reader of a payload applies (Docs/Bundles.md, "Canonical payloads"):
/// the signed bytes must be exactly the canonical encoding of the value decoded
/// from them — keys sorted, no insignificant white space, one spelling of each
/// number, string and serial, no field twice, no field the format does not
/// define. So no two readers (ours, Python's `json`, anyone's) can see two
/// different values in one signed payload.
extension Payload {
    /// Decodes a payload from the exact bytes that were signed, refusing bytes that
    /// are not the canonical encoding of what they decode to.
    /// - Throws: ``CeremonyError/Code/malformedPayload`` when they do not decode;
    ///   ``CeremonyError/Code/notCanonical`` naming the first field that differs.
    package static func decodeCanonical(_ bytes: Data) throws(CeremonyError) -> Payload<Body> {
        // A batch in canonical form is decoded card by card (``JoinedEncoding/decodedJoined(_:)``);
        // anything else goes through the whole rule below, which says what is wrong.
        if let joined = Self.self as? any JoinedEncoding.Type, let decoded = joined.decodedJoined(bytes),
            let payload = (decoded as Any) as? Self
        {
            return payload
        }
        let signed: StrictJSON
        do {
            signed = try StrictJSON(parsing: bytes)
        } catch {
            throw .malformedPayload(file: nil, "not JSON: \(error)")
        }
        if let duplicate = signed.duplicateKey() {
            throw .notCanonical("duplicate field \(quoted(duplicate))")
        }
        let payload: Payload<Body>
        do {
            payload = try TranscriptJSON.decoder.decode(Payload<Body>.self, from: bytes)
        } catch {
            throw .malformedPayload(file: nil, decodingReason(error))
        }
        // A batch's cards write their own entries (``JoinedEncoding``): the same bytes, sooner.
        let canonical = (payload as? any JoinedEncoding)?.joinedEncoding ?? payload.encoded()
        guard canonical != bytes else { return payload }
        let difference = (try? StrictJSON(parsing: canonical)).flatMap { signed.firstDifference(from: $0) }
        throw .notCanonical(difference ?? "white space or string escapes differ from the canonical encoding")
    }

    /// The header of this payload, its body left aside.
    package var header: PayloadHeader { PayloadHeader(headerOf: self) }
}

extension Payload {
    /// `other`'s header, every field as it is (its version and build record too), around `body`.
    init<Other>(headerOf other: Payload<Other>, body: Body) {
        type = other.type
        version = other.version
        ceremony = other.ceremony
        signer = other.signer
        batch = other.batch
        sequence = other.sequence
        prev = other.prev
        answers = other.answers
        build = other.build
        self.body = body
    }
}

extension Payload where Body == UndecodedBody {
    init<Other>(headerOf other: Payload<Other>) { self.init(headerOf: other, body: UndecodedBody()) }
}

extension PayloadKind {
    /// The canonical encoding of whatever `bytes` decode to as a payload of this
    /// kind (leniently: unknown fields dropped, spellings normalised). What a
    /// signer who edits a payload by hand must sign for it to be read at all.
    package func canonicalEncoding(of bytes: Data) throws(CeremonyError) -> Data {
        func encode<Body: Codable & Sendable>(_: Body.Type) throws(CeremonyError) -> Data {
            do {
                return try TranscriptJSON.decoder.decode(Payload<Body>.self, from: bytes).encoded()
            } catch {
                throw .malformedPayload(file: nil, decodingReason(error))
            }
        }
        return switch self {
        case .siteDeclaration: try encode(SiteDeclarationBody.self)
        case .manifest: try encode(ManifestBody.self)
        case .intermediateBatch: try encode(IntermediateBatchBody.self)
        case .keyBatch: try encode(KeyBatchBody.self)
        case .confirmationReport: try encode(ConfirmationReportBody.self)
        case .retentionStatement: try encode(RetentionStatementBody.self)
        case .closingManifest: try encode(ClosingManifestBody.self)
        case .sampleCommitment: try encode(SampleCommitmentBody.self)
        }
    }

    /// Decodes `bytes` as a payload of this kind, by the canonical rule, and returns its header.
    package func canonicalHeader(of bytes: Data) throws(CeremonyError) -> PayloadHeader {
        switch self {
        case .siteDeclaration: try Payload<SiteDeclarationBody>.decodeCanonical(bytes).header
        case .manifest: try Payload<ManifestBody>.decodeCanonical(bytes).header
        case .intermediateBatch: try Payload<IntermediateBatchBody>.decodeCanonical(bytes).header
        case .keyBatch: try Payload<KeyBatchBody>.decodeCanonical(bytes).header
        case .confirmationReport: try Payload<ConfirmationReportBody>.decodeCanonical(bytes).header
        case .retentionStatement: try Payload<RetentionStatementBody>.decodeCanonical(bytes).header
        case .closingManifest: try Payload<ClosingManifestBody>.decodeCanonical(bytes).header
        case .sampleCommitment: try Payload<SampleCommitmentBody>.decodeCanonical(bytes).header
        }
    }
}
