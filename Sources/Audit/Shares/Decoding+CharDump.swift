/// Character dumps as GNU `od -c` and `od -a` write them, which no needle and no other decoder
/// reads: each byte in a field of four columns, right-aligned. `od -c` writes a printable ASCII
/// character as it is (`   A`, a space as four spaces), a C escape for NUL, BEL, BS, FF, LF,
/// CR, TAB and VT (`  \0`, `  \n`), and any other byte as three octal digits (` 303`); `od -a`
/// writes the control characters' names (` nul`, `  nl`, `  sp`, ` del`) and a byte from 80 up
/// as the name of its low seven bits, so a binary value's `od -a` dump has lost its high bits
/// (Docs/Audit.md lists it as a gap) while a passphrase's reads back whole.
extension Decoding {
    /// The names `od -a` gives bytes 00 to 20 and 7F, keyed by a field's last three columns
    /// (a blank before a two-letter name), packed high column first.
    static let characterNames: [UInt32: UInt8] = {
        let names = [
            "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
            "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us",
            "sp",
        ]
        func key(_ name: String) -> UInt32 {
            (name.count == 2 ? " " + name : name).utf8.reduce(0) { $0 << 8 | UInt32($1) }
        }
        var table = Dictionary(uniqueKeysWithValues: names.enumerated().map { (key($1), UInt8($0)) })
        table[key("del")] = 0x7F
        return table
    }()

    /// The bytes `od -c`'s backslash escapes stand for, by the character after the backslash.
    private static func escaped(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0"): 0x00
        case UInt8(ascii: "a"): 0x07
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "v"): 0x0B
        default: nil
        }
    }

    /// Runs of `od -c` or `od -a` dump lines in the text regions, decoded, each with the offset
    /// of its first line; a run gives at least ``octalRunMinimum`` bytes other than spaces.
    ///
    /// A dump line starts its text line and ends at its line break (`\n` or `\r\n`). With an
    /// offset column it starts with 6 or more hex digits (`-Ao`, `-Ad` and `-Ax` all fit), its
    /// fields right after; without one (`-An`) it starts with its first field. Each field is
    /// four columns (above); a line holds one or more of them, and what is left after its last
    /// whole field can only be spaces (a space field whose trailing blanks an editor cut). A
    /// line of space fields alone (od writes 16 spaces so) is a dump line when it has an offset
    /// or holds as many fields as the run it goes on; else it is a blank line. The lines of a run follow each other; a `*` line
    /// (od's mark that the line before it repeats) and an offset alone (od's last line, the
    /// dump's length) give no bytes and do not end a run, as in ``octalDumps(_:regions:)``. With
    /// another type (`od -c -tx1`, `od -tx1z -c`), a line of offset or blanks, hex digits and
    /// blanks (and `-tx1z`'s `>...<`) between a run's lines ends none, and a line that starts with
    /// blanks as wide as the offset of the line before is read as if it had that offset.
    /// Every line of a run holds as many fields as its first, but its last, which may hold
    /// fewer; a run starts with an offset, or with 2 fields or more (`od -An -w1`'s lines of
    /// one field, like code's `   }`, start none).
    ///
    /// Ordinary text gives no run: a line that starts with a letter is no offset (unless it is
    /// six hex digits and more), and its fields must each be three blanks and a character, two
    /// and an escape or name, or one and three octal digits or a name.
    static func charDumps(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(at: Int, bytes: [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        let names = characterNames
        return bytes.withUnsafeBufferPointer { b in
            var out: [(at: Int, bytes: [UInt8])] = []
            var run: [UInt8] = []
            var runStart = 0
            // Whether a field of the run is a character, an escape or a name: a run of octal
            // fields alone is an `od -b` dump, which ``octalDumps(_:regions:)`` reads.
            var characters = false
            // A run gives ``octalRunMinimum`` bytes other than spaces: lines of blanks that
            // end in a `\\` or a `*` (a C macro's continuations, a comment's margin) are none.
            func flush() {
                if characters && run.count(where: { $0 != 0x20 }) >= octalRunMinimum { out.append((runStart, run)) }
                run = []
                characters = false
            }
            /// The byte of the field at `i..<i + 4`, or nil when it is no field.
            func field(_ i: Int) -> UInt8? {
                let (c1, c2, c3) = (b[i + 1], b[i + 2], b[i + 3])
                guard b[i] == 0x20 else { return nil }
                if c1 == 0x20 && c2 == 0x20 { return c3 == 0x20 || (0x21...0x7E).contains(c3) ? c3 : nil }
                if c1 == 0x20 && c2 == UInt8(ascii: "\\") { return escaped(c3) }
                if (0x30...0x33).contains(c1) && (0x30...0x37).contains(c2) && (0x30...0x37).contains(c3) {
                    return (c1 - 0x30) << 6 | (c2 - 0x30) << 3 | (c3 - 0x30)
                }
                // A name: two letters after two blanks, or three after one.
                return names[UInt32(c1) << 16 | UInt32(c2) << 8 | UInt32(c3)]
            }
            /// What `p..<end` is: nil for no dump line; else its fields' bytes in `line`,
            /// whether it starts with an offset, whether it gives no bytes (a `*` line, or an
            /// offset alone), and whether a field of it is not a space.
            var line: [UInt8] = []
            var lineCharacters = false
            func parse(_ p: Int, _ end: Int) -> (offset: Bool, mark: Bool, shown: Bool)? {
                guard p < end else { return nil }
                line.removeAll(keepingCapacity: true)
                lineCharacters = false
                var i = p
                // With other types (`od -tx1 -c`), a line after an offset's has its blanks in
                // the offset's place: as if it had that offset.
                let blanked =
                    offsetWidth > 0 && p + offsetWidth < end && (p..<p + offsetWidth + 1).allSatisfy { b[$0] == 0x20 }
                if blanked { i += offsetWidth }
                if b[p] != 0x20 {
                    if b[p] == UInt8(ascii: "*") {
                        return (p + 1..<end).allSatisfy { b[$0] == 0x20 || b[$0] == 0x09 } ? (false, true, false) : nil
                    }
                    while i < end && isHexByte(b[i]) { i += 1 }
                    guard i - p >= 6 else { return nil }
                    if i == end { return (true, true, false) }
                }
                var shown = false
                while i + 4 <= end {
                    guard let byte = field(i) else { return nil }
                    shown = shown || b[i + 3] != 0x20
                    if !(0x30...0x33).contains(b[i + 1]) { lineCharacters = true }
                    line.append(byte)
                    i += 4
                }
                guard i > p, (i..<end).allSatisfy({ b[$0] == 0x20 }) else { return nil }
                // An offset and blanks fewer than a field: the offset alone.
                if line.isEmpty { return (true, true, false) }
                return (b[p] != 0x20 || blanked, false, shown)
            }
            /// Whether `p..<end` is a line of another type od writes between the character
            /// lines (`od -c -tx1`): an offset or blanks, then hex digits and blanks, and
            /// `-tx1z`'s `>...<` after them.
            func otherType(_ p: Int, _ end: Int) -> Bool {
                var i = p
                while i < end && (b[i] == 0x20 || isHexByte(b[i])) { i += 1 }
                return i > p && (i == end || (b[i] == UInt8(ascii: ">") && b[end - 1] == UInt8(ascii: "<")))
            }
            // The run's line width (its first line's fields), and whether a shorter line, its
            // last, has been read.
            var width = 0
            var closed = false
            // The width of the offset that starts the line before, if it starts with one (kept
            // over lines that start with blanks).
            var offsetWidth = 0
            for region in regions {
                forEachLine(in: b, region) { lineStart, end in
                    let parsed = parse(lineStart, end)
                    if lineStart < end && b[lineStart] != 0x20 {
                        var i = lineStart
                        while i < end && isHexByte(b[i]) { i += 1 }
                        offsetWidth = i - lineStart >= 6 && (i == end || b[i] == 0x20) ? i - lineStart : 0
                    }
                    // A line of spaces alone is a dump's (od writes 16 spaces so) when it has an
                    // offset, or holds a whole line of the run it goes on (`-An`); else it is
                    // a blank line, which ends a run.
                    guard let (offset, mark, shown) = parsed else {
                        // Another type's line goes between a run's lines, and ends none.
                        if !run.isEmpty && otherType(lineStart, end) { return }
                        flush()
                        return
                    }
                    if mark { return }
                    guard shown || offset || (!run.isEmpty && !closed && line.count == width) else {
                        flush()
                        return
                    }
                    if !run.isEmpty && (closed || line.count > width) { flush() }
                    if run.isEmpty {
                        // A run starts with an offset or with a line of 2 fields or more (od's
                        // lines hold 16 unless told, `-w2` two): not with a line of code's
                        // closing brace. (So `od -An -w1` gives no run.)
                        guard offset || line.count >= 2 else { return }
                        runStart = lineStart
                        width = line.count
                        closed = false
                    } else if line.count < width {
                        closed = true
                    }
                    run += line
                    characters = characters || lineCharacters
                }
                flush()
            }
            return out
        }
    }
}
