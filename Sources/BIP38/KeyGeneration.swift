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

/// The first phase of ``IntermediateCode/generateKey(seedb:format:network:)``
/// for one card: seedb, factorb, the generated point and its address. What is
/// left (``finish()``) starts with the light scrypt, whose salt is this card's
/// address hash, so a batch of cards prepared one by one can run their scrypts
/// together (``finish(_:)``, every card's lane side by side in the kernel).
///
/// Holds the card's secrets (`seedb`, `factorb`) in ``SecretBytes``, like
/// ``GeneratedKey``.
public struct PreparedKey: Sendable {
    let code: IntermediateCode
    let flag: BIP38Flag
    let seedb: SecretBytes
    let factorb: SecretBytes
    /// The card's public key: passpoint·factorb.
    public let generatedPoint: CurvePoint
    /// Its address, in the format and network the key was prepared for.
    public let address: Address

    /// The light scrypt's password and salt (BIP38): passpoint, and addresshash || ownerentropy.
    var scryptInput: (password: [UInt8], salt: [UInt8]) {
        (code.passpoint.compressed, address.addressHash + code.ownerEntropy.bytes)
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
        try prepareKey(format: format, network: network, random: random).finish()
    }

    /// The key site's step with a given seedb (tests and teaching walks).
    /// - Throws: ``BIP38Error/scalarOutOfRange(what:)`` naming `factorb` if
    ///   SHA256d(seedb) is 0 or not below n.
    public func generateKey(
        seedb: SecretBytes, format: AddressFormat, network: Network
    ) throws(BIP38Error) -> GeneratedKey {
        try prepareKey(seedb: seedb, format: format, network: network).finish()
    }

    /// The first phase of ``generateKey(format:network:random:)``: draws seedb
    /// from `random` (again in the negligible case that factorb is not a valid
    /// scalar) and makes the generated point and address.
    public func prepareKey(
        format: AddressFormat, network: Network = .mainnet, random: some RandomSource = SystemRandomSource()
    ) throws(BIP38Error) -> PreparedKey {
        while true {
            do {
                return try prepareKey(seedb: random.bytes(count: 24), format: format, network: network)
            } catch .scalarOutOfRange(what: "factorb") {
                continue
            }
        }
    }

    /// The first phase of ``generateKey(seedb:format:network:)``:
    ///
    ///     factorb    = SHA256d(seedb)
    ///     generated  = passpoint·factorb,  address = P2PKH(generated)
    ///
    /// - Throws: ``BIP38Error/wrongLength(kind:expected:actual:)`` for a seedb
    ///   that is not 24 bytes; ``BIP38Error/scalarOutOfRange(what:)`` naming
    ///   `factorb` if SHA256d(seedb) is 0 or not below n.
    public func prepareKey(
        seedb: SecretBytes, format: AddressFormat, network: Network
    ) throws(BIP38Error) -> PreparedKey {
        guard seedb.count == 24 else { throw .wrongLength(kind: "seedb", expected: 24, actual: seedb.count) }
        let factorb = SHA256.doubleHash(secret: seedb)
        let generated = try lifted("factorb") { () throws(CryptoError) in try passpoint.multiplied(by: factorb) }
        return PreparedKey(
            code: self, flag: .ecMultiply(format: format, lotSequence: hasLotSequence), seedb: seedb,
            factorb: factorb, generatedPoint: generated,
            address: .p2pkh(generated, format: format, network: network))
    }
}

extension PreparedKey {
    /// The second phase for this card alone: its light scrypt
    /// (`DerivedHalves.ecMultiply`, one lane), then AES and the
    /// confirmation code (``finish(derived:)``).
    /// - Throws: ``BIP38Error/primitive(_:)`` when the scrypt has no memory.
    public func finish() throws(BIP38Error) -> GeneratedKey {
        let derived = try lifted("key generation") { () throws(CryptoError) in
            try DerivedHalves.ecMultiply(
                passpoint: code.passpoint, addressHash: address.addressHash, ownerEntropy: code.ownerEntropy)
        }
        return try finish(derived: derived)
    }

    /// The second phase for a batch of cards: their light scrypts together, every
    /// card's lane side by side in the kernel (``Scrypt/derive(many:parameters:length:)``:
    /// 8 cards a kernel call with AVX-512, else 4), then each card's AES and
    /// confirmation code. Each key is the one ``finish()`` makes for that card
    /// (Tests/BIP38Tests/BatchedKeyGenerationTests.swift). In order.
    /// - Throws: ``BIP38Error/primitive(_:)`` when the scrypt has no memory (for the whole batch).
    public static func finish(_ batch: [PreparedKey]) throws(BIP38Error) -> [GeneratedKey] {
        try finish(batch, using: .preferred(for: .bip38Passpoint, cores: 1))
    }

    /// ``finish(_:)`` with the scrypt of `implementation`: for the tests, which
    /// hold the lanes implementation to the per-card path in a debug build too.
    package static func finish(
        _ batch: [PreparedKey], using implementation: Scrypt.Implementation
    ) throws(BIP38Error) -> [GeneratedKey] {
        let derived = try lifted("key generation") { () throws(CryptoError) in
            try Scrypt.derive(
                many: batch.map(\.scryptInput), parameters: .bip38Passpoint, length: 64, using: implementation)
        }
        var keys: [GeneratedKey] = []
        keys.reserveCapacity(batch.count)
        for (prepared, halves) in zip(batch, derived) {
            keys.append(try prepared.finish(derived: DerivedHalves(halves)))
        }
        return keys
    }

    /// The second phase after the light scrypt gave `derived`:
    ///
    ///     part1      = AES(seedb[0..<16] ⊕ derivedhalf1[0..<16])
    ///     part2      = AES((part1[8..<16] || seedb[16..<24]) ⊕ derivedhalf1[16..<32])
    ///     pointb     = factorb·G;  pointbprefix = pointb[0] ⊕ (derivedhalf2[31] & 1)
    ///     pointbx1/2 = AES(pointb[1..<17] ⊕ half1[0..<16]), AES(pointb[17..<33] ⊕ half1[16..<32])
    func finish(derived: DerivedHalves) throws(BIP38Error) -> GeneratedKey {
        let addressHash = address.addressHash
        let ownerEntropy = code.ownerEntropy
        return try lifted("key generation") { () throws(CryptoError) in
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
                seedb: seedb, factorb: factorb, generatedPoint: generatedPoint, address: address, derived: derived,
                encryptedPart1: part1, encryptedPart2: part2, pointB: pointB,
                encryptedKey: try! EncryptedKey(bytes: keyBytes), confirmationCode: confirmation)
        }
    }
}
