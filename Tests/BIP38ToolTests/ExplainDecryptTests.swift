import Foundation
import TestSupport
import Testing

/// `bip38 explain decrypt` over non-EC keys and wrong passphrases, the roles that
/// mark each value, the sentence that ends every walk, and the 100-column text.
@Suite struct ExplainDecryptWalks {
    static func nonECVectors() throws -> [SpecVector] { try SpecVector.all().filter { $0.mode == "non-ec" } }

    @Test("non-EC spec vectors: scrypt, AES and the address hash give the spec's key", arguments: try nonECVectors())
    func nonEC(_ vector: SpecVector) throws {
        let walk = try ExplainedWalk(
            ["decrypt", vector.encryptedKey, "--passphrase-file", "-"], input: vector.passphrase)
        walk.expectWellFormed()
        #expect(
            walk.steps.map { $0["name"] as? String } == [
                "read the encrypted key", "derivedhalf1 and derivedhalf2: the heavy scrypt", "decrypt the two halves",
                "check the address",
            ])
        if let hex = vector.unencryptedHex { #expect(try walk.hex("private_key") == hex.lowercased()) }
        #expect(try walk.text("wif") == vector.unencryptedWIF)
        if let address = vector.bitcoinAddress { #expect(try walk.text("address") == address) }
        // A non-EC key has no shares: its derived halves open the key.
        #expect(try walk.role("derivedhalf1") == "opens_key")
        #expect(try walk.role("private_key") == "key")
        #expect(try walk.knownBy("derivedhalf2") == ["card_holder"])
        #expect(walk.conclusion.hasPrefix("the passphrase opens this key"))
    }

    @Test("EC-multiply roles follow the knowledge table: derived halves are no share, the key is")
    func ecRoles() throws {
        let vector = try ExplainWalks.lotSequenceVector()
        let walk = try ExplainedWalk(
            ["decrypt", vector.encryptedKey, "--passphrase-file", "-"], input: vector.passphrase)
        #expect(try walk.role("passfactor") == "share_1")
        #expect(try walk.role("seedb") == "share_2")
        #expect(try walk.role("derivedhalf1") == "no_share")
        #expect(try walk.role("passpoint") == "no_share")
        #expect(try walk.role("address") == "public")
        #expect(try walk.role("private_key") == "key")
        let read = try #require(walk.steps.first?["inputs"] as? [[String: Any]])
        #expect(read.first?["role"] as? String == "share_2_sealed")
        #expect(read.first?["secret"] as? Bool == false)
        #expect(walk.conclusion.contains("their product is the key of this address"))
    }

    struct WrongPassphrase: Sendable, CustomTestStringConvertible {
        let key: String
        let mode: String
        var testDescription: String { mode }
    }

    static let wrongPassphrases: [WrongPassphrase] = [
        WrongPassphrase(key: "6PRVWUbkzzsbcVac2qwfssoUJAN1Xhrg6bNk8J7Nzm5H7kxEbn2Nh2ZoGg", mode: "non-EC"),
        WrongPassphrase(key: "6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j", mode: "EC-multiply"),
    ]

    @Test("a wrong passphrase is walked to the address hash that fails, then exit 1", arguments: wrongPassphrases)
    func wrongPassphrase(_ wrong: WrongPassphrase) throws {
        let result = try ExplainedWalk.run(
            ["decrypt", wrong.key, "--passphrase-file", "-"], input: "not the passphrase")
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("bip38: encrypted key: wrong passphrase\n"), "\(result.stderr)")
        let json = try result.json()
        let steps = try #require(json["steps"] as? [[String: Any]])
        let last = try #require(steps.last)
        #expect(last["name"] as? String == "check the address")
        let notes = try #require(last["notes"] as? [String])
        #expect(notes.contains { $0.contains("does NOT match") && $0.contains("So the passphrase is wrong") })
        let conclusion = try #require(json["conclusion"] as? String)
        #expect(conclusion.hasPrefix("the address hash does not match"))

        let text = try ToolRunner.run(
            "bip38", ["explain", "decrypt", wrong.key, "--passphrase-file", "-"], input: "not the passphrase")
        #expect(text.status == 1)
        #expect(text.stdout.contains("What this proved: the address hash does not match"))
    }

    @Test("every walk's text fits in 100 columns and ends in what it proved")
    func width() throws {
        let vector = try ExplainWalks.lotSequenceVector()
        let code = try #require(vector.passphraseCode)
        let walks: [[String]] = [
            ["intermediate", "--passphrase-file", "-", "--seed", "w"], ["generate", code, "--seed", "w"],
            ["confirm", try #require(vector.confirmationCode), "--passphrase-file", "-"],
            ["decrypt", vector.encryptedKey, "--passphrase-file", "-"], ["ceremony", "--seed", "w"],
        ]
        for arguments in walks {
            let result = try ToolRunner.run("bip38", ["explain"] + arguments, input: vector.passphrase)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            for line in lines + result.stderr.split(separator: "\n") {
                #expect(line.count <= 100, "\(arguments[0]): \(line.count) columns: \(line)")
            }
            // The walk ends in its conclusion: after "What this proved:", only its wrapped lines.
            let body = lines.last?.isEmpty == true ? lines.dropLast() : lines[...]
            let proved = try #require(body.lastIndex { $0.hasPrefix("What this proved: ") }, "\(arguments[0])")
            #expect(body[proved...].allSatisfy { !$0.isEmpty && !$0.hasPrefix(" ") }, "\(arguments[0])")
            #expect(body[proved - 1].isEmpty)
        }
    }

    @Test("a long hex value continues on indented lines, in whole bytes")
    func hexContinuation() throws {
        let vector = try ExplainWalks.lotSequenceVector()
        let result = try ToolRunner.run(
            "bip38", ["explain", "decrypt", vector.encryptedKey, "--passphrase-file", "-"], input: vector.passphrase)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("     out  public_key") })
        let first = try #require(lines[start].split(separator: " ").last)
        let next = lines[start + 1]
        #expect(next.hasPrefix(String(repeating: " ", count: 24)))
        let rest = next.trimmingCharacters(in: .whitespaces)
        #expect(first.count % 2 == 0)
        // The uncompressed public key of the spec's address: 65 bytes in all.
        #expect(first.count + rest.count == 130)
        #expect((first + rest).hasPrefix("04"))
    }
}
