import Ceremony
// DSSE envelopes as every tool first reads them: the outer JSON, then signature
// verification, then the payload header (Transcript.entry's order).
// max_len: 32768
// dict: payload.dict
import CryptoCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let envelope = try? Envelope(json: Data(fuzzBytes(data, size))) else { return 0 }
    // The envelope re-encodes to an equal envelope.
    fuzzExpect((try? Envelope(json: envelope.json)) == envelope, "envelope round trip")
    let keyID = KeyID(publicKey: fuzzSigner.publicKey)
    let trusted = [keyID: fuzzSigner.publicKey]
    // As found: whatever it carries, a typed refusal or a payload.
    _ = try? envelope.verifiedPayload(expectedType: envelope.payloadType, trusted: trusted, required: [])
    _ = PayloadKind.allCases.first { $0.payloadType == envelope.payloadType }
    // Re-signed by a trusted key: it must verify, and its header decode may only refuse.
    let resigned = Envelope(payloadType: envelope.payloadType, payload: envelope.payload, signers: [fuzzSigner])
    guard
        let payload = try? resigned.verifiedPayload(
            expectedType: envelope.payloadType, trusted: trusted, required: [keyID])
    else { fuzzFailure("a freshly signed envelope does not verify") }
    fuzzExpect(payload == envelope.payload, "verified payload is the signed bytes")
    _ = try? TranscriptJSON.decoder.decode(PayloadHeader.self, from: payload)
    // Signed twice by the same key: refused as a duplicate.
    var twice = resigned
    twice.addSignature(fuzzSigner)
    fuzzExpect(
        (try? twice.verifiedPayload(expectedType: envelope.payloadType, trusted: trusted, required: [])) == nil,
        "duplicate signer accepted")
    return 0
}
