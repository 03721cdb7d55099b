import ArgumentParser
import BIP38
import CryptoCore

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a BIP38 string is and everything readable without a passphrase.",
        discussion: """
            Recognises encrypted keys (6P...), intermediate codes (passphrase...), confirmation \
            codes (cfrm38...), P2PKH addresses and native SegWit version 0 addresses (bc1q.../tb1q..., \
            BIP173 with its checksum checked). Prints kind and, as they apply: mode, flag, \
            compressed, addresshash, ownerentropy, ownersalt, lot, sequence, passpoint (intermediate \
            codes), encrypted_pointb (confirmation codes), network, type and, for SegWit, witness_program \
            (addresses). A private key (WIF) \
            is refused: keys never belong on the command line.
            """)

    @Argument(help: "The string to inspect.")
    var text: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        if ["bc1", "tb1"].contains(where: { text.lowercased().hasPrefix($0) }) {
            let (address, program) = try failure(file: "address") { () throws(Bech32Error) in
                try Address.segwit(text)
            }
            var report = Report()
            report.add("kind", "address")
            report.add("type", program.count == 20 ? "p2wpkh" : "p2wsh")
            report.add("network", address.network.rawValue)
            report.add("witness_version", 0)
            report.add("witness_program", program.hex)
            report.add("addresshash", address.addressHash.hex)
            output.emit(report)
            return
        }
        let payload = try failure(file: "argument") { () throws(BIP38Error) in try Base58.checkDecode(text) }
        var report = Report()
        switch payload.count {
        case EncryptedKey.byteCount:
            let key = try failure(file: "encrypted key") { () throws(BIP38Error) in try EncryptedKey(bytes: payload) }
            report.add("kind", "encrypted_key")
            report.add("mode", key.isECMultiply ? "ec-multiply" : "non-ec")
            report.add("flag", key.flag.description)
            report.add("compressed", key.format.isCompressed)
            report.add("addresshash", key.addressHash.hex)
            report.add("ownerentropy", key.ownerEntropy?.bytes.hex)
            report.add("ownersalt", key.ownerEntropy?.ownerSalt.hex)
            report.add(key.lotSequence)
        case IntermediateCode.byteCount:
            let code = try failure(file: "intermediate code") { () throws(BIP38Error) in
                try IntermediateCode(bytes: payload)
            }
            report.add("kind", "intermediate_code")
            report.add("mode", "ec-multiply")
            report.add("ownerentropy", code.ownerEntropy.bytes.hex)
            report.add("ownersalt", code.ownerEntropy.ownerSalt.hex)
            report.add(code.lotSequence)
            report.add("passpoint", code.passpoint.compressed.hex)
        case ConfirmationCode.byteCount:
            let code = try failure(file: "confirmation code") { () throws(BIP38Error) in
                try ConfirmationCode(bytes: payload)
            }
            report.add("kind", "confirmation_code")
            report.add("mode", "ec-multiply")
            report.add("flag", code.flag.description)
            report.add("compressed", code.format.isCompressed)
            report.add("addresshash", code.addressHash.hex)
            report.add("ownerentropy", code.ownerEntropy.bytes.hex)
            report.add("ownersalt", code.ownerEntropy.ownerSalt.hex)
            report.add(code.lotSequence)
            report.add("encrypted_pointb", code.encryptedPointB.hex)
        case 21:
            let address = try failure(file: "address") { () throws(BIP38Error) in try Address(text) }
            report.add("kind", "address")
            report.add("type", "p2pkh")
            report.add("network", address.network.rawValue)
            report.add("addresshash", address.addressHash.hex)
        case let count
        where (count == 33 || count == 34) && Network.allCases.contains(where: { $0.wifVersion == payload[0] }):
            throw ToolFailure(
                "argument: this is a private key (WIF); keys never belong on the command line, and it may now be in your shell history"
            )
        default:
            throw ToolFailure("argument: not a BIP38 string: \(payload.count) bytes after Base58Check decoding")
        }
        output.emit(report)
    }
}
