/// Bech32 (BIP173) encoding of SegWit version 0 addresses.
enum Bech32 {
    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]

    static func polymod(_ values: [UInt8]) -> UInt32 {
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for i in 0..<5 where (top >> i) & 1 == 1 {
                checksum ^= generator[i]
            }
        }
        return checksum
    }

    static func expand(_ hrp: String) -> [UInt8] {
        let bytes = Array(hrp.utf8)
        return bytes.map { $0 >> 5 } + [0] + bytes.map { $0 & 31 }
    }

    /// Regroups 8-bit bytes into 5-bit groups, padding the last.
    private static func toFiveBit(_ data: [UInt8]) -> [UInt8] {
        var accumulator: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        for byte in data {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(UInt8((accumulator >> UInt32(bits)) & 31))
            }
        }
        if bits > 0 { out.append(UInt8((accumulator << UInt32(5 - bits)) & 31)) }
        return out
    }

    /// The SegWit address for witness `version` (0 here) and `program`.
    static func segwitAddress(hrp: String, version: UInt8, program: [UInt8]) -> String {
        let data = [version] + toFiveBit(program)
        let check = polymod(expand(hrp) + data + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((check >> UInt32(5 * (5 - $0))) & 31) }
        return hrp + "1" + String(decoding: (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }
}
