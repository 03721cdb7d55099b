import CryptoCore

/// A decrypted BIP38 key.
public struct DecryptedKey: Sendable {
    public let key: PrivateKey
    public let format: AddressFormat
    public let address: Address
    public let isECMultiply: Bool
    public let lotSequence: LotSequence?
    /// For EC-multiply keys: the owner's factors and the recovered seedb and factorb.
    @_spi(Explain) public let ecMultiply: ECMultiplyDecryption?
    /// Which reading of the ownerentropy opened the key.
    public var reading: ECMultiplyReading = .specification
    /// Which form of the typed passphrase opened the key.
    public var passphraseForm: PassphraseForm = .exact

    /// The key as WIF for the address's network.
    public var wif: WIF { WIF(key: key, format: format, network: address.network) }

    /// The native SegWit address of the same key, for compressed keys.
    public var segwitAddress: Address? {
        format.isCompressed ? .p2wpkh(key.publicPoint, network: address.network) : nil
    }
}

/// How an EC-multiply key's ownerentropy was read.
///
/// One published wallet tool makes intermediate codes whose magic ends in `51`
/// (lot/sequence) although they carry an 8-byte ownersalt and skip the
/// SHA256d step. Keys made from them set flag 0x04 and fail the
/// specification's decryption. A decrypter that allows it tries that reading
/// after the specification's fails, and says which one worked.
public enum ECMultiplyReading: String, Sendable {
    /// BIP38 as specified.
    case specification = "bip38"
    /// Flag 0x04, but ownerentropy read as an 8-byte ownersalt and passfactor = prefactor.
    case eightByteSaltDespiteLotSequenceFlag = "non-standard-8-byte-salt"

    /// `entropy` as this reading takes it.
    func entropy(_ entropy: OwnerEntropy) -> OwnerEntropy {
        switch self {
        case .specification: entropy
        case .eightByteSaltDespiteLotSequenceFlag: OwnerEntropy(bytes: entropy.bytes, hasLotSequence: false)
        }
    }
}

/// The intermediate values of an EC-multiply decryption. SPI
/// (`@_spi(Explain) import BIP38`), for `bip38 explain` and the audit.
@_spi(Explain) public struct ECMultiplyDecryption: Sendable {
    public let owner: OwnerFactors
    public let derived: DerivedHalves
    public let seedb: SecretBytes
    public let factorb: SecretBytes
}

extension EncryptedKey {
    /// Decrypts with `passphrase` (BIP38, "Decryption" for both modes).
    ///
    /// The addresshash is always checked, so a wrong passphrase is an error and never a key.
    /// - Throws: ``BIP38Error/wrongPassphrase``; ``BIP38Error/networkMismatch(expected:found:)``
    ///   when the key's address is on the other network; ``BIP38Error/scalarOutOfRange(what:)``
    ///   if passfactor or factorb is invalid.
    /// - Parameters:
    ///   - allowNonStandardReading: after the specification's reading fails,
    ///     also try the non-standard one (``ECMultiplyReading``); costs one more
    ///     heavy scrypt when the passphrase is wrong.
    ///   - tryingCanonicalForm: after the typed text fails, try its card
    ///     canonical form (``CardPassphrase``) when it has one that differs, in
    ///     place of the non-standard reading. Either way at most two heavy scrypt
    ///     calls (``PassphraseTries``); the key says which form opened it.
    public func decrypt(
        passphrase: Passphrase, network: Network = .mainnet, allowNonStandardReading: Bool = false,
        tryingCanonicalForm: Bool = false
    )
        throws(BIP38Error) -> DecryptedKey
    {
        let entropy = ownerEntropy
        var (key, tried) = try PassphraseTries.first(
            typed: passphrase, tryingCanonicalForm: tryingCanonicalForm,
            nonStandardReading: allowNonStandardReading && entropy?.hasLotSequence == true
        ) { (tried) throws(BIP38Error) in
            guard let entropy else { return try decryptNonEC(passphrase: tried.passphrase, network: network) }
            return try decryptECMultiply(
                passphrase: tried.passphrase, network: network, entropy: tried.reading.entropy(entropy))
        }
        key.reading = tried.reading
        key.passphraseForm = tried.form
        return key
    }

    /// Non-EC: derived = scrypt(passphrase, addresshash, 16384, 8, 8, 64);
    /// key = AES⁻¹(half1) ⊕ derivedhalf1[0..<16] || AES⁻¹(half2) ⊕ derivedhalf1[16..<32].
    private func decryptNonEC(passphrase: Passphrase, network: Network) throws(BIP38Error) -> DecryptedKey {
        let scalar = try lifted("private key") { () throws(CryptoError) in
            let derived = try DerivedHalves.nonEC(passphrase: passphrase, addressHash: addressHash)
            return try derived.decrypt(Array(bytes[7..<23]), xorRange: 0..<16)
                .appending(derived.decrypt(Array(bytes[23..<39]), xorRange: 16..<32))
        }
        guard let key = try? PrivateKey(scalar: scalar) else { throw .wrongPassphrase }
        let address = try verifiedAddress(
            of: key.publicPoint, format: format, network: network, addressHash: addressHash)
        return DecryptedKey(
            key: key, format: format, address: address, isECMultiply: false, lotSequence: nil, ecMultiply: nil)
    }

    /// EC-multiply: rebuild passfactor and passpoint, decrypt encryptedpart2 then
    /// encryptedpart1 to seedb, factorb = SHA256d(seedb), key = passfactor·factorb mod n.
    private func decryptECMultiply(
        passphrase: Passphrase, network: Network, entropy: OwnerEntropy
    ) throws(BIP38Error)
        -> DecryptedKey
    {
        let owner = try OwnerFactors(passphrase: passphrase, ownerEntropy: entropy)
        let (seedb, derived) = try seedbAndHalves(passpoint: owner.passpoint, ownerEntropy: entropy)
        let factorb = SHA256.doubleHash(secret: seedb)
        let scalar = try lifted("factorb") { () throws(CryptoError) in try Secp256k1.multiply(owner.passfactor, factorb)
        }
        let key = try PrivateKey(scalar: scalar)
        let address = try verifiedAddress(
            of: key.publicPoint, format: format, network: network, addressHash: addressHash)
        return DecryptedKey(
            key: key, format: format, address: address, isECMultiply: true, lotSequence: entropy.lotSequence,
            ecMultiply: ECMultiplyDecryption(owner: owner, derived: derived, seedb: seedb, factorb: factorb))
    }

    /// Non-EC encryption of a known private key (BIP38, "Encryption when EC multiply flag is not used").
    ///
    ///     addresshash = SHA256d(address)[0..<4]
    ///     derived     = scrypt(passphrase, addresshash, 16384, 8, 8, 64)
    ///     half1/half2 = AES(key[0..<16] ⊕ derivedhalf1[0..<16]), AES(key[16..<32] ⊕ derivedhalf1[16..<32])
    public static func encrypt(
        _ key: PrivateKey, format: AddressFormat, passphrase: Passphrase, network: Network = .mainnet
    ) throws(BIP38Error) -> EncryptedKey {
        // Keys are never made from an empty passphrase (one may be opened: `Passphrase(utf8:allowingEmpty:)`).
        guard passphrase.normalizedUTF8.count > 0 else { throw .invalidPassphrase(reason: "empty") }
        let addressHash = key.address(format: format, network: network).addressHash
        let bytes = try lifted("encryption") { () throws(CryptoError) in
            let derived = try DerivedHalves.nonEC(passphrase: passphrase, addressHash: addressHash)
            let half1 = try derived.encrypt(key.scalar[0..<16], xorRange: 0..<16)
            let half2 = try derived.encrypt(key.scalar[16..<32], xorRange: 16..<32)
            return nonECPrefix + [BIP38Flag.nonEC(format: format).rawValue] + addressHash + half1 + half2
        }
        // The layout above is fixed, so the key always validates.
        return try! EncryptedKey(bytes: bytes)
    }
}
