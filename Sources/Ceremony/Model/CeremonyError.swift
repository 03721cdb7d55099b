/// Why a site, the printer or the audit refused to go on: one value for every
/// refusal, in the shape of swift-nio's `FileSystemError`.
///
/// A refusal has a ``code`` (what kind of failure, for tests and for the audit
/// to map to a check id), the ``file`` and card ``serial`` it concerns where
/// there is one, a one-line ``message`` that never holds secret material, and
/// the lower-level error it came from, if any (``underlying``).
///
/// Its ``description`` is the one line the tools print: `FILE: card SERIAL: MESSAGE`,
/// each part present only when known.
package struct CeremonyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of refusal.
    package enum Code: String, Sendable, Equatable, CaseIterable {
        /// A passphrase policy that is not well formed.
        case invalidPolicy
        /// A passphrase policy under the entropy floor.
        case weakPolicy
        /// A manifest whose numbers do not fit BIP38 or each other.
        case invalidManifest
        /// A site folder without its signing key.
        case notInitialised
        /// A step that was done already (a file exists that it would write).
        case alreadyDone
        /// Another run holds the site's lock.
        case inUse
        /// A step taken before the one it needs.
        case outOfOrder
        /// A bundle or file that is refused as a whole.
        case refusedBundle
        /// One card of a bundle or spool that is refused.
        case refusedCard
        /// An envelope that does not parse or verify (DSSE layer).
        case badEnvelope
        /// A payload that verified but does not decode.
        case malformedPayload
        /// A payload whose signed bytes are not the canonical encoding of what they decode to.
        case notCanonical
        /// A payload of a format version this build does not read.
        case unsupportedVersion
        /// A file that is not there.
        case missingFile
        /// A file over its size limit.
        case fileTooLarge
        /// A file that cannot be read (not a regular file, permissions, I/O).
        case readFailed
        /// A file or folder that cannot be written.
        case writeFailed
        /// A secret record (journal, label spool, signing key) that is damaged.
        case damagedRecord
        /// A card secret that cannot be made (a BIP38 or curve failure).
        case cardFailed
        /// A step of a fault simulation or helper process that failed.
        case failed
        /// A PKCS#11 token that cannot be used: its module, the token, the PIN or the key.
        case tokenFailed
    }

    package var code: Code
    /// The file concerned, as the tools show it (often relative to the ceremony folder).
    package var file: String?
    /// The card concerned.
    package var serial: Serial?
    /// What went wrong, in one line, without the file or card.
    package var message: String
    /// The lower-level error this refusal wraps (an ``EnvelopeError``, a BIP38 error), if any.
    package var underlying: (any Error)?

    package init(
        _ code: Code, file: String? = nil, serial: Serial? = nil, _ message: String, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.file = file
        self.serial = serial
        self.message = message
        self.underlying = underlying
    }

    package var description: String {
        var line = ""
        if let file { line += "\(file): " }
        if let serial { line += "card \(serial): " }
        return line + message
    }

    /// Equal when code, file, card and message are (the underlying error is not compared).
    package static func == (a: CeremonyError, b: CeremonyError) -> Bool {
        a.code == b.code && a.file == b.file && a.serial == b.serial && a.message == b.message
    }

    /// The same refusal, naming `file` (for errors raised before the file was known).
    package func naming(file: String) -> CeremonyError {
        var copy = self
        copy.file = file
        return copy
    }
}

extension CeremonyError {
    package static func invalidPolicy(_ why: String) -> CeremonyError {
        .init(.invalidPolicy, "invalid passphrase policy: \(why)")
    }

    package static func weakPolicy(bits: Double) -> CeremonyError {
        .init(
            .weakPolicy,
            "passphrase policy gives \(String(format: "%.1f", bits)) bits, under the \(Int(PassphrasePolicy.minimumBits))-bit floor (use --force-weak-policy to accept)"
        )
    }

    package static func invalidManifest(_ why: String) -> CeremonyError {
        .init(.invalidManifest, "invalid manifest: \(why)")
    }

    package static func refusedBundle(file: String, reason: String) -> CeremonyError {
        .init(.refusedBundle, file: file, reason)
    }

    package static func refusedCard(file: String, serial: Serial, reason: String) -> CeremonyError {
        .init(.refusedCard, file: file, serial: serial, reason)
    }

    package static func alreadyDone(_ why: String) -> CeremonyError { .init(.alreadyDone, why) }
    package static func outOfOrder(_ why: String) -> CeremonyError { .init(.outOfOrder, why) }

    /// An envelope that does not parse or verify.
    package static func envelope(file: String, _ error: EnvelopeError) -> CeremonyError {
        .init(.badEnvelope, file: file, error.description, underlying: error)
    }

    package static func notCanonical(_ why: String) -> CeremonyError {
        .init(.notCanonical, "payload is not canonical: \(why)")
    }

    package static func malformedPayload(file: String?, _ why: String) -> CeremonyError {
        .init(.malformedPayload, file: file, "malformed payload: \(why)")
    }

    // File-system failures: the same lines as before the error was one struct.
    package static func missing(path: String) -> CeremonyError { .init(.missingFile, file: path, "missing") }

    package static func tooLarge(path: String, limit: Int) -> CeremonyError {
        .init(.fileTooLarge, file: path, "larger than \(limit) bytes, refused")
    }

    package static func readFailed(path: String, reason: String) -> CeremonyError {
        .init(.readFailed, file: path, "cannot read: \(reason)")
    }

    package static func writeFailed(path: String, reason: String) -> CeremonyError {
        .init(.writeFailed, file: path, "cannot write: \(reason)")
    }
}
