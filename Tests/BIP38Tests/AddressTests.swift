import BIP38
import CryptoCore
import Foundation
import Testing

/// P2PKH (Base58Check) and P2WPKH (bech32, BIP173) addresses.
@Suite struct AddressTests {
    /// The Bitcoin wiki's "Technical background of version 1 Bitcoin addresses" key.
    static let wikiKey = [UInt8](hex: "0250863ad64a87ae8a2fe83c1af1a8403cb53f53e486d8511dad8a04887e5b2352")
    /// BIP173's example key: the secp256k1 generator.
    static let generator = [UInt8](hex: "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")

    @Test func p2pkhFromPublicKey() {
        #expect(Address.p2pkh(publicKey: Self.wikiKey, network: .mainnet).text == "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        #expect(Address.p2pkh(publicKey: Self.wikiKey, network: .testnet).text == "n3svudhm7bt6j3nTT9uu1A57Cs9pKK3iXW")
    }

    @Test func p2pkhOfCompressedAndUncompressedPoint() throws {
        let g = try CurvePoint(Self.generator)
        #expect(Address.p2pkh(g, format: .compressed, network: .mainnet).text == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")
        #expect(Address.p2pkh(g, format: .uncompressed, network: .mainnet).text == "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm")
    }

    @Test func bip173MainnetP2WPKH() throws {
        let address = Address.p2wpkh(try CurvePoint(Self.generator), network: .mainnet)
        #expect(address.text == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
        #expect(address.network == .mainnet)
    }

    @Test func bip173TestnetP2WPKH() throws {
        let address = Address.p2wpkh(try CurvePoint(Self.generator), network: .testnet)
        #expect(address.text == "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")
        #expect(address.network == .testnet)
    }

    @Test func parsesP2PKHText() throws {
        let mainnet = try Address("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        #expect(mainnet.network == .mainnet)
        #expect(mainnet == Address.p2pkh(publicKey: Self.wikiKey, network: .mainnet))
        #expect(try Address("n3svudhm7bt6j3nTT9uu1A57Cs9pKK3iXW").network == .testnet)
    }

    @Test func addressHashIsTheFirstFourBytesOfSHA256dOfTheText() throws {
        let address = try Address("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        #expect(
            address.addressHash == Array(SHA256.doubleHash(Array("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs".utf8)).prefix(4)))
        #expect(address.addressHash.count == 4)
    }

    @Test func refusesOtherVersionBytes() {
        // Version 0x05 (P2SH) with the same hash.
        let p2sh = Base58.checkEncode([0x05] + [UInt8](hex: "f54a5851e9372b87810a8e60cdd2e7cfd80b6e31"))
        #expect(throws: BIP38Error.unexpectedPrefix(kind: "a P2PKH address", found: "0x05")) { try Address(p2sh) }
    }

    @Test func refusesWrongLength() {
        let short = Base58.checkEncode([0x00] + [UInt8](repeating: 1, count: 19))
        #expect(throws: BIP38Error.wrongLength(kind: "a P2PKH address", expected: 21, actual: 20)) {
            try Address(short)
        }
    }

    @Test func codableThroughText() throws {
        let address = try Address("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        let json = try JSONEncoder().encode([address])
        #expect(String(decoding: json, as: UTF8.self) == #"["1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs"]"#)
        #expect(try JSONDecoder().decode([Address].self, from: json) == [address])
    }
}
