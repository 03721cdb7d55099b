import Foundation
import Testing

/// One entry of spec-vectors.json (the BIP38 specification's test vectors).
struct SpecVector: Decodable, CustomTestStringConvertible, Sendable {
    let id: String
    let mode: String
    let compressed: Bool
    let passphrase: String
    let passphrase_code: String?
    let encrypted_key: String
    let bitcoin_address: String?
    let unencrypted_wif: String
    let unencrypted_hex: String?
    let confirmation_code: String?
    let lot: Int?
    let sequence: Int?

    var testDescription: String { id }
    var isEC: Bool { mode != "non-ec" }

    static let all: [SpecVector] = load("spec-vectors")
}

/// One entry of deterministic-vectors.json (EC-multiply with fixed ownersalt and seedb).
struct DeterministicVector: Decodable, CustomTestStringConvertible, Sendable {
    let id: String
    let passphrase: String
    let compressed: Bool
    let ownersalt_hex: String
    let lot: Int?
    let sequence: Int?
    let seedb_hex: String
    let intermediate_code: String
    let flag_hex: String
    let encrypted_key: String
    let confirmation_code: String
    let bitcoin_address: String

    var testDescription: String { id }

    static let all: [DeterministicVector] = load("deterministic-vectors")
}

private func load<T: Decodable>(_ name: String) -> [T] {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"),
        let data = try? Data(contentsOf: url), let vectors = try? JSONDecoder().decode([T].self, from: data)
    else { fatalError("cannot load Vectors/\(name).json") }
    return vectors
}
