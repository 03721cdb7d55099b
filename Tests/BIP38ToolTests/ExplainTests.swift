import CryptoCore
import Foundation
import TestSupport
import Testing

/// `bip38 explain intermediate|generate|confirm|decrypt`, walked over the
/// specification's vector and the deterministic vectors: every printed value
/// that a vector pins is checked.
@Suite struct ExplainWalks {
    static func lotSequenceVector() throws -> SpecVector {
        try #require(try SpecVector.all().first { $0.id == "ec-uncompressed-lotseq-1" })
    }

    @Test("the spec's ec-uncompressed-lotseq-1, walked op by op")
    func specVector() throws {
        let vector = try Self.lotSequenceVector()
        let code = try #require(vector.passphraseCode)
        let confirmationCode = try #require(vector.confirmationCode)
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase + "\n")
        let inspected = try ToolRunner.bip38("inspect", code, "--json").json()
        let ownersalt = try #require(inspected["ownersalt"] as? String)

        let owner = try ExplainedWalk([
            "intermediate", "--passphrase-file", passphrase, "--ownersalt", ownersalt,
            "--lot", String(try #require(vector.lot)), "--sequence", String(try #require(vector.sequence)),
        ])
        #expect(owner.operation == "intermediate")
        #expect(try owner.text("intermediate_code") == code)
        #expect(try owner.hex("passpoint") == inspected["passpoint"] as? String)
        #expect(try owner.knownBy("passfactor") == ["site_a", "card_holder"])
        owner.expectWellFormed()

        let decrypted = try ExplainedWalk(["decrypt", vector.encryptedKey, "--passphrase-file", passphrase])
        #expect(try decrypted.hex("private_key") == vector.unencryptedHex?.lowercased())
        #expect(try decrypted.text("wif") == vector.unencryptedWIF)
        #expect(try decrypted.text("address") == vector.bitcoinAddress)
        #expect(try decrypted.hex("passpoint") == owner.hex("passpoint"))
        #expect(try decrypted.hex("passfactor") == owner.hex("passfactor"))
        #expect(try decrypted.knownBy("private_key") == ["card_holder"])
        #expect(try decrypted.knownBy("seedb") == ["site_b", "card_holder"])
        decrypted.expectWellFormed()

        let confirmed = try ExplainedWalk(["confirm", confirmationCode, "--passphrase-file", passphrase])
        #expect(try confirmed.text("address") == vector.bitcoinAddress)
        #expect(try confirmed.hex("passpoint") == owner.hex("passpoint"))
        #expect(try confirmed.knownBy("address") == ["public"])

        // The spec gives no seedb; the one decryption recovers makes the spec's key and code again.
        let generated = try ExplainedWalk(["generate", code, "--seedb", try decrypted.hex("seedb")])
        #expect(try generated.text("encrypted_key") == vector.encryptedKey)
        #expect(try generated.text("confirmation_code") == confirmationCode)
        #expect(try generated.text("address") == vector.bitcoinAddress)
        #expect(try generated.hex("factorb") == decrypted.hex("factorb"))
        #expect(try generated.hex("pointb") == confirmed.hex("pointb"))
        #expect(try generated.knownBy("encrypted_key") == ["site_b", "card_holder"])
        generated.expectWellFormed()
    }

    @Test(
        "deterministic vectors: fixed ownersalt and seedb reproduce every output",
        arguments: try DeterministicVector.all())
    func deterministic(_ vector: DeterministicVector) throws {
        let folder = try TemporaryFolder()
        let passphrase = try folder.secretFile("passphrase", vector.passphrase)
        var ownerArguments = ["intermediate", "--passphrase-file", passphrase, "--ownersalt", vector.ownerSaltHex]
        if let lot = vector.lot, let sequence = vector.sequence {
            ownerArguments += ["--lot", String(lot), "--sequence", String(sequence)]
        }
        let owner = try ExplainedWalk(ownerArguments)
        #expect(try owner.text("intermediate_code") == vector.intermediateCode)

        let generated = try ExplainedWalk(
            ["generate", vector.intermediateCode, "--seedb", vector.seedbHex]
                + (vector.compressed ? ["--compressed"] : []))
        #expect(try generated.hex("seedb") == vector.seedbHex)
        #expect(try generated.hex("flag") == vector.flagHex)
        #expect(try generated.text("encrypted_key") == vector.encryptedKey)
        #expect(try generated.text("confirmation_code") == vector.confirmationCode)
        #expect(try generated.text("address") == vector.bitcoinAddress)
        #expect(try generated.hex("passpoint") == owner.hex("passpoint"))

        let decrypted = try ExplainedWalk(["decrypt", vector.encryptedKey, "--passphrase-file", passphrase])
        #expect(try decrypted.hex("seedb") == vector.seedbHex)
        #expect(try decrypted.text("address") == vector.bitcoinAddress)
        // The key is the product of the two sites' shares, computed here independently.
        let product = try Secp256k1.multiply(
            SecretBytes(copying: try #require([UInt8](hexString: try owner.hex("passfactor")))),
            SecretBytes(copying: try #require([UInt8](hexString: try generated.hex("factorb")))))
        #expect(try decrypted.hex("private_key") == product.revealedHex())

        let confirmed = try ExplainedWalk(["confirm", vector.confirmationCode, "--passphrase-file", passphrase])
        #expect(try confirmed.text("address") == vector.bitcoinAddress)
    }

    @Test("--seed reproduces a walk; without it seedb is fresh")
    func seeds() throws {
        let code = try Self.lotSequenceVector().passphraseCode!
        let first = try ExplainedWalk(["generate", code, "--seed", "lesson 1"])
        let again = try ExplainedWalk(["generate", code, "--seed", "lesson 1"])
        #expect(first.result.stdout == again.result.stdout)
        let expected = SHA256.hash(Array("lesson 1".utf8) + [0] + Array("seedb".utf8)).prefix(24).hex
        #expect(try first.hex("seedb") == expected)
        let fresh1 = try ExplainedWalk(["generate", code])
        let fresh2 = try ExplainedWalk(["generate", code])
        #expect(try fresh1.hex("seedb") != fresh2.hex("seedb"))
    }

    @Test("text mode: numbered steps, formulas, role marks, parties, and the warning on stderr")
    func textMode() throws {
        let vector = try #require(try DeterministicVector.all().first { !$0.compressed })
        let result = try ToolRunner.bip38("explain", "generate", vector.intermediateCode, "--seedb", vector.seedbHex)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(ExplainedWalk.warning))
        #expect(!result.stdout.contains(ExplainedWalk.warning))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("bip38 explain generate: ") == true)
        #expect(lines.contains("3. seedb and factorb: site B's share of the private key  [site B]"))
        #expect(lines.contains("   seedb = 24 random bytes;  factorb = SHA256(SHA256(seedb))"))
        #expect(
            lines.contains { $0.hasPrefix("     out  seedb    SHARE 2   B holder") && $0.hasSuffix(vector.seedbHex) })
        #expect(
            lines.contains {
                $0.contains("out  address") && $0.contains("public") && $0.hasSuffix(vector.bitcoinAddress)
            })
        // The key does not fit after the columns: it continues on the next, indented line.
        let keyLine = try #require(lines.firstIndex { $0.hasPrefix("     out  encrypted_key") })
        #expect(lines[keyLine + 1].hasPrefix("                        \(vector.encryptedKey)  (hex "))
    }

    @Test("help lists the five walks and documents the JSON shape")
    func help() throws {
        let result = try ToolRunner.bip38("explain", "--help")
        #expect(result.status == 0)
        // Help wraps to the terminal: compare with the line breaks as spaces.
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for word in [
            "intermediate", "generate", "confirm", "decrypt", "ceremony", "\"known_by\"", "\"performed_by\"",
            "\"site_a\", \"site_b\", \"card_holder\", \"public\"", "SHA256(TEXT || 0x00 || label)",
            "\"role\"", "\"conclusion\"", "SHARE 1, SHARE 2, KEY, SEALED 2",
        ] {
            #expect(help.contains(word), "\(word)")
        }
        #expect(try ToolRunner.bip38("--help").stdout.contains("explain"))
    }

    @Test("refusals: one line after the warning, or a usage error")
    func refusals() throws {
        let vector = try Self.lotSequenceVector()
        let notAKey = try ToolRunner.bip38("explain", "decrypt", "6PRVWUbkzz", "--passphrase-file", "-", input: "x")
        #expect(notAKey.status == 1)
        #expect(notAKey.stderr.hasSuffix("bip38: encrypted key: bad checksum\n"), "\(notAKey.stderr)")
        #expect(notAKey.stdout.isEmpty)

        let code = try #require(vector.passphraseCode)
        for arguments in [
            ["intermediate", "--passphrase-file", "-", "--ownersalt", "4fca5a97"],  // 4 bytes without lot/sequence
            ["intermediate", "--passphrase-file", "-", "--lot", "1"],
            [
                "intermediate", "--passphrase-file", "-", "--ownersalt", "4fca5a97", "--lot", "1", "--sequence", "1",
                "--seed", "x",
            ],
            ["generate", code, "--seedb", "00"],
            ["generate", code, "--seedb", String(repeating: "00", count: 24), "--seed", "x"],
            ["ceremony", "--lot", "1048576", "--sequence", "0"],
        ] {
            let result = try ToolRunner.run("bip38", ["explain"] + arguments, input: "x")
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }
}

/// The JSON of one `bip38 explain ... --json` run, with look-ups by value name.
struct ExplainedWalk {
    static let warning = "bip38 explain: WARNING: this walk prints secrets in the clear"
    static let parties: Set<String> = ["site_a", "site_b", "card_holder", "public"]
    static let roles: Set<String> = ["share_1", "share_2", "share_2_sealed", "key", "no_share", "opens_key", "public"]
    static let secretRoles: Set<String> = ["share_1", "share_2", "key", "opens_key"]

    let result: ToolRunner.Result
    let operation: String
    let steps: [[String: Any]]
    /// The walk's last sentence: what it proved.
    let conclusion: String

    /// Runs `bip38 explain arguments... --json`; expects exit 0 and the warning on stderr.
    init(_ arguments: [String], input: String? = nil) throws {
        try self.init(result: try Self.run(arguments, input: input))
    }

    /// The raw run of `bip38 explain arguments... --json`, for a walk shared between tests.
    static func run(_ arguments: [String], input: String? = nil) throws -> ToolRunner.Result {
        try ToolRunner.run("bip38", ["explain"] + arguments + ["--json"], input: input)
    }

    /// Reads a finished run; expects exit 0 and the warning on stderr.
    init(result: ToolRunner.Result) throws {
        self.result = result
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(Self.warning), "stderr: \(result.stderr)")
        let json = try result.json()
        operation = try #require(json["operation"] as? String)
        steps = try #require(json["steps"] as? [[String: Any]])
        conclusion = try #require(json["conclusion"] as? String)
    }

    /// Every value of every step, outputs or inputs, in order.
    func values(_ role: String = "outputs") -> [[String: Any]] {
        steps.flatMap { ($0[role] as? [[String: Any]]) ?? [] }
    }

    /// The first output named `name`.
    func output(_ name: String) throws -> [String: Any] {
        try #require(values().first { $0["name"] as? String == name }, "no output \(name) in \(operation)")
    }

    func hex(_ name: String) throws -> String { try #require(try output(name)["hex"] as? String) }
    func text(_ name: String) throws -> String { try #require(try output(name)["text"] as? String) }
    func role(_ name: String) throws -> String { try #require(try output(name)["role"] as? String) }
    func knownBy(_ name: String) throws -> Set<String> { Set(try #require(try output(name)["known_by"] as? [String])) }

    /// Checks the documented shape: every step has a name, a formula and a known
    /// performer; every value a name, a hex or text form, a secret flag and known parties.
    func expectWellFormed() {
        #expect(!steps.isEmpty)
        #expect(conclusion.count > 20, "\(operation): \(conclusion)")
        for step in steps {
            #expect(!((step["name"] as? String) ?? "").isEmpty)
            #expect(!((step["formula"] as? String) ?? "").isEmpty)
            #expect(step["performed_by"] is NSNull || Self.parties.contains(step["performed_by"] as? String ?? "?"))
            #expect(step["notes"] is [String])
        }
        for value in values("inputs") + values("outputs") {
            #expect(value["hex"] is String || value["text"] is String, "\(value)")
            let role = value["role"] as? String ?? "?"
            #expect(Self.roles.contains(role), "\(value)")
            #expect(value["secret"] as? Bool == Self.secretRoles.contains(role), "\(value)")
            let knownBy = (value["known_by"] as? [String]) ?? []
            #expect(!knownBy.isEmpty && Set(knownBy).isSubset(of: Self.parties), "\(value)")
        }
    }
}
