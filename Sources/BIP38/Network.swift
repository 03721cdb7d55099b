/// The Bitcoin network whose address and WIF version bytes are used.
///
/// BIP38's addresshash is computed over the address text, so the same key
/// encrypts differently for mainnet and testnet.
public enum Network: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case mainnet
    case testnet

    /// P2PKH address version byte.
    public var p2pkhVersion: UInt8 { self == .mainnet ? 0x00 : 0x6F }
    /// WIF version byte.
    public var wifVersion: UInt8 { self == .mainnet ? 0x80 : 0xEF }
    /// Bech32 human-readable part for SegWit addresses (BIP173).
    public var bech32HRP: String { self == .mainnet ? "bc" : "tb" }

    /// The other network.
    public var other: Network { self == .mainnet ? .testnet : .mainnet }

    public var description: String { rawValue }
}
