internal import CSodium
import Foundation

// scrypt through libsodium: the reference implementation.
extension Scrypt {
    /// Derives `length` bytes from `password` and `salt` with libsodium, the
    /// reference implementation every other path is checked against.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` when libsodium refuses the
    ///   parameters, ``CryptoError/memoryUnavailable(_:)`` for memory that
    ///   overflows, exceeds physical memory (``Scrypt/Parameters/check(length:)``)
    ///   or cannot be allocated (libsodium's `mmap` of 128·N·r bytes fails with ENOMEM).
    package static func deriveWithLibsodium(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int
    ) throws(CryptoError) -> SecretBytes {
        try parameters.check(length: length)
        var status: Int32 = 0
        errno = 0
        let output = unsafe SecretBytes(count: length) { out in
            unsafe password.withUnsafeBytes { passwordBytes in
                unsafe salt.withUnsafeBytes { saltBytes in
                    // libsodium wants non-null pointers even for empty inputs.
                    var empty: UInt8 = 0
                    unsafe withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        let passwordPointer =
                            unsafe passwordBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                            ?? UnsafePointer(emptyPointer)
                        let saltPointer =
                            unsafe saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                            ?? UnsafePointer(emptyPointer)
                        status = unsafe crypto_pwhash_scryptsalsa208sha256_ll(
                            passwordPointer, passwordBytes.count, saltPointer, saltBytes.count,
                            parameters.n, parameters.r, parameters.p,
                            out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
                    }
                }
            }
        }
        guard status == 0 else {
            if errno == ENOMEM {
                throw .memoryUnavailable(
                    "scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)): allocation failed")
            }
            throw .libraryFailure("scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)) failed")
        }
        return output
    }
}
