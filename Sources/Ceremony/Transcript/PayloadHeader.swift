/// The header fields of any payload, decoded without its body: a ``Payload``
/// whose body is left undecoded.
package typealias PayloadHeader = Payload<UndecodedBody>

/// A payload body read past without decoding (any JSON value): reading a header
/// costs nothing for the body, and a body's own type decodes it later.
package struct UndecodedBody: Codable, Sendable {
    package init() {}

    package init(from decoder: any Decoder) throws {}
    package func encode(to encoder: any Encoder) throws {}
}
