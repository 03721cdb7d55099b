import CryptoCore

/// The 8 bytes of ownerentropy that bind an EC-multiply key to its intermediate code:
/// ownersalt (8 bytes), or ownersalt (4 bytes) || lotsequence (4 bytes).
public struct OwnerEntropy: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    /// Whether the last 4 bytes are lot and sequence.
    public let hasLotSequence: Bool

    init(bytes: [UInt8], hasLotSequence: Bool) {
        precondition(bytes.count == 8, "ownerentropy is 8 bytes")
        self.bytes = bytes
        self.hasLotSequence = hasLotSequence
    }

    /// ownerentropy from its parts.
    public init(ownerSalt: [UInt8], lotSequence: LotSequence?) {
        precondition(ownerSalt.count == (lotSequence == nil ? 8 : 4), "ownersalt is 4 bytes with lot/sequence, else 8")
        self.init(bytes: ownerSalt + (lotSequence?.bytes ?? []), hasLotSequence: lotSequence != nil)
    }

    /// The salt of the heavy scrypt: 4 bytes with lot/sequence, else all 8.
    public var ownerSalt: [UInt8] { Array(bytes.prefix(hasLotSequence ? 4 : 8)) }

    /// Lot and sequence, when present.
    public var lotSequence: LotSequence? { hasLotSequence ? LotSequence(bytes: bytes.suffix(4)) : nil }

    public var description: String { bytes.hex }
}
