/// Base85 text in its three alphabets, which no needle and no other decoder reads: Ascii85
/// (Python's `base64.a85encode`, Adobe's `<~ ~>` framing or none, `z` for four zero bytes),
/// RFC 1924's alphabet (`base64.b85encode`, git's binary patches) and ZeroMQ's Z85. Each
/// encodes 4 bytes as 5 characters. The decoder reads the text regions only and gives runs.
///
/// Those alphabets hold most printable ASCII, so a run is decoded only when it looks like
/// one: 30 or more of its characters (24 bytes), not all of them base64 or hex characters
/// (those runs are decoded as base64 or hex already, and base64- and hex-dense text is most
/// of what is dense), and at least one character no base64 text holds once the quotes,
/// colons and brackets at its ends are left out (so a JSON string of hex or base64 is none).
extension Decoding {
    /// The fewest characters, line breaks not counted, a base85 run must hold to be decoded.
    static let base85RunMinimum = 30

    /// The three alphabets, each with its derived sources' name.
    enum Base85: Int, CaseIterable, Sendable {
        case ascii85, rfc1924, z85

        /// The name of what a run decodes to: `a85@N`, `b85@N`, `z85@N`.
        var name: String {
            switch self {
            case .ascii85: "a85"
            case .rfc1924: "b85"
            case .z85: "z85"
            }
        }

        /// The alphabet's 85 characters in the order of their values.
        var alphabet: [UInt8] {
            switch self {
            case .ascii85: Array(0x21...0x75)
            case .rfc1924:
                Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~".utf8)
            case .z85:
                Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
            }
        }

        /// Each byte's value in the alphabet, ``zeros`` for Ascii85's `z`, or 0xFF.
        var values: [UInt8] { Decoding.base85Values[rawValue] }

        /// The value that marks Ascii85's `z` (four zero bytes) in ``values``.
        static let zeros: UInt8 = 0xFE

        /// The bit of ``Decoding/base85Classes`` that marks the alphabet's characters.
        var memberBit: UInt8 { 1 << UInt8(rawValue) }
        /// The bit of ``Decoding/base85Classes`` that marks the alphabet's characters that no
        /// base64 or hex text holds (not a letter, digit, `+`, `/` or `=`).
        var markBit: UInt8 { 8 << UInt8(rawValue) }
    }

    /// ``Base85/values`` of each alphabet.
    static let base85Values: [[UInt8]] = Base85.allCases.map { alphabet in
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (value, c) in alphabet.alphabet.enumerated() { values[Int(c)] = UInt8(value) }
        if alphabet == .ascii85 { values[0x7A] = Base85.zeros }
        return values
    }

    /// Byte classes for the three alphabets: ``Base85/memberBit`` and ``Base85/markBit``.
    static let base85Classes: [UInt8] = (0..<256).map { c in
        var bits: UInt8 = 0
        let plain = isAlphanumeric(UInt8(c)) || c == 0x2B || c == 0x2F || c == 0x3D
        for alphabet in Base85.allCases where base85Values[alphabet.rawValue][c] != 0xFF {
            bits |= alphabet.memberBit
            if !plain { bits |= alphabet.markBit }
        }
        return bits
    }

    /// The characters left out at a run's ends before it is checked for a mark: the quotes,
    /// separators and brackets around a value (`"`, `'`, `,`, `:`, `;`, `=`, brackets, `<`, `>`).
    private static func isBase85Delimiter(_ c: UInt8) -> Bool {
        c == 0x22 || c == 0x27 || c == 0x2C || c == 0x3A || c == 0x3B || c == 0x3D || c == 0x28 || c == 0x29
            || c == 0x5B || c == 0x5D || c == 0x7B || c == 0x7D || c == 0x3C || c == 0x3E
    }

    /// The base85 runs of the text regions, decoded in each alphabet they may be in, each at
    /// its five alignments, with the name of its alphabet (``Base85/name``) and the offset of
    /// the character its decoding starts at.
    ///
    /// A run is a maximal stretch of the alphabet's characters and line breaks (`\n`, `\r\n`),
    /// each break after 16 or more of them on its line and before a line whose characters run
    /// to its end or to a byte other than a space or tab (so a wrapped encoding is one run,
    /// and a line of text after a value, `salt: ...`, is not read into it); it holds at least ``base85RunMinimum`` characters and, with
    /// the delimiters at its ends (``isBase85Delimiter(_:)``) left out, a character that no
    /// base64 or hex text holds. A value in a bigger encoded blob, or after a key
    /// (`"seedb":"...`), starts at any character, so the whole run is decoded from each of its
    /// first five (the line breaks skipped); a value of 24 bytes or more is whole in one of
    /// those decodings. An Ascii85 `z` stands for four zero bytes and starts a new group. The
    /// search for runs is one table lookup a byte, and a run is looked at only from one of its
    /// marks: base64 and hex text is passed over without one.
    static func base85Runs(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(String, Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        return base85Classes.withUnsafeBufferPointer { classes in
            bytes.withUnsafeBufferPointer { b in
                var out: [(String, Int, [UInt8])] = []
                let anyMark = Base85.allCases.reduce(UInt8(0)) { $0 | $1.markBit }
                for region in regions {
                    let start = region.lowerBound
                    let end = region.upperBound
                    // Where each alphabet's last run looked at ends: a mark before it is in that run.
                    var covered = [Int](repeating: start, count: Base85.allCases.count)
                    var i = start
                    while i < end {
                        while i < end && classes[Int(b[i])] & anyMark == 0 { i += 1 }
                        guard i < end else { break }
                        let bits = classes[Int(b[i])]
                        for alphabet in Base85.allCases
                        where bits & alphabet.markBit != 0 && i >= covered[alphabet.rawValue] {
                            let run = base85Run(b, classes, around: i, in: covered[alphabet.rawValue]..<end, alphabet)
                            covered[alphabet.rawValue] = run.upperBound
                            appendBase85Decodings(b, classes, run, alphabet, to: &out)
                        }
                        i += 1
                    }
                }
                return out.sorted { $0.1 < $1.1 }
            }
        }
    }

    /// The length of the line break at `k` (`\n` or `\r\n`), or 0.
    @inline(__always) private static func lineBreak(_ b: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> Int {
        if b[k] == 0x0A { return 1 }
        if b[k] == 0x0D && k + 1 < end && b[k + 1] == 0x0A { return 2 }
        return 0
    }

    /// The run of `alphabet` around its character at `i`, within `bounds`: its characters, and
    /// the line breaks that follow 16 or more of them and come before one more.
    private static func base85Run(
        _ b: UnsafeBufferPointer<UInt8>, _ classes: UnsafeBufferPointer<UInt8>, around i: Int, in bounds: Range<Int>,
        _ alphabet: Base85
    ) -> Range<Int> {
        let bit = alphabet.memberBit
        func member(_ k: Int) -> Bool { classes[Int(b[k])] & bit != 0 }
        /// Whether the characters from `k`, the start of a line, run to its end or to a byte
        /// that is neither one of them nor a space or tab (the `~>` after Ascii85, a quote):
        /// what follows a wrapped encoding's last line is not read into it.
        func endsLine(_ k: Int) -> Bool {
            var j = k
            while j < bounds.upperBound && member(j) { j += 1 }
            return j == bounds.upperBound || b[j] != 0x20 && b[j] != 0x09
        }
        // To the left: a break continues it when the line before ends in 16 characters.
        var lower = i
        while lower > bounds.lowerBound {
            if member(lower - 1) {
                lower -= 1
                continue
            }
            guard b[lower - 1] == 0x0A else { break }
            let breakStart = lower - 1 > bounds.lowerBound && b[lower - 2] == 0x0D ? lower - 2 : lower - 1
            var k = breakStart
            while k > bounds.lowerBound && breakStart - k < 16 && member(k - 1) { k -= 1 }
            guard breakStart - k >= 16, endsLine(lower) else { break }
            lower = k
        }
        // To the right: a break continues the run after 16 characters on its line.
        var upper = i
        // The characters before `i` on its line count too (16 are enough to know).
        var line = 0
        while line < 16 && i - line > lower && member(i - line - 1) { line += 1 }
        while upper < bounds.upperBound {
            if member(upper) {
                upper += 1
                line += 1
                continue
            }
            let length = lineBreak(b, at: upper, end: bounds.upperBound)
            guard length > 0, line >= 16, upper + length < bounds.upperBound, member(upper + length),
                endsLine(upper + length)
            else { break }
            upper += length
            line = 0
        }
        return lower..<upper
    }

    /// Whether the characters of `core` read as an encoding rather than as words, rulers or
    /// paths: 12 or more distinct ones among its first 40, and fewer than half of them in runs of
    /// 5 or more letters of one case (`https`, `licenses`, `INFO`). A random value's 30
    /// characters hold 25 distinct ones on average and such runs of 3 % of them; fewer than 1
    /// in 10,000 fail either test, in each alphabet.
    private static func looksEncoded(_ b: UnsafeBufferPointer<UInt8>, _ core: Range<Int>) -> Bool {
        var seen: (UInt64, UInt64) = (0, 0)
        var distinct = 0
        for k in core.prefix(40) {
            let c = b[k] & 0x7F
            let bit: UInt64 = 1 << UInt64(c & 63)
            if c < 64 {
                if seen.0 & bit == 0 { distinct += 1 }
                seen.0 |= bit
            } else {
                if seen.1 & bit == 0 { distinct += 1 }
                seen.1 |= bit
            }
        }
        guard distinct >= 12 else { return false }
        var wordy = 0
        var letters = 0
        var upper = false
        for k in core {
            let c = b[k]
            let isUpper = c >= 0x41 && c <= 0x5A
            let isLower = c >= 0x61 && c <= 0x7A
            if (isUpper || isLower) && (letters == 0 || isUpper == upper) {
                letters += 1
            } else {
                if letters >= 5 { wordy += letters }
                letters = isUpper || isLower ? 1 : 0
            }
            upper = isUpper
        }
        if letters >= 5 { wordy += letters }
        return wordy * 2 < core.count
    }

    /// The run's decodings from each of its first five characters, appended to `out` when it
    /// holds ``base85RunMinimum`` characters and a mark inside its end delimiters. An Ascii85
    /// run that holds minified JSON (two or more of `":` and `,"`) is cut at its quotes that no
    /// backslash escapes, and each piece (a key, a string) is looked at in its place, with its
    /// `\"` and `\\` read as the quote and backslash they stand for: a JSON text of ids,
    /// hex and base64 gives no run, and a value that `json.dumps` wrote is decoded whole; a
    /// long run with fewer than one such pair in 64 characters is decoded whole as well. A run
    /// that holds `\"` or `\\` (a JSON string after `": "`) is decoded both as it is and with
    /// those escapes read. So a run gives at most 15 decodings, each of at most 4 bytes for 5
    /// characters.
    private static func appendBase85Decodings(
        _ b: UnsafeBufferPointer<UInt8>, _ classes: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, _ alphabet: Base85,
        to out: inout [(String, Int, [UInt8])]
    ) {
        guard run.count >= base85RunMinimum else { return }
        var structure = 0
        if alphabet == .ascii85 {
            for k in run.lowerBound..<(run.upperBound - 1)
            where (b[k] == 0x22 && b[k + 1] == 0x3A) || (b[k] == 0x2C && b[k + 1] == 0x22) {
                structure += 1
            }
        }
        // Minified JSON has a `":` or `,"` every few characters; random Ascii85 one in some
        // 3,600. A run with two or more, but fewer than one in 64 characters, is read whole too:
        // a value in a long blob is not lost to a cut at two chance quotes.
        let json = structure >= 2
        if !json || structure * 64 < run.count {
            appendBase85Decodings(b, classes, piece: run, alphabet, unescaping: false, to: &out)
            // A JSON string with spaces around its key (`"seedb": "..."`) is a run of its own,
            // quotes and all: it is decoded once more with its `\"` and `\\` unescaped.
            if alphabet == .ascii85
                && run.dropLast().contains(where: { b[$0] == 0x5C && (b[$0 + 1] == 0x22 || b[$0 + 1] == 0x5C) })
            {
                appendBase85Decodings(b, classes, piece: run, alphabet, unescaping: true, to: &out)
            }
        }
        guard json else { return }
        var start = run.lowerBound
        for k in run where b[k] == 0x22 && (k == run.lowerBound || b[k - 1] != 0x5C) {
            appendBase85Decodings(b, classes, piece: start..<k, alphabet, unescaping: true, to: &out)
            start = k + 1
        }
        appendBase85Decodings(b, classes, piece: start..<run.upperBound, alphabet, unescaping: true, to: &out)
    }

    /// One run's (or one JSON piece's) decodings, as ``appendBase85Decodings(_:_:_:_:to:)``
    /// describes; with `unescaping`, a backslash before a quote or a backslash is left out.
    private static func appendBase85Decodings(
        _ b: UnsafeBufferPointer<UInt8>, _ classes: UnsafeBufferPointer<UInt8>, piece run: Range<Int>,
        _ alphabet: Base85, unescaping: Bool, to out: inout [(String, Int, [UInt8])]
    ) {
        guard run.count >= base85RunMinimum else { return }
        var core = run
        while !core.isEmpty && isBase85Delimiter(b[core.lowerBound]) { core = (core.lowerBound + 1)..<core.upperBound }
        while !core.isEmpty && isBase85Delimiter(b[core.upperBound - 1]) {
            core = core.lowerBound..<(core.upperBound - 1)
        }
        guard core.contains(where: { classes[Int(b[$0])] & alphabet.markBit != 0 }), looksEncoded(b, core) else {
            return
        }
        let member = alphabet.memberBit
        // The characters and their offsets, the line breaks (and the escaping backslashes) left out.
        var offsets: [Int] = []
        offsets.reserveCapacity(run.count)
        var k = run.lowerBound
        while k < run.upperBound {
            if unescaping && b[k] == 0x5C && k + 1 < run.upperBound && (b[k + 1] == 0x22 || b[k + 1] == 0x5C) {
                k += 1
            }
            if classes[Int(b[k])] & member != 0 { offsets.append(k) }
            k += 1
        }
        guard offsets.count >= base85RunMinimum else { return }
        let values = base85Values[alphabet.rawValue]
        for shift in 0..<5 {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(offsets.count * 4 / 5 + 4)
            var group: UInt64 = 0
            var held = 0
            func emit(_ count: Int) {
                for k in 0..<count { decoded.append(UInt8(truncatingIfNeeded: group >> (24 - 8 * UInt64(k)))) }
            }
            for k in shift..<offsets.count {
                let value = values[Int(b[offsets[k]])]
                if value == Base85.zeros {
                    group = 0
                    held = 0
                    emit(4)
                    continue
                }
                group = group * 85 + UInt64(value)
                held += 1
                if held == 5 {
                    emit(4)
                    group = 0
                    held = 0
                }
            }
            // A last group of 2 to 4 characters, padded with the highest digit, gives one byte fewer.
            if held >= 2 {
                for _ in held..<5 { group = group * 85 + 84 }
                emit(held - 1)
            }
            if decoded.count >= 16 { out.append((alphabet.name, offsets[shift], decoded)) }
        }
    }
}
