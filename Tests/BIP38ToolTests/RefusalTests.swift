import Foundation
import TestSupport
import Testing

/// Every refusal is one line on stderr naming the cause, and a non-zero exit.
@Suite struct RefusalsThroughCLI {
    static let ecKey = "6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j"
    static let confirmation = "cfrm38V8aXBn7JWA1ESmFMUn6erxeBGZGAxJPY4e36S9QWkzZKtaVqLNMgnifETYw7BPwWC9aPD"
    static let nonECKey = "6PRVWUbkzzsbcVac2qwfssoUJAN1Xhrg6bNk8J7Nzm5H7kxEbn2Nh2ZoGg"

    private func expectRefusal(_ result: ToolRunner.Result, status: Int32 = 1, containing cause: String) {
        #expect(result.status == status)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(cause), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func wrongPassphraseOnDecrypt() throws {
        expectRefusal(
            try ToolRunner.bip38("decrypt", Self.ecKey, "--passphrase-file", "-", input: "MOLON LABF\n"),
            containing: "wrong passphrase")
        expectRefusal(
            try ToolRunner.bip38("decrypt", Self.nonECKey, "--passphrase-file", "-", input: "nope"),
            containing: "wrong passphrase")
    }

    @Test func wrongPassphraseOnConfirm() throws {
        expectRefusal(
            try ToolRunner.bip38("confirm", Self.confirmation, "--passphrase-file", "-", input: "molon labe"),
            containing: "wrong passphrase")
    }

    @Test func wrongNetworkIsNamed() throws {
        expectRefusal(
            try ToolRunner.bip38(
                "decrypt", Self.ecKey, "--network", "testnet", "--passphrase-file", "-",
                input: "MOLON LABE"),
            containing: "made for mainnet, not testnet")
    }

    @Test func badChecksum() throws {
        var text = Array(Self.ecKey)
        text[text.count - 1] = text.last == "j" ? "k" : "j"
        expectRefusal(try ToolRunner.bip38("inspect", String(text)), containing: "bad checksum")
        expectRefusal(
            try ToolRunner.bip38("decrypt", String(text), "--passphrase-file", "-", input: "x"),
            containing: "encrypted key: bad checksum")
    }

    @Test func wrongKindOfString() throws {
        // An intermediate code where an encrypted key is expected.
        let code = "passphraseaB8feaLQDENqCgr4gKZpmf4VoaT6qdjJNJiv7fsKvjqavcJxvuR1hy25aTu5sX"
        expectRefusal(
            try ToolRunner.bip38("decrypt", code, "--passphrase-file", "-", input: "x"),
            containing: "wrong length: an encrypted key must be 39 bytes, got 49")
        expectRefusal(try ToolRunner.bip38("generate", Self.ecKey), containing: "wrong length")
        expectRefusal(try ToolRunner.bip38("inspect", "0OIl"), containing: "invalid base58 character")
    }

    @Test func privateKeyOnTheCommandLineIsRefused() throws {
        expectRefusal(
            try ToolRunner.bip38("inspect", "5KN7MzqK5wt2TP1fQCYyHBtDrXdJuXbUzm4A9rKAteGu3Qi5CVR"),
            containing: "private key (WIF)")
    }

    @Test func noPassphraseSourceWithoutATerminal() throws {
        // Standard input is a pipe here, so there is no prompt to fall back on.
        expectRefusal(try ToolRunner.bip38("decrypt", Self.ecKey), containing: "give --passphrase-file")
    }

    @Test func passphraseFileProblemsNameTheFile() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("absent").path
        expectRefusal(
            try ToolRunner.bip38("decrypt", Self.ecKey, "--passphrase-file", missing),
            containing: "\(missing): cannot open")
        let empty = try folder.secretFile("empty", "\n")
        expectRefusal(
            try ToolRunner.bip38("intermediate", "--passphrase-file", empty), containing: "\(empty): empty")
        let huge = try folder.secretFile("huge", String(repeating: "a", count: 5000))
        expectRefusal(
            try ToolRunner.bip38("decrypt", Self.ecKey, "--passphrase-file", huge),
            containing: "larger than 4096 bytes")
    }

    @Test(
        "decrypt and confirm read an empty passphrase (one warning line, then the scrypt runs); making keys refuses one"
    )
    func emptyPassphraseOpensButNeverMakes() throws {
        let folder = try TemporaryFolder()
        for contents in ["", "\n", "\r\n"] {
            let empty = try folder.secretFile("empty-\(contents.utf8.count)", contents)
            for arguments in [["decrypt", Self.ecKey], ["decrypt", Self.nonECKey], ["confirm", Self.confirmation]] {
                let result = try ToolRunner.run("bip38", arguments + ["--passphrase-file", empty])
                #expect(result.status == 1)
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 2, "\(arguments): \(result.stderr)")
                #expect(lines.first == "bip38: warning: \(empty): the passphrase is empty", "\(result.stderr)")
                #expect(lines.last?.hasSuffix(": wrong passphrase") == true, "\(result.stderr)")
            }
            expectRefusal(
                try ToolRunner.bip38("intermediate", "--passphrase-file", empty), containing: "\(empty): empty")
            let key = try folder.secretFile(
                "key-\(contents.utf8.count)", "5KN7MzqK5wt2TP1fQCYyHBtDrXdJuXbUzm4A9rKAteGu3Qi5CVR")
            expectRefusal(
                try ToolRunner.bip38("encrypt", "--key-file", key, "--passphrase-file", empty),
                containing: "\(empty): empty")
        }
    }

    @Test("a passphrase file of 4096 bytes and a newline is read; 4097 and a newline is refused")
    func passphraseLimitCountsNoNewline() throws {
        let folder = try TemporaryFolder()
        let full = try folder.secretFile("full", String(repeating: "a", count: 4096) + "\n")
        let made = try ToolRunner.bip38("intermediate", "--passphrase-file", full)
        #expect(made.status == 0, "\(made.stderr)")
        let over = try folder.secretFile("over", String(repeating: "a", count: 4097) + "\n")
        expectRefusal(
            try ToolRunner.bip38("intermediate", "--passphrase-file", over), containing: "larger than 4096 bytes")
    }

    @Test func usageErrorsExit64() throws {
        let lotOnly = try ToolRunner.bip38("intermediate", "--lot", "5", "--passphrase-file", "-", input: "x")
        #expect(lotOnly.status == 64)
        #expect(lotOnly.stderr.contains("give both --lot and --sequence"))
        let lotTooBig = try ToolRunner.bip38(
            "intermediate", "--lot", "1048576", "--sequence", "0", "--passphrase-file", "-", input: "x")
        #expect(lotTooBig.status == 64)
        #expect(lotTooBig.stderr.contains("lot 1048576 out of range"))
        let sequenceTooBig = try ToolRunner.bip38(
            "intermediate", "--lot", "0", "--sequence", "4096", "--passphrase-file", "-", input: "x")
        #expect(sequenceTooBig.status == 64)
        #expect(try ToolRunner.bip38("decrypt").status == 64)
        #expect(try ToolRunner.bip38("frobnicate").status == 64)
        let bothStdin = try ToolRunner.bip38("encrypt", "--key-file", "-", "--passphrase-file", "-")
        #expect(bothStdin.status == 64)
    }

    @Test func noSecretOptionTakesTheSecretItself() throws {
        // There is no --passphrase or --key option at all.
        for sub in ["encrypt", "decrypt", "intermediate", "confirm"] {
            let help = try ToolRunner.bip38(sub, "--help")
            #expect(help.status == 0)
            #expect(!help.stdout.contains("--passphrase ") && !help.stdout.contains("--key "))
            #expect(!help.stdout.contains("--passphrase <") && !help.stdout.contains("--key <"))
        }
    }
}
