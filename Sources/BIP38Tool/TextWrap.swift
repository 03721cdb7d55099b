/// Wraps `bip38 explain`'s text output at ``width`` columns.
enum TextWrap {
    /// The longest line `bip38 explain` prints.
    static let width = 100

    /// `line` broken at spaces; continuation lines start with `indent`. A word
    /// longer than a line is cut.
    static func words(_ line: String, indent: String) -> [String] {
        guard line.count > width else { return [line] }
        var lines: [String] = []
        var rest = Substring(line)
        var prefix = ""
        while prefix.count + rest.count > width {
            let room = width - prefix.count
            let window = rest.prefix(room + 1)
            let cut =
                window.lastIndex(of: " ").flatMap { $0 > rest.startIndex ? $0 : nil }
                ?? rest.index(
                    rest.startIndex, offsetBy: room)
            lines.append(prefix + rest[..<cut])
            rest = rest[cut...].drop { $0 == " " }
            prefix = indent
        }
        if !rest.isEmpty { lines.append(prefix + rest) }
        return lines
    }

    /// A value line: `head` (the padded columns), then the text form and/or the hex.
    /// What does not fit continues on lines indented to the value's column (at
    /// most 24 columns in); a hex string fills each line with whole bytes.
    static func value(head: String, text: String?, hex: String?) -> [String] {
        let shown =
            switch (text, hex) {
            case (let text?, let hex?): "\(text)  (hex \(hex))"
            case (let text?, nil): text
            case (nil, let hex?): hex
            case (nil, nil): "-"
            }
        if head.count + shown.count <= width { return [head + shown] }
        let indent = String(repeating: " ", count: min(head.count, 24))
        var lines: [String] = []
        var current = head
        func newLine() {
            lines.append(String(current.reversed().drop { $0 == " " }.reversed()))
            current = indent
        }
        // Puts a piece after what the line holds; a piece that fits on no line is cut,
        // in whole bytes for hex.
        func put(_ piece: String, separator: String, isHex: Bool) {
            var piece = Substring(piece)
            let gap = current.hasSuffix(" ") || current == indent ? "" : separator
            if current.count + gap.count + piece.count <= width {
                current += gap + piece
                return
            }
            if !isHex && indent.count + piece.count <= width { newLine() } else { current += gap }
            while current.count + piece.count > width {
                var room = width - current.count
                if isHex { room -= room % 2 }
                if room <= 0 {
                    newLine()
                    continue
                }
                current += piece.prefix(room)
                piece = piece.dropFirst(room)
                newLine()
            }
            current += piece
        }
        switch (text, hex) {
        case (let text?, let hex?):
            put(text, separator: " ", isHex: false)
            put("(hex", separator: "  ", isHex: false)
            put(hex + ")", separator: " ", isHex: true)
        case (let text?, nil): put(text, separator: " ", isHex: false)
        case (nil, let hex?): put(hex, separator: " ", isHex: true)
        case (nil, nil): put("-", separator: " ", isHex: false)
        }
        if current != indent { newLine() }
        return lines
    }
}
