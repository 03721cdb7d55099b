import CryptoCore

/// Small helpers to write SVG by hand: text escaping and QR codes as one path.
enum SVG {
    /// The face of passphrases, keys, serials and salts: a monospace whose zero is dotted
    /// and whose `1`, `I` and `l` differ (Debian's fonts-dejavu-core).
    static let mono = "DejaVu Sans Mono, monospace"
    /// The face of the cards' prose.
    static let sans = "DejaVu Sans, sans-serif"
    /// The smallest text printed, in units of 0.1 mm: 2 mm.
    static let minimumTextSize = 20.0
    /// Advance of one character of DejaVu Sans Mono (regular and bold), per unit of font size.
    static let monoAdvance = 0.602

    /// Escapes text for SVG/XML content and attributes. A character XML 1.0 does not
    /// allow (a C0 control other than tab, line feed and carriage return) becomes U+FFFD,
    /// so that whatever a spool holds the SVG stays well-formed.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if c.unicodeScalars.contains(where: { $0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value) }) {
                out.append("\u{FFFD}")
                continue
            }
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A QR code drawn at (x, y), `side` units wide including a 4-module quiet zone.
    static func qr(_ text: String, x: Double, y: Double, side: Double) throws(QRCode.Failure) -> String {
        let code = try QRCode(text, correction: .medium)
        let modules = code.size + 8
        let unit = side / Double(modules)
        var path = ""
        for row in 0..<code.size {
            var column = 0
            while column < code.size {
                guard code.isDark(x: column, y: row) else {
                    column += 1
                    continue
                }
                var run = 1
                while column + run < code.size && code.isDark(x: column + run, y: row) { run += 1 }
                path += "M\(column + 4) \(row + 4)h\(run)v1h-\(run)z"
                column += run
            }
        }
        return """
            <g transform="translate(\(fmt(x)) \(fmt(y)))"><rect width="\(fmt(side))" height="\(fmt(side))" fill="#fff"/>\
            <path transform="scale(\(fmt(unit)))" fill="#000" shape-rendering="crispEdges" d="\(path)"/></g>
            """
    }

    static func fmt(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A monospace text line.
    static func text(
        _ content: String, x: Double, y: Double, size: Double, weight: String = "normal", fill: String = "#111",
        anchor: String = "start", family: String = SVG.mono
    ) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-family=\"\(family)\" font-size=\"\(fmt(size))\" font-weight=\"\(weight)\" fill=\"\(fill)\" text-anchor=\"\(anchor)\">\(escape(content))</text>"
    }

    /// Splits `text` into lines of at most `width` characters.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return lines
    }
}
