internal import CLibCrypto
import Foundation

/// SHA-256 (FIPS 180-4), computed by OpenSSL's libcrypto.
package enum SHA256 {
    /// The 32-byte digest of public data.
    package static func hash(_ data: some ContiguousBytes) -> [UInt8] {
        unsafe evpDigest(data, unsafe EVP_sha256(), length: 32)
    }

    /// SHA256(SHA256(data)) of public data, as Bitcoin uses for checksums and address hashes.
    package static func doubleHash(_ data: some ContiguousBytes) -> [UInt8] {
        hash(hash(data))
    }

    /// SHA256(SHA256(secret)) kept secret: BIP38's passfactor (with lot/sequence)
    /// and factorb are double hashes of secrets.
    package static func doubleHash(secret: SecretBytes) -> SecretBytes {
        let first = unsafe SecretBytes(count: 32) { out in unsafe evpDigest(secret, unsafe EVP_sha256(), into: out) }
        return unsafe SecretBytes(count: 32) { out in unsafe evpDigest(first, unsafe EVP_sha256(), into: out) }
    }
}

/// RIPEMD-160, computed by OpenSSL's libcrypto (in its default provider since 3.0.7).
package enum RIPEMD160 {
    /// The 20-byte digest.
    package static func hash(_ data: some ContiguousBytes) -> [UInt8] {
        unsafe evpDigest(data, unsafe EVP_ripemd160(), length: 20)
    }
}

/// RIPEMD160(SHA256(data)): the 20-byte key hash inside P2PKH and P2WPKH addresses.
package func hash160(_ data: some ContiguousBytes) -> [UInt8] {
    RIPEMD160.hash(SHA256.hash(data))
}

private func evpDigest(_ data: some ContiguousBytes, _ md: OpaquePointer?, length: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: length)
    unsafe out.withUnsafeMutableBytes { buffer in unsafe evpDigest(data, md, into: buffer) }
    return out
}

private func evpDigest(_ data: some ContiguousBytes, _ md: OpaquePointer?, into out: UnsafeMutableRawBufferPointer) {
    unsafe data.withUnsafeBytes { input in
        var written: UInt32 = 0
        let status = unsafe EVP_Digest(
            input.baseAddress, input.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
            &written, md, nil)
        // EVP_Digest fails only if the digest is unavailable or memory runs out.
        precondition(status == 1 && Int(written) == out.count, "OpenSSL digest failed")
    }
}
