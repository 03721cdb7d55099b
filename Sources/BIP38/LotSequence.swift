/// BIP38's lot and sequence numbers: a 20-bit lot and a 12-bit sequence,
/// stored big-endian as lot·4096 + sequence in the last 4 bytes of ownerentropy.
///
/// In a ceremony the lot is the batch and the sequence the card's position,
/// so a card's serial is bound into its encrypted key and confirmation code.
/// Lot 0 and sequence 0 are valid.
public struct LotSequence: Hashable, Sendable, CustomStringConvertible, Codable {
    public static let maxLot = 1_048_575
    public static let maxSequence = 4095

    public let lot: Int
    public let sequence: Int

    /// - Throws: ``BIP38Error/lotOutOfRange(_:)``, ``BIP38Error/sequenceOutOfRange(_:)``.
    public init(lot: Int, sequence: Int) throws(BIP38Error) {
        guard (0...Self.maxLot).contains(lot) else { throw .lotOutOfRange(lot) }
        guard (0...Self.maxSequence).contains(sequence) else { throw .sequenceOutOfRange(sequence) }
        self.lot = lot
        self.sequence = sequence
    }

    /// Reads the 4 big-endian bytes lot·4096 + sequence (every value is valid).
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 4, "lotsequence is 4 bytes")
        let value = bytes.reduce(0) { $0 << 8 | Int($1) }
        lot = value >> 12
        sequence = value & 0xfff
    }

    /// The 4 big-endian bytes lot·4096 + sequence.
    public var bytes: [UInt8] {
        let value = UInt32(lot * 4096 + sequence)
        return [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    public var description: String { "lot \(lot) sequence \(sequence)" }
}
