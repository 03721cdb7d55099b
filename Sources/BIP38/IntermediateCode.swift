import CryptoCore

/// A BIP38 intermediate code (`passphrase...`): what the passphrase owner gives
/// the key site. 49 bytes in Base58Check:
/// `2C E9 B3 E1 FF 39 E2` + `51` (lot/sequence) or `53` (none), ownerentropy(8), passpoint(33).
///
/// It holds no secret: the passpoint is passfactor·G.
public struct IntermediateCode: Sendable, Base58CheckCodable {
    public static let byteCount = 49
    static let magic: [UInt8] = [0x2C, 0xE9, 0xB3, 0xE1, 0xFF, 0x39, 0xE2]
    static let withLotSequence: UInt8 = 0x51
    static let withoutLotSequence: UInt8 = 0x53

    public let ownerEntropy: OwnerEntropy
    public let passpoint: CurvePoint

    public init(ownerEntropy: OwnerEntropy, passpoint: CurvePoint) {
        self.ownerEntropy = ownerEntropy
        self.passpoint = passpoint
    }

    /// Validates 49 raw bytes (``init(_:)`` parses `passphrase...` text into them).
    /// - Throws: ``BIP38Error/wrongLength(kind:expected:actual:)``;
    ///   ``BIP38Error/unexpectedPrefix(kind:found:)`` for a wrong magic;
    ///   ``BIP38Error/pointNotOnCurve(what:)`` for a bad passpoint.
    public init(bytes: [UInt8]) throws(BIP38Error) {
        try Self.checkLength(bytes, kind: "an intermediate code")
        let lotSequence: Bool
        switch (Array(bytes.prefix(7)), bytes[7]) {
        case (Self.magic, Self.withLotSequence): lotSequence = true
        case (Self.magic, Self.withoutLotSequence): lotSequence = false
        default: throw .unexpectedPrefix(kind: "an intermediate code", found: "0x" + bytes.prefix(8).hex.uppercased())
        }
        let pointBytes = Array(bytes[16..<49])
        guard pointBytes[0] == 0x02 || pointBytes[0] == 0x03, let point = try? CurvePoint(pointBytes) else {
            throw .pointNotOnCurve(what: "passpoint")
        }
        ownerEntropy = OwnerEntropy(bytes: Array(bytes[8..<16]), hasLotSequence: lotSequence)
        passpoint = point
    }

    public var hasLotSequence: Bool { ownerEntropy.hasLotSequence }
    public var lotSequence: LotSequence? { ownerEntropy.lotSequence }

    /// The 49 raw bytes.
    public var bytes: [UInt8] {
        Self.magic + [hasLotSequence ? Self.withLotSequence : Self.withoutLotSequence] + ownerEntropy.bytes
            + passpoint.compressed
    }
}
