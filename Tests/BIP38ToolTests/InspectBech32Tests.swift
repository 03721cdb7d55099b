import CryptoCore
import Foundation
import TestSupport
import Testing

/// `bip38 inspect` reads the native SegWit addresses `bip38 decrypt` prints
/// (BIP173 vectors; the checksum, the case and the witness version are checked).
@Suite struct InspectBech32 {
    struct Valid: Sendable, CustomTestStringConvertible {
        let address: String
        let network: String
        let type: String
        let program: String
        var testDescription: String { address }
    }

    static let validVectors: [Valid] = [
        Valid(
            address: "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", network: "mainnet", type: "p2wpkh",
            program: "751e76e8199196d454941c45d1b3a323f1433bd6"),
        Valid(
            address: "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", network: "testnet",
            type: "p2wsh", program: "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
    ]

    @Test("BIP173's valid version 0 addresses", arguments: validVectors)
    func valid(_ vector: Valid) throws {
        let json = try ToolRunner.bip38("inspect", vector.address, "--json").json()
        #expect(json["kind"] as? String == "address")
        #expect(json["type"] as? String == vector.type)
        #expect(json["network"] as? String == vector.network)
        #expect(json["witness_program"] as? String == vector.program)
        // BIP38's addresshash is over the address text, lower-cased as BIP173 prints it.
        let text = Array(vector.address.lowercased().utf8)
        #expect(json["addresshash"] as? String == SHA256.doubleHash(text).prefix(4).hex)
    }

    @Test(
        "invalid bech32 is refused in one line naming the cause",
        arguments: [
            ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bad checksum"),
            ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "a version 0 program of 16 bytes, not 20 or 32"),
            ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "bad padding after the program"),
            ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "mixes upper and lower case"),
            ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "witness version 2, not 0"),
            ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kb8f3t4", "character 'b' is not in the bech32 charset"),
            ("bc1gmk9yu", "too short for a version and a checksum"),
        ])
    func invalid(_ text: String, _ cause: String) throws {
        let result = try ToolRunner.bip38("inspect", text)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("bip38: address: "), "\(result.stderr)")
        #expect(result.stderr.contains(cause), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
