import Foundation

/// Base64 and hex over bytes, for the decoders' hot loops (no `String`; Foundation for `memchr` only).
extension Decoding {
    /// The index of the first `byte` in `b[from..<to]`, or `to` when there is none: `memchr`,
    /// which skips a text region's bytes at memory speed.
    @inline(__always)
    static func index(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let base = b.baseAddress, let hit = memchr(base + from, Int32(byte), to - from) else {
            return to
        }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
    }

    /// Each line of `b[region]`, in order: its start and its end before its line break (`\n`, or
    /// `\r\n`; the region's end for its last line), to `body`: how the dump decoders read a
    /// text region line by line.
    @inline(__always)
    static func forEachLine(
        in b: UnsafeBufferPointer<UInt8>, _ region: Range<Int>, _ body: (_ start: Int, _ end: Int) -> Void
    ) {
        var lineStart = region.lowerBound
        while lineStart < region.upperBound {
            let newline = index(of: 0x0A, in: b, from: lineStart, to: region.upperBound)
            body(lineStart, newline > lineStart && b[newline - 1] == 0x0D ? newline - 1 : newline)
            lineStart = newline + 1
        }
    }

    /// Byte classes: bit 0 base64 (standard and URL-safe alphabets), bit 1 hex digit,
    /// ``lineBit`` a line break, ``textBit`` ASCII text (printable, tab, line breaks).
    static var byteClasses: [UInt8] { classes }
    /// The class bit of `\n` and `\r`.
    static let lineBit: UInt8 = 4
    /// The class bit of printable ASCII, tab, `\n`, `\v`, `\f` and `\r`.
    static let textBit: UInt8 = 8
    private static let classes: [UInt8] = (0..<256).map { b in
        var c: UInt8 = 0
        if base64Value(UInt8(b)) != 0xFF { c |= 1 }
        if hexDigit(UInt8(b)) != 0xFF { c |= 2 }
        if b == 0x0A || b == 0x0D { c |= 4 }
        if (0x20..<0x7F).contains(b) || (0x09...0x0D).contains(b) { c |= 8 }
        return c
    }

    /// The 6-bit value of each byte (`-` as `+`, `_` as `/`), 0xFF for none.
    private static let base64Values: [UInt8] = (0..<256).map { base64Value(UInt8($0)) }

    /// The 4-bit value of each byte (either case), 0xFF for none.
    private static let hexValues: [UInt8] = (0..<256).map { hexDigit(UInt8($0)) }

    private static func base64Value(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x41...0x5A: b - 0x41
        case 0x61...0x7A: b - 0x61 + 26
        case 0x30...0x39: b - 0x30 + 52
        case 0x2B, 0x2D: 62
        case 0x2F, 0x5F: 63
        default: 0xFF
        }
    }

    private static func hexDigit(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x61...0x66: b - 0x61 + 10
        case 0x41...0x46: b - 0x41 + 10
        default: 0xFF
        }
    }

    // The three predicates below are arithmetic, not table look-ups: the decoders call them on
    // every byte of a text region, and a static table costs a lazy-global check and a bounds
    // check each time (Docs/Performance.md, "Dense text").

    /// Whether `b` is in the base64 alphabet (standard or URL-safe).
    @inline(__always) static func isBase64Byte(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x2B || b == 0x2F || b == 0x2D || b == 0x5F
    }

    /// The value of a hex digit (either case), or nil.
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        if b &- 0x30 < 10 { return b &- 0x30 }
        let letter = (b | 0x20) &- 0x61
        return letter < 6 ? letter + 10 : nil
    }

    /// Whether `b` is an ASCII letter or digit.
    @inline(__always) static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    /// Whether `b` is a hex digit (either case).
    @inline(__always) static func isHexByte(_ b: UInt8) -> Bool { b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 6 }

    /// Unpadded base64 (standard or URL-safe, mixed) decoded as Foundation's
    /// `Data(base64Encoded:)` decodes it once padded to a multiple of 4: nil when a character
    /// is outside the alphabet or the length leaves a lone character (`count % 4 == 1`); the
    /// unused low bits of a partial last group are ignored.
    static func base64Bytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        return appendBase64(text, to: &out) ? out : nil
    }

    /// Hex digits (either case, even count) decoded; nil for anything else.
    static func hexBytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        return appendHex(text, to: &out) ? out : nil
    }

    /// ``base64Bytes(_:)`` appended to `out` (the decoders' batch buffer): false, and `out`
    /// as it was, when `text` does not decode.
    static func appendBase64(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) -> Bool {
        let count = text.count
        guard count % 4 != 1 else { return false }
        let first = out.count
        // Through pointers, a chunk at a time into a buffer on the stack, then copied on: the
        // hot loop of the dense-text search (every run at four alignments), with no zero fill.
        var bad: UInt8 = 0
        base64Values.withUnsafeBufferPointer { table in
            text.withUnsafeBufferPointer { t in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk / 4 * 3) { buffer in
                    var at = 0
                    while at < count {
                        let piece = UnsafeBufferPointer(rebasing: t[at..<min(count, at + chunk)])
                        let made = piece.count / 4 * 3 + max(0, piece.count % 4 - 1)
                        bad |= decodeBase64(piece, table: table, into: buffer, at: 0)
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<made]))
                        at += chunk
                    }
                }
            }
        }
        // Every value is below 64; 0xFF (no value) sets the top bits.
        guard bad & 0xC0 == 0 else {
            out.removeSubrange(first...)
            return false
        }
        return true
    }

    /// The characters ``appendBase64(_:to:)`` and ``appendHex(_:to:)`` decode at a time (a
    /// multiple of 4: only the last chunk of a run may end in a partial group).
    private static let chunk = 4096

    /// The base64 of `t` (its length not 1 more than a multiple of 4) decoded into `o` from
    /// `at`, through `table` (``base64Values``): the values OR-ed together, whose top bits are
    /// set when a byte has none.
    @inline(__always)
    private static func decodeBase64(
        _ t: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, into o: UnsafeMutableBufferPointer<UInt8>,
        at: Int
    ) -> UInt8 {
        let count = t.count
        let whole = count / 4 * 4
        var bad: UInt8 = 0
        var i = 0
        var w = at
        while i < whole {
            let a = table[Int(t[i])]
            let b = table[Int(t[i + 1])]
            let c = table[Int(t[i + 2])]
            let d = table[Int(t[i + 3])]
            bad |= a | b | c | d
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            o[w] = UInt8(truncatingIfNeeded: v >> 16)
            o[w + 1] = UInt8(truncatingIfNeeded: v >> 8)
            o[w + 2] = UInt8(truncatingIfNeeded: v)
            i += 4
            w += 3
        }
        let left = count - i
        if left >= 2 {
            let a = table[Int(t[i])]
            let b = table[Int(t[i + 1])]
            let c = left == 3 ? table[Int(t[i + 2])] : 0
            bad |= a | b | c
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c & 0x3F) << 6
            o[w] = UInt8(truncatingIfNeeded: v >> 16)
            if left == 3 { o[w + 1] = UInt8(truncatingIfNeeded: v >> 8) }
        }
        return bad
    }

    /// ``hexBytes(_:)`` appended to `out`: false, and `out` as it was, when `text` does not decode.
    static func appendHex(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) -> Bool {
        let count = text.count
        guard count % 2 == 0 else { return false }
        let first = out.count
        var bad: UInt8 = 0
        hexValues.withUnsafeBufferPointer { table in
            text.withUnsafeBufferPointer { t in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk / 2) { buffer in
                    var at = 0
                    while at < count {
                        let end = min(count, at + chunk)
                        var o = 0
                        var i = at
                        while i < end {
                            let h = table[Int(t[i])]
                            let l = table[Int(t[i + 1])]
                            bad |= h | l
                            buffer[o] = h << 4 | (l & 0x0F)
                            i += 2
                            o += 1
                        }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<o]))
                        at = end
                    }
                }
            }
        }
        guard bad & 0xF0 == 0 else {
            out.removeSubrange(first...)
            return false
        }
        return true
    }
}
