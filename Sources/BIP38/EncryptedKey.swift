import CryptoCore

/// A BIP38 encrypted private key (`6P...`): 39 bytes in Base58Check.
///
/// Non-EC: `01 42` flag addresshash(4) encryptedhalf1(16) encryptedhalf2(16).
/// EC-multiply: `01 43` flag addresshash(4) ownerentropy(8) encryptedpart1[0..<8] encryptedpart2(16).
public struct EncryptedKey: Sendable, Base58CheckCodable {
    public static let byteCount = 39
    static let nonECPrefix: [UInt8] = [0x01, 0x42]
    static let ecPrefix: [UInt8] = [0x01, 0x43]

    /// The 39 raw bytes (without checksum).
    public let bytes: [UInt8]
    public let flag: BIP38Flag

    /// Validates 39 raw bytes (``init(_:)`` parses `6P...` text into them).
    /// - Throws: ``BIP38Error/wrongLength(kind:expected:actual:)``;
    ///   ``BIP38Error/unexpectedPrefix(kind:found:)``; ``BIP38Error/reservedFlagBits(flag:)``;
    ///   ``BIP38Error/flagNotAllowed(flag:kind:)``.
    public init(bytes: [UInt8]) throws(BIP38Error) {
        try Self.checkLength(bytes, kind: "an encrypted key")
        let prefix = Array(bytes.prefix(2))
        let ec: Bool
        switch prefix {
        case Self.nonECPrefix: ec = false
        case Self.ecPrefix: ec = true
        default: throw .unexpectedPrefix(kind: "an encrypted key", found: "0x" + prefix.hex.uppercased())
        }
        flag = try BIP38Flag(bytes[2], ecMultiply: ec, kind: ec ? "an EC-multiply key" : "a non-EC key")
        self.bytes = bytes
    }

    public var isECMultiply: Bool { flag.isECMultiply }
    public var format: AddressFormat { flag.format }
    /// The first 4 bytes of SHA256d(address): lets a decrypter recognise the right passphrase.
    public var addressHash: [UInt8] { Array(bytes[3..<7]) }
    /// The owner's entropy (EC-multiply keys only).
    public var ownerEntropy: OwnerEntropy? {
        isECMultiply ? OwnerEntropy(bytes: Array(bytes[7..<15]), hasLotSequence: flag.hasLotSequence) : nil
    }
    /// Lot and sequence (EC-multiply keys with flag 0x04 only).
    public var lotSequence: LotSequence? { ownerEntropy?.lotSequence }
}
