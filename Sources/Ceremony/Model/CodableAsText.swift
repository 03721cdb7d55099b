import Foundation

/// A ceremony value whose JSON form is its canonical text (a serial
/// `0000001-0007`, a hex digest): decoding parses and validates that text, and
/// encoding writes ``CustomStringConvertible/description``.
package protocol CodableAsText: Codable, CustomStringConvertible {
    /// Parses the canonical text; nil when it is not one.
    init?(text: String)
    /// The decoding error's words for text that does not parse.
    static func notParsed(_ text: String) -> String
}

extension CodableAsText {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: Self.notParsed(text)))
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
