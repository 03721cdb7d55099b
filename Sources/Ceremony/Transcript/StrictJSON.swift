import Foundation

/// A JSON reader that keeps what Foundation's decoder forgets: every member of
/// every object in order, duplicates included, and each scalar's exact spelling.
///
/// It exists so that what was signed is read one way only (Docs/Bundles.md,
/// "Canonical payloads"): a payload is accepted only if its bytes are exactly
/// the canonical encoding of the value decoded from them, and when they are
/// not, this tree says which field differs (a duplicate key, an unknown or
/// aliased field, a number or serial spelled another way).
package struct StrictJSON: Equatable, Sendable {
    /// One member of an object: its key (unescaped) and value.
    package struct Member: Equatable, Sendable {
        package let key: String
        package let value: StrictJSON
    }

    package enum Value: Equatable, Sendable {
        case object([Member])
        case array([StrictJSON])
        /// A string, number, `true`, `false` or `null`, exactly as spelled (strings with their quotes and escapes).
        case scalar(String)
    }

    package let value: Value

    /// Deeper nesting than any payload has is refused, so a hostile file cannot exhaust the stack.
    package static let maximumDepth = 32

    /// Why bytes are not one strict JSON value.
    package struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        package let offset: Int
        package let reason: String
        package var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses exactly one JSON value; only white space may follow it.
    /// - Throws: ``Failure`` naming the first byte that is not JSON.
    package init(parsing data: Data) throws(Failure) {
        var parser = Parser(bytes: Array(data))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else {
            throw Failure(offset: parser.index, reason: "bytes after the JSON value")
        }
        self = value
    }

    init(_ value: Value) { self.value = value }

    /// The path of the first key that appears twice in one object (`body.cards[1].serial`), if any.
    package func duplicateKey(at path: String = "") -> String? {
        switch value {
        case .object(let members):
            var seen = Set<String>()
            for member in members {
                let here = Self.join(path, member.key)
                if !seen.insert(member.key).inserted { return here }
                if let inner = member.value.duplicateKey(at: here) { return inner }
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let inner = item.duplicateKey(at: "\(path)[\(index)]") { return inner }
            }
            return nil
        case .scalar:
            return nil
        }
    }

    /// The first place where `self` (what was signed) differs from `canonical`
    /// (what the decoded value encodes to), as one line naming the field.
    package func firstDifference(from canonical: StrictJSON, at path: String = "") -> String? {
        switch (value, canonical.value) {
        case (.object(let signed), .object(let expected)):
            let expectedKeys = Set(expected.map(\.key))
            if let unknown = signed.first(where: { !expectedKeys.contains($0.key) }) {
                return "unknown or aliased field \(quoted(Self.join(path, unknown.key)))"
            }
            let signedKeys = Set(signed.map(\.key))
            if let missing = expected.first(where: { !signedKeys.contains($0.key) }) {
                return "missing field \(Self.join(path, missing.key))"
            }
            for member in expected {
                guard let other = signed.first(where: { $0.key == member.key }) else { continue }
                if let inner = other.value.firstDifference(from: member.value, at: Self.join(path, member.key)) {
                    return inner
                }
            }
            if signed.map(\.key) != expected.map(\.key) { return "fields out of order in \(Self.name(path))" }
            return nil
        case (.array(let signed), .array(let expected)):
            guard signed.count == expected.count else { return "\(Self.name(path)) has another length" }
            for (index, pair) in zip(signed, expected).enumerated() {
                if let inner = pair.0.firstDifference(from: pair.1, at: "\(path)[\(index)]") { return inner }
            }
            return nil
        case (.scalar(let signed), .scalar(let expected)):
            return signed == expected ? nil : "\(Self.name(path)) is not in canonical form"
        default:
            return "\(Self.name(path)) has another type"
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    private static func name(_ path: String) -> String { path.isEmpty ? "the payload" : "field \(quoted(path))" }
}

/// Recursive descent over the bytes, per RFC 8259.
private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    func fail(_ reason: String) -> StrictJSON.Failure { StrictJSON.Failure(offset: index, reason: reason) }

    mutating func value(depth: Int) throws(StrictJSON.Failure) -> StrictJSON {
        guard depth < StrictJSON.maximumDepth else { throw fail("nested deeper than \(StrictJSON.maximumDepth)") }
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""):
            let start = index
            _ = try string()
            return StrictJSON(.scalar(String(decoding: bytes[start..<index], as: UTF8.self)))
        default: return StrictJSON(.scalar(try literal()))
        }
    }

    mutating func object(depth: Int) throws(StrictJSON.Failure) -> StrictJSON {
        StrictJSON(
            .object(
                try elements(closedBy: "}") { (parser) throws(StrictJSON.Failure) in try parser.member(depth: depth) }))
    }

    mutating func array(depth: Int) throws(StrictJSON.Failure) -> StrictJSON {
        StrictJSON(
            .array(
                try elements(closedBy: "]") { (parser) throws(StrictJSON.Failure) in try parser.value(depth: depth + 1)
                }))
    }

    /// `"key": value` in an object.
    mutating func member(depth: Int) throws(StrictJSON.Failure) -> StrictJSON.Member {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
        skipSpace()
        return StrictJSON.Member(key: key, value: try value(depth: depth + 1))
    }

    /// The comma-separated elements of an object or array, from its opening bracket
    /// through `close`, each read by `element` (an object's members, an array's values).
    mutating func elements<Element>(
        closedBy close: Unicode.Scalar, _ element: (inout Parser) throws(StrictJSON.Failure) -> Element
    ) throws(StrictJSON.Failure) -> [Element] {
        index += 1
        var elements: [Element] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: close) {
            index += 1
            return elements
        }
        while true {
            skipSpace()
            elements.append(try element(&self))
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: close) else { throw fail("expected ',' or '\(close)'") }
            index += 1
            return elements
        }
    }

    /// A string token; returns its unescaped text.
    mutating func string() throws(StrictJSON.Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // A string with no escape (a base64 payload, every canonical one) is its bytes.
                let text = scalars.isEmpty ? String(decoding: bytes[run..<index], as: UTF8.self) : nil
                if text == nil { flush(index) }
                index += 1
                return text ?? String(scalars)
            }
            guard byte >= 0x20 else { throw fail("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            flush(index)
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("unpaired surrogate") }
                scalars.append(scalar)
            default: throw fail("bad escape")
            }
            run = index
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(StrictJSON.Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var code: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = UInt32(String(UnicodeScalar(byte)), radix: 16) else { throw fail("bad \\u escape") }
            code = code << 4 | digit
        }
        index += 4
        return code
    }

    /// A number, `true`, `false` or `null`.
    mutating func literal() throws(StrictJSON.Failure) -> String {
        let start = index
        for word in ["true", "false", "null"] where bytes[index...].starts(with: word.utf8) {
            index += word.utf8.count
            return word
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        guard index > digits else { throw fail("not a JSON value") }
        guard bytes[digits] != 0x30 || index == digits + 1 else { throw fail("leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fraction = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > fraction else { throw fail("bad number") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponent = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > exponent else { throw fail("bad number") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
