import BIP38

/// The output of a command: ordered fields, printed as labelled lines or as one JSON object.
struct Report {
    enum Value {
        case string(String)
        case int(Int)
        case bool(Bool)
        case null
    }

    private(set) var fields: [(String, Value)] = []

    mutating func add(_ name: String, _ value: String?) { fields.append((name, value.map(Value.string) ?? .null)) }
    mutating func add(_ name: String, _ value: Int?) { fields.append((name, value.map(Value.int) ?? .null)) }
    mutating func add(_ name: String, _ value: Bool) { fields.append((name, .bool(value))) }

    /// `lot` and `sequence`, null where absent.
    mutating func add(_ lotSequence: LotSequence?) {
        add("lot", lotSequence?.lot)
        add("sequence", lotSequence?.sequence)
    }

    var json: String {
        "{" + fields.map { "\(Self.quoted($0.0)): \(Self.json($0.1))" }.joined(separator: ", ") + "}"
    }

    var text: String {
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { name, value in
            let shown: String
            switch value {
            case .string(let s): shown = s
            case .int(let i): shown = String(i)
            case .bool(let b): shown = b ? "yes" : "no"
            case .null: shown = "-"
            }
            return name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + shown
        }.joined(separator: "\n")
    }

    private static func json(_ value: Value) -> String {
        switch value {
        case .string(let s): quoted(s)
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func padding(toLength length: Int, withPad pad: String, startingAt: Int) -> String {
        count >= length ? self : self + String(repeating: pad, count: length - count)
    }
}
