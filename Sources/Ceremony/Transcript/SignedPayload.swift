import BIP38
import CryptoCore
import Foundation

/// A verified envelope with its decoded payload and digest.
package struct SignedPayload<Body: Codable & Sendable>: Sendable {
    package let envelope: Envelope
    package let payload: Payload<Body>
    package let digest: PayloadDigest

    /// Signs `payload` with `signers` and wraps it in an envelope.
    package init(_ payload: Payload<Body>, signers: [Ed25519.SigningKey]) {
        self.init(payload, encoded: payload.encoded(), signers: signers)
    }

    /// Signs `bytes`, `payload`'s encoding made another way (``Payload/encoded(joining:)``),
    /// and wraps them in an envelope. They must be `payload.encoded()`: what is signed is
    /// what the payload's readers decode it back to.
    init(_ payload: Payload<Body>, encoded bytes: Data, signers: [Ed25519.SigningKey]) {
        envelope = Envelope(payloadType: payload.type.payloadType, payload: bytes, signers: signers)
        self.payload = payload
        digest = PayloadDigest(of: bytes)
    }

    /// Verifies the envelope's signatures over its exact bytes, then decodes the payload
    /// by the canonical rule (``Payload/decodeCanonical(_:)``).
    package init(
        verifying envelope: Envelope, kind: PayloadKind, trusted: [KeyID: [UInt8]], required: Set<KeyID>
    ) throws(CeremonyError) {
        let bytes: Data
        do {
            bytes = try envelope.verifiedPayload(expectedType: kind.payloadType, trusted: trusted, required: required)
        } catch {
            throw CeremonyError(.badEnvelope, error.description, underlying: error)
        }
        let payload = try Payload<Body>.decodeCanonical(bytes)
        guard payload.type == kind else {
            throw .malformedPayload(file: nil, "type \(payload.type.rawValue) inside a \(kind.rawValue) envelope")
        }
        guard payload.version == Payload<Body>.formatVersion else {
            throw CeremonyError(.unsupportedVersion, "unsupported format version \(payload.version)")
        }
        self.envelope = envelope
        self.payload = payload
        digest = PayloadDigest(of: bytes)
    }

    /// Reads and verifies an envelope file.
    package init(file: URL, kind: PayloadKind, trusted: [KeyID: [UInt8]], required: Set<KeyID>) throws(CeremonyError) {
        let data = try BoundedFile.read(file)
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .envelope(file: file.path, error) }
        try self.init(verifying: envelope, kind: kind, trusted: trusted, required: required)
    }

    /// Adds a countersignature (the bytes, and so the digest, do not change).
    package mutating func countersign(_ signer: Ed25519.SigningKey) {
        var copy = envelope
        copy.addSignature(signer)
        self = SignedPayload(envelope: copy, payload: payload, digest: digest)
    }

    /// An envelope the transcript's reader has verified and decoded by the canonical
    /// rule (``Transcript/open(_:kind:signer:batch:as:from:)``), with its payload and digest.
    init(verified envelope: Envelope, payload: Payload<Body>, digest: PayloadDigest) {
        self.init(envelope: envelope, payload: payload, digest: digest)
    }

    private init(envelope: Envelope, payload: Payload<Body>, digest: PayloadDigest) {
        self.envelope = envelope
        self.payload = payload
        self.digest = digest
    }

    /// Writes the envelope atomically as `name` in `folder`, through its descriptor.
    package func write(in folder: DirectoryHandle, name: String) throws(CeremonyError) {
        try folder.write(envelope.json, to: name, mode: .shared)
    }

    /// Writes the envelope atomically.
    package func write(to url: URL) throws(CeremonyError) {
        try AtomicFile.write(envelope.json, to: url, mode: .shared)
    }
}
