import CryptoCore

/// A BIP38 confirmation code (`cfrm38...`): lets the passphrase owner check
/// that an address is bound to their passphrase without seeing the encrypted key.
/// 51 bytes in Base58Check:
/// `64 3B F6 A8 9A` flag addresshash(4) ownerentropy(8) encryptedpointb(33).
public struct ConfirmationCode: Sendable, Base58CheckCodable {
    public static let byteCount = 51
    static let magic: [UInt8] = [0x64, 0x3B, 0xF6, 0xA8, 0x9A]

    public let bytes: [UInt8]
    public let flag: BIP38Flag

    /// Validates 51 raw bytes (``init(_:)`` parses `cfrm38...` text into them).
    /// - Throws: ``BIP38Error/wrongLength(kind:expected:actual:)``;
    ///   ``BIP38Error/unexpectedPrefix(kind:found:)``; flag errors; and
    ///   ``BIP38Error/pointNotOnCurve(what:)`` when encryptedpointb's prefix is not 02 or 03.
    public init(bytes: [UInt8]) throws(BIP38Error) {
        try Self.checkLength(bytes, kind: "a confirmation code")
        guard Array(bytes.prefix(5)) == Self.magic else {
            throw .unexpectedPrefix(kind: "a confirmation code", found: "0x" + bytes.prefix(5).hex.uppercased())
        }
        flag = try BIP38Flag(bytes[5], ecMultiply: true, kind: "a confirmation code")
        // pointbprefix is 02 or 03 XOR one bit, so it is always 02 or 03.
        guard bytes[18] == 0x02 || bytes[18] == 0x03 else { throw .pointNotOnCurve(what: "encrypted pointb prefix") }
        self.bytes = bytes
    }

    init(flag: BIP38Flag, addressHash: [UInt8], ownerEntropy: OwnerEntropy, encryptedPointB: [UInt8]) {
        self.flag = flag
        bytes = Self.magic + [flag.rawValue] + addressHash + ownerEntropy.bytes + encryptedPointB
    }

    public var format: AddressFormat { flag.format }
    public var addressHash: [UInt8] { Array(bytes[6..<10]) }
    public var ownerEntropy: OwnerEntropy {
        OwnerEntropy(bytes: Array(bytes[10..<18]), hasLotSequence: flag.hasLotSequence)
    }
    public var lotSequence: LotSequence? { ownerEntropy.lotSequence }
    /// pointbprefix || pointbx1 || pointbx2: factorb·G, encrypted under the derived halves.
    public var encryptedPointB: [UInt8] { Array(bytes[18..<51]) }
}
