import CryptoCore
import Foundation
import TestSupport
import Testing

/// `bip38 explain ceremony`: one card through both sites, reproducible from a
/// seed, with the key as the product of the shares and the failure demo.
@Suite struct ExplainCeremonyWalks {
    /// One walk shared by the tests below (each ceremony costs three heavy scrypts).
    static let cardOne = Result { try ExplainedWalk.run(["ceremony", "--seed", "card 1"]) }

    @Test("--seed reproduces the walk; another seed gives another card")
    func reproducible() throws {
        let first = try ExplainedWalk(result: Self.cardOne.get())
        let again = try ExplainedWalk(["ceremony", "--seed", "card 1"])
        let other = try ExplainedWalk(["ceremony", "--seed", "card 2"])
        #expect(first.operation == "ceremony")
        #expect(first.result.stdout == again.result.stdout)
        #expect(first.result.stdout != other.result.stdout)
        for name in ["passphrase", "ownerentropy", "seedb", "encrypted_key", "address", "private_key"] {
            #expect(
                try first.output(name)["hex"] as? String != other.output(name)["hex"] as? String
                    || first.output(name)["text"] as? String != other.output(name)["text"] as? String, "\(name)")
        }
        first.expectWellFormed()

        // The key from A's passfactor times B's factorb is the key decryption gives, and site A
        // with the encrypted key gets it too.
        let key = try first.hex("private_key")
        #expect(try first.hex("private_key_from_shares") == key)
        #expect(try first.hex("private_key_by_site_a") == key)
        #expect(try first.hex("seedb_recovered") == first.hex("seedb"))
        let product = try Secp256k1.multiply(
            SecretBytes(copying: try #require([UInt8](hexString: try first.hex("passfactor")))),
            SecretBytes(copying: try #require([UInt8](hexString: try first.hex("factorb")))))
        #expect(product.revealedHex() == key)
        #expect(try first.text("passphrase").count == 12)
    }

    @Test("who knows what follows Docs/Design.md's table in the honest part of the walk")
    func knowledge() throws {
        let walk = try ExplainedWalk(result: Self.cardOne.get())
        let honest = walk.steps.filter { !(($0["name"] as? String) ?? "").hasPrefix("encrypted key at site A") }
        let values = honest.flatMap {
            (($0["inputs"] as? [[String: Any]]) ?? []) + (($0["outputs"] as? [[String: Any]]) ?? [])
        }
        for value in values {
            let name = value["name"] as? String ?? ""
            let knownBy = Set(value["known_by"] as? [String] ?? [])
            if ["seedb", "factorb", "encrypted_key", "encryptedpart1", "encryptedpart2"].contains(name) {
                #expect(!knownBy.contains("site_a"), "\(name): \(knownBy)")
            }
            if ["passphrase", "prefactor", "passfactor"].contains(name) {
                #expect(!knownBy.contains("site_b"), "\(name): \(knownBy)")
            }
            if name.hasPrefix("private_key") { #expect(knownBy == ["card_holder"], "\(name)") }
        }
        // In the failure demo, site A learns seedb and the key.
        #expect(try walk.knownBy("seedb_recovered") == ["site_a"])
        #expect(try walk.knownBy("private_key_by_site_a") == ["site_a"])
        // The B→A bundle carries no encrypted key.
        let toA = try #require(walk.steps.first { $0["name"] as? String == "site B → site A" })
        let carried = ((toA["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(carried == ["address", "confirmation_code"])
    }

    @Test("compressed, lot 0 sequence 0, testnet; text mode shows the analysis")
    func variantInText() throws {
        let json = try ExplainedWalk(
            ["ceremony", "--seed", "variant", "--compressed", "--lot", "0", "--sequence", "0", "--network", "testnet"])
        #expect(try json.hex("flag") == "24")
        #expect(try json.hex("lotsequence") == "00000000")
        #expect(try ["m", "n"].contains(json.text("address").prefix(1)))
        #expect(try json.hex("public_key").count == 66)

        let text = try ToolRunner.bip38(
            "explain", "ceremony", "--seed", "variant", "--compressed", "--lot", "0",
            "--sequence", "0", "--network", "testnet")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stderr.contains(ExplainedWalk.warning))
        for heading in [
            "the two shares together", "why site A alone cannot compute the key",
            "why site B alone cannot compute the key",
            "encrypted key at site A: the private key  [site A]",
        ] {
            #expect(text.stdout.contains(heading), "\(heading)")
        }
        #expect(text.stdout.contains("Equals the key the card holder decrypted: yes."))
        #expect(text.stdout.contains("Equals the card's private key: yes."))
        #expect(text.stdout.contains("2^59 guesses ≈ 7.3e9 core-years"))
        #expect(!text.stdout.contains(": NO"))
    }
}
