import BIP38
import Ceremony
import CryptoCore
import Foundation
import PDFRendering
import Printing
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `card-print`'s PDF pages and SVG (issue 16, item 5): A4 and Letter pages with cut
/// marks, labels and stickers cut to the card's windows, no text under 2 mm, the
/// passphrases in DejaVu Sans Mono, every QR code on the pages scanning to the spools' values.
@Suite(.serialized) struct PrintedPages {
    /// One batch of 5 cards, issued, minted, verified and sealed through the site libraries:
    /// 5 card faces take two pages of either paper, 5 labels one.
    static func ceremony() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "printed-pages")
        let layout = CeremonyLayout(root: folder.url)
        _ = try SiteSetup.initialise(.siteA, layout: layout)
        _ = try SiteSetup.initialise(.siteB, layout: layout)
        _ = try SiteSetup.propose(SiteSetup.Terms(cards: 5, batchSize: 5), layout: layout)
        _ = try SiteSetup.endorse(layout: layout)
        let siteA = try PassphraseSite(layout: layout)
        _ = try siteA.issue(batch: 1)
        _ = try KeySite(layout: layout).mint(batch: 1)
        _ = try siteA.verify(batch: 1)
        try siteA.seal(batch: 1)
        return folder
    }

    static let made = Result { try ceremony() }

    /// A copy of the ceremony, so that each test prints into its own folder.
    func copy() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "printed-pages")
        try FileManager.default.removeItem(at: folder.url)
        try FileManager.default.copyItem(at: try Self.made.get().url, to: folder.url)
        return folder
    }

    func cardPrint(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(built: "card-print", arguments).withoutMemoryLockWarning
    }

    /// Prints the batch's labels and faces on `paper` with the built `card-print`.
    func print(_ folder: TemporaryFolder, paper: String) throws -> (labels: URL, faces: URL) {
        let path = folder.url.path
        let labels = try cardPrint(["labels", "--ceremony", path, "--batch", "1", "--paper", paper])
        try #require(labels.status == 0, "\(labels.stderr)")
        let faces = try cardPrint(["faces", "--ceremony", path, "--batch", "1", "--paper", paper])
        try #require(faces.status == 0, "\(faces.stderr)")
        let layout = CeremonyLayout(root: folder.url)
        let labelsPDF = layout.printed(.siteA).appendingPathComponent("batch-0001.labels.pdf")
        let facesPDF = layout.printed(.siteB).appendingPathComponent("batch-0001.faces.pdf")
        #expect(labels.stdout == "\(labelsPDF.path)\n\(layout.printed(.siteA).path)/batch-0001.labels.svg\n")
        #expect(faces.stdout == "\(facesPDF.path)\n\(layout.printed(.siteB).path)/batch-0001.faces.svg\n")
        return (labelsPDF, facesPDF)
    }

    @Test(
        "the PDFs have pages of the paper asked for: 5 labels on one, 5 card faces on two",
        arguments: [("a4", "595.276 x 841.89"), ("letter", "612 x 792")])
    func pageSizes(paper: String, points: String) throws {
        let folder = try copy()
        let (labels, faces) = try print(folder, paper: paper)
        for (pdf, pages) in [(labels, 1), (faces, 2)] {
            let info = try run("pdfinfo", [pdf.path])
            try #require(info.status == 0, "pdfinfo failed (make test-deps installs poppler-utils): \(info.stderr)")
            #expect(info.stdout.contains("Pages:           \(pages)\n"), "\(pdf.lastPathComponent): \(info.stdout)")
            #expect(info.stdout.contains("Page size:       \(points) pts"), "\(pdf.lastPathComponent): \(info.stdout)")
            let mode = try FileManager.default.attributesOfItem(atPath: pdf.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("every QR code on the face pages scans to the face spool's address or encrypted key, each once")
    func facePagesScan() throws {
        let folder = try copy()
        let (_, faces) = try print(folder, paper: "a4")
        let spool = try CardFace.readSpool(CeremonyLayout(root: folder.url).faces(1))
        #expect(spool.count == 5)
        let expected = spool.flatMap { [$0.address.text, $0.encryptedKey.text] }.sorted()
        #expect(try scanPages(faces, in: folder).sorted() == expected)
    }

    @Test("the label pages hold no QR code, and print every passphrase in DejaVu Sans Mono")
    func labelPages() throws {
        let folder = try copy()
        let (labels, _) = try print(folder, paper: "letter")
        #expect(try scanPages(labels, in: folder).isEmpty)
        let fonts = try run("pdffonts", [labels.path])
        try #require(fonts.status == 0, "\(fonts.stderr)")
        #expect(fonts.stdout.contains("+DejaVuSansMono-Bold "), "the passphrases' face is embedded: \(fonts.stdout)")
        // pdftotext reads back each passphrase and salt from the page: the text is text, in order.
        let text = try run("pdftotext", ["-layout", labels.path, "-"])
        try #require(text.status == 0, "\(text.stderr)")
        let layout = CeremonyLayout(root: folder.url)
        let spool = try ScratchLabel.readSpool(layout.labels(1))
        for label in spool {
            let passphrase = String(decoding: label.passphrase.revealedBytes(), as: UTF8.self)
            #expect(text.stdout.contains(passphrase), "\(label.serial)'s passphrase is not on the page")
            #expect(text.stdout.contains("salt \(label.commitmentSaltHex)"))
        }
        // In the SVG each passphrase is a text of its own in the face that tells 0 from O and 1 from I.
        let svg = try String(
            contentsOf: layout.printed(.siteA).appendingPathComponent("batch-0001.labels.svg"), encoding: .utf8)
        for label in spool {
            let passphrase = String(decoding: label.passphrase.revealedBytes(), as: UTF8.self)
            #expect(svg.contains("font-family=\"DejaVu Sans Mono, monospace\""))
            #expect(
                svg.range(
                    of: "font-family=\"DejaVu Sans Mono, monospace\"[^>]*>\(passphrase)</text>",
                    options: .regularExpression)
                    != nil)
        }
    }

    @Test("each label is the size of the scratch-off window measured in the card art, with cut marks at its corners")
    func labelsFitTheWindow() throws {
        // The window as the sealed back draws it: the foil's rectangle.
        let card = CardScanTests.card
        let back = try CardArt.back(card, revealed: false)
        let foil = try #require(Elements.parse(back).first { $0.name == "rect" && $0["fill"] == "url(#foil)" })
        let window = try #require(foil.box)
        #expect(window == CardArt.scratchWindow)
        #expect(window.width == 776 && window.height == 110)
        let sticker = try #require(Elements.parse(back).first { $0.name == "rect" && $0["fill"] == "url(#sticker)" })
        #expect(sticker.box == CardArt.stickerWindow)

        let folder = try copy()
        _ = try print(folder, paper: "a4")
        let layout = CeremonyLayout(root: folder.url)
        let labels = try Elements.parse(
            String(contentsOf: layout.printed(.siteA).appendingPathComponent("batch-0001.labels.svg"), encoding: .utf8))
        let pieces = labels.filter { $0.name == "svg" && $0["overflow"] == "hidden" }
        #expect(pieces.count == 5)
        for piece in pieces {
            #expect(piece["width"] == "776" && piece["height"] == "110" && piece["viewBox"] == "0 0 776 110")
        }
        // Two marks per corner: 8 per label, each 2.5 mm long.
        let marks = labels.filter { $0.name == "path" && $0["stroke"] == "#000" }
        #expect(marks.count == 5)
        for mark in marks {
            let strokes = (mark["d"] ?? "").split(separator: "M").map { $0.split(separator: " ").last ?? "" }
            #expect(strokes.count == 8)
            #expect(strokes.filter { $0.hasSuffix("h25") || $0.hasSuffix("h-25") }.count == 4, "\(strokes)")
            #expect(strokes.filter { $0.hasSuffix("v25") || $0.hasSuffix("v-25") }.count == 4, "\(strokes)")
        }
        let faces = try Elements.parse(
            String(contentsOf: layout.printed(.siteB).appendingPathComponent("batch-0001.faces.svg"), encoding: .utf8))
        let stickers = faces.filter {
            $0.name == "svg" && $0["overflow"] == "hidden" && $0["viewBox"] == "0 0 776 235"
        }
        #expect(stickers.count == 5)
        // The face sheet is split into pages: two A4 pages (each its own <svg> of 2100 × 2970).
        #expect(faces.filter { $0.name == "svg" && $0["viewBox"] == "0 0 2100 2970" }.count == 2)
    }

    @Test("no printed text is under 2 mm: every text of every SVG card-print writes, at its real scale")
    func noTextUnderTwoMillimetres() throws {
        let folder = try copy()
        _ = try print(folder, paper: "a4")
        let assembled = try cardPrint(["assemble", "--ceremony", folder.url.path, "--reveal-backs"])
        try #require(assembled.status == 0, "\(assembled.stderr)")
        let layout = CeremonyLayout(root: folder.url)
        var files: [URL] = []
        for directory in [layout.printed(.siteA), layout.printed(.siteB), layout.cards] {
            files += try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "svg" }
        }
        // 2 sheets, and per card a front, a sealed back and an opened back.
        #expect(files.count == 2 + 5 * 3)
        var texts = 0
        for file in files {
            let sizes = try TextSizes.measure(String(contentsOf: file, encoding: .utf8))
            #expect(!sizes.isEmpty, "\(file.lastPathComponent) has no text")
            texts += sizes.count
            for (text, millimetres) in sizes where millimetres < 2 - 1e-9 {
                Issue.record("\(file.lastPathComponent): \"\(text)\" is \(millimetres) mm tall")
            }
        }
        #expect(texts > 100)
        // The measure sees a scale: the same text in an SVG drawn at half size is 1 mm.
        let half = """
            <svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="10mm" viewBox="0 0 100 100">\
            <svg x="0" y="0" width="50" height="50" viewBox="0 0 100 100"><text font-size="20">x</text></svg></svg>
            """
        #expect(try TextSizes.measure(half).map(\.1) == [1])
    }

    @Test("a passphrase is drawn as large as fits the label: one line down to 2 mm, then two lines, else refused")
    func passphraseFitting() throws {
        let serial = Serial(lot: 1, sequence: 0)
        let short = try #require(CardArt.label(serial: serial, passphrase: "ABCD-EFGH", saltHex: nil))
        #expect(try TextSizes.sizes(short).contains { $0.0 == "ABCD-EFGH" && $0.1 == 48 })
        let long = String(repeating: "ABCD-", count: 20)
        let wrapped = try #require(CardArt.label(serial: serial, passphrase: long, saltHex: nil))
        let lines = try TextSizes.sizes(wrapped).filter { $0.0 != serial.description }
        #expect(lines.count == 2 && lines.allSatisfy { $0.1 == 20 })
        #expect(lines.map(\.0).joined() == long)
        #expect(CardArt.label(serial: serial, passphrase: String(repeating: "A", count: 200), saltHex: nil) == nil)
    }

    @Test(
        "a control character from a spool leaves the SVG well-formed; an SVG librsvg cannot read is a failure naming its page, not its text"
    )
    func malformedText() throws {
        let label = try #require(
            CardArt.label(serial: Serial(lot: 1, sequence: 0), passphrase: "AB\u{1}CD", saltHex: nil))
        #expect(try TextSizes.sizes(label).contains { $0.0 == "AB\u{FFFD}CD" })
        let page =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 2100 2970\">\(label)</svg>"
        let pdf = try PDFDocument.render(pages: [page], widthMillimetres: 210, heightMillimetres: 297)
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        do {
            _ = try PDFDocument.render(
                pages: [page, "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>SECRET-TEXT</svg"],
                widthMillimetres: 210, heightMillimetres: 297)
            Issue.record("a malformed SVG was rendered")
        } catch {
            #expect(error.page == 2)
            #expect(error.description.hasPrefix("PDF page 2: librsvg cannot read the SVG ("), "\(error)")
            #expect(!error.description.contains("SECRET"))
        }
    }

    /// Renders each page of `pdf` at 300 dpi (pdftoppm) and returns every QR code zbarimg decodes.
    func scanPages(_ pdf: URL, in folder: TemporaryFolder) throws -> [String] {
        let prefix = folder.url.appendingPathComponent("page").path
        let render = try run("pdftoppm", ["-r", "300", "-png", pdf.path, prefix])
        try #require(render.status == 0, "pdftoppm failed (make test-deps installs poppler-utils): \(render.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
            .filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }.sorted()
        try #require(!pages.isEmpty)
        var found: [String] = []
        for page in pages {
            let png = folder.url.appendingPathComponent(page)
            let decode = try run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", png.path])
            try #require(decode.status == 0 || decode.status == 4, "zbarimg failed: \(decode.stderr)")
            found += decode.stdout.split(separator: "\n").map(String.init)
            try FileManager.default.removeItem(at: png)
        }
        return found
    }
}

/// The elements of an SVG, flattened in document order, with their attributes.
struct Elements {
    struct Element {
        let name: String
        let attributes: [String: String]
        subscript(_ key: String) -> String? { attributes[key] }
        var box: Box? {
            guard let x = self["x"].flatMap(Double.init), let y = self["y"].flatMap(Double.init),
                let width = self["width"].flatMap(Double.init), let height = self["height"].flatMap(Double.init)
            else { return nil }
            return Box(x: x, y: y, width: width, height: height)
        }
    }

    static func parse(_ svg: String) throws -> [Element] {
        let collector = Collector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        try #require(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return collector.elements
    }

    final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(Element(name: name, attributes: attributes))
        }
    }
}

/// Every text of an SVG with its font size in millimetres on paper: the root's
/// width in mm over its viewBox, times each nested `<svg>`'s width over its viewBox,
/// times each `scale()` of a group's transform.
enum TextSizes {
    static func measure(_ svg: String) throws -> [(String, Double)] {
        let measurer = Measurer()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = measurer
        try #require(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        try #require(measurer.unmeasured.isEmpty, "texts without a size: \(measurer.unmeasured)")
        return measurer.texts
    }

    /// The texts of an SVG fragment and their font sizes in its own units.
    static func sizes(_ fragment: String) throws -> [(String, Double)] {
        try measure(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10mm\" height=\"10mm\" viewBox=\"0 0 10 10\">\(fragment)</svg>"
        )
    }

    final class Measurer: NSObject, XMLParserDelegate {
        var scales: [Double] = []
        var texts: [(String, Double)] = []
        var unmeasured: [String] = []
        var current: (size: Double?, text: String)?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let outer = scales.last ?? 1
            var scale = outer
            if name == "svg" {
                let width = attributes["width"] ?? ""
                let viewBox = attributes["viewBox"]?.split(separator: " ").compactMap { Double($0) } ?? []
                let inMillimetres = width.hasSuffix("mm")
                let value = Double(inMillimetres ? String(width.dropLast(2)) : width)
                if let value, viewBox.count == 4, viewBox[2] > 0 {
                    scale = outer * value / viewBox[2]
                }
            }
            if let transform = attributes["transform"],
                let range = transform.range(of: #"scale\(([0-9.]+)"#, options: .regularExpression)
            {
                scale *= Double(transform[range].dropFirst(6)) ?? 1
            }
            scales.append(scale)
            if name == "text" { current = (attributes["font-size"].flatMap(Double.init).map { $0 * scale }, "") }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current?.text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            scales.removeLast()
            if name == "text", let current {
                if let size = current.size {
                    texts.append((current.text, size))
                } else {
                    unmeasured.append(current.text)
                }
                self.current = nil
            }
        }
    }
}
