/// A value whose one canonical form is text (an address, `6P...`, `passphrase...`,
/// `cfrm38...`): `Codable` goes through that text, so JSON shows what people see,
/// and decoding runs the same validation as parsing.
public protocol TextCodable: Codable {
    /// Parses and validates the text form.
    init(_ text: String) throws(BIP38Error)
    /// The canonical text form.
    var text: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A BIP38 value that is a fixed number of bytes written in Base58Check (`6P...`,
/// `passphrase...`, `cfrm38...`): parsing the text checks the checksum, then
/// ``init(bytes:)`` validates the bytes; the text is the bytes encoded again.
public protocol Base58CheckCodable: TextCodable, Hashable, CustomStringConvertible {
    /// The number of raw bytes (without checksum).
    static var byteCount: Int { get }
    /// The raw bytes (without checksum).
    var bytes: [UInt8] { get }
    /// Validates raw bytes.
    /// - Throws: ``BIP38Error/wrongLength(kind:expected:actual:)`` and the type's own refusals.
    init(bytes: [UInt8]) throws(BIP38Error)
}

extension Base58CheckCodable {
    /// Parses and validates the Base58Check text.
    /// - Throws: Base58Check errors, then what ``init(bytes:)`` throws.
    public init(_ text: String) throws(BIP38Error) {
        try self.init(bytes: Base58.checkDecode(text))
    }

    /// The Base58Check text.
    public var text: String { Base58.checkEncode(bytes) }
    public var description: String { text }

    /// Refuses raw bytes that are not ``byteCount`` long, naming `kind` ("an encrypted key").
    static func checkLength(_ bytes: [UInt8], kind: String) throws(BIP38Error) {
        guard bytes.count == byteCount else {
            throw .wrongLength(kind: kind, expected: byteCount, actual: bytes.count)
        }
    }
}
