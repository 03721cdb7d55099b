import CryptoCore
import Testing

/// FIPS-197 appendix C.3 (AES-256 example vector).
@Suite struct AES256Tests {
    static let key = SecretBytes(
        copying: [UInt8](hex: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
    static let plaintext = [UInt8](hex: "00112233445566778899aabbccddeeff")
    static let ciphertext = [UInt8](hex: "8ea2b7ca516745bfeafc49904b496089")

    @Test func encryptsFIPS197C3() throws {
        #expect(try AES256.encryptBlock(SecretBytes(copying: Self.plaintext), key: Self.key) == Self.ciphertext)
    }

    @Test func decryptsFIPS197C3() throws {
        #expect(try AES256.decryptBlock(Self.ciphertext, key: Self.key).revealedBytes() == Self.plaintext)
    }

    @Test func refusesShortKey() {
        #expect(throws: CryptoError.wrongLength(what: "AES-256 key", expected: 32, actual: 16)) {
            try AES256.encryptBlock(SecretBytes(copying: Self.plaintext), key: Self.key[0..<16])
        }
    }

    @Test func refusesPartialBlock() {
        #expect(throws: CryptoError.wrongLength(what: "AES block", expected: 16, actual: 15)) {
            try AES256.decryptBlock(Array(Self.ciphertext.prefix(15)), key: Self.key)
        }
    }
}
