@_spi(Explain) import BIP38
import CryptoCore
import Foundation

/// The end of `bip38 explain ceremony`: the key as the product of the two shares,
/// why each site alone cannot compute it and what it would need, and site A
/// computing it once an encrypted key reaches it.
enum CeremonyAnalysis {
    /// Nominal seconds of one scrypt(16384, 8, 8) on one core: the original brief's "a quarter
    /// to half a second" (Docs/Design.md, "Where the code differs from the brief").
    /// A stated figure, not a measurement, so the walk reproduces.
    static let secondsPerGuess = 0.4

    static func steps(
        passphrase: Passphrase, owner: OwnerFactors, key: GeneratedKey, decrypted: DecryptedKey
    ) throws -> [ExplainStep] {
        let format = key.encryptedKey.format
        let network = key.address.network
        let passfactor = ExplainedValue.secret("passfactor", owner.passfactor, Knowledge.passphraseSide)
        var steps: [ExplainStep] = []

        let product = try failure(file: "shares") { () throws(CryptoError) in
            try Secp256k1.multiply(owner.passfactor, key.factorb)
        }
        var join = ExplainStep(
            name: "the two shares together", performedBy: nil,
            formula: "private key = passfactor (site A) · factorb (site B) mod n")
        join.inputs = [passfactor, .secret("factorb", key.factorb, Knowledge.keySide)]
        join.outputs = [.secret("private_key_from_shares", product, Knowledge.holderOnly)]
        join.notes = [
            "Equals the key the card holder decrypted: \(yes(product == decrypted.key.scalar)).",
            "Its public key is passpoint·factorb, the point site B made: "
                + "\(yes((try? Secp256k1.publicPoint(of: product)) == key.generatedPoint)).",
            "In an honest ceremony only the card holder ever holds both shares.",
        ]
        steps.append(join)

        var siteA = whyAlone(
            .siteA, has: "passfactor", needs: "factorb", seenAs: "pointb = factorb·G",
            hardness: "a discrete logarithm (about 2^128 operations)")
        siteA.inputs = [
            OwnerSteps.passphraseValue(passphrase), passfactor,
            .bytes("passpoint", owner.passpoint.compressed, Knowledge.bothSites),
            .text("address", key.address.text, Knowledge.everyone),
            .text("confirmation_code", key.confirmationCode.text, Knowledge.bothSites),
            .bytes("pointb", key.pointB.compressed, Knowledge.bothSites),
        ]
        siteA.notes = [
            "What site A would need: seedb or factorb from site B, or this card's encrypted key (the last steps).",
            "Once its labels are printed and its codes confirmed, site A destroys the passphrase and passfactor; "
                + "then it holds no share at all.",
        ]
        steps.append(siteA)

        var siteB = whyAlone(
            .siteB, has: "factorb", needs: "passfactor", seenAs: "passpoint = passfactor·G",
            hardness: "a discrete logarithm, or one passphrase guess per scrypt(16384, 8, 8)")
        siteB.inputs = [
            .secret("seedb", key.seedb, Knowledge.keySide), .secret("factorb", key.factorb, Knowledge.keySide),
            .bytes("passpoint", owner.passpoint.compressed, Knowledge.bothSites),
            .text("encrypted_key", key.encryptedKey.text, Knowledge.keySide),
        ]
        siteB.notes = [
            "Site B can decrypt seedb from any encrypted key it keeps (the AES key derives from the passpoint): "
                + "keeping encrypted keys is keeping factorb.",
            "What site B would need: passfactor, that is the passphrase. Each guess costs one scrypt(16384, 8, 8) "
                + "and is checked against addresshash; on average half the passphrases are tried.",
            "This demo's passphrase, \(DemoPassphrase.bits) bits: 2^\(DemoPassphrase.bits - 1) guesses ≈ "
                + "\(duration(pow(2, Double(DemoPassphrase.bits - 1)) * secondsPerGuess)) at \(secondsPerGuess) s a guess.",
            "8 lowercase letters (37.6 bits) ≈ \(duration(pow(26, 8) / 2 * secondsPerGuess)); "
                + "6 digits (19.9 bits) ≈ \(duration(1e6 / 2 * secondsPerGuess)). Divide by the attacker's cores.",
            "Once the card is printed, site B destroys seedb, factorb and the encrypted key.",
        ]
        steps.append(siteB)

        // The failure: the encrypted key reaches site A.
        guard let entropy = key.encryptedKey.ownerEntropy else { throw ToolFailure("encrypted key: not EC-multiply") }
        let recovery = try failure(file: "encrypted key") { () throws(CryptoError) in
            try SeedbRecovery(key: key.encryptedKey, ownerEntropy: entropy, passpoint: owner.passpoint)
        }
        var leak = recovery.steps(
            key: key.encryptedKey, passpoint: owner.passpoint, ownerEntropy: entropy, by: .siteA, knownBy: [.siteA],
            suffix: "_recovered", leaked: true)
        leak[0].notes = [
            "Failure case: this card's encrypted key has reached site A, which still has passpoint and passfactor.",
            "Site A uses only its own passpoint and the encrypted key: no passphrase, nothing from site B. "
                + "Site B, or anyone with the passpoint, can do the same.",
        ]
        let stolenScalar = try failure(file: "shares") { () throws(CryptoError) in
            try Secp256k1.multiply(owner.passfactor, recovery.factorb)
        }
        let stolen = try failure(file: "shares") { () throws(BIP38Error) in try PrivateKey(scalar: stolenScalar) }
        var theft = DecryptSteps.privateKey(
            stolen, format: format, network: network, passfactor: passfactor,
            factorb: .secret("factorb_recovered", recovery.factorb, [.siteA]), addressHash: key.address.addressHash,
            by: .siteA, name: "private_key_by_site_a", knownBy: [.siteA],
            matchNote: "site A can spend from this card's address.")
        theft[0].notes = [
            "Equals the card's private key: \(yes(stolen.scalar == decrypted.key.scalar)). "
                + "So the encrypted key must never reach site A, and site A must not keep passphrases."
        ]
        leak += theft
        for index in leak.indices { leak[index].name = "encrypted key at site A: " + leak[index].name }
        steps += leak
        return steps
    }

    private static func yes(_ condition: Bool) -> String { condition ? "yes" : "NO" }

    /// A duration in core-seconds, core-days or core-years, to two significant digits.
    static func duration(_ seconds: Double) -> String {
        let units: [(String, Double)] = [("core-years", 365.25 * 86400), ("core-days", 86400), ("core-hours", 3600)]
        for (unit, size) in units where seconds >= size { return "\(approximate(seconds / size)) \(unit)" }
        return "\(approximate(seconds)) core-seconds"
    }

    /// Two significant digits: 7.3e9, 1300, 2.3.
    static func approximate(_ value: Double) -> String {
        guard value >= 10 else { return String(format: "%.1f", value) }
        var exponent = Int(log10(value).rounded(.down))
        var mantissa = (value / pow(10, Double(exponent - 1))).rounded()
        if mantissa >= 100 {
            mantissa /= 10
            exponent += 1
        }
        if exponent >= 6 { return String(format: "%.1fe%d", mantissa / 10, exponent) }
        return String(Int(mantissa * pow(10, Double(exponent - 1))))
    }

    /// The step of reasoning "why site X alone cannot compute the key": what it
    /// has, the share it lacks, and the only form in which it sees that share.
    private static func whyAlone(
        _ site: Party, has: String, needs: String, seenAs: String, hardness: String
    )
        -> ExplainStep
    {
        let tag = site.tag
        return ExplainStep(
            name: "why \(site.title) alone cannot compute the key", performedBy: nil,
            formula: "\(tag) has \(has); the key also needs \(needs), which \(tag) sees only as \(seenAs): \(hardness)")
    }
}
