import BIP38
import CryptoCore
import Foundation

/// B→A: the answer to one intermediate batch. Never carries an encrypted key.
package struct KeyBatchBody: Codable, Sendable {
    package struct Card: Codable, Sendable, Equatable {
        package let serial: Serial
        package let address: Address
        package let confirmationCode: ConfirmationCode
        /// SHA-256 of the encrypted key's text (under the card's sticker).
        package let encryptedKeyCommitment: String

        package init(serial: Serial, address: Address, confirmationCode: ConfirmationCode, encryptedKeyCommitment: String) {
            self.serial = serial
            self.address = address
            self.confirmationCode = confirmationCode
            self.encryptedKeyCommitment = encryptedKeyCommitment
        }

        private enum CodingKeys: String, CodingKey {
            case serial, address, confirmationCode, encryptedKeyCommitment
        }

        /// Decodes the serial first, so a malformed address or code is reported with its card.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            serial = try container.decode(Serial.self, forKey: .serial)
            encryptedKeyCommitment = try container.decode(String.self, forKey: .encryptedKeyCommitment)
            address = try decodeNamingCard(serial, "address") { try Address(container.decode(String.self, forKey: .address)) }
            confirmationCode = try decodeNamingCard(serial, "confirmation code") {
                try ConfirmationCode(container.decode(String.self, forKey: .confirmationCode))
            }
        }
    }

    package let cards: [Card]

    package init(cards: [Card]) { self.cards = cards }
}
