import CryptoCore
import Foundation

/// A BIP38 passphrase: the UTF-8 bytes of its Unicode NFC form, held secret.
public struct Passphrase: Sendable, CustomStringConvertible {
    /// UTF-8 of the NFC-normalised passphrase: what scrypt receives.
    public let normalizedUTF8: SecretBytes

    /// Normalises raw UTF-8 bytes (as read from a file or prompt) to NFC.
    ///
    /// ASCII passphrases (every passphrase this toolkit generates) are already
    /// in NFC and never leave their zeroing buffer. Others pass through a Swift
    /// `String` for normalisation, which is not wiped.
    /// - Throws: ``BIP38Error/invalidPassphrase(reason:)`` for invalid UTF-8 or an empty passphrase.
    public init(utf8 bytes: SecretBytes) throws(BIP38Error) {
        guard bytes.count > 0 else { throw .invalidPassphrase(reason: "empty") }
        let isASCII = bytes.withUnsafeBytes { $0.allSatisfy { $0 < 0x80 } }
        if isASCII {
            normalizedUTF8 = bytes
            return
        }
        guard let text = bytes.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) else {
            throw .invalidPassphrase(reason: "not valid UTF-8")
        }
        normalizedUTF8 = SecretBytes(copying: Array(text.precomposedStringWithCanonicalMapping.utf8))
    }

    /// A passphrase from a Swift string (tests, teaching examples).
    public init(_ text: String) throws(BIP38Error) {
        try self.init(utf8: SecretBytes(copying: Array(text.utf8)))
    }

    public var description: String { "<redacted passphrase>" }
}
