import Containers

/// Two text forms of bytes that no needle and no other decoder reads: two-digit hex groups
/// between separators (`9b:6c:ad`, as `openssl ec -text` and `bytes.hex(":")` print a key;
/// `9b 6c ad`, `9B-6C-AD`, `9b, 6c`), and percent or quoted-printable escapes (`%9B%6Cl%AD`,
/// `=9B=6C`), as a URL or a mail body carries bytes. Both read the text regions only and give
/// runs, not copies of the text: random bytes and ordinary text cost a pass.
extension Decoding {
    /// The fewest bytes a run of hex pairs or of escapes must give to be a source.
    static let pairRunMinimum = 8

    /// The bytes that may follow a hex pair inside a run of pairs: `:`, space, `-`, `,` and tab.
    private static let pairSeparators: [UInt8] = [0x09, 0x20, 0x2C, 0x2D, 0x3A]

    /// The pair kernel's table of a separator and what may follow it in a run of two pairs or
    /// more (a hex digit, a blank, a line break): where ``hexPairs(_:regions:)`` looks.
    private static let separatorPairs: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 1 << 16)
        for separator in pairSeparators {
            for next in 0...255 where isHexByte(UInt8(next)) || [0x09, 0x20, 0x0A, 0x0D].contains(next) {
                table[Int(separator) << 8 | next] = 1
            }
        }
        return table
    }()

    /// Runs of at least ``pairRunMinimum`` two-digit hex groups (either case) in the text
    /// regions, each with the offset of its first digit. Between two groups stands one
    /// separator (`:`, space, `-`, `,` or tab; the same one all along the run) and any number of
    /// spaces or tabs after it; a line break with indentation continues a run too, after the
    /// separator or in its place (`openssl ec -text` ends each line of 15 groups with `:`). A
    /// group of more than two digits ends a run, so a hex digest is no such run.
    static func hexPairs(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return bytes.withUnsafeBufferPointer { b in
            var out: [(Int, [UInt8])] = []
            func pair(_ at: Int, _ end: Int) -> UInt8? {
                guard at + 2 <= end, let high = hexValue(b[at]), let low = hexValue(b[at + 1]),
                    at + 2 == end || !isHexByte(b[at + 2])
                else { return nil }
                return high << 4 | low
            }
            func blanks(_ from: Int, _ end: Int) -> Int {
                var k = from
                while k < end && (b[k] == 0x20 || b[k] == 0x09) { k += 1 }
                return k
            }
            for region in regions {
                let end = region.upperBound
                // Where a run may start: two places before a separator that a hex digit, a blank
                // or a line break follows (what a second pair needs), found by the pair kernel.
                var starts: [Int] = []
                Containers.pairPositions(
                    bytes, in: region.lowerBound + 2..<max(region.lowerBound + 2, end - 2),
                    firsts: pairSeparators, pairs: separatorPairs
                ) { starts.append($0 - 2) }
                var next = region.lowerBound
                for i in starts where i >= next {
                    guard isHexByte(b[i + 1]), isHexByte(b[i]), i == region.lowerBound || !isHexByte(b[i - 1]),
                        let first = pair(i, end)
                    else { continue }
                    let separator = b[i + 2]
                    var values = [first]
                    next = i + 2
                    while true {
                        var k = next
                        if k < end && b[k] == separator { k += 1 }
                        k = blanks(k, end)
                        if k < end && (b[k] == 0x0A || b[k] == 0x0D) {
                            if b[k] == 0x0D { k += 1 }
                            if k < end && b[k] == 0x0A { k += 1 }
                            k = blanks(k, end)
                        }
                        guard k > next, let value = pair(k, end) else { break }
                        values.append(value)
                        next = k + 2
                    }
                    if values.count >= pairRunMinimum { out.append((i, values)) }
                    if values.count == 1 { next = i + 1 }
                }
            }
            return out
        }
    }

    /// Runs of at least ``pairRunMinimum`` escapes `%HH` (URL encoding) or `=HH` (quoted-
    /// printable; `=` and a line break, its soft line break, is taken out) in the text regions,
    /// decoded, each with the offset it starts at. The bytes between two escapes are kept as they
    /// are (an encoder leaves letters and digits alone) when there are at most 16 of them; more
    /// end the run. A run also keeps up to 16 bytes before its first escape and after its last
    /// (a value's first or last bytes may be such letters). So `key=3f` in a log is no run, and
    /// a value encoded byte by byte (or a passphrase escaped whole) is one.
    static func escapedRuns(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        let gap = 16
        return bytes.withUnsafeBufferPointer { b in
            var out: [(Int, [UInt8])] = []
            for prefix: UInt8 in [0x25, 0x3D] {
                for region in regions {
                    let end = region.upperBound
                    func escape(_ at: Int) -> UInt8? {
                        guard at + 3 <= end, b[at] == prefix, let high = hexValue(b[at + 1]),
                            let low = hexValue(b[at + 2])
                        else { return nil }
                        return high << 4 | low
                    }
                    /// The index after a soft line break (`=` and `\n` or `\r\n`) at `at`, or nil.
                    func softBreak(_ at: Int) -> Int? {
                        guard prefix == 0x3D, at + 1 < end, b[at] == 0x3D else { return nil }
                        if b[at + 1] == 0x0A { return at + 2 }
                        if b[at + 1] == 0x0D && at + 2 < end && b[at + 2] == 0x0A { return at + 3 }
                        return nil
                    }
                    var i = index(of: prefix, in: b, from: region.lowerBound, to: end)
                    var previous = region.lowerBound
                    while i < end {
                        guard let first = escape(i) else {
                            i = index(of: prefix, in: b, from: i + 1, to: end)
                            continue
                        }
                        let start = max(previous, i - gap)
                        var values = Array(b[start..<i]) + [first]
                        var escapes = 1
                        var next = i + 3
                        scan: while true {
                            var k = next
                            while k < end && k - next <= gap {
                                if let value = escape(k) {
                                    values += b[next..<k]
                                    values.append(value)
                                    escapes += 1
                                    next = k + 3
                                    continue scan
                                }
                                if let after = softBreak(k) {
                                    values += b[next..<k]
                                    next = after
                                    continue scan
                                }
                                k += 1
                            }
                            break
                        }
                        let tail = min(end, next + gap)
                        if escapes >= pairRunMinimum { out.append((start, values + b[next..<tail])) }
                        previous = next
                        i = index(of: prefix, in: b, from: next, to: end)
                    }
                }
            }
            return out.sorted { $0.0 < $1.0 }
        }
    }
}
