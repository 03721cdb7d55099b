/// Octal and decimal dumps as GNU `od` writes them, which no needle and no other decoder reads
/// whole: `od -b` and `od -t o1` (3-digit octal bytes), plain `od` (`-t o2`, 6-digit octal
/// 2-byte words), `od -t o4` (11-digit octal 4-byte words), `od -t d1` or `-t u1` (decimal
/// bytes, signed or not), and the hex words of `od -x` and `od -t x4` (4 and 8 hex digits),
/// each with its offset column or without it (`-An`). ``hexDumps(_:regions:)`` reads `od -x`
/// with offsets too, but takes the first word of an `-An` line for an offset. The decoder
/// reads the text regions only and gives runs of lines, not copies of the text.
extension Decoding {
    /// The fewest bytes a run of dump lines must give to be a source.
    static let octalRunMinimum = 8

    /// What one dump line's fields are: a line's fields all share one kind.
    enum DumpField: Equatable {
        /// Three octal digits from `000` to `377`: one byte (`od -b`, `od -t o1`).
        case octal1
        /// Six octal digits up to `177777`: a 2-byte word (`od`, `od -t o2`).
        case octal2
        /// Eleven octal digits up to `37777777777`: a 4-byte word (`od -t o4`).
        case octal4
        /// A decimal number from -128 to 255: one byte (`od -t d1`, `od -t u1`), a negative
        /// one as its two's complement.
        case decimal
        /// Four hex digits: a 2-byte word (`od -x`, `od -t x2`).
        case hex2
        /// Eight hex digits: a 4-byte word (`od -t x4`).
        case hex4

        /// The bytes each field stands for.
        var width: Int {
            switch self {
            case .octal1, .decimal: 1
            case .octal2, .hex2: 2
            case .octal4, .hex4: 4
            }
        }
    }

    /// Whether `b` separates the fields of a dump line: space or tab.
    @inline(__always) private static func isFieldGap(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Runs of `od` dump lines in the text regions, decoded, each with the offset of its first
    /// line and whether its words were read big-endian; a run gives at least
    /// ``octalRunMinimum`` bytes.
    ///
    /// A dump line starts its text line (after any spaces or tabs) and ends at its line break
    /// (`\n` or `\r\n`). It holds an offset, then its fields, each after one or more spaces:
    /// the offset stands first when the line does not start with a blank (od's own lines) or
    /// when its first word has 7 to 10 characters (an indented dump; a word of 8 is taken for
    /// an `od -t x4` field unless a word of another length follows); it is 6 or more hex
    /// digits (`-Ao`, `-Ad` and `-Ax` all fit). Without an offset (`-An`), od starts each line
    /// with a space. Every field of a line is of one ``DumpField`` kind. The lines of a run
    /// follow each other and share a kind; a line of three-digit numbers that may be octal or
    /// decimal (`101 102 103`) goes on with the run's kind (octal when it starts one).
    ///
    /// A `*` line (od's mark that the line before it repeats) and a line of an offset alone
    /// (od's last line, the dump's length) give no bytes and do not end a run: a repeat is
    /// read as one copy of the line. The line before the `*` and the line after it stay
    /// next to each other, so a value that starts or ends in the repeated line is kept; only a
    /// value that spans two copies of that line is lost, and such a value repeats itself
    /// after one line's width (no random share does). Words of 2 and 4 bytes give two runs: their bytes
    /// low first (od on a little-endian machine, this one's default) and high first
    /// (`--endian=big`, or a dump from a big-endian machine), as ``hexDumps(_:regions:)``
    /// does for 4-digit groups. A last word that od filled out with zero bytes decodes with
    /// them: the bytes before are all there.
    ///
    /// Ordinary text gives no run: a line that does not start with a blank must start with
    /// an offset of six or more hex digits followed by fields of numbers, and a log line's
    /// time stamp (`2025-11-24T12:00`) is none.
    static func octalDumps(
        _ bytes: [UInt8], regions: [Range<Int>]? = nil
    ) -> [(at: Int, bigEndian: Bool, bytes: [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return bytes.withUnsafeBufferPointer { b in
            var out: [(at: Int, bigEndian: Bool, bytes: [UInt8])] = []
            // One line's field values (octal or hex), reused; a field's decimal value beside it
            // in `decimal`. A line may hold any number (`od -w` sets its width; 16 bytes by default).
            var words: [UInt32] = []
            var decimal: [UInt32] = []
            var little: [UInt8] = []
            var big: [UInt8] = []
            var kind: DumpField?
            var runStart = 0
            func flush() {
                if little.count >= octalRunMinimum, let kind {
                    out.append((runStart, false, little))
                    if kind.width > 1 { out.append((runStart, true, big)) }
                }
                little = []
                big = []
                kind = nil
            }
            /// The length of the word after the gap at `i`, or 0 at the line's end.
            func nextLength(_ i: Int, _ end: Int) -> Int {
                var start = i
                while start < end && isFieldGap(b[start]) { start += 1 }
                var k = start
                while k < end && !isFieldGap(b[k]) { k += 1 }
                return k - start
            }
            /// What `p..<end` is: nil for no dump line; a `*` line or an offset alone gives
            /// `(nil, 0)`; else the kind of its fields and their count, their values in `words`
            /// (or in `decimal`, for a decimal line).
            func parse(_ p: Int, _ end: Int, current: DumpField?) -> (DumpField?, Int)? {
                var i = p
                while i < end && isFieldGap(b[i]) { i += 1 }
                guard i < end else { return nil }
                let blankStart = i > p
                // Cheap tests first: most text lines start with a letter.
                let first = b[i]
                if first == 0x2A {
                    var k = i + 1
                    while k < end && isFieldGap(b[k]) { k += 1 }
                    return k == end ? (nil, 0) : nil
                }
                guard isHexByte(first) || first == 0x2D else { return nil }
                // A line that does not start with a blank starts with its offset: a time stamp
                // (`2025-11-24T12:00`) or a word is told apart at its first other character.
                if !blankStart {
                    var k = i
                    while k < end && isHexByte(b[k]) { k += 1 }
                    guard k - i >= 6, k == end || isFieldGap(b[k]) else { return nil }
                }
                var canOctal1 = true
                var canOctal2 = true
                var canOctal4 = true
                var canDecimal = true
                var canHex2 = true
                var canHex4 = true
                var count = 0
                words.removeAll(keepingCapacity: true)
                decimal.removeAll(keepingCapacity: true)
                var firstToken = true
                while i < end {
                    let start = i
                    while i < end && !isFieldGap(b[i]) { i += 1 }
                    let length = i - start
                    defer {
                        while i < end && isFieldGap(b[i]) { i += 1 }
                        firstToken = false
                    }
                    // An indented word of 7 to 10 characters is an offset, but one of 8 is a field
                    // of `od -t x4` when no word of another length follows it.
                    if firstToken
                        && (!blankStart
                            || (7...10).contains(length) && (length != 8 || ![0, 8].contains(nextLength(i, end))))
                    {
                        guard length >= 6 else { return nil }
                        for k in start..<i where !isHexByte(b[k]) { return nil }
                        continue
                    }
                    // A hex word: 4 or 8 hex digits. Else 3, 6 or 11 octal digits, or a decimal
                    // number: an optional `-` and 1 to 3 digits.
                    if (length == 4 || length == 8) && b[start] != 0x2D {
                        var word: UInt32 = 0
                        for k in start..<i {
                            guard let d = hexValue(b[k]) else { return nil }
                            word = word << 4 | UInt32(d)
                        }
                        canOctal1 = false
                        canOctal2 = false
                        canOctal4 = false
                        canDecimal = false
                        canHex2 = canHex2 && length == 4
                        canHex4 = canHex4 && length == 8
                        guard canHex2 || canHex4 else { return nil }
                        words.append(word)
                        decimal.append(0)
                        count += 1
                        continue
                    }
                    canHex2 = false
                    canHex4 = false
                    var value: UInt64 = 0
                    var tens: Int = 0
                    var allOctal = true
                    var digits = true
                    let negative = b[start] == 0x2D
                    for k in (negative ? start + 1 : start)..<i {
                        let c = b[k]
                        guard c >= 0x30 && c <= 0x39 else {
                            digits = false
                            break
                        }
                        if c > 0x37 { allOctal = false }
                        value = value << 3 | UInt64(c & 7)
                        tens = tens &* 10 &+ Int(c - 0x30)
                    }
                    let digitCount = negative ? length - 1 : length
                    guard digits, digitCount >= 1 else { return nil }
                    let isOctal = allOctal && !negative
                    let octal1 = isOctal && length == 3 && value <= 0o377
                    let octal2 = isOctal && length == 6 && value <= 0o177777
                    let octal4 = isOctal && length == 11 && value <= 0o37777777777
                    let isDecimal = digitCount <= 3 && (negative ? tens <= 128 : tens <= 255)
                    canOctal1 = canOctal1 && octal1
                    canOctal2 = canOctal2 && octal2
                    canOctal4 = canOctal4 && octal4
                    canDecimal = canDecimal && isDecimal
                    guard canOctal1 || canOctal2 || canOctal4 || canDecimal else { return nil }
                    words.append(UInt32(truncatingIfNeeded: value))
                    decimal.append(UInt32(truncatingIfNeeded: negative ? 256 - tens : tens))
                    count += 1
                }
                guard count > 0 else { return (nil, 0) }
                if canHex2 { return (.hex2, count) }
                if canHex4 { return (.hex4, count) }
                if canOctal2 { return (.octal2, count) }
                if canOctal4 { return (.octal4, count) }
                if canOctal1 && canDecimal { return (current == .decimal ? .decimal : .octal1, count) }
                return (canOctal1 ? .octal1 : .decimal, count)
            }
            for region in regions {
                forEachLine(in: b, region) { lineStart, end in
                    guard let (lineKind, count) = parse(lineStart, end, current: kind) else {
                        flush()
                        return
                    }
                    guard let lineKind else { return }
                    if lineKind != kind {
                        flush()
                        kind = lineKind
                        runStart = lineStart
                    }
                    switch lineKind {
                    case .octal1: for k in 0..<count { little.append(UInt8(truncatingIfNeeded: words[k])) }
                    case .decimal: for k in 0..<count { little.append(UInt8(truncatingIfNeeded: decimal[k])) }
                    case .octal2, .octal4, .hex2, .hex4:
                        let width = lineKind.width
                        for k in 0..<count {
                            let word = words[k]
                            for j in 0..<width { little.append(UInt8(truncatingIfNeeded: word >> (8 * j))) }
                            for j in (0..<width).reversed() { big.append(UInt8(truncatingIfNeeded: word >> (8 * j))) }
                        }
                    }
                }
                flush()
            }
            return out
        }
    }
}
