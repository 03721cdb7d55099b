import CryptoCore

/// How a card's public key is serialized for its address: the one place that
/// knows the encodings (like libsecp256k1's `SECP256K1_EC_COMPRESSED` /
/// `SECP256K1_EC_UNCOMPRESSED` serialization flags).
///
/// In BIP38 the format is bit `0x20` of the flag byte of an encrypted key or a
/// confirmation code (set: compressed). The addresshash is taken over the
/// P2PKH address of the key in this format, and WIF marks it with a trailing
/// `0x01`.
public enum AddressFormat: String, Sendable, Hashable, CaseIterable {
    /// The 33-byte SEC1 compressed key (`02`/`03` || x): BIP38 flag bit `0x20`
    /// set, WIF payload suffixed with `0x01`. What the ceremony's cards use.
    case compressed
    /// The 65-byte SEC1 uncompressed key (`04` || x || y): BIP38 flag bit `0x20`
    /// clear, WIF payload without suffix.
    case uncompressed

    /// Reads the format from a flag bit or a JSON boolean.
    public init(compressed: Bool) {
        self = compressed ? .compressed : .uncompressed
    }

    /// Whether the key is serialized compressed.
    public var isCompressed: Bool { self == .compressed }

    /// The SEC1 serialization of `point` in this format.
    public func publicKey(of point: CurvePoint) -> [UInt8] {
        point.encoded(compressed: isCompressed)
    }

    /// BIP38's flag bit for this format.
    var flagBits: UInt8 {
        switch self {
        case .compressed: BIP38Flag.compressedBit
        case .uncompressed: 0
        }
    }

    /// The bytes WIF appends after the 32-byte scalar.
    var wifSuffix: [UInt8] {
        switch self {
        case .compressed: [0x01]
        case .uncompressed: []
        }
    }
}
