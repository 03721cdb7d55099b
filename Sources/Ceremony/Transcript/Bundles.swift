import BIP38
import Foundation

/// A→B: one batch of intermediate codes.
public struct IntermediateBatchBody: Codable, Sendable {
    public struct Card: Codable, Sendable, Equatable {
        public let serial: Serial
        public let lot: Int
        public let sequence: Int
        public let intermediateCode: IntermediateCode
        /// SHA-256 of a domain tag, a secret 16-byte salt printed on the label, and the passphrase:
        /// lets an opened card be checked against the transcript without weakening the passphrase.
        public let passphraseCommitment: String

        public init(
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
        public init(from decoder: any Decoder) throws {
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

    public let cards: [Card]

    public init(cards: [Card]) { self.cards = cards }
}

/// B→A: the answer to one intermediate batch. Never carries an encrypted key.
public struct KeyBatchBody: Codable, Sendable {
    public struct Card: Codable, Sendable, Equatable {
        public let serial: Serial
        public let address: Address
        public let confirmationCode: ConfirmationCode
        /// SHA-256 of the encrypted key's text (under the card's sticker).
        public let encryptedKeyCommitment: String

        public init(serial: Serial, address: Address, confirmationCode: ConfirmationCode, encryptedKeyCommitment: String) {
            self.serial = serial
            self.address = address
            self.confirmationCode = confirmationCode
            self.encryptedKeyCommitment = encryptedKeyCommitment
        }

        private enum CodingKeys: String, CodingKey {
            case serial, address, confirmationCode, encryptedKeyCommitment
        }

        /// Decodes the serial first, so a malformed address or code is reported with its card.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            serial = try container.decode(Serial.self, forKey: .serial)
            encryptedKeyCommitment = try container.decode(String.self, forKey: .encryptedKeyCommitment)
            address = try decodeNamingCard(serial, "address") { try Address(container.decode(String.self, forKey: .address)) }
            confirmationCode = try decodeNamingCard(serial, "confirmation code") {
                try ConfirmationCode(container.decode(String.self, forKey: .confirmationCode))
            }
        }
    }

    public let cards: [Card]

    public init(cards: [Card]) { self.cards = cards }
}

/// A: every confirmation code of one batch checked against its passphrase.
public struct ConfirmationReportBody: Codable, Sendable {
    public struct Failure: Codable, Sendable, Equatable {
        public let serial: Serial
        public let reason: String
    }

    public let checked: Int
    public let confirmed: Int
    public let failures: [Failure]

    public init(checked: Int, confirmed: Int, failures: [Failure]) {
        self.checked = checked
        self.confirmed = confirmed
        self.failures = failures
    }
}

/// A site's statement of what it kept and what it destroyed.
public struct RetentionStatementBody: Codable, Sendable {
    public struct KeptFile: Codable, Sendable, Equatable {
        public let path: String
        public let sha256: String
        public let holds: String
    }

    public let site: Party
    public let kept: [KeptFile]
    public let destroyed: [String]
    public let notes: [String]

    public init(site: Party, kept: [KeptFile], destroyed: [String], notes: [String]) {
        self.site = site
        self.kept = kept
        self.destroyed = destroyed
        self.notes = notes
    }
}

/// The list of every payload in the ceremony, in order, signed by A, B and the auditor.
public struct ClosingManifestBody: Codable, Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public let file: String
        public let type: PayloadKind
        public let signer: Party
        public let sequence: Int
        public let batch: Int?
        public let digest: PayloadDigest
    }

    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }
}

/// A field that fails to parse, reported as `card SERIAL: FIELD: cause`.
private func decodeNamingCard<T>(_ serial: Serial, _ field: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BIP38Error {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "card \(serial): \(field): \(error)"))
    }
}
