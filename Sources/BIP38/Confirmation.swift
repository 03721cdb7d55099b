import CryptoCore

/// The result of checking a confirmation code against a passphrase
/// (BIP38, "Confirmation code"): the address the code commits to is bound
/// to the passphrase.
///
/// `owner`, `derived` and `pointB` are SPI (`@_spi(Explain) import BIP38`), for
/// `bip38 explain`.
public struct Confirmation: Sendable {
    public let address: Address
    public let format: AddressFormat
    public let lotSequence: LotSequence?
    /// The owner's factors, rebuilt from the passphrase.
    @_spi(Explain) public let owner: OwnerFactors
    @_spi(Explain) public let derived: DerivedHalves
    /// factorb·G, decrypted from the code.
    @_spi(Explain) public let pointB: CurvePoint
    /// Which reading of the ownerentropy confirmed the code.
    public var reading: ECMultiplyReading = .specification
    /// Which form of the typed passphrase confirmed the code.
    public var passphraseForm: PassphraseForm = .exact

    /// The native SegWit address of the same key, for compressed keys.
    public var segwitAddress: Address? {
        guard format.isCompressed, let point = try? pointB.multiplied(by: owner.passfactor) else { return nil }
        return .p2wpkh(point, network: address.network)
    }
}

extension ConfirmationCode {
    /// Checks this code against `passphrase` and returns the address it confirms.
    ///
    ///     passfactor, passpoint from the passphrase and ownerentropy (as for the intermediate code)
    ///     derived   = scrypt(passpoint, addresshash || ownerentropy, 1024, 1, 1, 64)
    ///     pointb    = (pointbprefix ⊕ (derivedhalf2[31] & 1)) || AES⁻¹(pointbx1) ⊕ … || AES⁻¹(pointbx2) ⊕ …
    ///     address   = address(pointb·passfactor); its hash must equal addresshash
    ///
    /// - Throws: ``BIP38Error/wrongPassphrase`` when the hash does not match or
    ///   the decrypted pointb is not on the curve; ``BIP38Error/networkMismatch(expected:found:)``
    ///   when it matches on the other network.
    /// - Parameters:
    ///   - allowNonStandardReading: after the specification's reading fails, also try
    ///     the non-standard one (``ECMultiplyReading``).
    ///   - tryingCanonicalForm: after the typed text fails, try its card canonical
    ///     form (``CardPassphrase``), as ``EncryptedKey/decrypt(passphrase:network:allowNonStandardReading:tryingCanonicalForm:)``
    ///     does: at most two heavy scrypt calls.
    public func confirm(
        passphrase: Passphrase, network: Network = .mainnet, allowNonStandardReading: Bool = false,
        tryingCanonicalForm: Bool = false
    )
        throws(BIP38Error) -> Confirmation
    {
        var (confirmation, tried) = try PassphraseTries.first(
            typed: passphrase, tryingCanonicalForm: tryingCanonicalForm,
            nonStandardReading: allowNonStandardReading && ownerEntropy.hasLotSequence
        ) { (tried) throws(BIP38Error) in
            try confirm(passphrase: tried.passphrase, network: network, entropy: tried.reading.entropy(ownerEntropy))
        }
        confirmation.reading = tried.reading
        confirmation.passphraseForm = tried.form
        return confirmation
    }

    private func confirm(
        passphrase: Passphrase, network: Network, entropy: OwnerEntropy
    ) throws(BIP38Error)
        -> Confirmation
    {
        let ownerEntropy = entropy
        let owner = try OwnerFactors(passphrase: passphrase, ownerEntropy: ownerEntropy)
        let derived = try lifted("confirmation") { () throws(CryptoError) in
            try DerivedHalves.ecMultiply(
                passpoint: owner.passpoint, addressHash: addressHash, ownerEntropy: ownerEntropy)
        }
        let encrypted = encryptedPointB
        let pointBBytes = try lifted("confirmation") { () throws(CryptoError) in
            let prefix = SecretBytes(copying: [encrypted[0] ^ (derived.half2[31] & 1)])
            let x1 = try derived.decrypt(Array(encrypted[1..<17]), xorRange: 0..<16)
            let x2 = try derived.decrypt(Array(encrypted[17..<33]), xorRange: 16..<32)
            return prefix.appending(x1).appending(x2)
        }
        // With a wrong passphrase the decrypted x is random: off the curve about half the time.
        guard let pointB = try? CurvePoint(pointBBytes.revealedBytes()),
            let generated = try? pointB.multiplied(by: owner.passfactor)
        else { throw .wrongPassphrase }
        let address = try verifiedAddress(
            of: generated, format: format, network: network, addressHash: addressHash)
        return Confirmation(
            address: address, format: format, lotSequence: entropy.lotSequence, owner: owner, derived: derived,
            pointB: pointB)
    }
}
