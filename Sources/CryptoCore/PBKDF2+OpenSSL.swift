internal import CLibCrypto

/// PBKDF2-HMAC-SHA256 (RFC 8018, section 5.2), computed by OpenSSL's
/// `PKCS5_PBKDF2_HMAC`: the first and last step of scrypt (RFC 7914, section 6).
enum PBKDF2 {
    /// Fills `output` with PBKDF2-HMAC-SHA256(`password`, `salt`, `iterations`).
    /// - Throws: ``CryptoError/libraryFailure(_:)`` when OpenSSL refuses (it does
    ///   not explain why) or a length does not fit OpenSSL's `int`.
    static func sha256(
        password: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, iterations: Int,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard let passwordCount = Int32(exactly: password.count), let saltCount = Int32(exactly: salt.count),
            let outputCount = Int32(exactly: output.count), let rounds = Int32(exactly: iterations), rounds >= 1
        else { throw .libraryFailure("PBKDF2-HMAC-SHA256 lengths out of range") }
        // OpenSSL wants non-null pointers even for empty inputs.
        var empty: UInt8 = 0
        let status = unsafe withUnsafeMutablePointer(to: &empty) { emptyPointer in
            let passwordPointer =
                unsafe password.baseAddress?.assumingMemoryBound(to: CChar.self)
                ?? UnsafeRawPointer(emptyPointer).assumingMemoryBound(to: CChar.self)
            let saltPointer =
                unsafe salt.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyPointer)
            return unsafe PKCS5_PBKDF2_HMAC(
                passwordPointer, passwordCount, saltPointer, saltCount, rounds, EVP_sha256(), outputCount,
                output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer)
        }
        guard status == 1 else { throw .libraryFailure("PBKDF2-HMAC-SHA256 failed") }
    }
}
