internal import CSodium
import Foundation

// Ed25519's nonce, taken apart (RFC 8032, section 5.1.6): S = r + k·a (mod L), where
// k = SHA-512(R || A || M) and r is, in RFC 8032, SHA-512(prefix || M) from the seed.
// A signer may pick any r: the signature verifies all the same, and whoever holds the
// key reads r back from it. These calls exist so fault injection can play that signer
// and the tests can show what it hid; no site or audit signs with them.

extension Ed25519.SigningKey {
    /// The signature of `message` with the nonce `nonce` (little-endian, at most 64 bytes,
    /// reduced mod L) instead of RFC 8032's: what a dishonest signer makes to hide up to
    /// 252 bits in each signature. It verifies like any other.
    /// - Returns: nil for a key held by an external signer, or a nonce that reduces to 0.
    package func signature(_ message: [UInt8], nonce: [UInt8]) -> [UInt8]? {
        guard var a = secretScalar(), nonce.count <= 64 else { return nil }
        defer { unsafe sodium_memzero(&a, a.count) }
        let wide = nonce + [UInt8](repeating: 0, count: 64 - nonce.count)
        var r = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_reduce(&r, wide)
        defer { unsafe sodium_memzero(&r, r.count) }
        var point = [UInt8](repeating: 0, count: 32)
        guard unsafe crypto_scalarmult_ed25519_base_noclamp(&point, r) == 0 else { return nil }
        let k = Ed25519.challenge(point, publicKey, message)
        var ka = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_mul(&ka, k, a)
        var s = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_add(&s, r, ka)
        unsafe sodium_memzero(&ka, ka.count)
        return point + s
    }

    /// The nonce r of `signature` over `message` (r = S − k·a mod L, 32 little-endian bytes):
    /// what a signer that chose it reads back. Nil for an external signer or a wrong length.
    package func nonce(of signature: [UInt8], message: [UInt8]) -> [UInt8]? {
        guard signature.count == 64, var a = secretScalar() else { return nil }
        defer { unsafe sodium_memzero(&a, a.count) }
        let k = Ed25519.challenge(Array(signature[0..<32]), publicKey, message)
        var ka = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_mul(&ka, k, a)
        var r = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_sub(&r, Array(signature[32..<64]), ka)
        unsafe sodium_memzero(&ka, ka.count)
        return r
    }

    /// a: the clamped first half of SHA-512(seed), reduced mod L; nil for an external signer.
    private func secretScalar() -> [UInt8]? {
        guard let secretKey else { return nil }
        var hash = [UInt8](repeating: 0, count: 64)
        _ = unsafe secretKey.withUnsafeBytes { secret in
            unsafe crypto_hash_sha512(&hash, secret.baseAddress!.assumingMemoryBound(to: UInt8.self), 32)
        }
        hash[0] &= 248
        hash[31] &= 127
        hash[31] |= 64
        var wide = Array(hash[0..<32]) + [UInt8](repeating: 0, count: 32)
        unsafe sodium_memzero(&hash, hash.count)
        var a = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_reduce(&a, wide)
        unsafe sodium_memzero(&wide, wide.count)
        return a
    }
}

extension Ed25519 {
    /// k = SHA-512(R || A || M) mod L.
    fileprivate static func challenge(_ point: [UInt8], _ publicKey: [UInt8], _ message: [UInt8]) -> [UInt8] {
        let input = point + publicKey + message
        var hash = [UInt8](repeating: 0, count: 64)
        _ = unsafe crypto_hash_sha512(&hash, input, UInt64(input.count))
        var k = [UInt8](repeating: 0, count: 32)
        unsafe crypto_core_ed25519_scalar_reduce(&k, hash)
        return k
    }
}
