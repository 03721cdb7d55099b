@_spi(Explain) import BIP38
import CryptoCore

/// The passphrase owner's steps (site A in a ceremony): from the passphrase to
/// the intermediate code, and the check of a confirmation code.
enum OwnerSteps {
    /// The passphrase as an input value: its NFC UTF-8 bytes (what scrypt receives) and its text.
    static func passphraseValue(
        _ passphrase: Passphrase, knownBy: [Party] = Knowledge.passphraseSide
    ) -> ExplainedValue {
        let bytes = passphrase.normalizedUTF8
        return ExplainedValue(
            name: "passphrase", hex: bytes.revealedHex(), text: String(decoding: bytes.revealedBytes(), as: UTF8.self),
            knownBy: knownBy)
    }

    /// ownerentropy from ownersalt and lot/sequence (BIP38 EC-multiply steps 1-2).
    static func ownerEntropy(_ entropy: OwnerEntropy, by party: Party, saltNote: String?) -> ExplainStep {
        var step = ExplainStep(
            name: "ownerentropy from ownersalt" + (entropy.hasLotSequence ? " and lot/sequence" : ""),
            performedBy: party,
            formula: entropy.hasLotSequence
                ? "ownerentropy = ownersalt(4) || lotsequence(4);  lotsequence = lot·4096 + sequence, big-endian"
                : "ownerentropy = ownersalt(8)  (no lot/sequence)")
        step.inputs = [.bytes("ownersalt", entropy.ownerSalt, Knowledge.bothSites)]
        if let lotSequence = entropy.lotSequence {
            step.inputs += [
                .text("lot", String(lotSequence.lot), Knowledge.bothSites),
                .text("sequence", String(lotSequence.sequence), Knowledge.bothSites),
            ]
            step.outputs = [.bytes("lotsequence", lotSequence.bytes, Knowledge.bothSites)]
        }
        step.outputs.append(.bytes("ownerentropy", entropy.bytes, Knowledge.bothSites))
        if let saltNote { step.notes.append(saltNote) }
        return step
    }

    /// prefactor, passfactor and passpoint (BIP38 EC-multiply steps 3-5).
    static func factors(_ owner: OwnerFactors, passphrase: Passphrase, by party: Party) -> [ExplainStep] {
        let entropy = owner.ownerEntropy
        var prefactor = ExplainStep(
            name: "prefactor: the heavy scrypt", performedBy: party,
            formula: "prefactor = scrypt(passphrase, ownersalt, N=16384, r=8, p=8, 32 bytes)")
        prefactor.inputs = [passphraseValue(passphrase), .bytes("ownersalt", entropy.ownerSalt, Knowledge.bothSites)]
        prefactor.outputs = [.secret("prefactor", owner.prefactor, Knowledge.passphraseSide)]
        prefactor.notes = [
            "This scrypt is what every passphrase guess costs an attacker (about 0.25-0.5 s on one core)."
        ]

        var passfactor = ExplainStep(
            name: "passfactor: site A's share of the private key", performedBy: party,
            formula: entropy.hasLotSequence
                ? "passfactor = SHA256(SHA256(prefactor || ownerentropy))"
                : "passfactor = prefactor  (no lot/sequence)")
        passfactor.inputs = [.secret("prefactor", owner.prefactor, Knowledge.passphraseSide)]
        if entropy.hasLotSequence {
            passfactor.inputs.append(.bytes("ownerentropy", entropy.bytes, Knowledge.bothSites))
        }
        passfactor.outputs = [.secret("passfactor", owner.passfactor, Knowledge.passphraseSide)]

        var passpoint = ExplainStep(
            name: "passpoint", performedBy: party, formula: "passpoint = passfactor·G  (33-byte compressed point)")
        passpoint.inputs = [.secret("passfactor", owner.passfactor, Knowledge.passphraseSide)]
        passpoint.outputs = [.bytes("passpoint", owner.passpoint.compressed, Knowledge.bothSites)]
        passpoint.notes = [
            "passpoint can be given away: finding passfactor from it is the elliptic-curve discrete logarithm."
        ]
        return [prefactor, passfactor, passpoint]
    }

    /// The intermediate code: magic, ownerentropy and passpoint in Base58Check.
    static func intermediateCode(_ code: IntermediateCode, by party: Party) -> ExplainStep {
        var step = ExplainStep(
            name: "intermediate code", performedBy: party,
            formula: "code = Base58Check(2CE9B3E1FF39E2 || 51 (lot/sequence) or 53 (none) || ownerentropy || passpoint)"
        )
        step.inputs = [
            .bytes("ownerentropy", code.ownerEntropy.bytes, Knowledge.bothSites),
            .bytes("passpoint", code.passpoint.compressed, Knowledge.bothSites),
        ]
        step.outputs = [.text("intermediate_code", code.text, hex: code.bytes, Knowledge.bothSites)]
        step.notes = ["It holds no secret. It is all site B receives from site A."]
        return step
    }

    /// derivedhalf1 and derivedhalf2 from the passpoint: the light scrypt shared by
    /// key generation, confirmation and decryption.
    static func derivedHalves(
        half1: SecretBytes, half2: SecretBytes, passpoint: CurvePoint, addressHash: [UInt8], ownerEntropy: OwnerEntropy,
        by party: Party, knownBy: [Party] = Knowledge.bothSites
    ) -> ExplainStep {
        var step = ExplainStep(
            name: "derivedhalf1 and derivedhalf2: the light scrypt", performedBy: party,
            formula:
                "derivedhalf1 || derivedhalf2 = scrypt(passpoint, addresshash || ownerentropy, N=1024, r=1, p=1, 64 bytes)"
        )
        step.inputs = [
            .bytes("passpoint", passpoint.compressed, Knowledge.bothSites),
            .bytes("addresshash", addressHash, Knowledge.everyone),
            .bytes("ownerentropy", ownerEntropy.bytes, Knowledge.bothSites),
        ]
        step.outputs = ExplainedValue.halves(half1, half2, knownBy)
        step.notes = ["No passphrase enters: whoever holds the passpoint and the address can derive these halves."]
        return step
    }

    /// Checking a confirmation code (BIP38, "Confirmation code"), optionally
    /// with the owner's factor steps (omitted where the walk has shown them).
    static func confirmation(
        _ code: ConfirmationCode, _ confirmation: Confirmation, passphrase: Passphrase, by party: Party,
        showFactors: Bool
    ) throws -> [ExplainStep] {
        var steps: [ExplainStep] = []
        var read = ExplainStep(
            name: "read the confirmation code", performedBy: party,
            formula: "code = 643BF6A89A || flag || addresshash(4) || ownerentropy(8) || encryptedpointb(33)")
        read.inputs = [.text("confirmation_code", code.text, hex: code.bytes, Knowledge.bothSites)]
        read.outputs =
            ExplainedValue.header(flag: code.flag, addressHash: code.addressHash, ownerEntropy: code.ownerEntropy)
            + [.bytes("encryptedpointb", code.encryptedPointB, Knowledge.bothSites)]
        steps.append(read)
        let owner = confirmation.owner
        if showFactors {
            steps.append(ownerEntropy(owner.ownerEntropy, by: party, saltNote: nil))
            steps += factors(owner, passphrase: passphrase, by: party)
        }
        steps.append(
            derivedHalves(
                half1: confirmation.derived.half1, half2: confirmation.derived.half2, passpoint: owner.passpoint,
                addressHash: code.addressHash, ownerEntropy: code.ownerEntropy, by: party))

        steps.append(
            .aes(
                "decrypt pointb", by: party,
                formula: "pointb = (pointbprefix ⊕ (derivedhalf2[31] & 1)) || AES256⁻¹(pointbx1) ⊕ derivedhalf1[0..16] "
                    + "|| AES256⁻¹(pointbx2) ⊕ derivedhalf1[16..32]",
                inputs: [.bytes("encryptedpointb", code.encryptedPointB, Knowledge.bothSites)],
                halves: DerivedHalfPair(half1: confirmation.derived.half1, half2: confirmation.derived.half2),
                outputs: [.bytes("pointb", confirmation.pointB.compressed, Knowledge.bothSites)]))

        let generated = try failure(file: "confirmation code") { () throws(CryptoError) in
            try confirmation.pointB.multiplied(by: owner.passfactor)
        }
        var check = ExplainStep(
            name: "rebuild the address and check it", performedBy: party,
            formula:
                "public key = pointb·passfactor;  address = P2PKH(public key);  SHA256d(address)[0..4] must equal addresshash"
        )
        check.inputs = [
            .bytes("pointb", confirmation.pointB.compressed, Knowledge.bothSites),
            .secret("passfactor", owner.passfactor, Knowledge.passphraseSide),
        ]
        check.outputs = [
            .bytes("public_key", code.format.publicKey(of: generated), Knowledge.bothSites),
            .text("address", confirmation.address.text, Knowledge.everyone),
            .bytes("addresshash", confirmation.address.addressHash, Knowledge.everyone),
        ]
        check.notes = [
            "addresshash matches: this address belongs to a key made from this passphrase's passpoint.",
            "A key site that substituted an address whose key it knows could not make a code that passes this check.",
        ]
        steps.append(check)
        return steps
    }
}
