// Shared by every fuzz target (compiled into each one by Fuzz/build.sh).
//
// A target defines `LLVMFuzzerTestOneInput`, turns the input into what the
// parser under test reads, and lets it refuse with a typed error or accept.
// Anything else (a trap, an overflow, an out-of-bounds access ASan sees, a
// hang libFuzzer times out) is a finding. A broken property (a value that
// does not survive its own round trip) is reported with `fuzzFailure`, which
// aborts so libFuzzer saves the input.
import BIP38
import Ceremony
import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The input as bytes.
func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// The input as text, the way a JSON string or a file read as UTF-8 reaches a parser
/// (invalid sequences become U+FFFD).
func fuzzText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Stops the run on a broken property: libFuzzer saves the input as a crash.
func fuzzFailure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz property broken: \(message)\n".utf8))
    abort()
}

func fuzzExpect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fuzzFailure(message()) }
}

/// A fixed Ed25519 key for targets that sign fuzzed payloads, so the input
/// passes DSSE verification and reaches the payload decoders (as a hostile
/// but trusted peer's bundle would).
let fuzzSigner: Ed25519.SigningKey = {
    let seed = SecretBytes(copying: [UInt8](repeating: 0x42, count: 32))
    return try! Ed25519.SigningKey(seed: seed)
}()

/// Signs `bytes` as a payload of `kind` with ``fuzzSigner``, verifies and decodes
/// it as the sites do (``SignedPayload/init(verifying:kind:trusted:required:)``),
/// and checks that what decodes re-encodes stably. Nil when refused.
func fuzzSignedPayload<Body: Codable & Sendable>(
    _ bytes: [UInt8], kind: PayloadKind, as: Body.Type
) -> SignedPayload<Body>? {
    let keyID = KeyID(publicKey: fuzzSigner.publicKey)
    let envelope = Envelope(payloadType: kind.payloadType, payload: Data(bytes), signers: [fuzzSigner])
    let signed: SignedPayload<Body>
    do {
        signed = try SignedPayload<Body>(
            verifying: envelope, kind: kind, trusted: [keyID: fuzzSigner.publicKey], required: [keyID])
    } catch {
        switch error.code {
        case .malformedPayload, .unsupportedVersion, .notCanonical: return nil
        default: fuzzFailure("a correctly signed envelope was refused: \(error)")
        }
    }
    // What was accepted is canonical: encoding the decoded value gives the signed bytes.
    fuzzExpect(signed.payload.encoded() == Data(bytes), "\(kind.rawValue) payload accepted but not canonical")
    // Decoding what we encode gives the same bytes again.
    let encoded = signed.payload.encoded()
    guard let again = try? TranscriptJSON.decoder.decode(Payload<Body>.self, from: encoded) else {
        fuzzFailure("a decoded \(kind.rawValue) payload does not decode after re-encoding")
    }
    fuzzExpect(again.encoded() == encoded, "\(kind.rawValue) payload encoding is not stable")
    // The header alone decodes too (Transcript.entry reads it first).
    fuzzExpect(
        (try? TranscriptJSON.decoder.decode(PayloadHeader.self, from: Data(bytes))) != nil, "header of a valid payload")
    return signed
}

/// A payload target's whole run: the input signed as a payload of `kind` and
/// decoded (``fuzzSignedPayload(_:kind:as:)``); `use` then reads what was accepted
/// the way the sites and the audit do. Returns libFuzzer's 0 (keep the input's coverage).
func fuzzPayload<Body: Codable & Sendable>(
    _ data: UnsafePointer<UInt8>, _ size: Int, kind: PayloadKind, as: Body.Type,
    _ use: (SignedPayload<Body>) -> Void
) -> Int32 {
    if let signed = fuzzSignedPayload(fuzzBytes(data, size), kind: kind, as: Body.self) { use(signed) }
    return 0
}

/// A Base58Check target's whole run (encrypted keys, intermediate and confirmation
/// codes): the input parsed as text, as raw bytes, and as raw bytes behind a valid
/// checksum; each value accepted must survive its own text round trip and be
/// `byteCount` long, then `use` reads it. Returns libFuzzer's 0.
func fuzzBase58Check<Value: Base58CheckCodable>(
    _ data: UnsafePointer<UInt8>, _ size: Int, _: Value.Type, _ name: String, _ use: (Value) -> Void
) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let parsed = [try? Value(fuzzText(bytes)), try? Value(bytes: bytes), try? Value(Base58.checkEncode(bytes))]
    for case let value? in parsed {
        fuzzExpect((try? Value(value.text)) == value, "\(name) round trip")
        fuzzExpect(value.bytes.count == Value.byteCount, "\(name) length")
        use(value)
    }
    return 0
}
