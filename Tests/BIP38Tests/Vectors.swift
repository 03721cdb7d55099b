import BIP38
import CryptoCore
import Foundation
import Testing

/// One entry of `Vectors/spec-vectors.json`: the BIP38 specification's test vectors.
struct SpecVector: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let mode: String
    let compressed: Bool
    /// As the specification prints it (not necessarily NFC).
    let passphrase: String
    let passphraseNFCUTF8Hex: String
    let passphraseCode: String?
    let encryptedKey: String
    let bitcoinAddress: String?
    let unencryptedWIF: String
    let unencryptedHex: String?
    let confirmationCode: String?
    let lot: Int?
    let sequence: Int?

    enum CodingKeys: String, CodingKey {
        case id, mode, compressed, passphrase, lot, sequence
        case passphraseNFCUTF8Hex = "passphrase_nfc_utf8_hex"
        case passphraseCode = "passphrase_code"
        case encryptedKey = "encrypted_key"
        case bitcoinAddress = "bitcoin_address"
        case unencryptedWIF = "unencrypted_wif"
        case unencryptedHex = "unencrypted_hex"
        case confirmationCode = "confirmation_code"
    }

    /// The `compressed` field as an address format.
    var format: AddressFormat { AddressFormat(compressed: compressed) }
    var isECMultiply: Bool { mode != "non-ec" }
    var lotSequence: LotSequence? {
        get throws {
            guard let lot, let sequence else { return nil }
            return try LotSequence(lot: lot, sequence: sequence)
        }
    }

    var testDescription: String { id }

    static func all() throws -> [SpecVector] { try loadVectors("spec-vectors") }
    static func ecMultiply() throws -> [SpecVector] { try all().filter(\.isECMultiply) }
    static func nonEC() throws -> [SpecVector] { try all().filter { !$0.isECMultiply } }
    static func withConfirmationCode() throws -> [SpecVector] { try all().filter { $0.confirmationCode != nil } }
}

/// One entry of `Vectors/deterministic-vectors.json`: EC-multiply with fixed
/// ownersalt and seedb, so every output reproduces byte for byte.
struct DeterministicVector: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let passphrase: String
    let compressed: Bool
    let ownerSaltHex: String
    let lot: Int?
    let sequence: Int?
    let seedbHex: String
    let intermediateCode: String
    let flagHex: String
    let encryptedKey: String
    let confirmationCode: String
    let bitcoinAddress: String

    enum CodingKeys: String, CodingKey {
        case id, passphrase, compressed, lot, sequence
        case ownerSaltHex = "ownersalt_hex"
        case seedbHex = "seedb_hex"
        case intermediateCode = "intermediate_code"
        case flagHex = "flag_hex"
        case encryptedKey = "encrypted_key"
        case confirmationCode = "confirmation_code"
        case bitcoinAddress = "bitcoin_address"
    }

    /// The `compressed` field as an address format.
    var format: AddressFormat { AddressFormat(compressed: compressed) }
    var lotSequence: LotSequence? {
        get throws {
            guard let lot, let sequence else { return nil }
            return try LotSequence(lot: lot, sequence: sequence)
        }
    }

    var testDescription: String { id }

    static func all() throws -> [DeterministicVector] { try loadVectors("deterministic-vectors") }
}

struct MissingVectorFile: Error, CustomStringConvertible {
    let name: String
    var description: String { "Vectors/\(name).json is not in the test bundle" }
}

private func loadVectors<T: Decodable>(_ name: String) throws -> [T] {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw MissingVectorFile(name: name)
    }
    return try JSONDecoder().decode([T].self, from: Data(contentsOf: url))
}

/// The vector files themselves: complete, and the passphrases as the specification gives them.
@Suite struct VectorFileTests {
    @Test func specVectorsAreAllPresent() throws {
        let vectors = try SpecVector.all()
        #expect(vectors.count == 9)
        #expect(Set(vectors.map(\.id)).count == 9)
        #expect(vectors.filter(\.isECMultiply).count == 4)
        #expect(vectors.filter { $0.confirmationCode != nil }.count == 2)
    }

    @Test func deterministicVectorsAreAllPresent() throws {
        let vectors = try DeterministicVector.all()
        #expect(vectors.map(\.id) == ["pybip38-ec-compressed-no-lotseq", "pybip38-ec-uncompressed-lotseq"])
    }

    /// The third non-EC vector's passphrase is stored un-normalised, as the
    /// specification prints it, so its test really exercises NFC.
    @Test func specPassphraseThreeIsNotYetNFC() throws {
        let vector = try #require(try SpecVector.all().first { $0.id == "non-ec-uncompressed-3" })
        #expect(Array(vector.passphrase.utf8).hex == "cf92cc8100f0909080f09f92a9")
        #expect(Array(vector.passphrase.utf8).hex != vector.passphraseNFCUTF8Hex)
    }
}
