import ArgumentParser
import BIP38
import CryptoCore
import Foundation

/// `--json`: one JSON object instead of labelled lines.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of labelled lines.")
    var json = false

    func emit(_ report: Report) {
        print(json ? report.json : report.text)
    }
}

/// `--network`, where addresses or WIF appear.
struct NetworkOption: ParsableArguments {
    @Option(help: "Network of addresses and WIF: mainnet or testnet (default: mainnet).")
    var network: Network?

    var resolved: Network { network ?? .mainnet }
}

extension Network: ExpressibleByArgument {}

/// `--passphrase-file`: the passphrase from a file, standard input, or the terminal.
struct PassphraseOption: ParsableArguments {
    @Option(
        name: .customLong("passphrase-file"),
        help: ArgumentHelp(
            "Read the passphrase from this file (- for standard input): at most 4096 bytes once one trailing newline is stripped.",
            valueName: "path"))
    var path: String?

    /// How `decrypt` and `confirm` read a card passphrase, for their help.
    static let tolerance = """
        The passphrase is tried exactly as given first; if that fails and it reads as a card passphrase \
        (crockford-20: 20 characters of 0-9 and A-Z without I, L, O, U, in any case, with or without dashes \
        and spaces, O read as 0, I and L as 1), its canonical form (upper case, 5 groups of 4 joined by -) is tried: at most \
        2 tries, one heavy scrypt each. passphrase_form says which worked: exact or canonical.
        """

    /// Reads and NFC-normalises the passphrase. When no file is given, prompts
    /// (twice when `confirmNew`, for a passphrase being chosen). An empty
    /// passphrase is refused unless `allowEmpty` (opening a key or a code some
    /// other tool made with one): then it is read, with one warning line on stderr.
    func read(confirmNew: Bool = false, allowEmpty: Bool = false) throws -> Passphrase {
        let bytes: SecretBytes
        if let path {
            bytes = try failure(file: path) { () throws(SecretInput.Failure) in
                try SecretInput.read(path: path, allowEmpty: allowEmpty)
            }
        } else {
            guard SecretInput.standardInputIsTerminal else {
                throw ToolFailure("no passphrase: give --passphrase-file PATH (never the passphrase itself)")
            }
            bytes = try failure(file: "terminal") { () throws(SecretInput.Failure) in
                try SecretInput.prompt("Passphrase: ", allowEmpty: allowEmpty)
            }
            if confirmNew {
                let again = try failure(file: "terminal") { () throws(SecretInput.Failure) in
                    try SecretInput.prompt("Passphrase again: ")
                }
                guard again == bytes else { throw ToolFailure("the two passphrases differ") }
            }
        }
        if bytes.count == 0 {
            FileHandle.standardError.write(
                Data("bip38: warning: \(path ?? "terminal"): the passphrase is empty\n".utf8))
        }
        return try failure(file: path ?? "terminal") { () throws(BIP38Error) in
            try Passphrase(utf8: bytes, allowingEmpty: allowEmpty)
        }
    }
}

/// `--key-file`: a private key (WIF, or 64 hex digits) from a file, standard input, or the terminal.
struct KeyOption: ParsableArguments {
    @Option(
        name: .customLong("key-file"),
        help: ArgumentHelp(
            "Read the private key (WIF, or 64 hex digits) from this file (- for standard input).", valueName: "path"))
    var path: String?

    func read() throws -> (key: PrivateKey, wif: WIF?) {
        let name = path ?? "terminal"
        let bytes: SecretBytes
        if let path {
            bytes = try failure(file: path) { () throws(SecretInput.Failure) in try SecretInput.read(path: path) }
        } else {
            guard SecretInput.standardInputIsTerminal else {
                throw ToolFailure("no private key: give --key-file PATH (never the key itself)")
            }
            bytes = try failure(file: name) { () throws(SecretInput.Failure) in try SecretInput.prompt("Private key: ")
            }
        }
        return try failure(file: name) { () throws(BIP38Error) in
            // The text form passes through a String to be parsed; it is not wiped.
            let text = String(decoding: bytes.revealedBytes(), as: UTF8.self).trimmingWhitespace
            if text.utf8.count == 64, let raw = [UInt8](hexString: text) {
                return (try PrivateKey(scalar: SecretBytes(copying: raw)), nil)
            }
            let wif = try WIF(text)
            return (wif.key, wif)
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
