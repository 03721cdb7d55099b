/// uuencoded text (`uuencode`, Python's `binascii.b2a_uu`), which no needle and no other
/// decoder reads: lines that start with a length character (`M` for 45 bytes, up to `M`), then
/// four characters from space to backtick (space or backtick for 0) for each three bytes. The
/// decoder reads the text regions only and gives runs of lines, not copies of the text.
extension Decoding {
    /// The fewest bytes a run of uuencoded lines must give to be a source.
    static let uuRunMinimum = 8

    /// Whether `b` may stand in a uuencoded line's data: space to backtick (0x20–0x60).
    @inline(__always) private static func isUUCharacter(_ b: UInt8) -> Bool { b >= 0x20 && b <= 0x60 }

    /// The bytes that may stand just before a uuencoded line that does not start its text
    /// line (`card 1: 8...`, `seedb="8...`): space, tab, `:`, `=`, `"` or `,`.
    @inline(__always) private static func isUUPrefixEnd(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x3A || b == 0x3D || b == 0x22 || b == 0x2C
    }

    /// Runs of uuencoded lines in the text regions, decoded, each with the offset of its first
    /// length character; a run gives at least ``uuRunMinimum`` bytes. A line holds a length
    /// character from `!` to `M` (1 to 45 bytes) and four data characters for each three bytes
    /// up to its line break (`\n` or `\r\n`); from an encoder that does not pad, or after a
    /// tool strips trailing spaces, as few as three fewer than the bytes need (read as 0). The lines of a
    /// run follow each other, each from the start of its text line; the first may also stand
    /// after other text on its line, after a space, tab, `:`, `=`, `"` or `,` (a value written
    /// after its card's serial). The `begin 644 name` and `end` lines and the last line of
    /// length 0 are no data lines, so a run is the same with the framing and without it.
    /// Ordinary text gives no run: a data line holds no lower-case letter and has one exact
    /// length for its first character.
    static func uuencoded(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return bytes.withUnsafeBufferPointer { b in
            var out: [(Int, [UInt8])] = []
            /// Whether `p..<end` is one data line: its length character and enough data characters.
            func isLine(_ p: Int, _ end: Int) -> Bool {
                guard p < end, b[p] > 0x20, b[p] <= 0x4D else { return false }
                let count = Int(b[p] - 0x20)
                let chars = end - p - 1
                guard chars <= (count + 2) / 3 * 4, chars >= max(1, (count * 4 + 2) / 3 - 3) else { return false }
                for k in (p + 1)..<end where !isUUCharacter(b[k]) { return false }
                return true
            }
            /// The data line `p..<end` decoded onto `values` (missing characters read as 0).
            func decode(_ p: Int, _ end: Int, into values: inout [UInt8]) {
                let count = Int(b[p] - 0x20)
                var written = 0
                var k = p + 1
                while written < count {
                    var group: UInt32 = 0
                    for j in 0..<4 {
                        let c = k + j < end ? UInt32((b[k + j] &- 0x20) & 0x3F) : 0
                        group = group << 6 | c
                    }
                    var shift: UInt32 = 16
                    while written < count && shift <= 16 {
                        values.append(UInt8(truncatingIfNeeded: group >> shift))
                        written += 1
                        shift &-= 8
                    }
                    k += 4
                }
            }
            for region in regions {
                var values: [UInt8] = []
                var runStart = 0
                func flush() {
                    if values.count >= uuRunMinimum { out.append((runStart, values)) }
                    values = []
                }
                forEachLine(in: b, region) { lineStart, end in
                    if isLine(lineStart, end) {
                        if values.isEmpty { runStart = lineStart }
                        decode(lineStart, end, into: &values)
                        return
                    }
                    flush()
                    // After other text: the data characters end the line, so only the line's
                    // tail of them can hold it; the longest line found there, from the left.
                    var tail = end
                    while tail > lineStart && isUUCharacter(b[tail - 1]) { tail -= 1 }
                    var p = max(tail, lineStart + 1, end - 61)
                    while p + 2 <= end {
                        if isUUPrefixEnd(b[p - 1]) && isLine(p, end) {
                            runStart = p
                            decode(p, end, into: &values)
                            break
                        }
                        p += 1
                    }
                }
                flush()
            }
            return out
        }
    }
}
