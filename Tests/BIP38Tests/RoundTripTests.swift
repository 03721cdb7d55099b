@_spi(Explain) import BIP38
import CryptoCore
import Testing

/// Fresh keys through both modes and back, on both networks. Each case runs
/// the heavy scrypt (N=16384, r=8, p=8) two or three times, so there are few.
@Suite struct RoundTripTests {
    static let passphrase = "correct horse ☃ battery"

    struct NonECCase: Sendable, CustomTestStringConvertible {
        let format: AddressFormat
        let network: Network
        var testDescription: String { "non-EC \(format.rawValue) \(network)" }
    }

    @Test(arguments: [
        NonECCase(format: .uncompressed, network: .mainnet),
        NonECCase(format: .compressed, network: .mainnet),
        NonECCase(format: .uncompressed, network: .testnet),
        NonECCase(format: .compressed, network: .testnet),
    ])
    func nonEC(test: NonECCase) throws {
        let passphrase = try Passphrase(Self.passphrase)
        let key = PrivateKey.random()
        let encrypted = try EncryptedKey.encrypt(
            key, format: test.format, passphrase: passphrase, network: test.network)
        #expect(encrypted.text.hasPrefix(test.format.isCompressed ? "6PY" : "6PR"))
        #expect(encrypted.text.count == 58)
        #expect(!encrypted.isECMultiply)
        #expect(encrypted.flag == BIP38Flag.nonEC(format: test.format))
        #expect(encrypted.addressHash == key.address(format: test.format, network: test.network).addressHash)
        #expect(try EncryptedKey(encrypted.text) == encrypted)

        let decrypted = try encrypted.decrypt(passphrase: passphrase, network: test.network)
        #expect(decrypted.key.scalar == key.scalar)
        #expect(decrypted.format == test.format)
        #expect(decrypted.address == key.address(format: test.format, network: test.network))
        #expect(decrypted.wif.network == test.network)
        let wif = try WIF(decrypted.wif.revealedText())
        #expect(wif.key.scalar == key.scalar)
        #expect(wif.format == test.format)
        #expect(wif.network == test.network)
        let wifStart: Set<Character> =
            test.network == .mainnet
            ? (test.format.isCompressed ? ["K", "L"] : ["5"]) : (test.format.isCompressed ? ["c"] : ["9"])
        #expect(decrypted.wif.revealedText().first.map(wifStart.contains) == true)
    }

    struct ECCase: Sendable, CustomTestStringConvertible {
        let format: AddressFormat
        let lot: Int?
        let sequence: Int?
        let network: Network
        var lotSequence: LotSequence? {
            get throws {
                guard let lot, let sequence else { return nil }
                return try LotSequence(lot: lot, sequence: sequence)
            }
        }
        var testDescription: String {
            let numbers = lot.map { "lot \($0) sequence \(sequence ?? 0)" } ?? "no lot/sequence"
            return "EC \(format.rawValue) \(numbers) \(network)"
        }
    }

    @Test(arguments: [
        ECCase(format: .compressed, lot: nil, sequence: nil, network: .mainnet),
        ECCase(format: .uncompressed, lot: nil, sequence: nil, network: .testnet),
        ECCase(format: .compressed, lot: 0, sequence: 0, network: .mainnet),
        ECCase(format: .uncompressed, lot: 1_048_575, sequence: 4095, network: .mainnet),
        ECCase(format: .compressed, lot: 1_048_575, sequence: 4095, network: .testnet),
    ])
    func ecMultiply(test: ECCase) throws {
        let passphrase = try Passphrase(Self.passphrase)
        let lotSequence = try test.lotSequence
        let owner = try IntermediateCode.make(passphrase: passphrase, lotSequence: lotSequence)
        let code = owner.intermediateCode
        #expect(code.text.hasPrefix("passphrase"))
        #expect(code.text.count == 72)
        #expect(code.hasLotSequence == (lotSequence != nil))
        #expect(code.lotSequence == lotSequence)
        if let lotSequence {
            #expect(Array(code.ownerEntropy.bytes.suffix(4)) == lotSequence.bytes)
        }
        #expect(try IntermediateCode(code.text) == code)

        let generated = try IntermediateCode(code.text).generateKey(format: test.format, network: test.network)
        let encrypted = generated.encryptedKey
        let prefixes =
            test.format.isCompressed ? (lotSequence == nil ? "6Pn" : "6Po") : (lotSequence == nil ? "6Pf" : "6Pg")
        #expect(encrypted.text.hasPrefix(prefixes))
        #expect(encrypted.isECMultiply)
        #expect(encrypted.flag == BIP38Flag.ecMultiply(format: test.format, lotSequence: lotSequence != nil))
        #expect(encrypted.lotSequence == lotSequence)
        #expect(generated.confirmationCode.text.hasPrefix("cfrm38"))
        #expect(generated.confirmationCode.text.count == 75)
        #expect(generated.address.network == test.network)

        let confirmation = try ConfirmationCode(generated.confirmationCode.text)
            .confirm(passphrase: passphrase, network: test.network)
        #expect(confirmation.address == generated.address)
        #expect(confirmation.lotSequence == lotSequence)
        #expect(confirmation.format == test.format)

        let decrypted = try EncryptedKey(encrypted.text).decrypt(passphrase: passphrase, network: test.network)
        #expect(decrypted.address == generated.address)
        #expect(decrypted.key.publicPoint == generated.generatedPoint)
        #expect(decrypted.key.address(format: test.format, network: test.network) == generated.address)
        #expect(decrypted.lotSequence == lotSequence)
        #expect(decrypted.format == test.format)
        #expect(decrypted.ecMultiply?.seedb == generated.seedb)
        #expect(decrypted.wif.network == test.network)
        if test.format.isCompressed {
            let segwit = try #require(generated.segwitAddress)
            #expect(segwit.text.hasPrefix(test.network == .mainnet ? "bc1q" : "tb1q"))
            #expect(decrypted.segwitAddress == segwit)
            #expect(confirmation.segwitAddress == segwit)
        }
    }

    @Test func lotSequenceBytes() throws {
        #expect(try LotSequence(lot: 0, sequence: 0).bytes == [0, 0, 0, 0])
        #expect(try LotSequence(lot: 1_048_575, sequence: 4095).bytes == [0xff, 0xff, 0xff, 0xff])
        #expect(try LotSequence(lot: 263_183, sequence: 1).bytes == [0x40, 0x40, 0xf0, 0x01])
        #expect(try LotSequence(lot: 1, sequence: 0).bytes == [0x00, 0x00, 0x10, 0x00])
        #expect(LotSequence(bytes: [0x40, 0x40, 0xf0, 0x01]) == (try LotSequence(lot: 263_183, sequence: 1)))
        #expect(LotSequence(bytes: [0xff, 0xff, 0xff, 0xff]) == (try LotSequence(lot: 1_048_575, sequence: 4095)))
        #expect(try LotSequence(lot: 0, sequence: 0).description == "lot 0 sequence 0")
    }
}
