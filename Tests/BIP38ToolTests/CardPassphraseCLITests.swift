import BIP38
import Foundation
import TestSupport
import Testing

/// `bip38 decrypt` and `confirm` read a card passphrase typed loosely, and say which form worked.
@Suite struct CardPassphraseThroughCLI {
    static let printed = "7K3M-Q9XA-2B4C-HJN5-RTV0"
    /// Lower case, no dashes, O for 0.
    static let typed = "7k3mq9xa2b4chjn5rtvo"

    static let card: GeneratedKey = {
        let owner = try! IntermediateCode.make(
            passphrase: Passphrase(printed), lotSequence: LotSequence(lot: 12, sequence: 34))
        return try! owner.intermediateCode.generateKey(format: .compressed, network: .mainnet)
    }()

    @Test func decryptOpensTheKeyFromTheCanonicalFormAndSaysSo() throws {
        let folder = try TemporaryFolder()
        let key = Self.card.encryptedKey.text
        let exact = try ToolRunner.bip38(
            "decrypt", key, "--passphrase-file", folder.secretFile("exact", Self.printed + "\n"), "--json")
        #expect(exact.status == 0, "\(exact.stderr)")
        let loose = try ToolRunner.bip38(
            "decrypt", key, "--passphrase-file", folder.secretFile("loose", Self.typed + "\n"), "--json")
        #expect(loose.status == 0, "\(loose.stderr)")
        let exactJSON = try exact.json()
        let looseJSON = try loose.json()
        #expect(exactJSON["passphrase_form"] as? String == "exact")
        #expect(looseJSON["passphrase_form"] as? String == "canonical")
        #expect(looseJSON["wif"] as? String == exactJSON["wif"] as? String)
        #expect(looseJSON["private_key_hex"] as? String == exactJSON["private_key_hex"] as? String)
        #expect(looseJSON["address"] as? String == Self.card.address.text)
        #expect(looseJSON["reading"] as? String == "bip38")
        #expect(loose.stderr.isEmpty, "\(loose.stderr)")
        // Never the passphrase in the output, in either form.
        for text in [Self.printed, Self.typed, Self.printed.replacingOccurrences(of: "-", with: "")] {
            #expect(!loose.stdout.contains(text) && !loose.stderr.contains(text))
        }
        let text = try ToolRunner.bip38("decrypt", key, "--passphrase-file", "-", input: Self.typed)
        #expect(text.stdout.split(separator: "\n").contains("passphrase_form  canonical"), "\(text.stdout)")
    }

    @Test func confirmChecksTheCodeFromTheCanonicalFormAndSaysSo() throws {
        let code = Self.card.confirmationCode.text
        let loose = try ToolRunner.bip38("confirm", code, "--passphrase-file", "-", "--json", input: Self.typed)
        #expect(loose.status == 0, "\(loose.stderr)")
        #expect(try loose.json()["passphrase_form"] as? String == "canonical")
        #expect(try loose.json()["address"] as? String == Self.card.address.text)
        let exact = try ToolRunner.bip38("confirm", code, "--passphrase-file", "-", "--json", input: Self.printed)
        #expect(try exact.json()["passphrase_form"] as? String == "exact")
    }

    @Test func aWrongCardPassphraseIsTheUsualOneLineError() throws {
        let wrong = "7k3m q9xa 2b4c hjn5 rtvw"
        for (command, argument, file) in [
            ("decrypt", Self.card.encryptedKey.text, "encrypted key"),
            ("confirm", Self.card.confirmationCode.text, "confirmation code"),
        ] {
            let result = try ToolRunner.bip38(command, argument, "--passphrase-file", "-", "--json", input: wrong)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "bip38: \(file): wrong passphrase\n", "\(command): \(result.stderr)")
        }
    }

    @Test func explainWalksTheCanonicalFormAndSaysSo() throws {
        let decrypt = try ToolRunner.bip38(
            "explain", "decrypt", Self.card.encryptedKey.text, "--passphrase-file", "-", "--json", input: Self.typed)
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        #expect(try decrypt.json()["passphrase_form"] as? String == "canonical")
        let confirm = try ToolRunner.bip38(
            "explain", "confirm", Self.card.confirmationCode.text, "--passphrase-file", "-", input: Self.typed)
        #expect(confirm.status == 0, "\(confirm.stderr)")
        #expect(confirm.stdout.contains("Passphrase form: canonical"), "\(confirm.stdout)")
        // The walk's passphrase is the canonical form that matched.
        #expect(confirm.stdout.contains(Self.printed))
        let exact = try ToolRunner.bip38(
            "explain", "confirm", Self.card.confirmationCode.text, "--passphrase-file", "-", "--json",
            input: Self.printed)
        #expect(try exact.json()["passphrase_form"] as? String == "exact")
    }

    @Test func theHelpStatesTheTries() throws {
        for command in ["decrypt", "confirm"] {
            let help = try ToolRunner.bip38(command, "--help")
            let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("at most 2 tries"), "\(command): \(help.stdout)")
            #expect(flat.contains("passphrase_form"))
        }
    }
}
