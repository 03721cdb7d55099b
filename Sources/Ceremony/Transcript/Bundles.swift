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
    }

    public let cards: [Card]
}

/// B→A: the answer to one intermediate batch. Never carries an encrypted key.
public struct KeyBatchBody: Codable, Sendable {
    public struct Card: Codable, Sendable, Equatable {
        public let serial: Serial
        public let address: Address
        public let confirmationCode: ConfirmationCode
        /// SHA-256 of the encrypted key's text (under the card's sticker).
        public let encryptedKeyCommitment: String
    }

    public let cards: [Card]
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
}

/// The list of every payload in the ceremony, in order, signed by A, B and the auditor.
public struct ClosingManifestBody: Codable, Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public let file: String
        public let type: PayloadKind
        public let signer: Party
        public let sequence: Int
        public let batch: Int?
        public let digest: PayloadDigest
    }

    public let entries: [Entry]
}
