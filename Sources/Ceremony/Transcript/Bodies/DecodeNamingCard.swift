import BIP38
import CryptoCore
import Foundation

/// A field that fails to parse, reported as `card SERIAL: FIELD: cause`.
func decodeNamingCard<T>(_ serial: Serial, _ field: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BIP38Error {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "card \(serial): \(field): \(error)"))
    }
}
