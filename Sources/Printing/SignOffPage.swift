import Ceremony
import PDFRendering

/// The sign-off sheet on paper (`audit/signoff.pdf`): the values to compare with what
/// was read aloud, the verdict, the exceptions, and a box per role for name, signature
/// and time, drawn as SVG pages and rendered to PDF like the label and face sheets.
///
/// Layout in units of 0.1 mm: a 12 mm margin, a page header, then blocks that never
/// break across pages (a row, an exception, a role's box). No text is under 2.4 mm.
package enum SignOffPage {
    static let margin = PageSet.margin
    static let valueColumn = 700.0
    static let textSize = 30.0
    static let lineHeight = 45.0
    static let smallSize = 24.0

    /// The sheet's pages, each an SVG body in units of 0.1 mm.
    static func bodies(_ sheet: SignOffSheet, paper: Paper) -> [String] {
        var blocks: [(height: Double, draw: (Double) -> String)] = []
        let width = paper.width - 2 * margin
        let valueChars = Int((paper.width - margin - valueColumn) / (textSize * SVG.monoAdvance))
        let fullChars = Int(width / (smallSize * SVG.monoAdvance))

        blocks.append(
            (
                110,
                { y in
                    SVG.text(SignOffSheet.title, x: margin, y: y + 60, size: 60, weight: "bold", family: SVG.sans)
                }
            ))
        for row in sheet.rows {
            let lines = wrap(row.value, width: valueChars)
            let height = Double(lines.count) * lineHeight + 25
            blocks.append(
                (
                    height,
                    { y in
                        var parts = [SVG.text(row.label, x: margin, y: y + 35, size: textSize, family: SVG.sans)]
                        for (i, line) in lines.enumerated() {
                            parts.append(
                                SVG.text(
                                    line, x: valueColumn, y: y + 35 + Double(i) * lineHeight, size: textSize,
                                    weight: row.style == .strong ? "bold" : "normal",
                                    family: row.style == .code ? SVG.mono : SVG.sans))
                        }
                        parts.append(rule(y: y + height - 5, from: margin, to: margin + width, weight: 1))
                        return parts.joined(separator: "\n")
                    }
                ))
        }
        if !sheet.exceptions.isEmpty {
            blocks.append((100, { y in heading("Exceptions", y: y) }))
            for e in sheet.exceptions {
                // SVG collapses runs of spaces: the entry's fields are set apart by " · ", its
                // reason by an indent.
                let head = wrap("#\(e.index) · step \(e.step) · \(e.role) · \(e.time)", width: fullChars)
                let reason = wrap(e.reason, width: fullChars - 4)
                let lines = head.map { ($0, margin) } + reason.map { ($0, margin + 4 * smallSize * SVG.monoAdvance) }
                blocks.append(
                    (
                        Double(lines.count) * 36 + 20,
                        { y in
                            lines.enumerated().map { i, line in
                                SVG.text(line.0, x: line.1, y: y + 30 + Double(i) * 36, size: smallSize)
                            }.joined(separator: "\n")
                        }
                    ))
            }
        }
        blocks.append(
            (
                150,
                { y in
                    heading("Signatures", y: y)
                        + SVG.text(
                            SignOffSheet.attestation, x: margin, y: y + 130, size: smallSize + 4, family: SVG.sans)
                }
            ))
        for role in SignOffSheet.roles {
            blocks.append((290, { y in signatureBox(role, x: margin, y: y, width: width) }))
        }

        let bottom = paper.height - margin
        var pages: [[String]] = [[]]
        var y = margin + PageSet.header
        for block in blocks {
            if y + block.height > bottom, !(pages.last ?? []).isEmpty {
                pages.append([])
                y = margin + PageSet.header
            }
            pages[pages.count - 1].append(block.draw(y))
            y += block.height
        }
        return pages.enumerated().map { index, parts in
            ([
                SVG.text(
                    "\(SignOffSheet.title) · page \(index + 1) of \(pages.count) · \(paper.name)", x: margin,
                    y: margin + 40, size: smallSize, weight: "bold", family: SVG.sans)
            ] + parts).joined(separator: "\n")
        }
    }

    /// Each page as its own SVG document.
    package static func pageSVGs(_ sheet: SignOffSheet, paper: Paper = .a4) -> [String] {
        PageSet(paper: paper, bodies: bodies(sheet, paper: paper)).pageSVGs
    }

    /// The sheet as a PDF file's bytes.
    package static func pdf(_ sheet: SignOffSheet, paper: Paper = .a4) throws(PDFDocument.Failure) -> [UInt8] {
        try PDFDocument.render(
            pages: pageSVGs(sheet, paper: paper), widthMillimetres: paper.width / 10,
            heightMillimetres: paper.height / 10)
    }

    static func heading(_ text: String, y: Double) -> String {
        SVG.text(text, x: margin, y: y + 70, size: 40, weight: "bold", family: SVG.sans)
    }

    static func rule(y: Double, from x0: Double, to x1: Double, weight: Double) -> String {
        "<path d=\"M\(SVG.fmt(x0)) \(SVG.fmt(y))H\(SVG.fmt(x1))\" stroke=\"#444\" stroke-width=\"\(SVG.fmt(weight))\"/>"
    }

    /// A role's box: its name, then three fields to fill in by hand.
    static func signatureBox(_ role: String, x: Double, y: Double, width: Double) -> String {
        let top = y + 20
        let height = 250.0
        var parts = [
            "<rect x=\"\(SVG.fmt(x))\" y=\"\(SVG.fmt(top))\" width=\"\(SVG.fmt(width))\" height=\"\(SVG.fmt(height))\" fill=\"none\" stroke=\"#000\" stroke-width=\"3\"/>",
            SVG.text(role, x: x + 20, y: top + 45, size: textSize, weight: "bold", family: SVG.sans),
        ]
        let fields = [("name", 0.38), ("signature", 0.37), ("date and time (UTC)", 0.25)]
        var left = x + 20
        for (label, share) in fields {
            let right = left + (width - 40) * share - 20
            parts.append(rule(y: top + 190, from: left, to: right, weight: 2))
            parts.append(SVG.text(label, x: left, y: top + 225, size: smallSize, fill: "#444", family: SVG.sans))
            left = right + 20
        }
        return parts.joined(separator: "\n")
    }

    /// Splits `text` into lines of at most `width` characters, at spaces where it can.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(word)
            while word.count > width {
                if !line.isEmpty {
                    lines.append(line)
                    line = ""
                }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

extension PageSet {
    /// Pages drawn by hand (the sign-off sheet), one body each.
    init(paper: Paper, bodies: [String]) {
        self.paper = paper
        self.bodies = bodies
        self.cellsPerPage = 1
    }
}
