import CryptoCore

/// A secp256k1 private key: a secret scalar in 1...n-1.
public struct PrivateKey: Sendable, CustomStringConvertible {
    /// The 32-byte big-endian scalar.
    public let scalar: SecretBytes

    /// Wraps a 32-byte scalar.
    /// - Throws: ``BIP38Error/invalidPrivateKey(reason:)`` if it is not 32 bytes, is 0 or is not below n.
    public init(scalar: SecretBytes) throws(BIP38Error) {
        guard scalar.count == 32 else { throw .invalidPrivateKey(reason: "must be 32 bytes, got \(scalar.count)") }
        guard Secp256k1.isValidScalar(scalar) else {
            throw .invalidPrivateKey(reason: "0 or not below the curve order")
        }
        self.scalar = scalar
    }

    /// A fresh random key from the system's generator.
    public static func random() -> PrivateKey {
        while true {
            if let key = try? PrivateKey(scalar: SystemRandom.secretBytes(count: 32)) { return key }
        }
    }

    /// The public point scalar·G.
    public var publicPoint: CurvePoint {
        // A PrivateKey always holds a valid scalar.
        try! Secp256k1.publicPoint(of: scalar)
    }

    /// The P2PKH address of this key.
    public func address(format: AddressFormat, network: Network) -> Address {
        .p2pkh(publicPoint, format: format, network: network)
    }

    public var description: String { "<redacted private key>" }
}

/// Wallet Import Format: a private key in Base58Check with its network and
/// the format of its address (a trailing `0x01` for compressed).
public struct WIF: Sendable, CustomStringConvertible {
    public let key: PrivateKey
    public let format: AddressFormat
    public let network: Network

    public init(key: PrivateKey, format: AddressFormat, network: Network) {
        self.key = key
        self.format = format
        self.network = network
    }

    /// Parses WIF text (`5...`/`K...`/`L...` on mainnet, `9...`/`c...` on testnet).
    ///
    /// The decoding passes through ordinary arrays that are not wiped; the key
    /// itself ends in a ``SecretBytes``.
    /// - Throws: Base58Check errors, or ``BIP38Error/invalidPrivateKey(reason:)``.
    public init(_ text: String) throws(BIP38Error) {
        var payload = try Base58.checkDecode(text)
        defer { for i in payload.indices { payload[i] = 0 } }
        guard let network = Network.allCases.first(where: { $0.wifVersion == payload.first }) else {
            throw .invalidPrivateKey(
                reason: "not a WIF key: version byte \(payload.first.map { "0x" + hexByte($0) } ?? "missing")")
        }
        switch payload.count {
        case 33: format = .uncompressed
        case 34 where payload[33] == 0x01: format = .compressed
        case 34: throw .invalidPrivateKey(reason: "WIF compression marker must be 0x01")
        default: throw .invalidPrivateKey(reason: "WIF must be 33 or 34 bytes, got \(payload.count)")
        }
        key = try PrivateKey(scalar: SecretBytes(copying: payload[1..<33]))
        self.network = network
    }

    /// The WIF text. This reveals the key: only for output the user asked for.
    public func revealedText() -> String {
        var payload = [network.wifVersion] + key.scalar.revealedBytes() + format.wifSuffix
        defer { for i in payload.indices { payload[i] = 0 } }
        return Base58.checkEncode(payload)
    }

    public var description: String { "<redacted WIF>" }
}
