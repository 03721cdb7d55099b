import ArgumentParser
@_spi(Explain) import BIP38
import CryptoCore

/// The throwaway passphrase of `bip38 explain ceremony`: 12 symbols of a 32-symbol
/// alphabet (60 bits), symbol i = alphabet[byte i & 31] of 12 bytes from `--seed` or
/// the system's generator. A demo value: from a seed it has no entropy at all for
/// anyone who knows the seed.
enum DemoPassphrase {
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789".utf8)
    static let length = 12
    static let bits = 60

    static func make(from bytes: SecretBytes) throws -> Passphrase {
        // Its one caller passes `length` bytes it drew itself; no input reaches this.
        precondition(bytes.count == length && alphabet.count == 32)
        let symbols = SecretBytes(count: length) { out in
            for i in 0..<length { out[i] = alphabet[Int(bytes[i] & 31)] }
        }
        return try failure(file: "demo passphrase") { () throws(BIP38Error) in try Passphrase(utf8: symbols) }
    }
}

extension Explain {
    struct Ceremony: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow one card through both sites, then show why neither site alone has its key.",
            discussion: """
                Site A draws a built-in throwaway passphrase (12 symbols, 60 bits; from --seed, else \
                random) and makes the intermediate code; site B makes seedb, the encrypted key, the \
                address and the confirmation code; site A checks the code; the card holder decrypts. \
                Then: the key from A's passfactor times B's factorb; what each site alone holds and \
                would need, with the passphrase brute-force cost; and site A computing the key once an \
                encrypted key reaches it. Default serial: lot 1, sequence 1.
                """)

        @OptionGroup var seed: SeedOption
        @Flag(help: "Use the compressed public key for the address.")
        var compressed = false
        @Option(help: "Lot number (the batch), 0...1048575 (default 1).") var lot: Int?
        @Option(help: "Sequence number (the card in the batch), 0...4095 (default 1).") var sequence: Int?
        @OptionGroup var network: NetworkOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (lot == nil) == (sequence == nil) else {
                throw ValidationError("give both --lot and --sequence, or neither")
            }
            do { _ = try LotSequence(lot: lot ?? 1, sequence: sequence ?? 1) } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            Walk.emitWarning()
            let net = network.resolved
            let serial = try failure(file: "serial") { () throws(BIP38Error) in
                try LotSequence(lot: lot ?? 1, sequence: sequence ?? 1)
            }
            var walk = Walk(
                operation: "ceremony",
                summary: "one card through site A and site B; then what each site alone can and cannot compute.",
                conclusion: "the card's key is share 1 · share 2 mod n: site A alone holds share 1, site B alone "
                    + "share 2, so neither computes it unless site A gets the encrypted key or site B the passphrase.")

            // Site A: passphrase, ownersalt, passfactor, passpoint, intermediate code.
            let passphrase = try DemoPassphrase.make(from: seed.bytes("passphrase", count: DemoPassphrase.length))
            var draw = ExplainStep(
                name: "site A draws the card's passphrase", performedBy: .siteA,
                formula: "passphrase = 12 symbols of \(String(decoding: DemoPassphrase.alphabet, as: UTF8.self)), "
                    + "symbol i = alphabet[byte i & 31]  (\(DemoPassphrase.bits) bits)")
            draw.outputs = [OwnerSteps.passphraseValue(passphrase)]
            draw.notes = [
                seed.note("passphrase", count: DemoPassphrase.length, what: "the 12 bytes"),
                "A built-in demo passphrase. Site A prints it under the scratch-off and must then destroy its copy.",
            ]
            walk.add(draw)
            let owner = try failure(file: "ownersalt") { () throws(BIP38Error) in
                try OwnerFactors(
                    passphrase: passphrase,
                    ownerEntropy: OwnerEntropy(
                        ownerSalt: seed.bytes("ownersalt", count: 4).revealedBytes(), lotSequence: serial))
            }
            let code = owner.intermediateCode
            walk.add(
                OwnerSteps.ownerEntropy(
                    owner.ownerEntropy, by: .siteA,
                    saltNote: seed.note("ownersalt", count: 4) + " Lot and sequence are the card's serial."))
            walk.add(OwnerSteps.factors(owner, passphrase: passphrase, by: .siteA))
            walk.add(OwnerSteps.intermediateCode(code, by: .siteA))
            var toB = ExplainStep(
                name: "site A → site B", performedBy: .siteA,
                formula: "bundle A→B = (serial, intermediate code), signed by site A")
            toB.outputs = [.text("intermediate_code", code.text, Knowledge.bothSites)]
            toB.notes = ["Nothing secret leaves site A: neither the passphrase nor passfactor."]
            walk.add(toB)

            // Site B: seedb, factorb, encrypted key, address, confirmation code.
            let key = try failure(file: "seedb") { () throws(BIP38Error) in
                try code.generateKey(
                    seedb: seed.bytes("seedb", count: 24), format: AddressFormat(compressed: compressed), network: net)
            }
            walk.add(KeySteps.generation(code, key, by: .siteB, seedbNote: seed.note("seedb", count: 24)))
            var toA = ExplainStep(
                name: "site B → site A", performedBy: .siteB,
                formula: "bundle B→A = (serial, address, confirmation code), signed by site B; never the encrypted key")
            toA.outputs = [
                .text("address", key.address.text, Knowledge.everyone),
                .text("confirmation_code", key.confirmationCode.text, Knowledge.bothSites),
            ]
            toA.notes = ["The encrypted key goes under the card's sticker, and nowhere else."]
            walk.add(toA)

            // Site A checks the confirmation code while it still holds the passphrase.
            let confirmation = try failure(file: "confirmation code") { () throws(BIP38Error) in
                try key.confirmationCode.confirm(passphrase: passphrase, network: net)
            }
            var checks = try OwnerSteps.confirmation(
                key.confirmationCode, confirmation, passphrase: passphrase, by: .siteA, showFactors: false)
            checks[0].notes.append(
                "Site A rebuilds passfactor and passpoint from the passphrase as above (not repeated).")
            walk.add(checks)

            // The card holder decrypts.
            let decrypted = try failure(file: "encrypted key") { () throws(BIP38Error) in
                try key.encryptedKey.decrypt(passphrase: passphrase, network: net)
            }
            walk.add(try holderSteps(key: key.encryptedKey, decrypted: decrypted, passphrase: passphrase))

            walk.add(try CeremonyAnalysis.steps(passphrase: passphrase, owner: owner, key: key, decrypted: decrypted))
            output.emit(walk)
        }

        private func holderSteps(
            key: EncryptedKey, decrypted: DecryptedKey, passphrase: Passphrase
        ) throws -> [ExplainStep] {
            guard let ec = decrypted.ecMultiply, let entropy = key.ownerEntropy else {
                throw ToolFailure("encrypted key: not an EC-multiply key")
            }
            var steps = [DecryptSteps.readKey(key, ownerEntropy: entropy, by: .cardHolder)]
            var rebuild = ExplainStep(
                name: "passfactor and passpoint from the scratched-off passphrase", performedBy: .cardHolder,
                formula:
                    "prefactor = scrypt(passphrase, ownersalt, 16384, 8, 8, 32);  passfactor = SHA256d(prefactor || ownerentropy);  "
                    + "passpoint = passfactor·G")
            rebuild.inputs = [
                OwnerSteps.passphraseValue(passphrase), .bytes("ownerentropy", entropy.bytes, Knowledge.bothSites),
            ]
            rebuild.outputs = [
                .secret("passfactor", ec.owner.passfactor, Knowledge.passphraseSide),
                .bytes("passpoint", ec.owner.passpoint.compressed, Knowledge.bothSites),
            ]
            steps.append(rebuild)
            let recovery = try failure(file: "encrypted key") { () throws(CryptoError) in
                try SeedbRecovery(key: key, ownerEntropy: entropy, passpoint: ec.owner.passpoint)
            }
            steps += recovery.steps(
                key: key, passpoint: ec.owner.passpoint, ownerEntropy: entropy, by: .cardHolder,
                knownBy: Knowledge.keySide)
            steps += DecryptSteps.privateKey(
                decrypted.key, format: decrypted.format, network: decrypted.address.network,
                passfactor: .secret("passfactor", ec.owner.passfactor, Knowledge.passphraseSide),
                factorb: .secret("factorb", ec.factorb, Knowledge.keySide), addressHash: key.addressHash,
                by: .cardHolder)
            return steps
        }
    }
}
