@_spi(Explain) import BIP38
import CryptoCore
import Testing

/// Keys made from a malformed intermediate code (magic `51`, but an 8-byte
/// ownersalt and no SHA256d step, as one published wallet tool makes them).
@Suite struct NonStandardReading {
    static let passphrase = try! Passphrase("MOLON LABE")
    static let salt: [UInt8] = [0xd7, 0xeb, 0xe4, 0x2c, 0xf4, 0x2a, 0x79, 0xf4]

    /// The malformed code: the 8-byte-salt derivation, labelled as lot/sequence.
    static func malformedKey() throws -> GeneratedKey {
        let owner = try OwnerFactors(
            passphrase: passphrase, ownerEntropy: OwnerEntropy(ownerSalt: salt, lotSequence: nil))
        var bytes = owner.intermediateCode.bytes
        bytes[7] = 0x51
        let code = try IntermediateCode(bytes: bytes)
        #expect(code.hasLotSequence)
        return try code.generateKey(
            seedb: SecretBytes(copying: [UInt8](repeating: 0x42, count: 24)), format: .uncompressed, network: .mainnet)
    }

    @Test("the specification's reading refuses the key; the non-standard reading opens it and says so")
    func decrypt() throws {
        let card = try Self.malformedKey()
        #expect(card.encryptedKey.flag.hasLotSequence)
        #expect(throws: BIP38Error.wrongPassphrase) { try card.encryptedKey.decrypt(passphrase: Self.passphrase) }
        let opened = try card.encryptedKey.decrypt(passphrase: Self.passphrase, allowNonStandardReading: true)
        #expect(opened.reading == .eightByteSaltDespiteLotSequenceFlag)
        #expect(opened.address == card.address)
        #expect(opened.lotSequence == nil)
        #expect(opened.ecMultiply?.seedb == SecretBytes(copying: [UInt8](repeating: 0x42, count: 24)))
    }

    @Test func confirm() throws {
        let card = try Self.malformedKey()
        #expect(throws: BIP38Error.wrongPassphrase) { try card.confirmationCode.confirm(passphrase: Self.passphrase) }
        let confirmed = try card.confirmationCode.confirm(passphrase: Self.passphrase, allowNonStandardReading: true)
        #expect(confirmed.reading == .eightByteSaltDespiteLotSequenceFlag)
        #expect(confirmed.address == card.address)
    }

    @Test("a wrong passphrase stays wrong under both readings; a standard key opens with the standard reading")
    func wrongStaysWrong() throws {
        let card = try Self.malformedKey()
        #expect(throws: BIP38Error.wrongPassphrase) {
            try card.encryptedKey.decrypt(passphrase: Passphrase("molon labe"), allowNonStandardReading: true)
        }
        let spec = try EncryptedKey("6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j")
        let opened = try spec.decrypt(passphrase: Self.passphrase, allowNonStandardReading: true)
        #expect(opened.reading == .specification)
        #expect(opened.lotSequence == (try LotSequence(lot: 263183, sequence: 1)))
    }
}
