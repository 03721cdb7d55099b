import ArgumentParser
import BIP38
import CryptoCore
import Foundation

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt a private key with a passphrase (non-EC mode).",
        discussion: "Prints encrypted_key and address. A compressed WIF key implies --compressed.")

    @OptionGroup var key: KeyOption
    @OptionGroup var passphrase: PassphraseOption
    @Flag(help: "Use the compressed public key for the address (implied by a compressed WIF key).")
    var compressed = false
    @OptionGroup var network: NetworkOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if key.path == "-" && passphrase.path == "-" {
            throw ValidationError("--key-file and --passphrase-file cannot both read standard input")
        }
    }

    func run() throws {
        let (privateKey, wif) = try key.read()
        if let wif, let chosen = network.network, chosen != wif.network {
            throw ToolFailure("\(key.path ?? "terminal"): the WIF key is for \(wif.network), not \(chosen)")
        }
        let net = network.network ?? wif?.network ?? .mainnet
        let format = AddressFormat(compressed: compressed || (wif?.format.isCompressed ?? false))
        let secret = try passphrase.read(confirmNew: true)
        let encrypted = try failure(file: "encryption") { () throws(BIP38Error) in
            try EncryptedKey.encrypt(privateKey, format: format, passphrase: secret, network: net)
        }
        var report = Report()
        report.add("encrypted_key", encrypted.text)
        report.add("address", privateKey.address(format: format, network: net).text)
        output.emit(report)
    }
}

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt an encrypted key (6P...) with its passphrase, either mode.",
        discussion: """
            Prints wif, private_key_hex, address, segwit_address (compressed keys), compressed, \
            ec_multiply, lot, sequence, reading (EC keys: bip38, or non-standard-8-byte-salt for keys \
            made from a malformed intermediate code; a note on stderr says so), passphrase_form. \
            \(PassphraseOption.tolerance) A wrong passphrase is an error, never a key.
            """)

    @Argument(help: "The encrypted key (6P...).")
    var encryptedKey: String
    @OptionGroup var passphrase: PassphraseOption
    @OptionGroup var network: NetworkOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let key = try failure(file: "encrypted key") { () throws(BIP38Error) in try EncryptedKey(encryptedKey) }
        let secret = try passphrase.read(allowEmpty: true)
        let decrypted = try failure(file: "encrypted key") { () throws(BIP38Error) in
            try key.decrypt(
                passphrase: secret, network: network.resolved, allowNonStandardReading: true,
                tryingCanonicalForm: true)
        }
        noteReading(decrypted.reading)
        var report = Report()
        report.add("wif", decrypted.wif.revealedText())
        report.add("private_key_hex", decrypted.key.scalar.revealedHex())
        report.add("address", decrypted.address.text)
        report.add("segwit_address", decrypted.segwitAddress?.text)
        report.add("compressed", decrypted.format.isCompressed)
        report.add("ec_multiply", decrypted.isECMultiply)
        report.add(decrypted.lotSequence)
        report.add("reading", decrypted.isECMultiply ? decrypted.reading.rawValue : nil)
        report.add("passphrase_form", decrypted.passphraseForm.rawValue)
        output.emit(report)
    }
}

struct Intermediate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an intermediate code (passphrase...) for a key site (the passphrase owner's step).",
        discussion: "Prints intermediate_code, lot, sequence. Give both --lot and --sequence, or neither.")

    @OptionGroup var passphrase: PassphraseOption
    @Option(help: "Lot number, 0...1048575.") var lot: Int?
    @Option(help: "Sequence number, 0...4095.") var sequence: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (lot == nil) == (sequence == nil) else {
            throw ValidationError("give both --lot and --sequence, or neither")
        }
        if let lot, let sequence {
            do { _ = try LotSequence(lot: lot, sequence: sequence) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let lotSequence = try lot.map { lot throws(BIP38Error) in try LotSequence(lot: lot, sequence: sequence ?? 0) }
        let secret = try passphrase.read(confirmNew: true)
        let owner = try failure(file: "intermediate code") { () throws(BIP38Error) in
            try IntermediateCode.make(passphrase: secret, lotSequence: lotSequence)
        }
        var report = Report()
        report.add("intermediate_code", owner.intermediateCode.text)
        report.add(lotSequence)
        output.emit(report)
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Make an encrypted key, address and confirmation code from an intermediate code (the key site's step).",
        discussion: "Prints encrypted_key, address, confirmation_code, compressed, lot, sequence. Needs no passphrase.")

    @Argument(help: "The intermediate code (passphrase...).")
    var intermediateCode: String
    @Flag(help: "Use the compressed public key for the address.")
    var compressed = false
    @OptionGroup var network: NetworkOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let code = try failure(file: "intermediate code") { () throws(BIP38Error) in
            try IntermediateCode(intermediateCode)
        }
        let format = AddressFormat(compressed: compressed)
        let generated = try failure(file: "intermediate code") { () throws(BIP38Error) in
            try code.generateKey(format: format, network: network.resolved)
        }
        var report = Report()
        report.add("encrypted_key", generated.encryptedKey.text)
        report.add("address", generated.address.text)
        report.add("confirmation_code", generated.confirmationCode.text)
        report.add("compressed", format.isCompressed)
        report.add(code.lotSequence)
        output.emit(report)
    }
}

struct Confirm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a confirmation code (cfrm38...) against a passphrase and show the address it confirms.",
        discussion: """
            Prints address, segwit_address (compressed keys), compressed, lot, sequence, reading, \
            passphrase_form (as for decrypt). \(PassphraseOption.tolerance)
            """)

    @OptionGroup var confirmationCode: ConfirmationCodeArgument
    @OptionGroup var passphrase: PassphraseOption
    @OptionGroup var network: NetworkOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let code = try confirmationCode.parsed()
        let secret = try passphrase.read(allowEmpty: true)
        let confirmation = try failure(file: "confirmation code") { () throws(BIP38Error) in
            try code.confirm(
                passphrase: secret, network: network.resolved, allowNonStandardReading: true,
                tryingCanonicalForm: true)
        }
        noteReading(confirmation.reading)
        var report = Report()
        report.add("address", confirmation.address.text)
        report.add("segwit_address", confirmation.segwitAddress?.text)
        report.add("compressed", confirmation.format.isCompressed)
        report.add(confirmation.lotSequence)
        report.add("reading", confirmation.reading.rawValue)
        report.add("passphrase_form", confirmation.passphraseForm.rawValue)
        output.emit(report)
    }
}

/// Says on stderr when a key only opened with the non-standard reading.
func noteReading(_ reading: ECMultiplyReading) {
    guard reading != .specification else { return }
    FileHandle.standardError.write(
        Data(
            """
            bip38: note: opened only by reading flag 0x04's ownerentropy as an 8-byte ownersalt without the SHA256d step \
            (a malformed intermediate code, as one published wallet tool makes); lot and sequence are not meaningful\n
            """.utf8))
}
