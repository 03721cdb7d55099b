/// GNU `od`'s dumps of decimal words and of 8-byte words, which ``octalDumps(_:regions:)`` does
/// not read: `od -t u2`, `-t d2`, `-t u4`, `-t d4`, `-t u8`, `-t d8` (decimal, unsigned or
/// signed), `-t x8` (16 hex digits) and `-t o8` (22 octal digits), each with its offset column
/// or without it (`-An`). od right-aligns every field of a type in one width (the widest value
/// and a blank), so a line's fields end at even steps: the step tells the type, where the
/// digits alone (a `169` may be a byte, a 2-byte word or a 4-byte one) cannot.
extension Decoding {
    /// A word dump's field type: its width in bytes, and how its digits are read.
    struct WordField: Equatable {
        enum Digits: Equatable { case unsigned, signed, hex, octal }
        let bytes: Int
        let digits: Digits

        /// The type od writes in fields `step` columns apart (its widest value and one blank);
        /// nil for the steps of the types ``octalDumps(_:regions:)`` reads and for any other.
        init?(step: Int) {
            switch step {
            case 6: (bytes, digits) = (2, .unsigned)
            case 7: (bytes, digits) = (2, .signed)
            case 11: (bytes, digits) = (4, .unsigned)
            case 12: (bytes, digits) = (4, .signed)
            // `-t u8` and `-t d8` both take 21 columns: a `-` says signed; a positive value
            // reads the same either way.
            case 21: (bytes, digits) = (8, .signed)
            case 17: (bytes, digits) = (8, .hex)
            case 23: (bytes, digits) = (8, .octal)
            default: return nil
            }
        }

        /// The word `token` stands for in this type (a negative one as its two's complement),
        /// or nil when it is no such field.
        func value(_ token: UnsafeBufferPointer<UInt8>.SubSequence) -> UInt64? {
            guard let first = token.first else { return nil }
            switch digits {
            case .hex:
                guard token.count == 16 else { return nil }
                var word: UInt64 = 0
                for c in token {
                    guard let digit = hexValue(c) else { return nil }
                    word = word << 4 | UInt64(digit)
                }
                return word
            case .octal:
                // 22 digits hold 66 bits: the first may only be 0 or 1.
                guard token.count == 22, first == 0x30 || first == 0x31,
                    token.allSatisfy({ (0x30...0x37).contains($0) })
                else { return nil }
                return token.reduce(UInt64(0)) { $0 << 3 | UInt64($1 - 0x30) }
            case .unsigned, .signed:
                let negative = first == 0x2D
                let digits = negative ? token.dropFirst() : token
                guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }),
                    !negative || self.digits == .signed
                else { return nil }
                var magnitude: UInt64 = 0
                for c in digits {
                    let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = times.addingReportingOverflow(UInt64(c - 0x30))
                    guard !overflow, !carry else { return nil }
                    magnitude = sum
                }
                let bits = UInt64(bytes * 8)
                // Unsigned up to 2^bits - 1; signed from -2^(bits-1) to 2^(bits-1) - 1, except
                // for 8 bytes, whose 21 columns may hold `-t u8` too (up to 2^64 - 1).
                let top = bits == 64 ? UInt64.max : (UInt64(1) << bits) - 1
                if negative {
                    guard magnitude <= UInt64(1) << (bits - 1) else { return nil }
                    return (0 &- magnitude) & top
                }
                let limit = self.digits == .signed && bits < 64 ? (UInt64(1) << (bits - 1)) - 1 : top
                return magnitude <= limit ? magnitude : nil
            }
        }
    }

    /// Runs of `od` word-dump lines (the types of ``WordField``) in the text regions, decoded,
    /// each with the offset of its first line and whether its words were read high byte first;
    /// a run gives at least ``octalRunMinimum`` bytes.
    ///
    /// A dump line starts its text line and ends at its line break. With an offset column it
    /// starts with 6 or more hex digits; without one (`-An`) it starts with the blanks before
    /// its first field. Its fields end at even steps from where the offset ends (or the line
    /// starts), the step that of one ``WordField`` type, each field right-aligned in its step.
    /// A line of 6-digit or 11-digit octal numbers alone (plain `od`, `od -t o4`, whose steps
    /// are those of `-t d2` and `-t d4`) is left to ``octalDumps(_:regions:)``. The lines of a
    /// run follow each other and share a type; a `*` line and an offset alone end nothing, as
    /// there. Each run is given twice, its words low byte first (od on a little-endian machine:
    /// the bytes dumped, in order) and high byte first (`--endian=big`).
    static func wordDumps(
        _ bytes: [UInt8], regions: [Range<Int>]? = nil
    ) -> [(at: Int, bigEndian: Bool, bytes: [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return bytes.withUnsafeBufferPointer { b in
            var out: [(at: Int, bigEndian: Bool, bytes: [UInt8])] = []
            var little: [UInt8] = []
            var big: [UInt8] = []
            var kind: WordField?
            var runStart = 0
            func flush() {
                if little.count >= octalRunMinimum {
                    out.append((runStart, false, little))
                    out.append((runStart, true, big))
                }
                little = []
                big = []
                kind = nil
            }
            var words: [UInt64] = []
            /// What `p..<end` is: nil for no word-dump line; `(nil)` inside for a `*` line or an
            /// offset alone; else its type, its words in `words`.
            func parse(_ p: Int, _ end: Int) -> WordField?? {
                guard p < end else { return nil }
                var fields = p
                if b[p] != 0x20 {
                    if b[p] == UInt8(ascii: "*") {
                        return (p + 1..<end).allSatisfy { b[$0] == 0x20 || b[$0] == 0x09 } ? .some(nil) : nil
                    }
                    while fields < end && isHexByte(b[fields]) { fields += 1 }
                    guard fields - p >= 6 else { return nil }
                    if fields == end { return .some(nil) }
                    guard b[fields] == 0x20 else { return nil }
                }
                words.removeAll(keepingCapacity: true)
                var type: WordField?
                var step = 0
                var allOctal = true
                var i = fields
                while i < end {
                    while i < end && b[i] == 0x20 { i += 1 }
                    guard i < end else { break }
                    let start = i
                    while i < end && b[i] != 0x20 { i += 1 }
                    if type == nil {
                        step = i - fields
                        guard let first = WordField(step: step) else { return nil }
                        type = first
                    }
                    // Each field ends one step after the one before.
                    guard let type, i - fields == step * (words.count + 1), let word = type.value(b[start..<i]) else {
                        return nil
                    }
                    allOctal =
                        allOctal && i - start == step - 1 && b[start..<i].allSatisfy { (0x30...0x37).contains($0) }
                    words.append(word)
                }
                guard let type else { return nil }
                if allOctal && (step == 7 || step == 12) { return nil }
                return .some(type)
            }
            for region in regions {
                forEachLine(in: b, region) { lineStart, end in
                    guard let parsed = parse(lineStart, end) else {
                        flush()
                        return
                    }
                    guard let type = parsed else { return }
                    if type != kind {
                        flush()
                        kind = type
                        runStart = lineStart
                    }
                    for word in words {
                        for j in 0..<type.bytes { little.append(UInt8(truncatingIfNeeded: word >> (8 * j))) }
                        for j in (0..<type.bytes).reversed() { big.append(UInt8(truncatingIfNeeded: word >> (8 * j))) }
                    }
                }
                flush()
            }
            return out
        }
    }
}
