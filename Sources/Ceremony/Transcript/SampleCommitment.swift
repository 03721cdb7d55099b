import CryptoCore
import Foundation

/// The auditor's commitment to the random value the cut-and-choose sample is drawn
/// with (Docs/Audit.md, K1; Docs/ThreatModel.md, "Who can steer the sample").
///
/// Before `close`, the auditor draws 32 random bytes, keeps them in its own key
/// folder (outside the ceremony), and signs `SHA-256(tag || value)` into
/// `audit/sample-commitment.json`. Site A's closing manifest records that
/// payload's digest. The sample is then drawn from `SHA-256(closing digest || value)`:
/// a site that re-signs the closing manifest cannot compute the sample, and the
/// auditor, who committed before the closing manifest existed, cannot choose it.
package struct SampleCommitmentBody: Codable, Sendable, Equatable {
    /// Hex SHA-256 of ``SampleCommitment/tag`` followed by the auditor's secret 32-byte value.
    package let commitment: String

    package init(commitment: String) { self.commitment = commitment }
}

/// The published value: written by the committing auditor into `audit/sample-reveal.json`
/// when it countersigns, so that any later auditor can draw the same sample.
/// Unsigned: only the holder of the value can write one that opens the commitment.
package struct SampleReveal: Codable, Sendable, Equatable {
    package let ceremony: String
    /// The digest of the sample-commitment payload it opens.
    package let commitment: PayloadDigest
    /// The closing manifest's digest the sample was drawn with.
    package let closing: PayloadDigest
    /// The 32-byte value, hex.
    package let value: String

    package init(ceremony: String, commitment: PayloadDigest, closing: PayloadDigest, value: [UInt8]) {
        self.ceremony = ceremony
        self.commitment = commitment
        self.closing = closing
        self.value = value.hex
    }
}

package enum SampleCommitment {
    /// The domain tag hashed before the value (ASCII, no terminator).
    package static let tag = "bip38-2fkg sample commitment v1"

    /// `SHA-256(tag || value)`, hex.
    package static func commitment(of value: [UInt8]) -> String { SHA256.hash(Array(tag.utf8) + value).hex }

    /// The sample's seed: `SHA-256(closing digest (32 raw bytes) || value)`.
    package static func seed(closing: PayloadDigest, value: [UInt8]) -> [UInt8] {
        SHA256.hash([UInt8](hexString: closing.hex)! + value)
    }

    /// Where the committing auditor keeps its value: its key folder, one file per ceremony.
    package static func valueFile(in keyFolder: URL, ceremony: String) -> URL {
        keyFolder.appendingPathComponent("sample-value-\(ceremony).secret")
    }

    /// The auditor commits: draws the value, keeps it in `keyFolder` (0600) and writes the
    /// signed commitment into the ceremony. Refused once a commitment or the closing manifest exists.
    /// - Returns: the commitment payload's digest.
    package static func commit(
        _ ceremony: Transcript, key: Ed25519.SigningKey, keyFolder: URL
    ) throws(CeremonyError) -> PayloadDigest {
        let layout = ceremony.layout
        // Both folders opened and checked before the value is drawn: nothing goes through a link.
        let audit = try DirectoryHandle.audit(layout: layout)
        let keys = try DirectoryHandle.open(keyFolder, policy: .private)
        let name = layout.sampleCommitment.lastPathComponent
        guard try !audit.contains(name) else {
            throw .alreadyDone("\(layout.relative(layout.sampleCommitment)) exists already")
        }
        guard !FileManager.default.fileExists(atPath: layout.closingManifest.path) else {
            throw .outOfOrder("the closing manifest exists already: the commitment must come before close")
        }
        let valueFile = valueFile(in: keyFolder, ceremony: ceremony.id)
        guard try !keys.contains(valueFile.lastPathComponent) else {
            throw .alreadyDone("\(valueFile.path): this auditor has committed to this ceremony already")
        }
        let value = SystemRandom.bytes(count: 32)
        try keys.write(Data(value), to: valueFile.lastPathComponent, mode: .secret)
        let payload = Payload(
            type: .sampleCommitment, ceremony: ceremony.id, signer: .auditor, batch: nil, sequence: 1,
            prev: ceremony.manifest.digest, answers: nil, body: SampleCommitmentBody(commitment: commitment(of: value)))
        let signed = SignedPayload(payload, signers: [key])
        try signed.write(in: audit, name: name)
        return signed.digest
    }

    /// Reads `audit/sample-commitment.json`, if there is one: signed by a declared
    /// auditor, for this ceremony, chained to its manifest.
    /// - Returns: the commitment and the keyid that signed it.
    package static func read(
        _ ceremony: Transcript
    ) throws(CeremonyError) -> (commitment: SignedPayload<SampleCommitmentBody>, signer: KeyID)? {
        let layout = ceremony.layout
        let file = layout.sampleCommitment
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let path = layout.relative(file)
        var auditors: [KeyID: [UInt8]] = [:]
        for key in ceremony.auditorKeys { if let raw = key.rawPublicKey { auditors[KeyID(publicKey: raw)] = raw } }
        let signed: SignedPayload<SampleCommitmentBody>
        do {
            signed = try SignedPayload(file: file, kind: .sampleCommitment, trusted: auditors, required: [])
        } catch {
            throw error.naming(file: path)
        }
        let header = signed.payload
        guard header.ceremony == ceremony.id, header.signer == .auditor, header.sequence == 1,
            header.prev == ceremony.manifest.digest, header.batch == nil
        else { throw .refusedBundle(file: path, reason: "is not an auditor's commitment for this ceremony's manifest") }
        guard signed.payload.body.commitment.count == 64, [UInt8](hexString: signed.payload.body.commitment) != nil
        else { throw .refusedBundle(file: path, reason: "commitment is not a SHA-256 digest") }
        // Verification accepted at least one signature, each by a trusted keyid that parses.
        return (signed, KeyID(hex: signed.envelope.signatures[0].keyid)!)
    }

    /// Reads `audit/sample-reveal.json`, if there is one.
    package static func readReveal(_ layout: CeremonyLayout) throws(CeremonyError) -> SampleReveal? {
        let file = layout.sampleReveal
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let data = try BoundedFile.read(file, limit: 1 << 16)
        do {
            return try TranscriptJSON.decoder.decode(SampleReveal.self, from: data)
        } catch {
            throw .malformedPayload(file: layout.relative(file), "not a sample reveal")
        }
    }

    /// Publishes the value (the committing auditor, when it countersigns) through `audit/`'s
    /// descriptor; a link planted in its place is refused, not replaced.
    package static func publish(_ reveal: SampleReveal, layout: CeremonyLayout) throws(CeremonyError) {
        let audit = try DirectoryHandle.audit(layout: layout)
        let name = layout.sampleReveal.lastPathComponent
        try audit.checkReplaceable([name])
        // Encoding plain strings cannot fail.
        try audit.write((try! TranscriptJSON.prettyEncoder.encode(reveal)) + Data("\n".utf8), to: name, mode: .shared)
    }
}

extension Envelope {
    /// This envelope with only the signatures whose keyid `keep` accepts (the same
    /// payload, so the same digest), and the others.
    package func keepingSignatures(
        where keep: (Signature) -> Bool
    ) -> (envelope: Envelope, dropped: [Signature]) {
        let dropped = signatures.filter { !keep($0) }
        guard !dropped.isEmpty else { return (self, []) }
        struct Wire: Encodable {
            let payloadType: String
            let payload: String
            let signatures: [Signature]
        }
        let wire = Wire(
            payloadType: payloadType, payload: payload.base64EncodedString(), signatures: signatures.filter(keep))
        // Re-reading what was just encoded from a valid envelope cannot fail.
        return (try! Envelope(json: try! JSONEncoder().encode(wire)), dropped)
    }
}
