@_spi(Explain) import BIP38
import CryptoCore

/// seedb recovered from an EC-multiply encrypted key with nothing but the passpoint:
/// the reason the encrypted key must never reach site A, and why site B's only
/// barrier to a kept encrypted key is the passphrase.
///
/// Computed here from CryptoCore's primitives, apart from the library's
/// decryption, so the walk shows the attack as an attacker would run it.
struct SeedbRecovery {
    let half1: SecretBytes
    let half2: SecretBytes
    /// AES256⁻¹(encryptedpart2) ⊕ derivedhalf1[16..32] = encryptedpart1[8..16] || seedb[16..24].
    let decryptedPart2: SecretBytes
    /// encryptedpart1 in full: 8 bytes from the key, 8 from the decrypted part2.
    let encryptedPart1: [UInt8]
    let seedb: SecretBytes
    let factorb: SecretBytes

    /// - Throws: ``CryptoError`` from scrypt or AES (not expected for a valid key).
    init(key: EncryptedKey, ownerEntropy: OwnerEntropy, passpoint: CurvePoint) throws(CryptoError) {
        let derived = try Scrypt.derive(
            password: passpoint.compressed, salt: key.addressHash + ownerEntropy.bytes,
            parameters: .bip38Passpoint, length: 64)
        half1 = derived[0..<32]
        half2 = derived[32..<64]
        decryptedPart2 = try AES256.decryptBlock(Array(key.bytes[23..<39]), key: half2).xor(half1[16..<32])
        encryptedPart1 = Array(key.bytes[15..<23]) + decryptedPart2[0..<8].revealedBytes()
        let seedbHead = try AES256.decryptBlock(encryptedPart1, key: half2).xor(half1[0..<16])
        seedb = seedbHead.appending(decryptedPart2[8..<16])
        factorb = SHA256.doubleHash(secret: seedb)
    }

    /// The steps from the derived halves to factorb.
    /// - Parameters:
    ///   - knownBy: who learns seedb and factorb this way (the card holder; site A in the failure demo).
    ///   - suffix: appended to the names of seedb and factorb (`_recovered` in the ceremony's failure demo).
    ///   - leaked: whether the encrypted key has reached a party that should never have it (`by`).
    func steps(
        key: EncryptedKey, passpoint: CurvePoint, ownerEntropy: OwnerEntropy, by party: Party, knownBy: [Party],
        suffix: String = "", leaked: Bool = false
    ) -> [ExplainStep] {
        let cipher =
            leaked ? Party.allCases.filter { $0 == party || Knowledge.keySide.contains($0) } : Knowledge.keySide
        var halves = OwnerSteps.derivedHalves(
            half1: half1, half2: half2, passpoint: passpoint, addressHash: key.addressHash,
            ownerEntropy: ownerEntropy, by: party)
        if leaked { halves.inputs.insert(.text("encrypted_key", key.text, hex: key.bytes, cipher), at: 0) }
        let pair = DerivedHalfPair(half1: half1, half2: half2)
        let part2 = ExplainStep.aes(
            "decrypt encryptedpart2", by: party,
            formula: "encryptedpart1[8..16] || seedb[16..24] = AES256⁻¹(encryptedpart2, key derivedhalf2) "
                + "⊕ derivedhalf1[16..32]",
            inputs: [.bytes("encryptedpart2", Array(key.bytes[23..<39]), cipher)], halves: pair,
            outputs: [
                .bytes("encryptedpart1_tail", decryptedPart2[0..<8].revealedBytes(), cipher),
                .secret("seedb_tail" + suffix, decryptedPart2[8..<16], knownBy),
            ])
        let part1 = ExplainStep.aes(
            "decrypt encryptedpart1", by: party,
            formula: "seedb[0..16] = AES256⁻¹(encryptedpart1[0..8] || encryptedpart1_tail, key derivedhalf2) "
                + "⊕ derivedhalf1[0..16]",
            inputs: [.bytes("encryptedpart1", encryptedPart1, cipher)], halves: pair,
            outputs: [
                .secret("seedb_head" + suffix, seedb[0..<16], knownBy), .secret("seedb" + suffix, seedb, knownBy),
            ])

        var factor = ExplainStep(
            name: "factorb", performedBy: party, formula: "factorb = SHA256(SHA256(seedb))")
        factor.inputs = [.secret("seedb" + suffix, seedb, knownBy)]
        factor.outputs = [.secret("factorb" + suffix, factorb, knownBy)]
        return [halves, part2, part1, factor]
    }
}

/// The card holder's decryption of an EC-multiply key (BIP38, "Decryption").
enum DecryptSteps {
    static func readKey(_ key: EncryptedKey, ownerEntropy: OwnerEntropy, by party: Party) -> ExplainStep {
        var read = ExplainStep(
            name: "read the encrypted key", performedBy: party,
            formula:
                "key = 0143 || flag || addresshash(4) || ownerentropy(8) || encryptedpart1[0..8] || encryptedpart2(16)")
        read.inputs = [.text("encrypted_key", key.text, hex: key.bytes, Knowledge.keySide)]
        read.outputs = ExplainedValue.header(flag: key.flag, addressHash: key.addressHash, ownerEntropy: ownerEntropy)
        if let lotSequence = key.lotSequence {
            read.outputs += [
                .text("lot", String(lotSequence.lot), Knowledge.bothSites),
                .text("sequence", String(lotSequence.sequence), Knowledge.bothSites),
            ]
        }
        read.outputs += [
            .bytes("encryptedpart1_head", Array(key.bytes[15..<23]), Knowledge.keySide),
            .bytes("encryptedpart2", Array(key.bytes[23..<39]), Knowledge.keySide),
        ]
        return read
    }

    /// private key = passfactor·factorb mod n, and the address check.
    /// - Parameters:
    ///   - passfactor, factorb: the two shares as the walk names them.
    ///   - name, knownBy: the name of the private key and who learns it.
    static func privateKey(
        _ key: PrivateKey, format: AddressFormat, network: Network, passfactor: ExplainedValue, factorb: ExplainedValue,
        addressHash: [UInt8], by party: Party, name: String = "private_key", knownBy: [Party] = Knowledge.holderOnly,
        matchNote: String = "the passphrase is right, and this is the card's key.",
        mismatchNote: String? = nil
    ) -> [ExplainStep] {
        let wif = WIF(key: key, format: format, network: network).revealedText()
        var product = ExplainStep(
            name: "the private key", performedBy: party, formula: "private key = passfactor·factorb mod n")
        product.inputs = [passfactor, factorb]
        product.outputs = [
            .secret(name, key.scalar, knownBy),
            ExplainedValue(name: "wif", hex: nil, text: wif, knownBy: knownBy),
        ]

        let check = addressCheck(
            key, format: format, network: network, name: name, knownBy: knownBy, addressHash: addressHash,
            by: party, matchNote: matchNote, mismatchNote: mismatchNote)
        return [product, check]
    }

    /// The last step of every decryption: the address of the decrypted key, and
    /// its hash against the key's addresshash.
    static func addressCheck(
        _ key: PrivateKey, format: AddressFormat, network: Network, name: String, knownBy: [Party],
        addressHash: [UInt8], by party: Party, matchNote: String, mismatchNote: String?,
        publicKeyKnownBy: [Party] = Knowledge.bothSites
    ) -> ExplainStep {
        let address = key.address(format: format, network: network)
        var check = ExplainStep(
            name: "check the address", performedBy: party,
            formula:
                "public key = private key·G;  address = P2PKH(public key);  SHA256d(address)[0..4] must equal addresshash"
        )
        check.inputs = [.secret(name, key.scalar, knownBy)]
        check.outputs = [
            .bytes("public_key", format.publicKey(of: key.publicPoint), publicKeyKnownBy),
            .text("address", address.text, Knowledge.everyone),
            .bytes("addresshash", address.addressHash, Knowledge.everyone),
        ]
        check.notes = [
            address.addressHash == addressHash
                ? "addresshash matches \(addressHash.hex): " + matchNote
                : "addresshash \(address.addressHash.hex) does NOT match the key's \(addressHash.hex)."
                    + (mismatchNote.map { " " + $0 } ?? "")
        ]
        return check
    }

    /// What a decryption walk found: its steps, and whether the rebuilt address
    /// hashes to the key's addresshash (the passphrase was right).
    struct Outcome {
        var steps: [ExplainStep]
        let matched: Bool
    }

    /// The whole walk of `bip38 explain decrypt`, for EC-multiply and non-EC keys.
    /// A wrong passphrase is walked too, up to the address hash that fails to match.
    static func decryption(
        _ key: EncryptedKey, passphrase: Passphrase, network: Network, by party: Party
    ) throws -> Outcome {
        guard let entropy = key.ownerEntropy else {
            return try NonECSteps.decryption(key, passphrase: passphrase, network: network, by: party)
        }
        let owner = try failure(file: "encrypted key") { () throws(BIP38Error) in
            try OwnerFactors(passphrase: passphrase, ownerEntropy: entropy)
        }
        var steps = [readKey(key, ownerEntropy: entropy, by: party)]
        steps.append(OwnerSteps.ownerEntropy(entropy, by: party, saltNote: "ownersalt is read from the encrypted key."))
        steps += OwnerSteps.factors(owner, passphrase: passphrase, by: party)
        let recovery = try failure(file: "encrypted key") { () throws(CryptoError) in
            try SeedbRecovery(key: key, ownerEntropy: entropy, passpoint: owner.passpoint)
        }
        var recovered = recovery.steps(
            key: key, passpoint: owner.passpoint, ownerEntropy: entropy, by: party, knownBy: Knowledge.keySide)
        recovered[0].notes.append(
            "From here to factorb no passphrase is used: anyone with the passpoint and the encrypted key gets seedb.")
        steps += recovered
        let privateKey = try failure(file: "encrypted key") { () throws(BIP38Error) in
            let scalar = try lifted { () throws(CryptoError) in
                try Secp256k1.multiply(owner.passfactor, recovery.factorb)
            }
            return try PrivateKey(scalar: scalar)
        }
        let matched = privateKey.address(format: key.format, network: network).addressHash == key.addressHash
        steps += self.privateKey(
            privateKey, format: key.format, network: network,
            passfactor: .secret("passfactor", owner.passfactor, Knowledge.passphraseSide),
            factorb: .secret("factorb", recovery.factorb, Knowledge.keySide), addressHash: key.addressHash, by: party,
            mismatchNote: wrongPassphraseNote(ec: true))
        return Outcome(steps: steps, matched: matched)
    }

    /// What a failed address check means, for the walk's last step.
    static func wrongPassphraseNote(ec: Bool) -> String {
        "So the passphrase is wrong: "
            + (ec
                ? "it gave another passfactor, so another passpoint, so other derived halves, so a wrong seedb "
                    + "and factorb, and a key whose address is not this card's."
                : "it gave other derived halves, so AES decrypted the key's halves to another key, whose address "
                    + "is not the one this key was made for.")
            + " BIP38 has no other check: the 4-byte address hash is how a wrong passphrase is told from a right one."
    }
}

/// A CryptoCore failure as a ``BIP38Error``.
func lifted<T>(_ body: () throws(CryptoError) -> T) throws(BIP38Error) -> T {
    do { return try body() } catch { throw .primitive(error) }
}
