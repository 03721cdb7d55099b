/// Why a text is not a SegWit version 0 address (BIP173).
public struct Bech32Error: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Bech32 {
    /// The witness version and program of a SegWit version 0 address, checked as
    /// BIP173 says: one case, the human-readable part and the separator `1`, only
    /// characters of the charset, the 6-character BCH checksum, version 0, and a
    /// 20- or 32-byte program with at most 4 bits of zero padding.
    /// - Throws: ``Bech32Error`` naming the first rule the text breaks.
    static func decodeSegwit(_ text: String, hrp expected: String) throws(Bech32Error) -> [UInt8] {
        guard text.count <= 90 else { throw Bech32Error("longer than 90 characters") }
        guard text.lowercased() == text || text.uppercased() == text else {
            throw Bech32Error("mixes upper and lower case")
        }
        let lower = Array(text.lowercased().utf8)
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else { throw Bech32Error("no separator '1'") }
        let hrp = String(decoding: lower[..<separator], as: UTF8.self)
        guard hrp == expected else { throw Bech32Error("human-readable part '\(hrp)', not '\(expected)'") }
        var data: [UInt8] = []
        for byte in lower[(separator + 1)...] {
            guard let value = charset.firstIndex(of: byte) else {
                throw Bech32Error("character '\(Character(Unicode.Scalar(byte)))' is not in the bech32 charset")
            }
            data.append(UInt8(value))
        }
        guard data.count >= 7 else { throw Bech32Error("too short for a version and a checksum") }
        guard polymod(expand(hrp) + data) == 1 else { throw Bech32Error("bad checksum") }
        let values = data.dropLast(6)
        guard values.first == 0 else {
            throw Bech32Error("witness version \(values.first ?? 0), not 0 (only version 0 is bech32)")
        }
        var accumulator: UInt32 = 0
        var bits = 0
        var program: [UInt8] = []
        for value in values.dropFirst() {
            accumulator = (accumulator << 5 | UInt32(value)) & 0xfff
            bits += 5
            if bits >= 8 {
                bits -= 8
                program.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        guard bits <= 4, accumulator & ((1 << UInt32(bits)) - 1) == 0 else {
            throw Bech32Error("bad padding after the program")
        }
        guard program.count == 20 || program.count == 32 else {
            throw Bech32Error("a version 0 program of \(program.count) bytes, not 20 or 32")
        }
        return program
    }
}

extension Address {
    /// Parses a native SegWit version 0 address (`bc1q...`, `tb1q...`): P2WPKH
    /// (20-byte program) or P2WSH (32 bytes). The text is kept as given, lower-cased.
    /// - Throws: ``Bech32Error`` for a text that breaks BIP173.
    public static func segwit(_ text: String) throws(Bech32Error) -> (address: Address, program: [UInt8]) {
        let lower = text.lowercased()
        guard let network = Network.allCases.first(where: { lower.hasPrefix($0.bech32HRP + "1") }) else {
            throw Bech32Error("not a bech32 address: it starts with neither bc1 nor tb1")
        }
        let program = try Bech32.decodeSegwit(text, hrp: network.bech32HRP)
        return (Address(text: lower, network: network), program)
    }
}
