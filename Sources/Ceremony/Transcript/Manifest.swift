import BIP38
import CryptoCore
import Foundation

/// How site A makes passphrases: `length` characters drawn uniformly from
/// `alphabet`, printed in groups of `group` joined by `-`.
///
/// The printed text, dashes included, *is* the BIP38 passphrase, so a card
/// holder types exactly what the label shows. Only the drawn characters count
/// towards the entropy.
public struct PassphrasePolicy: Codable, Sendable, Equatable {
    /// Policies under this many bits are refused unless forced.
    public static let minimumBits = 80.0
    public static let standard = PassphrasePolicy(alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", length: 20, group: 4)

    public let alphabet: String
    public let length: Int
    public let group: Int

    public init(alphabet: String, length: Int, group: Int) {
        self.alphabet = alphabet
        self.length = length
        self.group = group
    }

    /// length · log2(|alphabet|).
    public var entropyBits: Double { Double(length) * log2(Double(Set(alphabet).count)) }

    /// Checks the policy is well formed and strong enough.
    /// - Throws: ``CeremonyError/weakPolicy(bits:)`` under ``minimumBits`` unless `force`.
    public func validate(force: Bool) throws(CeremonyError) {
        let characters = Array(alphabet)
        guard characters.count >= 2, Set(characters).count == characters.count,
            characters.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "-" })
        else { throw .invalidPolicy("alphabet must be at least 2 distinct printable ASCII characters, no '-'") }
        guard (1...256).contains(length), (1...256).contains(group) else { throw .invalidPolicy("length and group must be 1...256") }
        if !force && entropyBits < Self.minimumBits { throw .weakPolicy(bits: entropyBits) }
    }

    /// A fresh passphrase from the system's generator (libsodium `randombytes_uniform`,
    /// no modulo bias), written straight into a zeroing buffer, dashes included.
    public func generate() -> SecretBytes {
        let symbols = Array(alphabet.utf8)
        let groups = (length + group - 1) / group
        return SecretBytes(count: length + groups - 1) { out in
            var position = 0
            for i in 0..<length {
                if i > 0 && i % group == 0 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                out[position] = symbols[Int(SystemRandom.uniform(below: UInt32(symbols.count)))]
                position += 1
            }
        }
    }
}

/// One site's declared signing key.
public struct SiteKey: Codable, Sendable, Equatable {
    public let publicKey: String
    public let keyid: String

    public init(publicKey: [UInt8]) {
        self.publicKey = publicKey.hex
        keyid = KeyID(publicKey: publicKey).hex
    }

    public var rawPublicKey: [UInt8]? { [UInt8](hexString: publicKey).flatMap { $0.count == 32 ? $0 : nil } }
}

/// A site key declaration: a site's public key, self-signed, made at `init`.
public struct SiteDeclarationBody: Codable, Sendable {
    public let site: Party
    public let key: SiteKey
    public let created: String

    public init(site: Party, key: SiteKey, created: String) {
        self.site = site
        self.key = key
        self.created = created
    }
}

/// The ceremony manifest, signed by both sites before any card is made.
public struct ManifestBody: Codable, Sendable, Equatable {
    public let ceremonyId: String
    public let created: String
    public let network: Network
    public let cards: Int
    public let batchSize: Int
    /// Batch b (1-based) uses BIP38 lot firstLot + b - 1; a card's sequence is its position 0..<batchSize.
    public let firstLot: Int
    public let compressed: Bool
    public let policy: PassphrasePolicy
    public let policyBits: Double
    public let siteA: SiteKey
    public let siteB: SiteKey

    public static let maxBatchSize = 4096

    public var batchCount: Int { (cards + batchSize - 1) / batchSize }

    /// How many cards batch `b` holds.
    public func cardCount(batch b: Int) -> Int { max(0, min(batchSize, cards - (b - 1) * batchSize)) }

    /// The serials of batch `b`, in order.
    public func serials(batch b: Int) -> [Serial] {
        (0..<cardCount(batch: b)).map { Serial(lot: firstLot + b - 1, sequence: $0) }
    }

    /// Checks the numbers fit BIP38's lot and sequence ranges and the policy.
    public func validate(forceWeakPolicy: Bool) throws(CeremonyError) {
        guard cards >= 1 else { throw .invalidManifest("cards must be at least 1") }
        guard (1...Self.maxBatchSize).contains(batchSize) else {
            throw .invalidManifest("batch size must be 1...\(Self.maxBatchSize) (BIP38 sequence is 12 bits)")
        }
        // Bounded before any arithmetic, so a hostile manifest is refused, never an overflow.
        guard (0...LotSequence.maxLot).contains(firstLot) else {
            throw .invalidManifest("first lot \(firstLot) is outside BIP38's 0...\(LotSequence.maxLot)")
        }
        guard cards <= (LotSequence.maxLot + 1) * batchSize else {
            throw .invalidManifest("\(cards) cards need more than BIP38's \(LotSequence.maxLot + 1) lots at \(batchSize) per batch")
        }
        guard firstLot + batchCount - 1 <= LotSequence.maxLot else {
            throw .invalidManifest("lots \(firstLot)...\(firstLot + batchCount - 1) exceed BIP38's 0...\(LotSequence.maxLot)")
        }
        try policy.validate(force: forceWeakPolicy)
    }

    /// The keyids both sites sign with.
    public var trustedKeys: [KeyID: [UInt8]] {
        var keys: [KeyID: [UInt8]] = [:]
        for key in [siteA, siteB] { if let raw = key.rawPublicKey { keys[KeyID(publicKey: raw)] = raw } }
        return keys
    }

    public func keyID(of party: Party) -> KeyID? {
        switch party {
        case .siteA: siteA.rawPublicKey.map { KeyID(publicKey: $0) }
        case .siteB: siteB.rawPublicKey.map { KeyID(publicKey: $0) }
        case .auditor: nil
        }
    }
}

/// A card's serial: its batch's BIP38 lot and its position (BIP38 sequence).
public struct Serial: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let lot: Int
    public let sequence: Int

    public init(lot: Int, sequence: Int) {
        self.lot = lot
        self.sequence = sequence
    }

    public init(_ lotSequence: LotSequence) { self.init(lot: lotSequence.lot, sequence: lotSequence.sequence) }

    /// `LLLLLLL-SSSS`, e.g. `0000001-0007`.
    public var description: String {
        let lotText = String(lot)
        let sequenceText = String(sequence)
        return String(repeating: "0", count: max(0, 7 - lotText.count)) + lotText + "-"
            + String(repeating: "0", count: max(0, 4 - sequenceText.count)) + sequenceText
    }

    public init?(text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let lot = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        self.init(lot: lot, sequence: sequence)
    }

    public static func < (a: Serial, b: Serial) -> Bool { (a.lot, a.sequence) < (b.lot, b.sequence) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let serial = Serial(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad serial \(quoted(text))"))
        }
        self = serial
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
