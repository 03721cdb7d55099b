import CryptoCore

/// What the passphrase owner derives from the passphrase and ownerentropy
/// (BIP38, "Encryption when EC multiply mode is used", steps 1-5):
///
///     prefactor  = scrypt(passphrase, ownersalt, 16384, 8, 8, 32)
///     passfactor = SHA256d(prefactor || ownerentropy)   with lot/sequence
///                = prefactor                            without
///     passpoint  = passfactor·G  (compressed)
///
/// The same derivation serves making an intermediate code, checking a
/// confirmation code and decrypting an EC-multiply key.
///
/// `prefactor` and `passfactor` are SPI (`@_spi(Explain) import BIP38`): `bip38 explain`
/// prints them, the audit searches for them.
public struct OwnerFactors: Sendable {
    public let ownerEntropy: OwnerEntropy
    @_spi(Explain) public let prefactor: SecretBytes
    @_spi(Explain) public let passfactor: SecretBytes
    public let passpoint: CurvePoint

    /// Runs the heavy scrypt once and derives passfactor and passpoint.
    /// - Throws: ``BIP38Error/scalarOutOfRange(what:)`` if passfactor is 0 or not below n
    ///   (the caller that chose the salt should draw a new one).
    public init(passphrase: Passphrase, ownerEntropy: OwnerEntropy) throws(BIP38Error) {
        let prefactor = try lifted("prefactor") { () throws(CryptoError) in
            try Scrypt.derive(
                password: passphrase.normalizedUTF8, salt: ownerEntropy.ownerSalt, parameters: .bip38Passphrase,
                length: 32)
        }
        let passfactor =
            ownerEntropy.hasLotSequence
            ? SHA256.doubleHash(secret: prefactor.appending(ownerEntropy.bytes))
            : prefactor
        self.ownerEntropy = ownerEntropy
        self.prefactor = prefactor
        self.passfactor = passfactor
        passpoint = try lifted("passfactor") { () throws(CryptoError) in try Secp256k1.publicPoint(of: passfactor) }
    }

    /// The intermediate code that carries ownerentropy and passpoint to the key site.
    public var intermediateCode: IntermediateCode {
        IntermediateCode(ownerEntropy: ownerEntropy, passpoint: passpoint)
    }
}

extension IntermediateCode {
    /// Makes an intermediate code for `passphrase` (the passphrase owner's step).
    ///
    /// Draws a 4-byte ownersalt (with lot/sequence) or an 8-byte one (without)
    /// from `random`, and draws again in the (negligible) case that passfactor
    /// is not a valid scalar.
    /// - Returns: the owner's factors; ``OwnerFactors/intermediateCode`` is the code.
    public static func make(
        passphrase: Passphrase, lotSequence: LotSequence? = nil, random: some RandomSource = SystemRandomSource()
    ) throws(BIP38Error) -> OwnerFactors {
        // Intermediate codes are never made from an empty passphrase (one may be opened).
        guard passphrase.normalizedUTF8.count > 0 else { throw .invalidPassphrase(reason: "empty") }
        while true {
            let salt = random.bytes(count: lotSequence == nil ? 8 : 4).revealedBytes()
            do {
                return try OwnerFactors(
                    passphrase: passphrase, ownerEntropy: OwnerEntropy(ownerSalt: salt, lotSequence: lotSequence))
            } catch .scalarOutOfRange {
                continue
            }
        }
    }
}
