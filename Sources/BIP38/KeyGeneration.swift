import CryptoCore

/// Everything the key site computes for one card from an intermediate code
/// (BIP38, "Encryption when EC multiply mode is used", and "Confirmation code").
///
///     factorb    = SHA256d(seedb)
///     generated  = passpoint·factorb            (the card's public key)
///     derived    = scrypt(passpoint, addresshash || ownerentropy, 1024, 1, 1, 64)
///     part1      = AES(seedb[0..<16] ⊕ derivedhalf1[0..<16])
///     part2      = AES((part1[8..<16] || seedb[16..<24]) ⊕ derivedhalf1[16..<32])
///     pointb     = factorb·G;  pointbprefix = pointb[0] ⊕ (derivedhalf2[31] & 1)
///     pointbx1/2 = AES(pointb[1..<17] ⊕ half1[0..<16]), AES(pointb[17..<33] ⊕ half1[16..<32])
///
/// `seedb` and `factorb` are the key site's secrets: a site keeps the
/// encrypted key, address and confirmation code, and drops this value.
///
/// The intermediate values (`seedb`, `factorb`, `derived`, `encryptedPart1`,
/// `encryptedPart2`, `pointB`) are SPI: `bip38 explain` reads them through
/// `@_spi(Explain) import BIP38`.
public struct GeneratedKey: Sendable {
    @_spi(Explain) public let seedb: SecretBytes
    @_spi(Explain) public let factorb: SecretBytes
    public let generatedPoint: CurvePoint
    public let address: Address
    @_spi(Explain) public let derived: DerivedHalves
    @_spi(Explain) public let encryptedPart1: [UInt8]
    @_spi(Explain) public let encryptedPart2: [UInt8]
    @_spi(Explain) public let pointB: CurvePoint
    public let encryptedKey: EncryptedKey
    public let confirmationCode: ConfirmationCode

    /// The native SegWit address of the same key, for compressed keys.
    public var segwitAddress: Address? {
        encryptedKey.format.isCompressed ? .p2wpkh(generatedPoint, network: address.network) : nil
    }
}

extension IntermediateCode {
    /// The key site's step: a new encrypted key, its address and confirmation
    /// code, from this intermediate code alone.
    ///
    /// Draws a 24-byte seedb from `random`, and draws again in the (negligible)
    /// case that factorb is not a valid scalar.
    public func generateKey(
        format: AddressFormat, network: Network = .mainnet, random: some RandomSource = SystemRandomSource()
    ) throws(BIP38Error) -> GeneratedKey {
        while true {
            do {
                return try generateKey(seedb: random.bytes(count: 24), format: format, network: network)
            } catch .scalarOutOfRange(what: "factorb") {
                continue
            }
        }
    }

    /// The key site's step with a given seedb (tests and teaching walks).
    /// - Throws: ``BIP38Error/scalarOutOfRange(what:)`` naming `factorb` if
    ///   SHA256d(seedb) is 0 or not below n.
    public func generateKey(
        seedb: SecretBytes, format: AddressFormat, network: Network
    ) throws(BIP38Error) -> GeneratedKey {
        guard seedb.count == 24 else { throw .wrongLength(kind: "seedb", expected: 24, actual: seedb.count) }
        let flag = BIP38Flag.ecMultiply(format: format, lotSequence: hasLotSequence)
        let factorb = SHA256.doubleHash(secret: seedb)
        let generated = try lifted("factorb") { () throws(CryptoError) in try passpoint.multiplied(by: factorb) }
        let address = Address.p2pkh(generated, format: format, network: network)
        let addressHash = address.addressHash
        return try lifted("key generation") { () throws(CryptoError) in
            let derived = try DerivedHalves.ecMultiply(
                passpoint: passpoint, addressHash: addressHash, ownerEntropy: ownerEntropy)
            let part1 = try derived.encrypt(seedb[0..<16], xorRange: 0..<16)
            let part2 = try derived.encrypt(
                SecretBytes(copying: part1[8..<16]).appending(seedb[16..<24]), xorRange: 16..<32)
            let keyBytes =
                EncryptedKey.ecPrefix + [flag.rawValue] + addressHash + ownerEntropy.bytes + part1[0..<8] + part2

            let pointB = try Secp256k1.publicPoint(of: factorb)
            let pointBPrefix = pointB.compressed[0] ^ (derived.half2[31] & 1)
            let pointBX1 = try derived.encrypt(SecretBytes(copying: pointB.compressed[1..<17]), xorRange: 0..<16)
            let pointBX2 = try derived.encrypt(SecretBytes(copying: pointB.compressed[17..<33]), xorRange: 16..<32)
            let confirmation = ConfirmationCode(
                flag: flag, addressHash: addressHash, ownerEntropy: ownerEntropy,
                encryptedPointB: [pointBPrefix] + pointBX1 + pointBX2)

            // The layout above is fixed, so the key always validates.
            return GeneratedKey(
                seedb: seedb, factorb: factorb, generatedPoint: generated, address: address, derived: derived,
                encryptedPart1: part1, encryptedPart2: part2, pointB: pointB,
                encryptedKey: try! EncryptedKey(bytes: keyBytes), confirmationCode: confirmation)
        }
    }
}
