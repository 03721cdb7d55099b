import Foundation
import TestSupport
import Testing

/// The two-factor flow through the command line, with fresh randomness:
/// owner makes a code, key site generates, owner confirms and decrypts.
@Suite struct WorkflowThroughCLI {
    struct Case: Sendable, CustomTestStringConvertible {
        let lot: Int?
        let sequence: Int?
        let compressed: Bool
        let network: String
        var testDescription: String {
            "\(lot.map { "lot \($0) seq \(sequence!)" } ?? "no lot/seq"), \(compressed ? "compressed" : "uncompressed"), \(network)"
        }
    }

    static let cases = [
        Case(lot: 0, sequence: 0, compressed: true, network: "mainnet"),
        Case(lot: 1_048_575, sequence: 4095, compressed: false, network: "testnet"),
        Case(lot: nil, sequence: nil, compressed: true, network: "testnet"),
    ]

    @Test("intermediate → generate → confirm → decrypt agree", arguments: cases)
    func flow(_ c: Case) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", "correct horse ϓ\n")
        var intermediateArguments = ["intermediate", "--passphrase-file", passphrase, "--json"]
        if let lot = c.lot, let sequence = c.sequence {
            intermediateArguments += ["--lot", String(lot), "--sequence", String(sequence)]
        }
        let owner = try ToolRunner.run("bip38", intermediateArguments)
        #expect(owner.status == 0, "\(owner.stderr)")
        let code = try #require(try owner.json()["intermediate_code"] as? String)
        #expect(code.hasPrefix("passphrase"))

        var generateArguments = ["generate", code, "--network", c.network, "--json"]
        if c.compressed { generateArguments.append("--compressed") }
        let site = try ToolRunner.run("bip38", generateArguments)
        #expect(site.status == 0, "\(site.stderr)")
        let card = try site.json()
        let address = try #require(card["address"] as? String)
        #expect(card["lot"] as? Int == c.lot)
        #expect(card["sequence"] as? Int == c.sequence)
        #expect(card["compressed"] as? Bool == c.compressed)

        let confirmed = try ToolRunner.bip38(
            "confirm", try #require(card["confirmation_code"] as? String), "--passphrase-file", passphrase,
            "--network", c.network, "--json")
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(try confirmed.json()["address"] as? String == address)

        let decrypted = try ToolRunner.bip38(
            "decrypt", try #require(card["encrypted_key"] as? String), "--passphrase-file", passphrase,
            "--network", c.network, "--json")
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        let key = try decrypted.json()
        #expect(key["address"] as? String == address)
        #expect(key["ec_multiply"] as? Bool == true)
        #expect(key["lot"] as? Int == c.lot)
        let segwit = key["segwit_address"] as? String
        #expect(c.compressed ? segwit?.hasPrefix(c.network == "mainnet" ? "bc1q" : "tb1q") == true : segwit == nil)

        // Re-encrypting the recovered key in non-EC mode and decrypting it again gives the same address.
        let keyFile = try folder.secretFile("key", try #require(key["wif"] as? String))
        let reencrypted = try ToolRunner.bip38(
            "encrypt", "--key-file", keyFile, "--passphrase-file", passphrase, "--json")
        #expect(reencrypted.status == 0, "\(reencrypted.stderr)")
        #expect(try reencrypted.json()["address"] as? String == address)
    }
}
