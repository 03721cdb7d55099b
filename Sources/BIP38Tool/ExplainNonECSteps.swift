@_spi(Explain) import BIP38
import CryptoCore

/// The decryption of a non-EC key (BIP38, "Encryption when EC multiply flag is not
/// used"): one party made the whole key and sealed it with a passphrase, so
/// there are no shares, only the passphrase that opens it.
///
/// Computed from CryptoCore's primitives, as ``SeedbRecovery`` is, so that a wrong
/// passphrase can be walked to the address hash that fails to match.
enum NonECSteps {
    static func decryption(
        _ key: EncryptedKey, passphrase: Passphrase, network: Network, by party: Party
    ) throws -> DecryptSteps.Outcome {
        let holder = Knowledge.holderOnly
        var read = ExplainStep(
            name: "read the encrypted key", performedBy: party,
            formula: "key = 0142 || flag || addresshash(4) || encryptedhalf1(16) || encryptedhalf2(16)")
        read.inputs = [ExplainedValue.text("encrypted_key", key.text, hex: key.bytes, holder).nonEC]
        read.outputs = [
            .bytes("flag", [key.flag.rawValue], holder),
            .bytes("addresshash", key.addressHash, Knowledge.everyone),
            .bytes("encryptedhalf1", Array(key.bytes[7..<23]), holder),
            .bytes("encryptedhalf2", Array(key.bytes[23..<39]), holder),
        ]
        read.notes = [
            "A non-EC key: one party made the private key and encrypted it; no second site holds a share."
        ]

        let derived = try failure(file: "encrypted key") { () throws(CryptoError) in
            try Scrypt.derive(
                password: passphrase.normalizedUTF8, salt: key.addressHash, parameters: .bip38Passphrase, length: 64)
        }
        let half1 = derived[0..<32]
        let half2 = derived[32..<64]
        var scrypt = ExplainStep(
            name: "derivedhalf1 and derivedhalf2: the heavy scrypt", performedBy: party,
            formula:
                "derivedhalf1 || derivedhalf2 = scrypt(passphrase, addresshash, N=16384, r=8, p=8, 64 bytes)")
        scrypt.inputs = [
            OwnerSteps.passphraseValue(passphrase, knownBy: holder).nonEC,
            .bytes("addresshash", key.addressHash, Knowledge.everyone),
        ]
        scrypt.outputs = ExplainedValue.halves(half1, half2, holder).map(\.nonEC)
        scrypt.notes = [
            "The salt is the address hash: the passphrase is tied to this one address.",
            "This scrypt is what every passphrase guess costs an attacker.",
        ]

        let (head, tail) = try failure(file: "encrypted key") { () throws(CryptoError) in
            (
                try AES256.decryptBlock(Array(key.bytes[7..<23]), key: half2).xor(half1[0..<16]),
                try AES256.decryptBlock(Array(key.bytes[23..<39]), key: half2).xor(half1[16..<32])
            )
        }
        let scalar = head.appending(tail)
        var aes = ExplainStep(
            name: "decrypt the two halves", performedBy: party,
            formula: "private key[0..16] = AES256⁻¹(encryptedhalf1) ⊕ derivedhalf1[0..16];  private key[16..32] = "
                + "AES256⁻¹(encryptedhalf2) ⊕ derivedhalf1[16..32];  AES key = derivedhalf2")
        aes.inputs =
            [
                .bytes("encryptedhalf1", Array(key.bytes[7..<23]), holder),
                .bytes("encryptedhalf2", Array(key.bytes[23..<39]), holder),
            ] + ExplainedValue.halves(half1, half2, holder).map(\.nonEC)
        aes.outputs = [.secret("private_key", scalar, holder)]
        let privateKey = try failure(file: "encrypted key") { () throws(BIP38Error) in
            try PrivateKey(scalar: scalar)
        }
        let format = key.format
        aes.outputs.append(
            ExplainedValue(
                name: "wif", hex: nil, text: WIF(key: privateKey, format: format, network: network).revealedText(),
                knownBy: holder))

        let check = DecryptSteps.addressCheck(
            privateKey, format: format, network: network, name: "private_key", knownBy: holder,
            addressHash: key.addressHash, by: party, matchNote: "the passphrase is right, and this is the key.",
            mismatchNote: DecryptSteps.wrongPassphraseNote(ec: false), publicKeyKnownBy: holder)
        let matched = privateKey.address(format: format, network: network).addressHash == key.addressHash
        return DecryptSteps.Outcome(steps: [read, scrypt, aes, check], matched: matched)
    }
}
