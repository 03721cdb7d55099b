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
