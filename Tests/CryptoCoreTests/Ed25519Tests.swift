import CryptoCore
import Testing

/// RFC 8032, section 7.1 (test vectors for Ed25519), tests 1 and 2.
@Suite struct Ed25519Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let seed: [UInt8]
        let publicKey: [UInt8]
        let message: [UInt8]
        let signature: [UInt8]
        var testDescription: String { name }
    }

    static let vectors = [
        Vector(
            name: "RFC 8032 test 1",
            seed: [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
            publicKey: [UInt8](hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            message: [],
            signature: [UInt8](
                hex:
                    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )),
        Vector(
            name: "RFC 8032 test 2",
            seed: [UInt8](hex: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
            publicKey: [UInt8](hex: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            message: [0x72],
            signature: [UInt8](
                hex:
                    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            )),
    ]

    @Test(arguments: vectors)
    func publicKeyAndSignature(vector: Vector) throws {
        let key = try Ed25519.SigningKey(seed: SecretBytes(copying: vector.seed))
        #expect(key.publicKey == vector.publicKey)
        #expect(key.secretKey?.revealedBytes() == vector.seed + vector.publicKey)
        #expect(key.sign(vector.message) == vector.signature)
        #expect(Ed25519.verify(signature: vector.signature, message: vector.message, publicKey: vector.publicKey))
    }

    @Test(arguments: vectors)
    func verifyRejectsAFlippedByte(vector: Vector) {
        for index in [0, 31, 32, 63] {
            var signature = vector.signature
            signature[index] ^= 0x01
            #expect(!Ed25519.verify(signature: signature, message: vector.message, publicKey: vector.publicKey))
        }
        var publicKey = vector.publicKey
        publicKey[0] ^= 0x01
        #expect(!Ed25519.verify(signature: vector.signature, message: vector.message, publicKey: publicKey))
        let otherMessage = vector.message.isEmpty ? [0x00] : vector.message.map { $0 ^ 0x01 }
        #expect(!Ed25519.verify(signature: vector.signature, message: otherMessage, publicKey: vector.publicKey))
    }

    @Test func verifyRejectsWrongLengths() {
        let vector = Self.vectors[0]
        #expect(
            !Ed25519.verify(
                signature: Array(vector.signature.dropLast()), message: vector.message, publicKey: vector.publicKey))
        #expect(
            !Ed25519.verify(
                signature: vector.signature, message: vector.message, publicKey: Array(vector.publicKey.dropLast())))
    }

    @Test func restoresFromSecretKey() throws {
        let vector = Self.vectors[1]
        let key = try Ed25519.SigningKey(secretKey: SecretBytes(copying: vector.seed + vector.publicKey))
        #expect(key.publicKey == vector.publicKey)
        #expect(key.sign(vector.message) == vector.signature)
    }

    @Test func refusesInconsistentSecretKey() {
        let vector = Self.vectors[1]
        let wrongPublicKey = Self.vectors[0].publicKey
        #expect(throws: CryptoError.libraryFailure("Ed25519 secret key is inconsistent")) {
            try Ed25519.SigningKey(secretKey: SecretBytes(copying: vector.seed + wrongPublicKey))
        }
    }

    @Test func refusesShortSeed() {
        #expect(throws: CryptoError.wrongLength(what: "Ed25519 seed", expected: 32, actual: 31)) {
            try Ed25519.SigningKey(seed: SecretBytes(copying: [UInt8](repeating: 1, count: 31)))
        }
    }

    @Test func freshKeysSignAndVerify() {
        let key = Ed25519.SigningKey()
        let other = Ed25519.SigningKey()
        #expect(key.publicKey != other.publicKey)
        let message = Array("ceremony manifest".utf8)
        let signature = key.sign(message)
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: key.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: message, publicKey: other.publicKey))
    }

    /// A signer holding its key elsewhere (as a PKCS#11 token does), played here by a seed key.
    struct Held: Ed25519.ExternalSigner {
        let key: Ed25519.SigningKey
        var publicKey: [UInt8] { key.publicKey }
        var name: String { "held signer" }
        func sign(_ message: [UInt8]) throws -> [UInt8] { key.sign(message) }
    }

    @Test("a key held by an external signer has no secret key here and signs through it", arguments: vectors)
    func externalSignerSigns(vector: Vector) throws {
        let inner = try Ed25519.SigningKey(seed: SecretBytes(copying: vector.seed))
        let held = Ed25519.SigningKey(external: Held(key: inner))
        #expect(held.secretKey == nil)
        #expect(held.publicKey == vector.publicKey)
        #expect(held.sign(vector.message) == vector.signature)
    }
}
