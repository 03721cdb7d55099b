import CryptoCore

/// Base58 and Base58Check as Bitcoin uses them.
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Base58 text of `bytes`; each leading zero byte becomes a leading `1`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        // Base-256 to base-58, most significant digit last.
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The longest text ``decode(_:)`` accepts. Every Base58 object Bitcoin uses is far
    /// shorter (an extended key is 111 characters); the limit matters because decoding
    /// takes time quadratic in the length, so a megabyte-long "code" in a bundle would
    /// stall a site for minutes.
    public static let maxTextLength = 1024

    /// The bytes of Base58 `text`.
    /// - Throws: ``BIP38Error/tooLong(kind:limit:actual:)`` over ``maxTextLength`` characters;
    ///   ``BIP38Error/invalidBase58Character(_:)``.
    public static func decode(_ text: String) throws(BIP38Error) -> [UInt8] {
        guard text.utf8.count <= maxTextLength else {
            throw .tooLong(kind: "Base58 text", limit: maxTextLength, actual: text.utf8.count)
        }
        var zeros = 0
        var leading = true
        var bytes: [UInt8] = []  // little-endian base-256
        for character in text {
            guard let ascii = character.asciiValue, ascii < 128, indexes[Int(ascii)] >= 0 else {
                throw .invalidBase58Character(character)
            }
            let value = Int(indexes[Int(ascii)])
            if leading && value == 0 {
                zeros += 1
                continue
            }
            leading = false
            var carry = value
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }

    /// Base58Check: `payload` followed by the first 4 bytes of SHA256d(payload).
    public static func checkEncode(_ payload: [UInt8]) -> String {
        encode(payload + SHA256.doubleHash(payload).prefix(4))
    }

    /// The payload of Base58Check `text`, with its checksum verified and removed.
    /// - Throws: ``BIP38Error/tooLong(kind:limit:actual:)``, ``BIP38Error/invalidBase58Character(_:)``,
    ///   ``BIP38Error/wrongLength(kind:expected:actual:)`` (under 4 bytes),
    ///   ``BIP38Error/badChecksum``.
    public static func checkDecode(_ text: String) throws(BIP38Error) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count >= 4 else { throw .wrongLength(kind: "Base58Check data", expected: 4, actual: bytes.count) }
        let payload = Array(bytes.dropLast(4))
        guard SHA256.doubleHash(payload).prefix(4).elementsEqual(bytes.suffix(4)) else { throw .badChecksum }
        return payload
    }
}
