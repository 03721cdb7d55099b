import Ceremony
import CryptoCore
import Foundation
import Testing

@Suite struct EnvelopeTests {
    let signer = try! Ed25519.SigningKey(seed: SecretBytes(copying: [UInt8](repeating: 7, count: 32)))
    let other = try! Ed25519.SigningKey(seed: SecretBytes(copying: [UInt8](repeating: 9, count: 32)))
    var trusted: [KeyID: [UInt8]] { [KeyID(publicKey: signer.publicKey): signer.publicKey] }
    var required: Set<KeyID> { [KeyID(publicKey: signer.publicKey)] }

    @Test("PAE matches the DSSE specification's example")
    func preAuthenticationEncoding() {
        let pae = Envelope.preAuthenticationEncoding(
            payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    @Test("keyid is the hex SHA-256 of the raw public key")
    func keyID() {
        #expect(KeyID(publicKey: signer.publicKey).hex == SHA256.hash(signer.publicKey).hex)
    }

    @Test func signedEnvelopeVerifiesAndRoundTripsThroughJSON() throws {
        let envelope = Envelope(payloadType: "t", payload: Data("{\"a\":1}".utf8), signers: [signer])
        let reread = try Envelope(json: envelope.json)
        #expect(reread == envelope)
        #expect(
            try reread.verifiedPayload(expectedType: "t", trusted: trusted, required: required)
                == Data("{\"a\":1}".utf8))
    }

    @Test("every single-byte change of the payload breaks the signature")
    func oneByteChanged() throws {
        let payload = Data("{\"ceremony\":\"x\",\"batch\":1}".utf8)
        let envelope = Envelope(payloadType: "t", payload: payload, signers: [signer])
        for index in payload.indices {
            var changed = payload
            changed[index] ^= 0x01
            let forged = try Envelope(json: rewrite(envelope.json, payload: changed))
            #expect(throws: EnvelopeError.badSignature(keyid: KeyID(publicKey: signer.publicKey).hex)) {
                try forged.verifiedPayload(expectedType: "t", trusted: trusted, required: required)
            }
        }
    }

    @Test func refusals() throws {
        let envelope = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [signer])
        #expect(throws: EnvelopeError.wrongPayloadType(expected: "u", found: "t")) {
            try envelope.verifiedPayload(expectedType: "u", trusted: trusted, required: required)
        }
        let resigned = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [other])
        #expect(throws: EnvelopeError.unknownKeyID(KeyID(publicKey: other.publicKey).hex)) {
            try resigned.verifiedPayload(expectedType: "t", trusted: trusted, required: required)
        }
        var both = trusted
        both[KeyID(publicKey: other.publicKey)] = other.publicKey
        #expect(throws: EnvelopeError.missingSignature(keyid: KeyID(publicKey: signer.publicKey).hex)) {
            try resigned.verifiedPayload(expectedType: "t", trusted: both, required: required)
        }
        let twice = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [signer, signer])
        #expect(throws: EnvelopeError.duplicateSigner(KeyID(publicKey: signer.publicKey).hex)) {
            try twice.verifiedPayload(expectedType: "t", trusted: trusted, required: required)
        }
        let unsigned = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [])
        #expect(throws: EnvelopeError.unsigned) {
            try unsigned.verifiedPayload(expectedType: "t", trusted: trusted, required: [])
        }
        #expect(throws: EnvelopeError.self) { try Envelope(json: Data("{\"payloadType\":\"t\"}".utf8)) }
        #expect(throws: EnvelopeError.self) { try Envelope(json: Data("not json".utf8)) }
        #expect(throws: EnvelopeError.self) {
            try Envelope(json: Data("{\"payloadType\":\"t\",\"payload\":\"***\",\"signatures\":[]}".utf8))
        }
    }

    @Test("a countersignature keeps the bytes and both signatures verify")
    func countersignature() throws {
        var envelope = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [signer])
        envelope.addSignature(other)
        var both = trusted
        both[KeyID(publicKey: other.publicKey)] = other.publicKey
        #expect(
            try envelope.verifiedPayload(
                expectedType: "t", trusted: both, required: Set(both.keys)) == Data("{}".utf8))
    }

    @Test("the human form of a digest is its first 64 bits in four groups")
    func humanForm() throws {
        let digest = PayloadDigest(of: Data("abc".utf8))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest.humanForm == "ba78 16bf 8f01 cfea")
    }

    private func rewrite(_ json: Data, payload: Data) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["payload"] = payload.base64EncodedString()
        return try JSONSerialization.data(withJSONObject: object)
    }
}
