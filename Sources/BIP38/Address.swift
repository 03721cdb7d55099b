import CryptoCore

/// A Bitcoin address as text: P2PKH (what BIP38 hashes) or P2WPKH (shown beside
/// compressed keys because card holders expect it).
public struct Address: Hashable, Sendable, CustomStringConvertible, TextCodable {
    /// The address text.
    public let text: String
    /// The network it belongs to.
    public let network: Network

    /// The pay-to-public-key-hash address of a public key, in the encoding
    /// (compressed or not) the caller chose.
    public static func p2pkh(publicKey: [UInt8], network: Network) -> Address {
        Address(text: Base58.checkEncode([network.p2pkhVersion] + hash160(publicKey)), network: network)
    }

    /// The pay-to-public-key-hash address of a point.
    public static func p2pkh(_ point: CurvePoint, format: AddressFormat, network: Network) -> Address {
        p2pkh(publicKey: format.publicKey(of: point), network: network)
    }

    /// The native SegWit (P2WPKH, bech32) address of a point's compressed key.
    public static func p2wpkh(_ point: CurvePoint, network: Network) -> Address {
        Address(
            text: Bech32.segwitAddress(hrp: network.bech32HRP, version: 0, program: hash160(point.compressed)),
            network: network)
    }

    /// Parses a P2PKH address.
    /// - Throws: Base58Check errors, ``BIP38Error/wrongLength(kind:expected:actual:)``,
    ///   ``BIP38Error/unexpectedPrefix(kind:found:)`` for an unknown version byte.
    public init(_ text: String) throws(BIP38Error) {
        let payload = try Base58.checkDecode(text)
        guard payload.count == 21 else {
            throw .wrongLength(kind: "a P2PKH address", expected: 21, actual: payload.count)
        }
        guard let network = Network.allCases.first(where: { $0.p2pkhVersion == payload[0] }) else {
            throw .unexpectedPrefix(kind: "a P2PKH address", found: "0x" + hexByte(payload[0]))
        }
        self.text = text
        self.network = network
    }

    init(text: String, network: Network) {
        self.text = text
        self.network = network
    }

    /// BIP38's addresshash: the first 4 bytes of SHA256(SHA256(address text)).
    public var addressHash: [UInt8] { Array(SHA256.doubleHash(Array(text.utf8)).prefix(4)) }

    public var description: String { text }
}
