import BIP38
import CryptoCore
import Foundation

/// One verified envelope found in `transfer/`.
package struct TranscriptEntry: Sendable {
    package let file: URL
    package let envelope: Envelope
    package let header: PayloadHeader
    package let digest: PayloadDigest

    package init(file: URL, envelope: Envelope, header: PayloadHeader, digest: PayloadDigest) {
        self.file = file
        self.envelope = envelope
        self.header = header
        self.digest = digest
    }
}
