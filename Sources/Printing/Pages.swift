/// The paper a print shop loads: ISO A4 or US Letter, in units of 0.1 mm.
package enum Paper: String, CaseIterable, Sendable {
    case a4
    case letter

    /// Width in 0.1 mm (portrait).
    package var width: Double { self == .a4 ? 2100 : 2159 }
    /// Height in 0.1 mm (portrait).
    package var height: Double { self == .a4 ? 2970 : 2794 }
    /// The name printed in each page's header.
    package var name: String { self == .a4 ? "A4" : "Letter" }
}

/// One piece to cut out of a page: artwork drawn in its own units of 0.1 mm from (0, 0).
struct Piece {
    let width: Double
    let height: Double
    /// SVG elements (no `<svg>` root), clipped to the piece.
    let art: String
}

/// Pieces laid out on pages, in a grid of cells with cut marks at each piece's corners.
///
/// A cell is a row of pieces side by side (a card front and its sticker); every cell
/// of a set has the same pieces' sizes. Each page has a one-line header and a margin
/// of 12 mm, which every printer can print inside; pieces are 8 mm apart, and each
/// corner's two cut marks stand 1 mm off the piece, 2.5 mm long, so the marks of two
/// neighbouring pieces never meet.
struct PageSet {
    static let margin = 120.0
    static let header = 90.0
    static let gutter = 80.0
    static let markOffset = 10.0
    static let markLength = 25.0
    /// The gap between two pages in the SVG proof (`pagesSVG`).
    static let proofGap = 100.0

    let paper: Paper
    /// Each page's elements, in units of 0.1 mm from the page's top left corner.
    let bodies: [String]
    /// How many cells each page holds.
    let cellsPerPage: Int

    /// Lays `cells` out on `paper`, as many per page as fit, `title` and the page number on each.
    init(paper: Paper, title: String, cells: [[Piece]]) {
        self.paper = paper
        let cellWidth = cells.first.map { Self.width(of: $0) } ?? 0
        let cellHeight = cells.first.map { $0.map(\.height).max() ?? 0 } ?? 0
        let usableWidth = paper.width - 2 * Self.margin
        let usableHeight = paper.height - 2 * Self.margin - Self.header
        let columns = max(1, Int((usableWidth + Self.gutter) / (cellWidth + Self.gutter)))
        let rows = max(1, Int((usableHeight + Self.gutter) / (cellHeight + Self.gutter)))
        cellsPerPage = columns * rows
        let gridWidth = Double(columns) * cellWidth + Double(columns - 1) * Self.gutter
        let left = max(Self.margin, (paper.width - gridWidth) / 2)
        let top = Self.margin + Self.header
        let pageCount = max(1, (cells.count + cellsPerPage - 1) / cellsPerPage)
        var bodies: [String] = []
        for page in 0..<pageCount {
            var parts = [
                SVG.text(
                    "\(title) · page \(page + 1) of \(pageCount) · \(paper.name)", x: Self.margin,
                    y: Self.margin + 40, size: 24, weight: "bold", family: SVG.sans)
            ]
            let onPage = cells.dropFirst(page * cellsPerPage).prefix(cellsPerPage)
            for (index, cell) in onPage.enumerated() {
                var x = left + Double(index % columns) * (cellWidth + Self.gutter)
                let y = top + Double(index / columns) * (cellHeight + Self.gutter)
                for piece in cell {
                    parts.append(Self.place(piece, x: x, y: y))
                    x += piece.width + Self.gutter
                }
            }
            bodies.append(parts.joined(separator: "\n"))
        }
        self.bodies = bodies
    }

    /// Each page as its own SVG document, sized to the paper (what the PDF pages are drawn from).
    var pageSVGs: [String] {
        bodies.map { body in
            """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(SVG.fmt(paper.width / 10))mm" height="\(SVG.fmt(paper.height / 10))mm" viewBox="0 0 \(SVG.fmt(paper.width)) \(SVG.fmt(paper.height))">
            <rect width="\(SVG.fmt(paper.width))" height="\(SVG.fmt(paper.height))" fill="#fff"/>
            \(body)
            </svg>

            """
        }
    }

    /// Every page in one SVG, one below the other on a grey ground: the proof a
    /// person looks at before printing the PDF.
    var pagesSVG: String {
        let height = Double(bodies.count) * paper.height + Double(bodies.count - 1) * Self.proofGap
        let pages = bodies.enumerated().map { index, body in
            let y = Double(index) * (paper.height + Self.proofGap)
            return """
                <svg x="0" y="\(SVG.fmt(y))" width="\(SVG.fmt(paper.width))" height="\(SVG.fmt(paper.height))" viewBox="0 0 \(SVG.fmt(paper.width)) \(SVG.fmt(paper.height))">
                <rect width="\(SVG.fmt(paper.width))" height="\(SVG.fmt(paper.height))" fill="#fff"/>
                \(body)
                </svg>
                """
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(SVG.fmt(paper.width / 10))mm" height="\(SVG.fmt(height / 10))mm" viewBox="0 0 \(SVG.fmt(paper.width)) \(SVG.fmt(height))">
            <rect width="100%" height="100%" fill="#999"/>
            \(pages.joined(separator: "\n"))
            </svg>

            """
    }

    static func width(of cell: [Piece]) -> Double {
        cell.map(\.width).reduce(0, +) + Double(max(0, cell.count - 1)) * gutter
    }

    /// `piece` at (x, y), clipped to its size, with two cut marks at each corner.
    static func place(_ piece: Piece, x: Double, y: Double) -> String {
        var marks = ""
        for (cx, dx) in [(x, -1.0), (x + piece.width, 1.0)] {
            for (cy, dy) in [(y, -1.0), (y + piece.height, 1.0)] {
                marks += "M\(SVG.fmt(cx + dx * markOffset)) \(SVG.fmt(cy))h\(SVG.fmt(dx * markLength))"
                marks += "M\(SVG.fmt(cx)) \(SVG.fmt(cy + dy * markOffset))v\(SVG.fmt(dy * markLength))"
            }
        }
        return """
            <svg x="\(SVG.fmt(x))" y="\(SVG.fmt(y))" width="\(SVG.fmt(piece.width))" height="\(SVG.fmt(piece.height))" viewBox="0 0 \(SVG.fmt(piece.width)) \(SVG.fmt(piece.height))" overflow="hidden">\(piece.art)</svg>
            <path d="\(marks)" stroke="#000" stroke-width="2" fill="none"/>
            """
    }
}
