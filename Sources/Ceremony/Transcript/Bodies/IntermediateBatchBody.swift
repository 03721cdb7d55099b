import BIP38
import CryptoCore
import Foundation

/// A→B: one batch of intermediate codes.
package struct IntermediateBatchBody: Codable, Sendable {
    package struct Card: Codable, Sendable, Equatable {
        package let serial: Serial
        package let lot: Int
        package let sequence: Int
        package let intermediateCode: IntermediateCode
        /// SHA-256 of a domain tag, a secret 16-byte salt printed on the label, and the passphrase:
        /// lets an opened card be checked against the transcript without weakening the passphrase.
        package let passphraseCommitment: String

        package init(
            serial: Serial, lot: Int, sequence: Int, intermediateCode: IntermediateCode, passphraseCommitment: String
        ) {
            self.serial = serial
            self.lot = lot
            self.sequence = sequence
            self.intermediateCode = intermediateCode
            self.passphraseCommitment = passphraseCommitment
        }

        private enum CodingKeys: String, CodingKey {
            case serial, lot, sequence, intermediateCode, passphraseCommitment
        }

        /// Decodes the serial first, so a malformed code is reported with its card.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            serial = try container.decode(Serial.self, forKey: .serial)
            lot = try container.decode(Int.self, forKey: .lot)
            sequence = try container.decode(Int.self, forKey: .sequence)
            passphraseCommitment = try container.decode(String.self, forKey: .passphraseCommitment)
            intermediateCode = try decodeNamingCard(serial, "intermediate code") {
                try IntermediateCode(container.decode(String.self, forKey: .intermediateCode))
            }
        }
    }

    package let cards: [Card]

    package init(cards: [Card]) { self.cards = cards }
}
