import CryptoCore

extension EncryptedKey {
    /// Recovers seedb from an EC-multiply key and the passpoint of its intermediate code, **without the passphrase**.
    ///
    /// BIP38's AES key derives from the passpoint alone:
    ///
    ///     derived = scrypt(passpoint, addresshash || ownerentropy, 1024, 1, 1, 64)
    ///     encryptedpart2 → encryptedpart1[8..<16] || seedb[16..<24]
    ///     encryptedpart1 → seedb[0..<16]
    ///
    /// This is why the key site can always read seedb from its own output, and
    /// why an encrypted key must never reach the passphrase site: with seedb
    /// (so factorb) and its passfactor, site A has the private key. The audit
    /// uses it to recover every seedb from the printed faces.
    /// - Throws: ``BIP38Error/flagNotAllowed(flag:kind:)`` for a non-EC key.
    public func recoverSeedb(passpoint: CurvePoint) throws(BIP38Error) -> SecretBytes {
        guard let entropy = ownerEntropy else {
            throw .flagNotAllowed(flag: flag.rawValue, kind: "seedb recovery (non-EC key)")
        }
        return try seedbAndHalves(passpoint: passpoint, ownerEntropy: entropy).seedb
    }

    /// seedb and the derived halves that unlock it (shared with decryption).
    func seedbAndHalves(
        passpoint: CurvePoint, ownerEntropy entropy: OwnerEntropy
    ) throws(BIP38Error)
        -> (seedb: SecretBytes, derived: DerivedHalves)
    {
        let bytes = self.bytes
        return try lifted("seedb") { () throws(CryptoError) in
            let derived = try DerivedHalves.ecMultiply(
                passpoint: passpoint, addressHash: addressHash, ownerEntropy: entropy)
            // encryptedpart2 decrypts to encryptedpart1[8..<16] || seedb[16..<24].
            let decrypted2 = try derived.decrypt(Array(bytes[23..<39]), xorRange: 16..<32)
            let part1 = Array(bytes[15..<23]) + decrypted2[0..<8].revealedBytes()
            return (try derived.decrypt(part1, xorRange: 0..<16).appending(decrypted2[8..<16]), derived)
        }
    }
}
