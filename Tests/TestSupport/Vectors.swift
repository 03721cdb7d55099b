import Foundation
import Testing

/// A vector that may fix a lot and sequence (both or neither). The tests that
/// need BIP38's `LotSequence` make it from these in an extension of their own,
/// so this target depends on no module of the package.
package protocol LotAndSequence {
    var lot: Int? { get }
    var sequence: Int? { get }
}

/// One entry of `Vectors/spec-vectors.json`: the BIP38 specification's test vectors.
package struct SpecVector: Decodable, Sendable, CustomTestStringConvertible, LotAndSequence {
    package let id: String
    package let mode: String
    package let compressed: Bool
    /// As the specification prints it (not necessarily NFC).
    package let passphrase: String
    package let passphraseNFCUTF8Hex: String
    package let passphraseCode: String?
    package let encryptedKey: String
    package let bitcoinAddress: String?
    package let unencryptedWIF: String
    package let unencryptedHex: String?
    package let confirmationCode: String?
    package let lot: Int?
    package let sequence: Int?

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

    package var isECMultiply: Bool { mode != "non-ec" }

    package var testDescription: String { id }

    package static func all() throws -> [SpecVector] { try loadVectors("spec-vectors") }
    package static func ecMultiply() throws -> [SpecVector] { try all().filter(\.isECMultiply) }
    package static func nonEC() throws -> [SpecVector] { try all().filter { !$0.isECMultiply } }
    package static func withConfirmationCode() throws -> [SpecVector] {
        try all().filter { $0.confirmationCode != nil }
    }
}

/// One entry of `Vectors/deterministic-vectors.json`: EC-multiply with fixed
/// ownersalt and seedb, so every output reproduces byte for byte.
package struct DeterministicVector: Decodable, Sendable, CustomTestStringConvertible, LotAndSequence {
    package let id: String
    package let passphrase: String
    package let compressed: Bool
    package let ownerSaltHex: String
    package let lot: Int?
    package let sequence: Int?
    package let seedbHex: String
    package let intermediateCode: String
    package let flagHex: String
    package let encryptedKey: String
    package let confirmationCode: String
    package let bitcoinAddress: String

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

    package var testDescription: String { id }

    package static func all() throws -> [DeterministicVector] { try loadVectors("deterministic-vectors") }
}

package struct MissingVectorFile: Error, CustomStringConvertible {
    package let name: String
    package var description: String { "Vectors/\(name).json is not in the TestSupport bundle" }
}

private func loadVectors<T: Decodable>(_ name: String) throws -> [T] {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw MissingVectorFile(name: name)
    }
    return try JSONDecoder().decode([T].self, from: Data(contentsOf: url))
}
