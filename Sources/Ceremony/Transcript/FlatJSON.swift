import Foundation

/// JSON objects of plain string fields written the way ``TranscriptJSON``'s encoders
/// write them, for ``CardFace/entries``.
package enum FlatJSON {
    /// A field's value: a string (written between quotes) or an integer.
    package enum Value {
        case string(String)
        case number(Int)

        /// The value's JSON text, or nil for a string that is not plain.
        var json: String? {
            switch self {
            case .string(let text): FlatJSON.isPlain(text) ? "\"\(text)\"" : nil
            case .number(let number): String(number)
            }
        }
    }

    /// Printable ASCII with no `"` or `\\`: written between quotes as it is, by
    /// Foundation's encoder too (slashes are not escaped: `.withoutEscapingSlashes`).
    package static func isPlain(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// `{"key":value,...}`, `fields` in the order given (sorted by key); nil when a string is not plain.
    package static func compact(_ fields: [(String, Value)]) -> Data? {
        members(fields) { "\"\($0)\":\($1)" }.map { Data(("{" + $0.joined(separator: ",") + "}").utf8) }
    }

    /// The object as the pretty printer writes it as an element of a top-level array:
    /// `  {`, each field `    "key" : value` on its own line, `  }`; nil when a string is not plain.
    package static func prettyElement(_ fields: [(String, Value)]) -> Data? {
        members(fields) { "    \"\($0)\" : \($1)" }.map { Data(("  {\n" + $0.joined(separator: ",\n") + "\n  }").utf8) }
    }

    /// Each field written by `member` from its key and its value's JSON text; nil when a string is not plain.
    private static func members(_ fields: [(String, Value)], _ member: (String, String) -> String) -> [String]? {
        var parts: [String] = []
        for (key, value) in fields {
            guard let json = value.json else { return nil }
            parts.append(member(key, json))
        }
        return parts
    }

    /// The byte ranges of the flat objects `{...}` of an array's elements, from `start`
    /// (just after its `[`) to the `]` that closes it (the last range's upper bound),
    /// separated by single commas; nil when an element is not an object, holds a
    /// nested value or an escape, or the array does not close.
    static func objectRanges(in bytes: [UInt8], from start: Int) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var index = start
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "]") { return ranges }
        while index < bytes.count, bytes[index] == UInt8(ascii: "{") {
            var end = index + 1
            var inString = false
            scan: while end < bytes.count {
                switch (inString, bytes[end]) {
                case (_, UInt8(ascii: "\\")): return nil
                case (_, UInt8(ascii: "\"")): inString.toggle()
                case (false, UInt8(ascii: "}")): break scan
                case (false, UInt8(ascii: "{")), (false, UInt8(ascii: "[")): return nil
                default: break
                }
                end += 1
            }
            guard end + 1 < bytes.count else { return nil }
            ranges.append(index..<end + 1)
            switch bytes[end + 1] {
            case UInt8(ascii: "]"): return ranges
            case UInt8(ascii: ","): index = end + 2
            default: return nil
            }
        }
        return nil
    }

    /// The members of one flat object as ``compact(_:)`` writes it: `{"key":value,...}`,
    /// each value a string with no escape or an integer, no white space; nil for
    /// anything else (the canonical rule then decides).
    static func members(of bytes: ArraySlice<UInt8>) -> [(String, Value)]? {
        var members: [(String, Value)] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        /// The text of the string starting at `index`, which is left after its closing quote.
        func string() -> String? {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            index = close + 1
            return String(decoding: bytes[start..<close], as: UTF8.self)
        }
        guard index < end, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            guard let key = string(), index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                guard let text = string() else { return nil }
                members.append((key, .string(text)))
            } else {
                let start = index
                if bytes[index] == UInt8(ascii: "-") { index += 1 }
                while index < end, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard let number = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                members.append((key, .number(number)))
            }
            guard index < end else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): return index + 1 == end ? members : nil
            default: return nil
            }
        }
    }

    /// `parts` end to end after `prefix`, `separator` between two, then `suffix`, in a buffer
    /// sized beforehand (what both joined files are made of).
    static func join(_ parts: [Data], prefix: Data, separator: Data, suffix: Data) -> Data {
        var joined = Data(
            capacity: prefix.count + suffix.count + parts.reduce(0) { $0 + $1.count + separator.count })
        joined += prefix
        for (index, part) in parts.enumerated() {
            if index > 0 { joined += separator }
            joined += part
        }
        joined += suffix
        return joined
    }

    /// A pretty-printed top-level value, indented one level: two spaces before each line.
    package static func indented(_ pretty: Data) -> Data {
        // Strings are escaped, so every line feed in it is one of the printer's.
        let lines = pretty.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var indented = Data(capacity: pretty.count + 2 * lines.count + 1)
        for (index, line) in lines.enumerated() {
            indented += Data((index == 0 ? "  " : "\n  ").utf8)
            indented += line
        }
        return indented
    }
}
