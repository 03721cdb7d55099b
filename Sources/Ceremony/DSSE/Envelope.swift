import CryptoCore
import Foundation

/// A DSSE envelope (Dead Simple Signing Envelope, secure-systems-lab/dsse v1):
/// a payload type, the payload's exact bytes, and Ed25519 signatures over the
/// pre-authentication encoding (PAE) of both.
///
/// DSSE signs bytes, not JSON values, so no canonicalization is needed: the
/// payload is verified exactly as it was signed, and decoded only afterwards.
package struct Envelope: Sendable, Equatable {
    package struct Signature: Sendable, Equatable, Codable {
        /// Hex SHA-256 of the signer's raw 32-byte Ed25519 public key.
        package let keyid: String
        /// Base64 of the 64-byte Ed25519 signature.
        package let sig: String
    }

    package let payloadType: String
    package let payload: Data
    package private(set) var signatures: [Signature]

    /// DSSE's pre-authentication encoding:
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
    package static func preAuthenticationEncoding(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var out = Data("DSSEv1 \(type.count) ".utf8)
        out += type
        out += Data(" \(payload.count) ".utf8)
        out += payload
        return out
    }

    /// An envelope over `payload`, signed by each of `signers` in order.
    package init(payloadType: String, payload: Data, signers: [Ed25519.SigningKey]) {
        self.payloadType = payloadType
        self.payload = payload
        signatures = []
        for signer in signers { addSignature(signer) }
    }

    /// Adds one more signature over the same bytes (a countersignature).
    package mutating func addSignature(_ signer: Ed25519.SigningKey) {
        let message = Self.preAuthenticationEncoding(payloadType: payloadType, payload: payload)
        signatures.append(
            Signature(
                keyid: KeyID(publicKey: signer.publicKey).hex, sig: Data(signer.sign(message)).base64EncodedString()))
    }

    /// Verifies before anything inside is decoded, and returns the payload bytes.
    ///
    /// - Parameters:
    ///   - expectedType: the payloadType this envelope must carry.
    ///   - trusted: every key that may sign, by keyid.
    ///   - required: keyids whose valid signature must be present.
    /// - Throws: ``EnvelopeError`` naming the first problem: wrong type, unknown
    ///   keyid, bad signature, missing required signer, duplicate signer.
    package func verifiedPayload(
        expectedType: String, trusted: [KeyID: [UInt8]], required: Set<KeyID>
    ) throws(EnvelopeError) -> Data {
        guard payloadType == expectedType else { throw .wrongPayloadType(expected: expectedType, found: payloadType) }
        guard !signatures.isEmpty else { throw .unsigned }
        let message = Self.preAuthenticationEncoding(payloadType: payloadType, payload: payload)
        var seen = Set<KeyID>()
        for signature in signatures {
            guard let keyID = KeyID(hex: signature.keyid), let publicKey = trusted[keyID] else {
                throw .unknownKeyID(signature.keyid)
            }
            guard seen.insert(keyID).inserted else { throw .duplicateSigner(signature.keyid) }
            guard let raw = Data(base64Encoded: signature.sig),
                Ed25519.verify(signature: Array(raw), message: message, publicKey: publicKey)
            else { throw .badSignature(keyid: signature.keyid) }
        }
        if let missing = required.subtracting(seen).sorted(by: { $0.hex < $1.hex }).first {
            throw .missingSignature(keyid: missing.hex)
        }
        return payload
    }
}

extension Envelope: Codable {
    private enum CodingKeys: String, CodingKey { case payloadType, payload, signatures }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        payloadType = try container.decode(String.self, forKey: .payloadType)
        let text = try container.decode(String.self, forKey: .payload)
        guard let bytes = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .payload, in: container, debugDescription: "payload is not base64")
        }
        payload = bytes
        signatures = try container.decode([Signature].self, forKey: .signatures)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(payloadType, forKey: .payloadType)
        try container.encode(payload.base64EncodedString(), forKey: .payload)
        try container.encode(signatures, forKey: .signatures)
    }

    /// Parses envelope JSON (the outer layer only: nothing signed is decoded).
    ///
    /// Strict, so that every reader sees the same envelope: exactly the DSSE members
    /// `payloadType`, `payload` and `signatures`, once each; each signature exactly
    /// `keyid` and `sig`; nothing but white space after the JSON.
    package init(json: Data) throws(EnvelopeError) {
        let tree: StrictJSON
        do {
            tree = try StrictJSON(parsing: json)
        } catch {
            throw .malformed(error.description)
        }
        try Self.checkMembers(tree)
        do {
            self = try JSONDecoder().decode(Envelope.self, from: json)
        } catch {
            throw .malformed(decodingReason(error))
        }
    }

    private static func checkMembers(_ tree: StrictJSON) throws(EnvelopeError) {
        try checkKeys(tree, ["payload", "payloadType", "signatures"], in: "the envelope")
        guard case .object(let members) = tree.value,
            case .array(let signatures)? = members.first(where: { $0.key == "signatures" })?.value.value
        else { return }
        for (index, signature) in signatures.enumerated() {
            try checkKeys(signature, ["keyid", "sig"], in: "signature \(index)")
        }
    }

    /// An object with exactly `keys`, each once (a non-object is left to the decoder to refuse).
    private static func checkKeys(_ tree: StrictJSON, _ keys: Set<String>, in what: String) throws(EnvelopeError) {
        guard case .object(let members) = tree.value else { return }
        if let duplicate = tree.duplicateKey(), !duplicate.contains(".") {
            throw .malformed("\(what) has the member \(quoted(duplicate)) twice")
        }
        if let extra = members.first(where: { !keys.contains($0.key) }) {
            throw .malformed("\(what) has a member DSSE does not define: \(quoted(extra.key))")
        }
    }

    /// The envelope as pretty JSON with a trailing newline.
    package var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and arrays cannot fail.
        return (try! encoder.encode(self)) + Data("\n".utf8)
    }
}
