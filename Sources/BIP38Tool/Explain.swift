import ArgumentParser
import BIP38
import CryptoCore

/// `bip38 explain`: walks one BIP38 operation (EC-multiply, or a non-EC decryption) step by step, printing every
/// intermediate value and which party knows it. A teaching tool: it prints secrets.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk one BIP38 operation step by step, with every value (prints secrets: teaching only).",
        discussion: """
            Each step shows its name, the party that performs it, its formula on one line, and its \
            inputs and outputs in hex (Base58Check strings, addresses and numbers as text), each marked \
            with its role in the key (SHARE 1, SHARE 2, KEY, SEALED 2 for the encrypted key, SECRET for \
            what opens a non-EC key; unmarked for no share or public, as in the knowledge table of \
            Docs/Design.md) and with the parties that know it: site A (passphrase site), site B (key \
            site), the card holder, or the public. Lines wrap at 100 columns; a long value continues \
            on indented lines. The walk ends in a sentence saying what it proved. A warning goes to \
            standard error every time: use only throwaway or specification values.

            --seed TEXT derives the random values (ownersalt, seedb, the ceremony's passphrase) as \
            SHA256(TEXT || 0x00 || label), label "ownersalt", "seedb" or "passphrase", so a walk \
            reproduces; --ownersalt and --seedb give them directly. Without either they are fresh.

            --json prints one object: {"operation", "summary", "steps": [{"name", "performed_by", \
            "formula", "inputs": [value], "outputs": [value], "notes": [text]}], "conclusion"}, where a \
            value is {"name", "hex", "text", "role", "secret", "known_by"}, "role" one of "share_1", \
            "share_2", "share_2_sealed", "key", "no_share", "opens_key", "public", "hex" or "text" null when the value has no \
            such form, "known_by" a list of "site_a", "site_b", "card_holder", "public", and \
            "performed_by" one of those or null for a step of reasoning.
            """,
        subcommands: [Intermediate.self, Generate.self, Confirm.self, Decrypt.self, Ceremony.self])
}

/// `--seed TEXT`: the walk's random values derived from a text, so runs reproduce.
struct SeedOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Derive the random values from this text, so the walk reproduces (throwaway values only).",
            valueName: "text"))
    var seed: String?

    /// SHA256(seed || 0x00 || label)[0..<count] with `--seed`, else fresh random bytes.
    func bytes(_ label: String, count: Int) -> SecretBytes {
        // Callers pass fixed counts (4, 8, 12, 24), never a number from input.
        precondition(count <= 32, "a seed label yields at most 32 bytes")
        guard let seed else { return SystemRandom.secretBytes(count: count) }
        return SecretBytes(copying: SHA256.hash(Array(seed.utf8) + [0] + Array(label.utf8)).prefix(count))
    }

    /// Where `bytes(label, count:)` came from, as a note for the walk; `what` names the
    /// value when it is not the bytes themselves.
    func note(_ label: String, count: Int, what: String? = nil) -> String {
        let what = what ?? label
        return seed == nil
            ? "\(what): fresh from the system's random generator."
            : "\(what) = SHA256(seed || 0x00 || \"\(label)\")[0..\(count)], from --seed: reproducible, so throwaway."
    }
}

extension OutputOptions {
    /// Prints a walk as text or JSON.
    func emit(_ walk: Walk) {
        print(json ? walk.json : walk.text)
    }
}

/// Parses a hex option of a fixed length, for `validate()`.
func hexOption(_ text: String, name: String, counts: [Int]) throws -> [UInt8] {
    guard let bytes = [UInt8](hexString: text), counts.contains(bytes.count) else {
        throw ValidationError("\(name) must be \(counts.map { "\($0)" }.joined(separator: " or ")) bytes of hex")
    }
    return bytes
}

extension Explain {
    struct Intermediate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the making of an intermediate code: passphrase → prefactor → passfactor → passpoint.",
            discussion:
                "--ownersalt is 4 bytes of hex with --lot/--sequence, else 8. Give both --lot and --sequence, or neither."
        )

        @OptionGroup var passphrase: PassphraseOption
        @Option(help: ArgumentHelp("ownersalt in hex (default: from --seed, else random).", valueName: "hex"))
        var ownersalt: String?
        @Option(help: "Lot number, 0...1048575.") var lot: Int?
        @Option(help: "Sequence number, 0...4095.") var sequence: Int?
        @OptionGroup var seed: SeedOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (lot == nil) == (sequence == nil) else {
                throw ValidationError("give both --lot and --sequence, or neither")
            }
            if let lot, let sequence {
                do { _ = try LotSequence(lot: lot, sequence: sequence) } catch {
                    throw ValidationError(error.description)
                }
            }
            if let ownersalt {
                guard seed.seed == nil else { throw ValidationError("give --ownersalt or --seed, not both") }
                _ = try hexOption(ownersalt, name: "--ownersalt", counts: [lot == nil ? 8 : 4])
            }
        }

        func run() throws {
            Walk.emitWarning()
            let lotSequence = try lot.map { lot throws(BIP38Error) in try LotSequence(lot: lot, sequence: sequence ?? 0)
            }
            let count = lotSequence == nil ? 8 : 4
            let salt =
                try ownersalt.map { try hexOption($0, name: "--ownersalt", counts: [count]) }
                ?? seed.bytes("ownersalt", count: count).revealedBytes()
            let secret = try passphrase.read()
            let owner = try failure(file: "ownersalt") { () throws(BIP38Error) in
                try OwnerFactors(
                    passphrase: secret, ownerEntropy: OwnerEntropy(ownerSalt: salt, lotSequence: lotSequence))
            }
            var walk = Walk(
                operation: "intermediate",
                summary: "the passphrase owner (site A in a ceremony) makes an intermediate code for the key site.",
                conclusion: "the intermediate code carries only ownerentropy and the passpoint, passfactor·G: "
                    + "share 1 stays with the passphrase, and the key site can work from the code alone.")
            let note = ownersalt == nil ? seed.note("ownersalt", count: count) : "ownersalt given with --ownersalt."
            walk.add(OwnerSteps.ownerEntropy(owner.ownerEntropy, by: .siteA, saltNote: note))
            walk.add(OwnerSteps.factors(owner, passphrase: secret, by: .siteA))
            walk.add(OwnerSteps.intermediateCode(owner.intermediateCode, by: .siteA))
            output.emit(walk)
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the key site's step: seedb → factorb → encrypted key, address, confirmation code.",
            discussion: "Needs no passphrase: the intermediate code is all the key site sees.")

        @Argument(help: "The intermediate code (passphrase...).")
        var intermediateCode: String
        @Option(help: ArgumentHelp("seedb in hex, 24 bytes (default: from --seed, else random).", valueName: "hex"))
        var seedb: String?
        @Flag(help: "Use the compressed public key for the address.")
        var compressed = false
        @OptionGroup var seed: SeedOption
        @OptionGroup var network: NetworkOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let seedb {
                guard seed.seed == nil else { throw ValidationError("give --seedb or --seed, not both") }
                _ = try hexOption(seedb, name: "--seedb", counts: [24])
            }
        }

        func run() throws {
            Walk.emitWarning()
            let code = try failure(file: "intermediate code") { () throws(BIP38Error) in
                try IntermediateCode(intermediateCode)
            }
            let seedBytes =
                try seedb.map { SecretBytes(copying: try hexOption($0, name: "--seedb", counts: [24])) }
                ?? seed.bytes("seedb", count: 24)
            let key = try failure(file: "seedb") { () throws(BIP38Error) in
                try code.generateKey(
                    seedb: seedBytes, format: AddressFormat(compressed: compressed), network: network.resolved)
            }
            var walk = Walk(
                operation: "generate",
                summary: "the key site (site B in a ceremony) makes an encrypted key, address and confirmation code "
                    + "from an intermediate code alone.",
                conclusion: "the key site made a public key (passpoint·factorb) and its address without learning "
                    + "passfactor, so without the private key; only the passphrase holder can complete it.")
            let note = seedb == nil ? seed.note("seedb", count: 24) : "seedb given with --seedb."
            walk.add(KeySteps.generation(code, key, by: .siteB, seedbNote: note))
            output.emit(walk)
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the check of a confirmation code: passphrase → passpoint → pointb → address.",
            discussion: """
                As `bip38 confirm`, a card passphrase given loosely is tried in its canonical form when the \
                text as given does not match; passphrase_form says which matched.
                """)

        @OptionGroup var confirmationCode: ConfirmationCodeArgument
        @OptionGroup var passphrase: PassphraseOption
        @OptionGroup var network: NetworkOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Walk.emitWarning()
            let code = try confirmationCode.parsed()
            let secret = try passphrase.read()
            let confirmation = try failure(file: "confirmation code") { () throws(BIP38Error) in
                try code.confirm(passphrase: secret, network: network.resolved, tryingCanonicalForm: true)
            }
            let matched = (confirmation.passphraseForm == .canonical ? CardPassphrase.canonical(secret) : nil) ?? secret
            var walk = Walk(
                operation: "confirm",
                summary:
                    "the passphrase holder (site A in a ceremony) checks that an address is bound to its passphrase.",
                conclusion: "the address is pointb·passfactor: its key is made from this passphrase's share, "
                    + "so a key site could not have substituted an address whose key it knows.")
            walk.add(
                try OwnerSteps.confirmation(code, confirmation, passphrase: matched, by: .siteA, showFactors: true))
            walk.passphraseForm = confirmation.passphraseForm
            output.emit(walk)
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the decryption of a key: passfactor, seedb, factorb and their product (EC-multiply), "
                + "or scrypt and AES (non-EC).",
            discussion: """
                A wrong passphrase is walked too, up to the address hash that does not match; the walk is \
                printed, then the command fails with "wrong passphrase" (exit 1). As `bip38 decrypt`, a \
                card passphrase given loosely is walked again in its canonical form when the text as \
                given does not match; passphrase_form says which matched.
                """)

        @Argument(help: "The encrypted key (6P...), EC-multiply or not.")
        var encryptedKey: String
        @OptionGroup var passphrase: PassphraseOption
        @OptionGroup var network: NetworkOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Walk.emitWarning()
            let key = try failure(file: "encrypted key") { () throws(BIP38Error) in try EncryptedKey(encryptedKey) }
            let secret = try passphrase.read()
            var outcome = try DecryptSteps.decryption(
                key, passphrase: secret, network: network.resolved, by: .cardHolder)
            var form = PassphraseForm.exact
            // As `bip38 decrypt`: a card passphrase given loosely is walked again in its canonical form.
            if !outcome.matched, let canonical = CardPassphrase.canonical(secret),
                canonical.normalizedUTF8 != secret.normalizedUTF8
            {
                let second = try DecryptSteps.decryption(
                    key, passphrase: canonical, network: network.resolved, by: .cardHolder)
                if second.matched { (outcome, form) = (second, .canonical) }
            }
            let summary =
                key.isECMultiply
                ? "the card holder decrypts the key with the passphrase: private key = passfactor·factorb mod n."
                : "the holder decrypts a non-EC key: scrypt of the passphrase, then AES, then the address hash."
            let conclusion: String
            switch (key.isECMultiply, outcome.matched) {
            case (true, true):
                conclusion =
                    "the passphrase gives share 1 (passfactor), the encrypted key gives share 2 (seedb, factorb) "
                    + "to anyone with the passpoint, and their product is the key of this address."
            case (false, true):
                conclusion =
                    "the passphrase opens this key: scrypt and AES give a private key whose address hashes to "
                    + "the key's addresshash."
            case (_, false):
                conclusion =
                    "the address hash does not match, so this passphrase is not the one the key was made with; "
                    + "no key was recovered."
            }
            output.emit(
                Walk(
                    operation: "decrypt", summary: summary, steps: outcome.steps, conclusion: conclusion,
                    passphraseForm: outcome.matched ? form : nil))
            guard outcome.matched else { throw ToolFailure("encrypted key: wrong passphrase") }
        }
    }
}
