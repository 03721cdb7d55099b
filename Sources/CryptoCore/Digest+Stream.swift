internal import CLibCrypto
import Foundation

extension SHA256 {
    /// SHA-256 of public data given in pieces (a disk image read in chunks), computed by OpenSSL's libcrypto.
    @safe package final class Stream {
        private let context: OpaquePointer

        package init() {
            // EVP_MD_CTX_new and EVP_DigestInit_ex fail only when memory runs out.
            guard let context = unsafe EVP_MD_CTX_new() else { fatalError("OpenSSL: out of memory") }
            unsafe self.context = context
            precondition(
                unsafe EVP_DigestInit_ex(unsafe context, unsafe EVP_sha256(), nil) == 1, "OpenSSL digest failed")
        }

        deinit { unsafe EVP_MD_CTX_free(unsafe context) }

        /// Adds `data` to the digest.
        package func update(_ data: some ContiguousBytes) {
            unsafe data.withUnsafeBytes { input in
                precondition(
                    unsafe EVP_DigestUpdate(unsafe context, input.baseAddress, input.count) == 1,
                    "OpenSSL digest failed")
            }
        }

        /// The 32-byte digest of everything added; the stream is spent afterwards.
        package func finish() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            var written: UInt32 = 0
            unsafe out.withUnsafeMutableBufferPointer { buffer in
                precondition(
                    unsafe EVP_DigestFinal_ex(unsafe context, buffer.baseAddress, &written) == 1 && written == 32,
                    "OpenSSL digest failed")
            }
            return out
        }
    }
}
