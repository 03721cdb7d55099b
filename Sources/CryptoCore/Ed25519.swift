internal import CSodium
import Foundation

/// Ed25519 signatures (RFC 8032) through libsodium's `crypto_sign_*`.
package enum Ed25519 {
    /// A signing key: libsodium's 64-byte secret key (seed || public key), kept secret.
    /// A key whose private half lives elsewhere and signs there (a PKCS#11 token,
    /// `Sources/Token`): it gives its public key and signs, and never gives up the key.
    package protocol ExternalSigner: Sendable {
        /// The raw 32-byte public key.
        var publicKey: [UInt8] { get }
        /// A name for messages (the token, never a secret).
        var name: String { get }
        /// The 64-byte signature of `message`, or why the signer could not make it.
        func sign(_ message: [UInt8]) throws -> [UInt8]
    }

    /// A signing key: libsodium's 64-byte secret key (seed || public key), kept secret,
    /// or a key held by an ``ExternalSigner`` (a token) that signs for it.
    package struct SigningKey: Sendable {
        /// The 64-byte libsodium secret key; nil for a key held by an external signer.
        package let secretKey: SecretBytes?
        /// The 32-byte public key.
        package let publicKey: [UInt8]
        /// The signer holding the key, when it is not in this process.
        package let external: (any ExternalSigner)?

        /// A key held by `signer`: every signature is made there.
        package init(external signer: any ExternalSigner) {
            secretKey = nil
            publicKey = signer.publicKey
            external = signer
        }

        /// A fresh key from the system's random generator.
        ///
        /// Traps if libsodium cannot derive the key pair, which its
        /// `crypto_sign_seed_keypair` cannot fail to do for a 32-byte seed (it
        /// has no failure path). ``init(seed:)`` reports that case as an error.
        package init() {
            let seed = SystemRandom.secretBytes(count: 32)
            // A 32-byte seed always gives a key pair.
            try! self.init(seed: seed)
        }

        /// The key pair for a 32-byte seed (RFC 8032's private key).
        /// - Throws: ``CryptoError/wrongLength(what:expected:actual:)``;
        ///   ``CryptoError/libraryFailure(_:)`` if libsodium's
        ///   `crypto_sign_seed_keypair` reports a failure.
        package init(seed: SecretBytes) throws(CryptoError) {
            guard seed.count == 32 else { throw .wrongLength(what: "Ed25519 seed", expected: 32, actual: seed.count) }
            var publicKey = [UInt8](repeating: 0, count: 32)
            var status: Int32 = 0
            let secretKey = unsafe SecretBytes(count: 64) { secret in
                unsafe seed.withUnsafeBytes { seedBytes in
                    status = unsafe crypto_sign_seed_keypair(
                        &publicKey, secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        seedBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            // SecretBytes wipes the half-written key when it is released.
            guard status == 0 else { throw .libraryFailure("Ed25519 key pair from seed failed") }
            self.secretKey = secretKey
            self.publicKey = publicKey
            external = nil
        }

        /// Restores a key from libsodium's 64-byte secret key, checking that
        /// its embedded public key matches its seed.
        package init(secretKey: SecretBytes) throws(CryptoError) {
            guard secretKey.count == 64 else {
                throw .wrongLength(what: "Ed25519 secret key", expected: 64, actual: secretKey.count)
            }
            try self.init(seed: secretKey[0..<32])
            guard self.secretKey == secretKey else { throw .libraryFailure("Ed25519 secret key is inconsistent") }
        }

        /// The 64-byte detached signature of `message`.
        ///
        /// Traps if libsodium's `crypto_sign_detached` reports a failure: for
        /// the 64-byte secret key every `SigningKey` holds (its initialisers
        /// check that) it has no failure path, and a signature that was not
        /// made must never reach an envelope as 64 zero bytes.
        ///
        /// A key held by an external signer (a token) signs there, and the signature is
        /// checked against the public key. A token can fail at any call (removed,
        /// closed, the key destroyed): then the process ends with one line on stderr
        /// naming the token and the call, and exit status 1, before anything signed
        /// is written (every bundle is signed in memory, then written atomically).
        /// Each site opens its token key with a test signature first (`SiteIdentity`),
        /// so a wrong PIN or a missing token is an error thrown there instead.
        package func sign(_ message: some ContiguousBytes) -> [UInt8] {
            if let external {
                let bytes = unsafe message.withUnsafeBytes { unsafe Array($0) }
                let signature: [UInt8]
                do { signature = try external.sign(bytes) } catch { Self.signerFailed(external, "\(error)") }
                guard Ed25519.verify(signature: signature, message: bytes, publicKey: publicKey) else {
                    Self.signerFailed(external, "\(external.name) made a signature that does not verify")
                }
                return signature
            }
            guard let secretKey else { preconditionFailure("a signing key with neither a secret key nor a signer") }
            var signature = [UInt8](repeating: 0, count: 64)
            let status = unsafe message.withUnsafeBytes { messageBytes in
                unsafe secretKey.withUnsafeBytes { secret in
                    unsafe crypto_sign_detached(
                        &signature, nil, messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(messageBytes.count), secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            precondition(status == 0, "libsodium's crypto_sign_detached failed")
            return signature
        }

        /// Ends the process after an external signer failed: one line, exit 1 (never a trap).
        private static func signerFailed(_ signer: any ExternalSigner, _ cause: String) -> Never {
            let tool = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "signer"
            FileHandle.standardError.write(Data("\(tool): \(cause): nothing signed was written\n".utf8))
            exit(1)
        }
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`.
    /// Wrong lengths are simply invalid.
    package static func verify(signature: [UInt8], message: some ContiguousBytes, publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32 else { return false }
        ensureSodiumInitialized()
        return unsafe message.withUnsafeBytes { messageBytes in
            unsafe crypto_sign_verify_detached(
                signature, messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                UInt64(messageBytes.count), publicKey) == 0
        }
    }
}
