import CryptoCore

/// The 64 bytes of scrypt output that key BIP38's AES steps:
/// derivedhalf1 (XORed into the plaintext) and derivedhalf2 (the AES-256 key).
/// SPI (`@_spi(Explain) import BIP38`), for `bip38 explain`.
@_spi(Explain) public struct DerivedHalves: Sendable {
    public let half1: SecretBytes
    public let half2: SecretBytes

    init(_ derived: SecretBytes) {
        precondition(derived.count == 64, "derived halves are 64 bytes")
        half1 = derived[0..<32]
        half2 = derived[32..<64]
    }

    /// Non-EC: scrypt(passphrase, addresshash, 16384, 8, 8, 64).
    static func nonEC(passphrase: Passphrase, addressHash: [UInt8]) throws(CryptoError) -> DerivedHalves {
        DerivedHalves(
            try Scrypt.derive(
                password: passphrase.normalizedUTF8, salt: addressHash, parameters: .bip38Passphrase, length: 64))
    }

    /// EC-multiply: scrypt(passpoint, addresshash || ownerentropy, 1024, 1, 1, 64).
    static func ecMultiply(
        passpoint: CurvePoint, addressHash: [UInt8], ownerEntropy: OwnerEntropy
    ) throws(CryptoError)
        -> DerivedHalves
    {
        DerivedHalves(
            try Scrypt.derive(
                password: passpoint.compressed, salt: addressHash + ownerEntropy.bytes, parameters: .bip38Passpoint,
                length: 64))
    }

    /// AES-256(block XOR half1[range]) under half2.
    func encrypt(_ block: SecretBytes, xorRange range: Range<Int>) throws(CryptoError) -> [UInt8] {
        try AES256.encryptBlock(block.xor(half1[range]), key: half2)
    }

    /// AES-256⁻¹(block) under half2, XOR half1[range].
    func decrypt(_ block: [UInt8], xorRange range: Range<Int>) throws(CryptoError) -> SecretBytes {
        try AES256.decryptBlock(block, key: half2).xor(half1[range])
    }
}
