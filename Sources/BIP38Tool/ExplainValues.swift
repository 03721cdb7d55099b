import ArgumentParser
import BIP38
import CryptoCore

/// Values that several walks show the same way: one builder each, so a step
/// names them alike wherever it appears.
extension ExplainedValue {
    /// derivedhalf1 and derivedhalf2, the inputs of every AES step.
    static func halves(
        _ half1: SecretBytes, _ half2: SecretBytes, _ knownBy: [Party] = Knowledge.bothSites
    )
        -> [ExplainedValue]
    {
        [.secret("derivedhalf1", half1, knownBy), .secret("derivedhalf2", half2, knownBy)]
    }

    /// flag, addresshash and ownerentropy: the fields an encrypted key and a
    /// confirmation code share, in their order.
    static func header(flag: BIP38Flag, addressHash: [UInt8], ownerEntropy: OwnerEntropy) -> [ExplainedValue] {
        [
            .bytes("flag", [flag.rawValue], Knowledge.bothSites),
            .bytes("addresshash", addressHash, Knowledge.everyone),
            .bytes("ownerentropy", ownerEntropy.bytes, Knowledge.bothSites),
        ]
    }
}

/// The confirmation-code argument of `bip38 confirm` and `bip38 explain confirm`.
struct ConfirmationCodeArgument: ParsableArguments {
    @Argument(help: "The confirmation code (cfrm38...).")
    var confirmationCode: String

    /// - Throws: ``ToolFailure`` "confirmation code: CAUSE".
    func parsed() throws -> ConfirmationCode {
        try failure(file: "confirmation code") { () throws(BIP38Error) in try ConfirmationCode(confirmationCode) }
    }
}

extension ExplainStep {
    /// A step of AES256 under derivedhalf2 with a XOR of derivedhalf1: what encrypts
    /// seedb and pointb, and decrypts them again.
    /// - Parameter inputs: the values before the derived halves, which are appended.
    static func aes(
        _ name: String, by party: Party, formula: String, inputs: [ExplainedValue], halves: DerivedHalfPair,
        outputs: [ExplainedValue]
    ) -> ExplainStep {
        ExplainStep(
            name: name, performedBy: party, formula: formula,
            inputs: inputs + ExplainedValue.halves(halves.half1, halves.half2), outputs: outputs)
    }
}

extension ExplainStep {
    /// The step that joins an EC-multiply string: its header (flag, addresshash,
    /// ownerentropy), then its own `fields`, in Base58Check.
    static func assembly(
        _ name: String, by party: Party, formula: String, flag: BIP38Flag, addressHash: [UInt8],
        ownerEntropy: OwnerEntropy, fields: [ExplainedValue], output: ExplainedValue, note: String
    ) -> ExplainStep {
        ExplainStep(
            name: name, performedBy: party, formula: formula,
            inputs: ExplainedValue.header(flag: flag, addressHash: addressHash, ownerEntropy: ownerEntropy) + fields,
            outputs: [output], notes: [note])
    }
}

/// derivedhalf1 and derivedhalf2, as an AES step takes them.
struct DerivedHalfPair {
    let half1: SecretBytes
    let half2: SecretBytes
}
