import Foundation
internal import CSodium

/// scrypt (RFC 7914).
///
/// Two implementations give the same bytes: libsodium's
/// `crypto_pwhash_scryptsalsa208sha256_ll` (``deriveWithLibsodium(password:salt:parameters:length:)``,
/// the reference) and this package's ROMix over OpenSSL's PBKDF2, which can run
/// the p lanes side by side (``deriveInLanes(password:salt:parameters:length:threads:)``,
/// ScryptLanes.swift). ``derive(password:salt:parameters:length:)`` picks the
/// one measured faster for the call (``Implementation/preferred(for:cores:)``).
public enum Scrypt {
    /// One named parameter set.
    public struct Parameters: Sendable, Equatable {
        public let n: UInt64
        public let r: UInt32
        public let p: UInt32

        public init(n: UInt64, r: UInt32, p: UInt32) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// BIP38's heavy scrypt over the passphrase: N=16384, r=8, p=8.
        public static let bip38Passphrase = Parameters(n: 16384, r: 8, p: 8)
        /// BIP38's light scrypt over the passpoint: N=1024, r=1, p=1.
        public static let bip38Passpoint = Parameters(n: 1024, r: 1, p: 1)
    }

    /// Derives `length` bytes from `password` and `salt` with libsodium, the
    /// reference implementation every other path is checked against.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` when libsodium refuses the
    ///   parameters or cannot allocate the working memory (128·N·r bytes).
    public static func deriveWithLibsodium(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int
    ) throws(CryptoError) -> SecretBytes {
        var status: Int32 = 0
        let output = unsafe SecretBytes(count: length) { out in
            unsafe password.withUnsafeBytes { passwordBytes in
                unsafe salt.withUnsafeBytes { saltBytes in
                    // libsodium wants non-null pointers even for empty inputs.
                    var empty: UInt8 = 0
                    unsafe withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        let passwordPointer = unsafe passwordBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                            ?? UnsafePointer(emptyPointer)
                        let saltPointer = unsafe saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
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
            throw .libraryFailure("scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)) failed")
        }
        return output
    }
}
