import CryptoCore

/// A BIP38 passphrase: the UTF-8 bytes of its Unicode NFC form, held secret.
public struct Passphrase: Sendable, CustomStringConvertible {
    /// UTF-8 of the NFC-normalised passphrase: what scrypt receives.
    public let normalizedUTF8: SecretBytes

    /// Normalises raw UTF-8 bytes (as read from a file or prompt) to NFC.
    ///
    /// ASCII passphrases (every passphrase this toolkit generates) are already
    /// in NFC and never leave their zeroing buffer. Others are normalised by ICU
    /// (CryptoCore's ``UnicodeNFC``, the NFC Python's `unicodedata` and other
    /// BIP38 tools compute), through zeroing buffers too.
    ///
    /// An empty passphrase is refused unless `allowingEmpty`: this toolkit never
    /// makes a key from one, but opens a key or confirmation code that another
    /// tool made from one (`bip38 decrypt`, `bip38 confirm`).
    /// - Throws: ``BIP38Error/invalidPassphrase(reason:)`` for invalid UTF-8 or an empty passphrase.
    public init(utf8 bytes: SecretBytes, allowingEmpty: Bool = false) throws(BIP38Error) {
        guard bytes.count > 0 || allowingEmpty else { throw .invalidPassphrase(reason: "empty") }
        let isASCII = bytes.withUnsafeBytes { $0.allSatisfy { $0 < 0x80 } }
        if isASCII {
            normalizedUTF8 = bytes
            return
        }
        do {
            normalizedUTF8 = try UnicodeNFC.normalize(utf8: bytes)
        } catch .invalidText {
            throw .invalidPassphrase(reason: "not valid UTF-8")
        } catch {
            throw .invalidPassphrase(reason: "cannot be normalised to NFC (\(error.description))")
        }
    }

    /// A passphrase from a Swift string (tests, teaching examples).
    public init(_ text: String) throws(BIP38Error) {
        try self.init(utf8: SecretBytes(copying: Array(text.utf8)))
    }

    public var description: String { "<redacted passphrase>" }
}
