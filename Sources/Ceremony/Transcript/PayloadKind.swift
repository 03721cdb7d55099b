import BIP38
import CryptoCore
import Foundation

/// The kinds of signed payload a ceremony produces. Each has its own DSSE
/// payloadType, so an envelope of one kind can never be taken for another.
package enum PayloadKind: String, Codable, Sendable, CaseIterable {
    case siteDeclaration = "site-key-declaration"
    case manifest = "ceremony-manifest"
    case intermediateBatch = "intermediate-batch"
    case keyBatch = "key-batch"
    case confirmationReport = "confirmation-report"
    case retentionStatement = "retention-statement"
    case closingManifest = "closing-manifest"
    /// The auditor's commitment to the sample's random value (audit/, not transfer/).
    case sampleCommitment = "sample-commitment"

    /// The DSSE payloadType, versioned.
    package var payloadType: String { "application/vnd.bip38-2fkg.\(rawValue).v\(PayloadHeader.formatVersion)+json" }
}
