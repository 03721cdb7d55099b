import CryptoCore

/// Base58 and Base58Check as Bitcoin uses them.
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// 58^5, the base of the limbs ``encode(_:)`` works in: five Base58 digits
    /// per limb, so a limb times 2^32 plus a carry still fits in 64 bits.
    private static let limbBase: UInt64 = 656_356_768

    /// Base58 text of `bytes`; each leading zero byte becomes a leading `1`.
    ///
    /// The number is converted four bytes at a time into limbs of five Base58
    /// digits (base 58^5) rather than one byte into one digit at a time, twenty
    /// times fewer steps of the same schoolbook conversion.
    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        let limbs = Self.limbs(of: bytes[zeros...], digitBase: 256, perChunk: 4, limbBase: limbBase)
        var digits: [UInt8] = []  // little-endian Base58 digits
        digits.reserveCapacity(limbs.count * 5)
        for limb in limbs {
            var value = limb
            for _ in 0..<5 {
                digits.append(UInt8(value % 58))
                value /= 58
            }
        }
        while digits.last == 0 { digits.removeLast() }
        var text = [UInt8](repeating: alphabet[0], count: zeros)
        text.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() { text.append(alphabet[Int(digit)]) }
        return String(decoding: text, as: UTF8.self)
    }

    /// The longest text ``decode(_:)`` accepts. Every Base58 object Bitcoin uses is far
    /// shorter (an extended key is 111 characters); the limit matters because decoding
    /// takes time quadratic in the length, so a megabyte-long "code" in a bundle would
    /// stall a site for minutes.
    public static let maxTextLength = 1024

    /// The bytes of Base58 `text`.
    ///
    /// Five digits at a time (a chunk below 58^5) into 32-bit limbs, the mirror
    /// of ``encode(_:)``.
    /// - Throws: ``BIP38Error/tooLong(kind:limit:actual:)`` over ``maxTextLength`` characters;
    ///   ``BIP38Error/invalidBase58Character(_:)``.
    public static func decode(_ text: String) throws(BIP38Error) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count <= maxTextLength else {
            throw .tooLong(kind: "Base58 text", limit: maxTextLength, actual: utf8.count)
        }
        var values = [UInt8]()
        values.reserveCapacity(utf8.count)
        for byte in utf8 {
            guard byte < 128, indexes[Int(byte)] >= 0 else {
                // Name the whole character (it may be several bytes), as a reader sees it.
                let character = text.first { !($0.asciiValue.map { $0 < 128 && indexes[Int($0)] >= 0 } ?? false) }!
                throw .invalidBase58Character(character)
            }
            values.append(UInt8(indexes[Int(byte)]))
        }
        let zeros = values.prefix { $0 == 0 }.count
        let limbs = Self.limbs(of: values[zeros...], digitBase: 58, perChunk: 5, limbBase: 1 << 32)
        var bytes = [UInt8]()  // big-endian
        bytes.reserveCapacity(zeros + limbs.count * 4)
        bytes.append(contentsOf: repeatElement(0, count: zeros))
        var started = false
        for limb in limbs.reversed() {
            for shift in stride(from: 24, through: 0, by: -8) {
                let byte = UInt8(truncatingIfNeeded: limb >> UInt64(shift))
                if byte != 0 { started = true }
                if started { bytes.append(byte) }
            }
        }
        return bytes
    }

    /// The number whose big-endian digits (each below `digitBase`) are `digits`, as
    /// little-endian limbs below `limbBase`: the schoolbook conversion both ways share,
    /// `perChunk` digits at a time (the first chunk takes the odd digits, so the rest
    /// are whole). Encoding reads bytes four at a time into limbs of 58^5, decoding
    /// Base58 digits five at a time into 32-bit limbs; either way a limb times the
    /// chunk's multiplier plus a carry fits in 64 bits.
    @inline(__always)
    private static func limbs(
        of digits: ArraySlice<UInt8>, digitBase: UInt64, perChunk: Int, limbBase: UInt64
    ) -> [UInt64] {
        var limbs: [UInt64] = []  // little-endian, each < limbBase
        limbs.reserveCapacity(digits.count / (perChunk - 1) + 1)
        var index = digits.startIndex
        var chunk = digits.count % perChunk
        if chunk == 0 { chunk = perChunk }
        while index < digits.endIndex {
            var carry: UInt64 = 0
            var multiplier: UInt64 = 1
            for digit in digits[index..<(index + chunk)] {
                carry = carry * digitBase + UInt64(digit)
                multiplier *= digitBase
            }
            for i in limbs.indices {
                let t = limbs[i] * multiplier + carry
                limbs[i] = t % limbBase
                carry = t / limbBase
            }
            while carry > 0 {
                limbs.append(carry % limbBase)
                carry /= limbBase
            }
            index += chunk
            chunk = perChunk
        }
        return limbs
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
