/// Hexadecimal for public byte strings.
extension Array where Element == UInt8 {
    /// Parses hex (upper or lower case, even length). Returns nil for anything else.
    package init?(hexString text: some StringProtocol) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else { return nil }
        self = bytes
    }

    /// Parses hex known at compile time; traps on bad input.
    package init(hex text: StaticString) {
        guard let bytes = [UInt8](hexString: text.description) else { preconditionFailure("bad hex literal") }
        self = bytes
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
