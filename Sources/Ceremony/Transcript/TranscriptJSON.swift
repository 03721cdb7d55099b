import BIP38
import CryptoCore
import Foundation

/// The JSON coders for payloads: snake_case keys, sorted, ISO 8601 dates.
package enum TranscriptJSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Pretty output for files people read (ledgers, state).
    package static let prettyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()
}

/// One line saying why JSON did not decode (Foundation's messages quote the
/// offending value, so the whole reason is passed through ``quoted(_:limit:)``).
func decodingReason(_ error: any Error) -> String {
    quoted(rawDecodingReason(error), limit: 200)
}

private func rawDecodingReason(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context): context.debugDescription
    case DecodingError.keyNotFound(let key, let context):
        "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        "wrong or missing value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    default: "unreadable JSON"
    }
}

/// Text read from a file, made fit to quote in a one-line refusal: control,
/// format and line-separator characters escaped (`\n`, `\u{202E}`), and cut
