import BIP38
import CryptoCore
import Foundation

// Every payload body: the schema of what the sites sign, in one place
// (Docs/Bundles.md documents each field). The header around each body is
// ``Payload``; the kinds are ``PayloadKind``.

/// A site key declaration: a site's public key, self-signed, made at `init`.
package struct SiteDeclarationBody: Codable, Sendable {
    package let site: Party
    package let key: SiteKey
    package let created: String
}

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

/// B→A: the answer to one intermediate batch. Never carries an encrypted key.
package struct KeyBatchBody: Codable, Sendable {
    package struct Card: Codable, Sendable, Equatable {
        package let serial: Serial
        package let address: Address
        package let confirmationCode: ConfirmationCode
        /// SHA-256 of the encrypted key's text (under the card's sticker).
        package let encryptedKeyCommitment: String

        package init(
            serial: Serial, address: Address, confirmationCode: ConfirmationCode, encryptedKeyCommitment: String
        ) {
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
            address = try decodeNamingCard(serial, "address") {
                try Address(container.decode(String.self, forKey: .address))
            }
            confirmationCode = try decodeNamingCard(serial, "confirmation code") {
                try ConfirmationCode(container.decode(String.self, forKey: .confirmationCode))
            }
        }
    }

    package let cards: [Card]

    package init(cards: [Card]) { self.cards = cards }
}

/// A: every confirmation code of one batch checked against its passphrase.
package struct ConfirmationReportBody: Codable, Sendable {
    package struct Failure: Codable, Sendable, Equatable {
        package let serial: Serial
        package let reason: String
    }

    package let checked: Int
    package let confirmed: Int
    package let failures: [Failure]

    package init(checked: Int, confirmed: Int, failures: [Failure]) {
        self.checked = checked
        self.confirmed = confirmed
        self.failures = failures
    }
}

/// A site's statement of what it kept and what it destroyed.
package struct RetentionStatementBody: Codable, Sendable {
    package struct KeptFile: Codable, Sendable, Equatable {
        package let path: String
        package let sha256: String
        package let holds: String
    }

    package let site: Party
    package let kept: [KeptFile]
    package let destroyed: [String]
    package let notes: [String]
    /// Site A: the cards of the batch it voided at seal because their confirmation
    /// failed (absent when none: honest batches encode as before).
    package let voided: [Serial]?
    /// A site whose key was in a PKCS#11 token: the key's destruction there, in its last
    /// statement (`closing.retention-site-X.json`, after the closing manifest); absent otherwise.
    package let keyDestruction: KeyDestruction?

    /// The destruction of a site's signing key in its token (C_DestroyObject on both halves).
    /// The statement is signed with the key just before, and written only once the token
    /// has destroyed it and no object with its id is left.
    package struct KeyDestruction: Codable, Sendable, Equatable {
        /// The PKCS#11 module's path.
        package let module: String
        /// The token's label.
        package let token: String
        /// The key pair's CKA_ID, hex.
        package let id: String
        /// The keyid (hex SHA-256 of the public key) of the key destroyed.
        package let keyid: String

        package init(module: String, token: String, id: String, keyid: String) {
            self.module = module
            self.token = token
            self.id = id
            self.keyid = keyid
        }
    }

    /// Site A: the medium the bundles crossed on, wiped at this seal (`seal --wipe-medium`;
    /// absent when the site wiped none: statements without it encode as before).
    package let mediumWipe: MediumWipe?

    /// A wiped medium: its image's SHA-256 before the wipe (hex) and its size; every byte is zero now.
    package struct MediumWipe: Codable, Sendable, Equatable {
        package let sha256: String
        package let bytes: Int64

        package init(sha256: String, bytes: Int64) {
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    package init(
        site: Party, kept: [KeptFile], destroyed: [String], notes: [String], voided: [Serial]? = nil,
        keyDestruction: KeyDestruction? = nil, mediumWipe: MediumWipe? = nil
    ) {
        self.site = site
        self.kept = kept
        self.destroyed = destroyed
        self.notes = notes
        self.voided = voided
        self.keyDestruction = keyDestruction
        self.mediumWipe = mediumWipe
    }
}

/// The list of every payload in the ceremony, in order, signed by A, B and the auditor.
package struct ClosingManifestBody: Codable, Sendable {
    package struct Entry: Codable, Sendable, Hashable {
        package let file: String
        package let type: PayloadKind
        package let signer: Party
        package let sequence: Int
        package let batch: Int?
        package let digest: PayloadDigest
    }

    package let entries: [Entry]
    /// The digest of the auditor's sample-commitment payload (audit/sample-commitment.json);
    /// absent in ceremonies closed without one, whose sample site A could steer.
    package let auditorCommitment: PayloadDigest?
    /// The exception log (transfer/exceptions.jsonl) at closing: its entry count and the
    /// digest of its last line (absent in ceremonies closed before the log existed).
    package let exceptionLog: ExceptionLog.Summary?

    package init(
        entries: [Entry], auditorCommitment: PayloadDigest? = nil, exceptionLog: ExceptionLog.Summary? = nil
    ) {
        self.entries = entries
        self.auditorCommitment = auditorCommitment
        self.exceptionLog = exceptionLog
    }
}

/// A field that fails to parse, reported as `card SERIAL: FIELD: cause`.
func decodeNamingCard<T>(_ serial: Serial, _ field: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BIP38Error {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "card \(serial): \(field): \(error)"))
    }
}
