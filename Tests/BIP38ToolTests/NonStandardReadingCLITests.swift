import BIP38
import Foundation
import TestSupport
import Testing

/// `bip38 decrypt` and `confirm` open keys made from a malformed intermediate code and say so.
@Suite struct NonStandardReadingThroughCLI {
    /// The malformed code: passphrase "MOLON LABE" with the 8-byte-salt derivation, labelled as lot/sequence (magic 51).
    static func malformedCode() throws -> String {
        let salt: [UInt8] = [0xd7, 0xeb, 0xe4, 0x2c, 0xf4, 0x2a, 0x79, 0xf4]
        let owner = try OwnerFactors(
            passphrase: Passphrase("MOLON LABE"), ownerEntropy: OwnerEntropy(ownerSalt: salt, lotSequence: nil))
        var bytes = owner.intermediateCode.bytes
        bytes[7] = 0x51
        return try IntermediateCode(bytes: bytes).text
    }

    @Test func decryptSaysWhichReadingWorked() throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("p", "MOLON LABE")
        let code = try Self.malformedCode()
        let generated = try ToolRunner.bip38("generate", code, "--json")
        #expect(generated.status == 0, "\(generated.stderr)")
        let card = try generated.json()
        let decrypted = try ToolRunner.bip38(
            "decrypt", try #require(card["encrypted_key"] as? String), "--passphrase-file", passphrase, "--json")
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        let json = try decrypted.json()
        #expect(json["reading"] as? String == "non-standard-8-byte-salt")
        #expect(json["address"] as? String == card["address"] as? String)
        #expect(
            decrypted.stderr.contains("note: opened only by reading flag 0x04's ownerentropy as an 8-byte ownersalt"))
        let confirmed = try ToolRunner.bip38(
            "confirm", try #require(card["confirmation_code"] as? String), "--passphrase-file", passphrase, "--json")
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(try confirmed.json()["reading"] as? String == "non-standard-8-byte-salt")
    }

    @Test func standardKeysReportTheSpecificationsReading() throws {
        let result = try ToolRunner.bip38(
            "decrypt", "6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j", "--passphrase-file", "-", "--json",
            input: "MOLON LABE")
        #expect(try result.json()["reading"] as? String == "bip38")
        #expect(result.stderr.isEmpty)
    }
}
