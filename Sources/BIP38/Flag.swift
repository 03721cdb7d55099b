/// BIP38's flag byte, shared by encrypted keys and confirmation codes.
///
/// - `0xC0`: set for non-EC keys, clear for EC-multiply keys;
/// - `0x20`: the address uses the compressed public key;
/// - `0x04`: ownerentropy carries lot and sequence (EC only);
/// - every other bit is reserved and must be 0.
///
/// Valid flags: `C0`, `E0` (non-EC) and `00`, `04`, `20`, `24` (EC).
public struct BIP38Flag: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    static let nonECBits: UInt8 = 0xC0
    static let compressedBit: UInt8 = 0x20
    static let lotSequenceBit: UInt8 = 0x04
    static let reservedBits: UInt8 = ~(nonECBits | compressedBit | lotSequenceBit)

    /// The flag for a non-EC key.
    public static func nonEC(format: AddressFormat) -> BIP38Flag {
        BIP38Flag(unchecked: nonECBits | format.flagBits)
    }

    /// The flag for an EC-multiply key or confirmation code.
    public static func ecMultiply(format: AddressFormat, lotSequence: Bool) -> BIP38Flag {
        BIP38Flag(unchecked: format.flagBits | (lotSequence ? lotSequenceBit : 0))
    }

    /// Validates a flag byte for an EC-multiply object (`ecMultiply: true`) or a non-EC key.
    /// - Throws: ``BIP38Error/reservedFlagBits(flag:)`` when a reserved bit is set;
    ///   ``BIP38Error/flagNotAllowed(flag:kind:)`` when the mode bits contradict the prefix.
    init(_ byte: UInt8, ecMultiply: Bool, kind: String) throws(BIP38Error) {
        guard byte & Self.reservedBits == 0 else { throw .reservedFlagBits(flag: byte) }
        if ecMultiply {
            guard byte & Self.nonECBits == 0 else { throw .flagNotAllowed(flag: byte, kind: kind) }
        } else {
            guard byte & Self.nonECBits == Self.nonECBits, byte & Self.lotSequenceBit == 0 else {
                throw .flagNotAllowed(flag: byte, kind: kind)
            }
        }
        rawValue = byte
    }

    private init(unchecked: UInt8) { rawValue = unchecked }

    public var isECMultiply: Bool { rawValue & Self.nonECBits == 0 }
    /// The address format: bit `0x20`.
    public var format: AddressFormat { AddressFormat(compressed: rawValue & Self.compressedBit != 0) }
    public var hasLotSequence: Bool { rawValue & Self.lotSequenceBit != 0 }

    public var description: String { "0x" + hexByte(rawValue) }
}
