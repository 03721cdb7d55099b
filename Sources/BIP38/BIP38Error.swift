import CryptoCore

/// Every way a BIP38 operation or a decoder can refuse its input.
///
/// Each case's `description` is one line naming the cause, fit to print after
/// the file or card it concerns. None contains secret material.
public enum BIP38Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character outside Base58's alphabet.
    case invalidBase58Character(Character)
    /// The Base58Check checksum does not match.
    case badChecksum
    /// A decoded object has the wrong number of bytes.
    case wrongLength(kind: String, expected: Int, actual: Int)
    /// Input longer than any object of its kind can be (refused before the work grows with it).
    case tooLong(kind: String, limit: Int, actual: Int)
    /// The leading bytes do not name the expected kind of object.
    case unexpectedPrefix(kind: String, found: String)
    /// Flag bits BIP38 reserves (must be 0) are set.
    case reservedFlagBits(flag: UInt8)
    /// A flag that is well formed but not allowed for this object.
    case flagNotAllowed(flag: UInt8, kind: String)
    /// A 33-byte point (passpoint, pointb) is not on secp256k1.
    case pointNotOnCurve(what: String)
    /// The addresshash did not match: the passphrase is wrong (or the data is corrupt).
    case wrongPassphrase
    /// The key was made for the other network: the addresshash matches there.
    case networkMismatch(expected: Network, found: Network)
    /// A derived scalar (passfactor, factorb, private key) is 0 or not below n.
    case scalarOutOfRange(what: String)
    /// Lot must be 0...1048575.
    case lotOutOfRange(Int)
    /// Sequence must be 0...4095.
    case sequenceOutOfRange(Int)
    /// A private key in WIF or hex that cannot be read.
    case invalidPrivateKey(reason: String)
    /// A passphrase that is not valid UTF-8, or empty.
    case invalidPassphrase(reason: String)
    /// A primitive (scrypt, AES, curve math) failed in a way the input does not explain.
    case primitive(CryptoError)

    public var description: String {
        switch self {
        case .invalidBase58Character(let c):
            "invalid base58 character '\(c.isASCII && !c.isWhitespace ? String(c) : "U+" + String(c.unicodeScalars.first!.value, radix: 16, uppercase: true))'"
        case .badChecksum: "bad checksum"
        case .wrongLength(let kind, let expected, let actual):
            "wrong length: \(kind) must be \(expected) bytes, got \(actual)"
        case .tooLong(let kind, let limit, let actual):
            "too long: \(kind) of \(actual) characters, at most \(limit) accepted"
        case .unexpectedPrefix(let kind, let found): "not \(kind): prefix \(found)"
        case .reservedFlagBits(let flag): "reserved flag bits set (flag 0x\(hexByte(flag)))"
        case .flagNotAllowed(let flag, let kind): "flag 0x\(hexByte(flag)) not allowed for \(kind)"
        case .pointNotOnCurve(let what): "point not on curve: \(what)"
        case .wrongPassphrase: "wrong passphrase"
        case .networkMismatch(let expected, let found): "made for \(found), not \(expected): pass --network \(found)"
        case .scalarOutOfRange(let what): "\(what) out of range (0 or not below the curve order)"
        case .lotOutOfRange(let lot): "lot \(lot) out of range 0...1048575"
        case .sequenceOutOfRange(let sequence): "sequence \(sequence) out of range 0...4095"
        case .invalidPrivateKey(let reason): "invalid private key: \(reason)"
        case .invalidPassphrase(let reason): "invalid passphrase: \(reason)"
        case .primitive(let error): error.description
        }
    }
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
