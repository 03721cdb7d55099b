@_spi(Explain) import BIP38
import CryptoCore
import TestSupport
import Testing

/// Key generation in two phases with the light scrypt of a batch of cards run
/// together (`PreparedKey.finish(_:)`, what `key-site mint` runs): the same keys
/// as the per-card path, and the specification's.
@Suite struct BatchedKeyGenerationTests {
    /// One EC-multiply card with a known seedb and what it must give.
    struct Card: Sendable {
        let code: IntermediateCode
        let seedb: SecretBytes
        let format: AddressFormat
        let encryptedKey: String
        let confirmationCode: String?
        let address: String?
    }

    /// Every EC-multiply vector: the specification's (seedb recovered by decrypting
    /// its key with its passphrase, as SpecVectorTests does) and the deterministic ones.
    /// Read once: the decryptions cost a heavy scrypt each.
    static func vectorCards() throws -> [Card] { try cards.get() }

    private static let cards = Result { () throws -> [Card] in try readVectorCards() }

    private static func readVectorCards() throws -> [Card] {
        let spec = try SpecVector.ecMultiply().map { vector in
            let decrypted = try EncryptedKey(vector.encryptedKey).decrypt(passphrase: try Passphrase(vector.passphrase))
            return Card(
                code: try IntermediateCode(try #require(vector.passphraseCode)),
                seedb: try #require(decrypted.ecMultiply).seedb, format: vector.format,
                encryptedKey: vector.encryptedKey, confirmationCode: vector.confirmationCode,
                address: vector.bitcoinAddress)
        }
        let deterministic = try DeterministicVector.all().map { vector in
            Card(
                code: try IntermediateCode(vector.intermediateCode),
                seedb: SecretBytes(copying: try #require([UInt8](hexString: vector.seedbHex))), format: vector.format,
                encryptedKey: vector.encryptedKey, confirmationCode: vector.confirmationCode,
                address: vector.bitcoinAddress)
        }
        return spec + deterministic
    }

    /// All vectors in one batch, through the lanes implementation (every card's
    /// lane side by side) and libsodium: each card's key, confirmation code and
    /// address are the vector's.
    @Test(arguments: [Scrypt.Implementation.lanes(threads: 1), .libsodium])
    func batchReproducesTheVectors(implementation: Scrypt.Implementation) throws {
        let cards = try Self.vectorCards()
        #expect(cards.count >= 5)
        let prepared = try cards.map { try $0.code.prepareKey(seedb: $0.seedb, format: $0.format, network: .mainnet) }
        let keys = try PreparedKey.finish(prepared, using: implementation)
        #expect(keys.count == cards.count)
        for (card, key) in zip(cards, keys) {
            #expect(key.encryptedKey.text == card.encryptedKey)
            if let confirmation = card.confirmationCode { #expect(key.confirmationCode.text == confirmation) }
            if let address = card.address { #expect(key.address.text == address) }
            #expect(key.seedb == card.seedb)
        }
    }

    /// Random seedbs over the vectors' intermediate codes, random formats and
    /// networks, in batches of 1 to 17 cards (one lane, part of the kernel's width,
    /// exactly it, past it): each card as `generateKey(seedb:format:network:)` makes it alone.
    @Test(arguments: [1, 2, 3, 7, 8, 9, 17])
    func batchEqualsThePerCardPath(count: Int) throws {
        let codes = try Self.vectorCards().map(\.code)
        let requests = (0..<count).map { index in
            (
                code: codes[index % codes.count], seedb: SystemRandom.secretBytes(count: 24),
                format: Bool.random() ? AddressFormat.compressed : .uncompressed,
                network: Bool.random() ? Network.mainnet : .testnet
            )
        }
        let prepared = try requests.map {
            try $0.code.prepareKey(seedb: $0.seedb, format: $0.format, network: $0.network)
        }
        let alone = try requests.map {
            try $0.code.generateKey(seedb: $0.seedb, format: $0.format, network: $0.network)
        }
        for (index, prepared) in prepared.enumerated() {
            #expect(prepared.address == alone[index].address)
            #expect(prepared.generatedPoint == alone[index].generatedPoint)
        }
        for batch in [try PreparedKey.finish(prepared, using: .lanes(threads: 1)), try PreparedKey.finish(prepared)] {
            #expect(batch.count == count)
            for (index, key) in batch.enumerated() {
                #expect(key.encryptedKey == alone[index].encryptedKey, "card \(index) of \(count)")
                #expect(key.confirmationCode == alone[index].confirmationCode, "card \(index) of \(count)")
                #expect(key.address == alone[index].address, "card \(index) of \(count)")
                #expect(key.derived.half1 == alone[index].derived.half1)
                #expect(key.derived.half2 == alone[index].derived.half2)
                #expect(key.pointB == alone[index].pointB)
            }
        }
        // Different seedbs, different keys: the batch does not mix its cards up.
        #expect(Set(alone.map(\.encryptedKey.text)).count == count)
    }

    /// The first phase alone refuses what generateKey refuses, and the one-card
    /// second phase is generateKey's.
    @Test func phasesMatchTheSingleCardEntryPoints() throws {
        let card = try #require(try Self.vectorCards().last)
        #expect(throws: BIP38Error.wrongLength(kind: "seedb", expected: 24, actual: 23)) {
            try card.code.prepareKey(
                seedb: SecretBytes(copying: [UInt8](repeating: 1, count: 23)), format: .compressed, network: .mainnet)
        }
        let finished = try card.code.prepareKey(seedb: card.seedb, format: card.format, network: .mainnet).finish()
        #expect(finished.encryptedKey.text == card.encryptedKey)
        let drawn = try card.code.prepareKey(
            format: card.format, network: .mainnet, random: FixedRandomSource([card.seedb.revealedBytes()]))
        #expect(try drawn.finish().encryptedKey.text == card.encryptedKey)
        #expect(try PreparedKey.finish([]).isEmpty)
    }
}
