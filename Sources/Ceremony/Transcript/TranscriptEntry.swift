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

extension [TranscriptEntry] {
    /// The entry in this list for `file`, matched by standardized URL (so
    /// `transfer/./a.json` is `transfer/a.json`), if it holds one.
    func entry(for file: URL) -> TranscriptEntry? {
        let wanted = file.standardizedFileURL
        return first { $0.file.standardizedFileURL == wanted }
    }
}
