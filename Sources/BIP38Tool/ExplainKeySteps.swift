@_spi(Explain) import BIP38
import CryptoCore

/// The key site's steps (site B in a ceremony): from an intermediate code to the
/// encrypted key, the address and the confirmation code, with no passphrase.
enum KeySteps {
    static func generation(
        _ code: IntermediateCode, _ key: GeneratedKey, by party: Party, seedbNote: String
    ) -> [ExplainStep] {
        let entropy = code.ownerEntropy
        let format = key.encryptedKey.format
        var steps: [ExplainStep] = []

        var read = ExplainStep(
            name: "read the intermediate code", performedBy: party,
            formula: "code = 2CE9B3E1FF39E2 || 51 (lot/sequence) or 53 (none) || ownerentropy(8) || passpoint(33)")
        read.inputs = [.text("intermediate_code", code.text, hex: code.bytes, Knowledge.bothSites)]
        read.outputs = [.bytes("ownerentropy", entropy.bytes, Knowledge.bothSites)]
        if let lotSequence = code.lotSequence {
            read.outputs += [
                .text("lot", String(lotSequence.lot), Knowledge.bothSites),
                .text("sequence", String(lotSequence.sequence), Knowledge.bothSites),
            ]
        }
        read.outputs.append(.bytes("passpoint", code.passpoint.compressed, Knowledge.bothSites))
        steps.append(read)

        var flag = ExplainStep(
            name: "flag", performedBy: party,
            formula: "flag = 0x20 if the address uses the compressed public key | 0x04 if the code carries lot/sequence"
        )
        flag.outputs = [.bytes("flag", [key.encryptedKey.flag.rawValue], Knowledge.bothSites)]
        steps.append(flag)

        var factorb = ExplainStep(
            name: "seedb and factorb: site B's share of the private key", performedBy: party,
            formula: "seedb = 24 random bytes;  factorb = SHA256(SHA256(seedb))")
        factorb.outputs = [
            .secret("seedb", key.seedb, Knowledge.keySide), .secret("factorb", key.factorb, Knowledge.keySide),
        ]
        factorb.notes = [seedbNote, "In a ceremony site B must destroy seedb and factorb once the card is printed."]
        steps.append(factorb)

        var point = ExplainStep(
            name: "the card's public key", performedBy: party,
            formula: "public key = passpoint·factorb = (passfactor·factorb)·G, "
                + (format.isCompressed ? "compressed (33 bytes)" : "uncompressed (65 bytes)"))
        point.inputs = [
            .bytes("passpoint", code.passpoint.compressed, Knowledge.bothSites),
            .secret("factorb", key.factorb, Knowledge.keySide),
        ]
        point.outputs = [.bytes("public_key", format.publicKey(of: key.generatedPoint), Knowledge.bothSites)]
        point.notes = ["Site B computes the public key without ever learning its private key passfactor·factorb."]
        steps.append(point)

        var address = ExplainStep(
            name: "address and addresshash", performedBy: party,
            formula:
                "address = Base58Check(version || RIPEMD160(SHA256(public key)));  addresshash = SHA256(SHA256(address text))[0..4]"
        )
        address.inputs = [.bytes("public_key", format.publicKey(of: key.generatedPoint), Knowledge.bothSites)]
        address.outputs = [
            .text("address", key.address.text, Knowledge.everyone),
            .bytes("addresshash", key.address.addressHash, Knowledge.everyone),
        ]
        steps.append(address)

        steps.append(
            OwnerSteps.derivedHalves(
                half1: key.derived.half1, half2: key.derived.half2, passpoint: code.passpoint,
                addressHash: key.address.addressHash, ownerEntropy: entropy, by: party))

        let halves = DerivedHalfPair(half1: key.derived.half1, half2: key.derived.half2)
        steps.append(
            .aes(
                "encrypt seedb", by: party,
                formula: "encryptedpart1 = AES256(seedb[0..16] ⊕ derivedhalf1[0..16]);  encryptedpart2 = "
                    + "AES256((encryptedpart1[8..16] || seedb[16..24]) ⊕ derivedhalf1[16..32]);  AES key = derivedhalf2",
                inputs: [.secret("seedb", key.seedb, Knowledge.keySide)], halves: halves,
                outputs: [
                    .bytes("encryptedpart1", key.encryptedPart1, Knowledge.keySide),
                    .bytes("encryptedpart2", key.encryptedPart2, Knowledge.keySide),
                ]))

        steps.append(
            .assembly(
                "the encrypted key", by: party,
                formula: "key = Base58Check(0143 || flag || addresshash || ownerentropy || encryptedpart1[0..8] "
                    + "|| encryptedpart2)",
                flag: key.encryptedKey.flag, addressHash: key.address.addressHash, ownerEntropy: entropy,
                fields: [
                    .bytes("encryptedpart1", key.encryptedPart1, Knowledge.keySide),
                    .bytes("encryptedpart2", key.encryptedPart2, Knowledge.keySide),
                ],
                output: .text("encrypted_key", key.encryptedKey.text, hex: key.encryptedKey.bytes, Knowledge.keySide),
                note: "Printed under the sticker. It must never reach site A: with the passpoint it yields seedb."))

        var pointB = ExplainStep(
            name: "pointb", performedBy: party, formula: "pointb = factorb·G  (33-byte compressed point)")
        pointB.inputs = [.secret("factorb", key.factorb, Knowledge.keySide)]
        pointB.outputs = [.bytes("pointb", key.pointB.compressed, Knowledge.bothSites)]
        steps.append(pointB)

        let encryptedPointB = key.confirmationCode.encryptedPointB
        steps.append(
            .aes(
                "encrypt pointb", by: party,
                formula: "pointbprefix = pointb[0] ⊕ (derivedhalf2[31] & 1);  "
                    + "pointbx1 = AES256(pointb[1..17] ⊕ derivedhalf1[0..16]);  "
                    + "pointbx2 = AES256(pointb[17..33] ⊕ derivedhalf1[16..32])",
                inputs: [.bytes("pointb", key.pointB.compressed, Knowledge.bothSites)], halves: halves,
                outputs: [
                    .bytes("pointbprefix", Array(encryptedPointB[0..<1]), Knowledge.bothSites),
                    .bytes("pointbx1", Array(encryptedPointB[1..<17]), Knowledge.bothSites),
                    .bytes("pointbx2", Array(encryptedPointB[17..<33]), Knowledge.bothSites),
                ]))

        steps.append(
            .assembly(
                "the confirmation code", by: party,
                formula: "code = Base58Check(643BF6A89A || flag || addresshash || ownerentropy || pointbprefix "
                    + "|| pointbx1 || pointbx2)",
                flag: key.confirmationCode.flag, addressHash: key.address.addressHash, ownerEntropy: entropy,
                fields: [.bytes("encryptedpointb", encryptedPointB, Knowledge.bothSites)],
                output: .text(
                    "confirmation_code", key.confirmationCode.text, hex: key.confirmationCode.bytes,
                    Knowledge.bothSites),
                note: "Lets the passphrase holder check the address without the encrypted key (bip38 explain confirm).")
        )
        return steps
    }
}
