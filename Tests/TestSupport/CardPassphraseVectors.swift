import Foundation
import Testing

/// One entry of `Vectors/card-passphrase-forms.json`: typed text and its card
/// canonical form (crockford-20), or nil when it has none. The holder's web
/// page reads the same file.
package struct CardPassphraseVector: Decodable, Sendable, CustomTestStringConvertible {
    package let name: String
    package let input: String
    package let canonical: String?

    package var testDescription: String { name }

    /// The file: its alphabet and its vectors.
    package struct File: Decodable, Sendable {
        package let format: String
        package let alphabet: String
        package let vectors: [CardPassphraseVector]
    }

    package static func file() throws -> File {
        let name = "card-passphrase-forms"
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw MissingVectorFile(name: name)
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    package static func all() throws -> [CardPassphraseVector] { try file().vectors }
}
