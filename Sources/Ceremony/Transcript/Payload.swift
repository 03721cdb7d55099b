import BIP38
import CryptoCore
import Foundation

/// The kinds of signed payload a ceremony produces. Each has its own DSSE
/// payloadType, so an envelope of one kind can never be taken for another.
public enum PayloadKind: String, Codable, Sendable, CaseIterable {
    case siteDeclaration = "site-key-declaration"
    case manifest = "ceremony-manifest"
    case intermediateBatch = "intermediate-batch"
    case keyBatch = "key-batch"
    case confirmationReport = "confirmation-report"
    case retentionStatement = "retention-statement"
    case closingManifest = "closing-manifest"

    /// The DSSE payloadType, versioned.
    public var payloadType: String { "application/vnd.bip38-2fkg.\(rawValue).v\(Payload<Empty>.formatVersion)+json" }
}

/// Who signs a payload.
public enum Party: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Site A: the passphrase site.
    case siteA = "site-a"
    /// Site B: the key site.
    case siteB = "site-b"
    case auditor

    public var description: String { rawValue }
}

/// The common header of every payload, around a kind-specific body.
///
/// Each site's payloads form a chain rooted at the ceremony manifest:
/// `sequence` counts that site's payloads (the manifest is 0), `prev` is the
/// digest of the same site's previous payload (the manifest's digest for its
/// first), and a response names the request it answers in `answers`.
public struct Payload<Body: Codable & Sendable>: Codable, Sendable {
    public static var formatVersion: Int { 1 }

    public let type: PayloadKind
    public let version: Int
    /// The ceremony id; nil only in site key declarations, made before the ceremony exists.
    public let ceremony: String?
    public let signer: Party
    public let batch: Int?
    public let sequence: Int
    public let prev: PayloadDigest?
    public let answers: PayloadDigest?
    public let body: Body

    public init(
        type: PayloadKind, ceremony: String?, signer: Party, batch: Int?, sequence: Int, prev: PayloadDigest?,
        answers: PayloadDigest?, body: Body
    ) {
        self.type = type
        version = Self.formatVersion
        self.ceremony = ceremony
        self.signer = signer
        self.batch = batch
        self.sequence = sequence
        self.prev = prev
        self.answers = answers
        self.body = body
    }

    /// The payload's JSON bytes, as signed.
    public func encoded() -> Data {
        // Encoding plain structs, strings and numbers cannot fail.
        try! TranscriptJSON.encoder.encode(self)
    }
}

/// An empty body (used to name the format version without a body type).
public struct Empty: Codable, Sendable {}

/// SHA-256 of a payload's exact bytes: how payloads name each other.
public struct PayloadDigest: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let hex: String

    public init(of payload: Data) { hex = SHA256.hash(payload).hex }

    public init?(hex: String) {
        guard hex.count == 64, let bytes = [UInt8](hexString: hex) else { return nil }
        self.hex = bytes.hex
    }

    /// The first 64 bits in four groups, for people to compare aloud: `3f2a 9c01 77de 04b5`.
    public var humanForm: String {
        stride(from: 0, to: 16, by: 4).map { i in
            String(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 4)])
        }.joined(separator: " ")
    }

    public var description: String { hex }
    public static func < (a: PayloadDigest, b: PayloadDigest) -> Bool { a.hex < b.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = PayloadDigest(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 digest"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// A verified envelope with its decoded payload and digest.
public struct SignedPayload<Body: Codable & Sendable>: Sendable {
    public let envelope: Envelope
    public let payload: Payload<Body>
    public let digest: PayloadDigest

    /// Signs `payload` with `signers` and wraps it in an envelope.
    public init(_ payload: Payload<Body>, signers: [Ed25519.SigningKey]) {
        let bytes = payload.encoded()
        envelope = Envelope(payloadType: payload.type.payloadType, payload: bytes, signers: signers)
        self.payload = payload
        digest = PayloadDigest(of: bytes)
    }

    /// Verifies the envelope's signatures over its exact bytes, then decodes the payload.
    /// - Throws: ``TranscriptError`` naming the cause.
    public init(
        verifying envelope: Envelope, kind: PayloadKind, trusted: [KeyID: [UInt8]], required: Set<KeyID>
    ) throws(TranscriptError) {
        let bytes: Data
        do {
            bytes = try envelope.verifiedPayload(expectedType: kind.payloadType, trusted: trusted, required: required)
        } catch {
            throw .envelope(error)
        }
        let payload: Payload<Body>
        do {
            payload = try TranscriptJSON.decoder.decode(Payload<Body>.self, from: bytes)
        } catch {
            throw .malformedPayload(decodingReason(error))
        }
        guard payload.type == kind else { throw .malformedPayload("type \(payload.type.rawValue) inside a \(kind.rawValue) envelope") }
        guard payload.version == Payload<Body>.formatVersion else { throw .unsupportedVersion(payload.version) }
        self.envelope = envelope
        self.payload = payload
        digest = PayloadDigest(of: bytes)
    }

    /// Reads and verifies an envelope file.
    public init(file: URL, kind: PayloadKind, trusted: [KeyID: [UInt8]], required: Set<KeyID>) throws(TranscriptError) {
        let data: Data
        do { data = try BoundedFile.read(file) } catch { throw .storage(error) }
        let envelope: Envelope
        do { envelope = try Envelope(json: data) } catch { throw .envelope(error) }
        try self.init(verifying: envelope, kind: kind, trusted: trusted, required: required)
    }

    /// Adds a countersignature (the bytes, and so the digest, do not change).
    public mutating func countersign(_ signer: Ed25519.SigningKey) {
        var copy = envelope
        copy.addSignature(signer)
        self = SignedPayload(envelope: copy, payload: payload, digest: digest)
    }

    private init(envelope: Envelope, payload: Payload<Body>, digest: PayloadDigest) {
        self.envelope = envelope
        self.payload = payload
        self.digest = digest
    }

    /// Writes the envelope atomically.
    public func write(to url: URL) throws(StorageError) {
        try AtomicFile.write(envelope.json, to: url, mode: .shared)
    }
}

/// The JSON coders for payloads: snake_case keys, sorted, ISO 8601 dates.
public enum TranscriptJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Pretty output for files people read (ledgers, state).
    public static let prettyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Why a bundle or manifest was refused. One line each.
public enum TranscriptError: Error, Sendable, CustomStringConvertible {
    case envelope(EnvelopeError)
    case storage(StorageError)
    case malformedPayload(String)
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .envelope(let error): error.description
        case .storage(let error): error.description
        case .malformedPayload(let why): "malformed payload: \(why)"
        case .unsupportedVersion(let version): "unsupported format version \(version)"
        }
    }
}

/// One line saying why JSON did not decode (Foundation's messages quote the
/// offending value, so the whole reason is passed through ``quoted(_:limit:)``).
func decodingReason(_ error: any Error) -> String {
    quoted(rawDecodingReason(error), limit: 200)
}

private func rawDecodingReason(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context): context.debugDescription
    case DecodingError.keyNotFound(let key, let context):
        "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        "wrong or missing value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    default: "unreadable JSON"
    }
}

/// Text read from a file, made fit to quote in a one-line refusal: control,
/// format and line-separator characters escaped (`\n`, `\u{202E}`), and cut
/// to `limit` characters. A hostile bundle cannot add lines to a site's
/// error output or logs, nor flood them.
func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        guard count < limit else { return out + "…" }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: out += scalar.escaped(asASCII: true)
        default: out.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return out
}
