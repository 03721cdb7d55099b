internal import CLibCrypto
import Foundation

/// AES-256 on one 16-byte block at a time (ECB, no padding), as BIP38 uses it.
package enum AES256 {
    /// Encrypts one block. The plaintext is secret; the ciphertext is public.
    /// - Throws: ``CryptoError/wrongLength(what:expected:actual:)`` for a key
    ///   that is not 32 bytes or a block that is not 16.
    package static func encryptBlock(_ block: SecretBytes, key: SecretBytes) throws(CryptoError) -> [UInt8] {
        try crypt(block, key: key, encrypt: true).revealedBytes()
    }

    /// Decrypts one block. The plaintext is returned as a secret.
    package static func decryptBlock(_ block: some ContiguousBytes, key: SecretBytes) throws(CryptoError) -> SecretBytes
    {
        try crypt(SecretBytes(copying: block), key: key, encrypt: false)
    }

    private static func crypt(_ block: SecretBytes, key: SecretBytes, encrypt: Bool) throws(CryptoError) -> SecretBytes
    {
        guard key.count == 32 else { throw .wrongLength(what: "AES-256 key", expected: 32, actual: key.count) }
        guard block.count == 16 else { throw .wrongLength(what: "AES block", expected: 16, actual: block.count) }
        guard let context = unsafe EVP_CIPHER_CTX_new() else { throw .libraryFailure("EVP_CIPHER_CTX_new") }
        defer { unsafe EVP_CIPHER_CTX_free(context) }
        var ok = true
        let output = unsafe SecretBytes(count: 16) { out in
            unsafe key.withUnsafeBytes { keyBytes in
                unsafe block.withUnsafeBytes { input in
                    let keyPointer = unsafe keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let inPointer = unsafe input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let outPointer = unsafe out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let initialised = unsafe EVP_CipherInit_ex(
                        context, EVP_aes_256_ecb(), nil, keyPointer, nil, encrypt ? 1 : 0)
                    guard initialised == 1, unsafe EVP_CIPHER_CTX_set_padding(context, 0) == 1 else {
                        ok = false
                        return
                    }
                    var written: Int32 = 0
                    guard unsafe EVP_CipherUpdate(context, outPointer, &written, inPointer, 16) == 1, written == 16
                    else {
                        ok = false
                        return
                    }
                }
            }
        }
        guard ok else { throw .libraryFailure("AES-256-ECB") }
        return output
    }
}
