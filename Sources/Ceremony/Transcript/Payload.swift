import BIP38
import CryptoCore
import Foundation

/// The common header of every payload, around a kind-specific body.
///
/// Each site's payloads form a chain rooted at the ceremony manifest:
/// `sequence` counts that site's payloads (the manifest is 0), `prev` is the
/// digest of the same site's previous payload (the manifest's digest for its
/// first), and a response names the request it answers in `answers`. `build` names
/// the executable that made it (``Provenance``).
package struct Payload<Body: Codable & Sendable>: Codable, Sendable {
    package static var formatVersion: Int { 1 }

    package let type: PayloadKind
    package let version: Int
    /// The ceremony id; nil only in site key declarations, made before the ceremony exists.
    package let ceremony: String?
    package let signer: Party
    package let batch: Int?
    package let sequence: Int
    package let prev: PayloadDigest?
    package let answers: PayloadDigest?
    /// The build that made the payload (``BuildRecord``); absent in payloads of older
    /// builds and of library users that record none.
    package let build: BuildRecord?
    package let body: Body

    package init(
        type: PayloadKind, ceremony: String?, signer: Party, batch: Int?, sequence: Int, prev: PayloadDigest?,
        answers: PayloadDigest?, body: Body, build: BuildRecord?? = nil
    ) {
        self.type = type
        version = Self.formatVersion
        self.ceremony = ceremony
        self.signer = signer
        self.batch = batch
        self.sequence = sequence
        self.prev = prev
        self.answers = answers
        self.build = build ?? Provenance.build(signer: signer, kind: type)
        self.body = body
    }

    /// The payload's JSON bytes, as signed.
    package func encoded() -> Data {
        // Encoding plain structs, strings and numbers cannot fail.
        try! TranscriptJSON.encoder.encode(self)
    }
}
