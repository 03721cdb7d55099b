import BIP38
import CryptoCore
import Testing

/// Wallet Import Format: the Bitcoin wiki's example key in all four forms, and refusals.
@Suite struct WIFTests {
    static let keyHex = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d"

    struct Form: Sendable, CustomTestStringConvertible {
        let text: String
        let format: AddressFormat
        let network: Network
        var testDescription: String { "\(network) \(format.rawValue)" }
    }

    static let forms = [
        Form(text: "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", format: .uncompressed, network: .mainnet),
        Form(text: "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617", format: .compressed, network: .mainnet),
        Form(text: "91gGn1HgSap6CbU12F6z3pJri26xzp7Ay1VW6NHCoEayNXwRpu2", format: .uncompressed, network: .testnet),
        Form(text: "cMzLdeGd5vEqxB8B6VFQoRopQ3sLAAvEzDAoQgvX54xwofSWj1fx", format: .compressed, network: .testnet),
    ]

    @Test(arguments: forms)
    func parses(form: Form) throws {
        let wif = try WIF(form.text)
        #expect(wif.key.scalar.revealedHex() == Self.keyHex)
        #expect(wif.format == form.format)
        #expect(wif.network == form.network)
        #expect(wif.description == "<redacted WIF>")
        #expect(wif.key.description == "<redacted private key>")
    }

    @Test(arguments: forms)
    func encodes(form: Form) throws {
        let key = try PrivateKey(scalar: SecretBytes(copying: [UInt8](hexString: Self.keyHex)!))
        #expect(WIF(key: key, format: form.format, network: form.network).revealedText() == form.text)
    }

    @Test func refusesBadVersionByte() {
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "not a WIF key: version byte 0x81")) {
            try WIF("5KrPNVvAhnRBNMYRJUq58YMfyUMyVMQrQhhfFtcbT9rK67poC3F")
        }
        // A P2PKH address is Base58Check too, but not a key.
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "not a WIF key: version byte 0x00")) {
            try WIF("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        }
    }

    @Test func refusesBadCompressionMarker() {
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "WIF compression marker must be 0x01")) {
            try WIF("KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvWxyf5d")
        }
    }

    @Test(arguments: [31, 35])
    func refusesWrongLength(keyBytes: Int) {
        let text = Base58.checkEncode([0x80] + [UInt8](repeating: 0x11, count: keyBytes))
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "WIF must be 33 or 34 bytes, got \(keyBytes + 1)")) {
            try WIF(text)
        }
    }

    @Test func refusesEmptyPayload() {
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "not a WIF key: version byte missing")) {
            try WIF(Base58.checkEncode([]))
        }
    }

    /// 0, n and n+1 (compressed) are not private keys.
    @Test(arguments: [
        "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAbuatmU",
        "5Km2kuu7vtFDPpxywn4u3NLpbr5jKpTB3jsuDU2KYEqetwr388P",
        "L5oLkpV3aqBjhki6LmvChTCV6odsp4SXM6FfU2Gppt5kGLN5THFW",
    ])
    func refusesScalarOutOfRange(text: String) {
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "0 or not below the curve order")) { try WIF(text) }
    }

    @Test func refusesBadChecksum() {
        #expect(throws: BIP38Error.badChecksum) { try WIF("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK") }
    }

    @Test func privateKeyRefusesWrongLengthAndRange() {
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "must be 32 bytes, got 31")) {
            try PrivateKey(scalar: SecretBytes(copying: [UInt8](repeating: 1, count: 31)))
        }
        #expect(throws: BIP38Error.invalidPrivateKey(reason: "0 or not below the curve order")) {
            try PrivateKey(scalar: SecretBytes(copying: Secp256k1.order))
        }
    }

    @Test func privateKeyAddresses() throws {
        let key = try PrivateKey(scalar: SecretBytes(copying: [UInt8](hexString: Self.keyHex)!))
        #expect(key.address(format: .uncompressed, network: .mainnet).text == "1GAehh7TsJAHuUAeKZcXf5CnwuGuGgyX2S")
        #expect(key.address(format: .compressed, network: .mainnet).text == "1LoVGDgRs9hTfTNJNuXKSpywcbdvwRXpmK")
    }
}
