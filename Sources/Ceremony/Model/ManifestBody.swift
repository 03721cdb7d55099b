import BIP38
import CryptoCore
import Foundation

/// The ceremony manifest, signed by both sites before any card is made.
package struct ManifestBody: Codable, Sendable, Equatable {
    package let ceremonyId: String
    package let created: String
    package let network: Network
    package let cards: Int
    package let batchSize: Int
    /// Batch b (1-based) uses BIP38 lot firstLot + b - 1; a card's sequence is its position 0..<batchSize.
    package let firstLot: Int
    /// The signed JSON field `"compressed"`; read it as ``addressFormat``.
    package let compressed: Bool
    package let policy: PassphrasePolicy
    package let policyBits: Double
    package let siteA: SiteKey
    package let siteB: SiteKey

    package static let maxBatchSize = 4096

    /// The cards' address format, from the signed `compressed` field.
    package var addressFormat: AddressFormat { AddressFormat(compressed: compressed) }

    package var batchCount: Int { (cards + batchSize - 1) / batchSize }

    /// How many cards batch `b` holds.
    package func cardCount(batch b: Int) -> Int { max(0, min(batchSize, cards - (b - 1) * batchSize)) }

    /// The serials of batch `b`, in order.
    package func serials(batch b: Int) -> [Serial] {
        (0..<cardCount(batch: b)).map { Serial(lot: firstLot + b - 1, sequence: $0) }
    }

    /// Checks the numbers fit BIP38's lot and sequence ranges and the policy.
    package func validate(forceWeakPolicy: Bool) throws(CeremonyError) {
        for party in [Party.siteA, .siteB] {
            if let defect = key(of: party)?.defect { throw .invalidManifest("\(party.siteName)'s key: \(defect)") }
        }
        guard cards >= 1 else { throw .invalidManifest("cards must be at least 1") }
        guard (1...Self.maxBatchSize).contains(batchSize) else {
            throw .invalidManifest("batch size must be 1...\(Self.maxBatchSize) (BIP38 sequence is 12 bits)")
        }
        // Bounded before any arithmetic, so a hostile manifest is refused, never an overflow.
        guard (0...LotSequence.maxLot).contains(firstLot) else {
            throw .invalidManifest("first lot \(firstLot) is outside BIP38's 0...\(LotSequence.maxLot)")
        }
        guard cards <= (LotSequence.maxLot + 1) * batchSize else {
            throw .invalidManifest(
                "\(cards) cards need more than BIP38's \(LotSequence.maxLot + 1) lots at \(batchSize) per batch")
        }
        guard firstLot + batchCount - 1 <= LotSequence.maxLot else {
            throw .invalidManifest(
                "lots \(firstLot)...\(firstLot + batchCount - 1) exceed BIP38's 0...\(LotSequence.maxLot)")
        }
        try policy.validate(force: forceWeakPolicy)
    }

    /// The keyids both sites sign with.
    package var trustedKeys: [KeyID: [UInt8]] {
        var keys: [KeyID: [UInt8]] = [:]
        for key in [siteA, siteB] { if let raw = key.rawPublicKey { keys[KeyID(publicKey: raw)] = raw } }
        return keys
    }

    /// The key the manifest names for `party` (none for the auditor, who is not in the manifest).
    package func key(of party: Party) -> SiteKey? {
        switch party {
        case .siteA: siteA
        case .siteB: siteB
        case .auditor: nil
        }
    }

    package func keyID(of party: Party) -> KeyID? {
        key(of: party)?.rawPublicKey.map { KeyID(publicKey: $0) }
    }
}
