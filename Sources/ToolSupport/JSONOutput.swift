import ArgumentParser
import Ceremony
import Foundation

/// A JSON value a tool prints with `--json`: objects print with sorted keys, absent
/// values as `null`.
package indirect enum JSONValue: Encodable, Sendable, Equatable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(nilLiteral: ()) { self = .null }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// A string, or `null` when absent.
    package static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// One line of JSON, sorted keys.
    package var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers, arrays and objects of them always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// `--json`: a site command's result as one JSON object on stdout instead of its
/// lines; with it, a refusal is one JSON object on stderr (`code`, `file`, `card`,
/// `message`) and the exit status is the same as without it.
package struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as one JSON object on stdout; an error is then one JSON object on stderr.")
    package var json = false

    package init() {}

    /// Lines of text, for a command without `--json` (an option group made by hand,
    /// not parsed, has no value to read).
    package static var text: JSONOption {
        var option = JSONOption()
        option.json = false
        return option
    }

    /// Prints `lines`, or with `--json` the object `result`.
    package func emit(_ lines: [String], _ result: JSONValue) {
        if json {
            print(result.line)
        } else {
            for line in lines { print(line) }
        }
    }

    /// The progress line, shown only without `--json` and when stderr is a terminal.
    package var progress: TerminalProgress? { json ? nil : TerminalProgress.ifTerminal() }

    /// Whether the command line asks for JSON (read before parsing, so that a usage
    /// error is JSON too): `--json` before any `--`.
    package static var requested: Bool {
        CommandLine.arguments.dropFirst().prefix { $0 != "--" }.contains("--json")
    }

    /// The JSON object of an error on stderr.
    package static func errorObject(code: String, file: String?, card: String?, message: String) -> JSONValue {
        ["code": .string(code), "file": .optional(file), "card": .optional(card), "message": .string(message)]
    }
}
