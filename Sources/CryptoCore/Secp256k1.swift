internal import CSecp256k1
internal import CSodium
import Foundation

/// A point on secp256k1, held in its 33-byte compressed encoding, which is
/// known to be valid (parsed by libsecp256k1).
///
/// Public, unlike the rest of CryptoCore (`package`): the BIP38 library
/// product's API hands out points (passpoint, public keys). Curve arithmetic
/// stays `package`.
public struct CurvePoint: Hashable, Sendable, CustomStringConvertible {
    /// The 33-byte SEC1 compressed encoding (`02`/`03` || x).
    public let compressed: [UInt8]

    /// Parses a SEC1 encoding: 33 bytes compressed or 65 bytes uncompressed.
    /// - Throws: ``CryptoError/pointNotOnCurve`` for any other length, prefix,
    ///   or an x (or x, y) that is not on the curve.
    public init(_ encoding: some ContiguousBytes) throws(CryptoError) {
        let parsed = try Secp256k1.parse(encoding)
        compressed = Secp256k1.serialize(parsed, compressed: true)
    }

    /// The 65-byte uncompressed encoding (`04` || x || y).
    public var uncompressed: [UInt8] {
        // A CurvePoint holds only encodings libsecp256k1 has accepted.
        let parsed = try! Secp256k1.parse(compressed)
        return Secp256k1.serialize(parsed, compressed: false)
    }

    /// The encoding BIP38 asks for: compressed or uncompressed.
    public func encoded(compressed wantCompressed: Bool) -> [UInt8] {
        wantCompressed ? compressed : uncompressed
    }

    /// This point multiplied by a secret scalar.
    /// - Throws: ``CryptoError/invalidScalar`` if the scalar is 0 or not below n.
    package func multiplied(by scalar: SecretBytes) throws(CryptoError) -> CurvePoint {
        try Secp256k1.multiply(self, by: scalar)
    }

    /// The point's encoding in hex: a public value.
    public var description: String { compressed.hex }
}

/// secp256k1 arithmetic through libsecp256k1, with one randomized context per process.
package enum Secp256k1 {
    /// The curve order n, big-endian.
    package static let order: [UInt8] = Array(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")

    /// Whether a 32-byte secret is a valid scalar: not 0 and below n.
    package static func isValidScalar(_ scalar: SecretBytes) -> Bool {
        guard scalar.count == 32 else { return false }
        return unsafe succeeds(with: scalar) { unsafe secp256k1_ec_seckey_verify(SharedContext.shared.pointer, $0) }
    }

    /// Whether `call`, given the secret scalar's bytes as libsecp256k1 takes them, returned 1.
    @inline(__always)
    private static func succeeds(with scalar: SecretBytes, _ call: (UnsafePointer<UInt8>) -> Int32) -> Bool {
        unsafe scalar.withUnsafeBytes { bytes in
            unsafe call(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
        }
    }

    /// scalar·G, the public point of a private scalar.
    /// - Throws: ``CryptoError/invalidScalar`` if the scalar is 0, not below n, or not 32 bytes.
    package static func publicPoint(of scalar: SecretBytes) throws(CryptoError) -> CurvePoint {
        guard scalar.count == 32 else { throw .invalidScalar }
        var key = secp256k1_pubkey()
        let ok = unsafe succeeds(with: scalar) {
            unsafe secp256k1_ec_pubkey_create(SharedContext.shared.pointer, &key, $0)
        }
        guard ok else { throw .invalidScalar }
        return CurvePoint(trusted: serialize(key, compressed: true))
    }

    /// point·scalar.
    /// - Throws: ``CryptoError/invalidScalar`` if the scalar is 0, not below n, or not 32 bytes.
    package static func multiply(_ point: CurvePoint, by scalar: SecretBytes) throws(CryptoError) -> CurvePoint {
        guard isValidScalar(scalar) else { throw .invalidScalar }
        var key = try parse(point.compressed)
        let ok = unsafe succeeds(with: scalar) {
            unsafe secp256k1_ec_pubkey_tweak_mul(SharedContext.shared.pointer, &key, $0)
        }
        guard ok else { throw .degenerateResult }
        return CurvePoint(trusted: serialize(key, compressed: true))
    }

    /// a·b mod n, for two secret scalars: BIP38's private key = passfactor·factorb mod n.
    /// - Throws: ``CryptoError/invalidScalar`` if either is 0, not below n, or not 32 bytes.
    package static func multiply(_ a: SecretBytes, _ b: SecretBytes) throws(CryptoError) -> SecretBytes {
        guard isValidScalar(a), isValidScalar(b) else { throw .invalidScalar }
        var ok = false
        let product = unsafe SecretBytes(count: 32) { out in
            unsafe a.withUnsafeBytes { aBytes in unsafe out.copyMemory(from: aBytes) }
            unsafe b.withUnsafeBytes { bBytes in
                ok =
                    unsafe secp256k1_ec_seckey_tweak_mul(
                        SharedContext.shared.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        bBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
            }
        }
        guard ok else { throw .degenerateResult }
        return product
    }

    fileprivate static func parse(_ encoding: some ContiguousBytes) throws(CryptoError) -> secp256k1_pubkey {
        var key = secp256k1_pubkey()
        let ok = unsafe encoding.withUnsafeBytes { bytes in
            // SEC1 compressed (02/03, 33 bytes) or uncompressed (04, 65 bytes) only:
            // libsecp256k1 would also take the 65-byte "hybrid" form (06/07).
            switch unsafe (bytes.count, bytes.first) {
            case (33, 0x02), (33, 0x03), (65, 0x04): break
            default: return false
            }
            return unsafe secp256k1_ec_pubkey_parse(
                SharedContext.shared.pointer, &key, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                bytes.count) == 1
        }
        guard ok else { throw .pointNotOnCurve }
        return key
    }

    fileprivate static func serialize(_ key: secp256k1_pubkey, compressed: Bool) -> [UInt8] {
        var key = key
        var length = compressed ? 33 : 65
        var output = [UInt8](repeating: 0, count: length)
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        let status = unsafe secp256k1_ec_pubkey_serialize(SharedContext.shared.pointer, &output, &length, &key, flags)
        precondition(status == 1 && length == output.count, "secp256k1 serialization failed")
        return output
    }
}

extension CurvePoint {
    /// Wraps an encoding libsecp256k1 has just produced.
    fileprivate init(trusted compressed: [UInt8]) {
        self.compressed = compressed
    }
}

/// The process's one secp256k1 context, randomized once against side channels
/// (`secp256k1_context_randomize` with 32 bytes from libsodium).
///
/// After creation and randomization the context is only read, which
/// libsecp256k1 documents as safe from any number of threads.
@safe private final class SharedContext: @unchecked Sendable {
    static let shared = SharedContext()

    let pointer: OpaquePointer

    private init() {
        ensureSodiumInitialized()
        guard let context = unsafe secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        unsafe randombytes_buf(&seed, seed.count)
        let randomized = unsafe secp256k1_context_randomize(context, seed)
        unsafe sodium_memzero(&seed, seed.count)
        precondition(randomized == 1, "secp256k1_context_randomize failed")
        unsafe pointer = context
    }
}
