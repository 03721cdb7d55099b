@_spi(Explain) import BIP38
import CryptoCore
import TestSupport
import Testing

/// EC-multiply with fixed randomness (`Vectors/deterministic-vectors.json`):
/// every object the two sites exchange, byte for byte, then the owner's checks.
@Suite struct DeterministicVectorTests {
    /// The P2WPKH form of each compressed vector's address: the same hash160 as
    /// the P2PKH address, bech32-encoded with BIP173's reference code.
    static let segwitAddresses = ["pybip38-ec-compressed-no-lotseq": "bc1qgrymgqte7tt0m62cwfwcqn5r633nuvqcrwpe8v"]

    @Test(arguments: try DeterministicVector.all())
    func reproducesEveryObjectAndRoundTrips(vector: DeterministicVector) throws {
        let passphrase = try Passphrase(vector.passphrase)
        let ownerSalt = try #require([UInt8](hexString: vector.ownerSaltHex))
        let seedb = SecretBytes(copying: try #require([UInt8](hexString: vector.seedbHex)))
        let flag = try #require([UInt8](hexString: vector.flagHex))

        // Passphrase site: the intermediate code.
        let owner = try IntermediateCode.make(
            passphrase: passphrase, lotSequence: try vector.lotSequence, random: FixedRandomSource([ownerSalt]))
        let code = owner.intermediateCode
        #expect(code.text == vector.intermediateCode)
        #expect(code.ownerEntropy.ownerSalt == ownerSalt)
        #expect(code.lotSequence == (try vector.lotSequence))
        #expect(try IntermediateCode(vector.intermediateCode) == code)

        // Key site: encrypted key, confirmation code and address.
        let generated = try IntermediateCode(vector.intermediateCode).generateKey(
            seedb: seedb, format: vector.format, network: .mainnet)
        #expect([generated.encryptedKey.flag.rawValue] == flag)
        #expect([generated.confirmationCode.flag.rawValue] == flag)
        #expect(generated.encryptedKey.text == vector.encryptedKey)
        #expect(generated.confirmationCode.text == vector.confirmationCode)
        #expect(generated.address.text == vector.bitcoinAddress)
        #expect(generated.seedb == seedb)
        #expect(generated.factorb == SHA256.doubleHash(secret: seedb))
        #expect(generated.pointB == (try Secp256k1.publicPoint(of: generated.factorb)))
        #expect(generated.generatedPoint == (try code.passpoint.multiplied(by: generated.factorb)))

        // The same through the random-source entry point.
        let drawn = try code.generateKey(
            format: vector.format, network: .mainnet, random: FixedRandomSource([seedb.revealedBytes()]))
        #expect(drawn.encryptedKey == generated.encryptedKey)
        #expect(drawn.confirmationCode == generated.confirmationCode)

        // Passphrase site again: confirm, then decrypt.
        let confirmation = try ConfirmationCode(vector.confirmationCode).confirm(passphrase: passphrase)
        #expect(confirmation.address.text == vector.bitcoinAddress)
        #expect(confirmation.format == vector.format)
        #expect(confirmation.lotSequence == (try vector.lotSequence))
        #expect(confirmation.pointB == generated.pointB)

        let decrypted = try EncryptedKey(vector.encryptedKey).decrypt(passphrase: passphrase)
        #expect(decrypted.address.text == vector.bitcoinAddress)
        #expect(decrypted.format == vector.format)
        #expect(decrypted.isECMultiply)
        #expect(decrypted.lotSequence == (try vector.lotSequence))
        #expect(decrypted.key.publicPoint == generated.generatedPoint)
        #expect(decrypted.ecMultiply?.seedb == seedb)
        #expect(decrypted.ecMultiply?.owner.passfactor == owner.passfactor)
        let wif = try WIF(decrypted.wif.revealedText())
        #expect(wif.format == vector.format)
        #expect(wif.key.scalar == decrypted.key.scalar)

        if vector.format.isCompressed {
            let segwit = try #require(generated.segwitAddress)
            #expect(segwit.text.hasPrefix("bc1q"))
            #expect(segwit.text == Self.segwitAddresses[vector.id])
            #expect(segwit == Address.p2wpkh(decrypted.key.publicPoint, network: .mainnet))
            #expect(confirmation.segwitAddress == segwit)
            #expect(decrypted.segwitAddress == segwit)
        } else {
            #expect(generated.segwitAddress == nil)
            #expect(confirmation.segwitAddress == nil)
            #expect(decrypted.segwitAddress == nil)
        }
    }
}
