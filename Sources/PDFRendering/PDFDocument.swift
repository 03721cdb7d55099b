/// A PDF document made of SVG pages, rendered by librsvg onto cairo's PDF surface
/// (`PDFDocument+Cairo.swift` makes every C call).
///
/// Each page is a whole SVG document drawn to fill a page of the given size; its
/// fonts are chosen by fontconfig from the SVG's `font-family` and embedded (subset)
/// in the PDF, so the page prints as it was drawn.
package enum PDFDocument {
    /// Why a document could not be made. The reason names the library's error code only,
    /// never the text being rendered (which may hold a passphrase).
    package struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The page that failed (1-based), or nil for the document itself.
        package let page: Int?
        package let reason: String

        package var description: String {
            page.map { "PDF page \($0): \(reason)" } ?? "PDF: \(reason)"
        }
    }

    /// Points (1/72 inch) per millimetre: PDF page sizes are in points.
    package static let pointsPerMillimetre = 72 / 25.4

    /// Renders each SVG of `pages` as one page `width` × `height` millimetres.
    /// - Returns: the PDF file's bytes.
    /// - Throws: ``Failure`` when a page is not an SVG librsvg can read or cairo cannot draw it;
    ///   when `pages` is empty.
    package static func render(
        pages: [String], widthMillimetres width: Double, heightMillimetres height: Double
    ) throws(Failure) -> [UInt8] {
        guard !pages.isEmpty else { throw Failure(page: nil, reason: "no pages to render") }
        guard width > 0, height > 0 else { throw Failure(page: nil, reason: "the page has no size") }
        return try CairoPDF.render(
            pages: pages, width: width * pointsPerMillimetre, height: height * pointsPerMillimetre)
    }
}
