import BIP38
import CryptoCore
import Foundation

/// The current time in ISO 8601 (UTC), for `created` fields.
func timestamp() -> String {
    ISO8601DateFormatter().string(from: Date())
}
