import BIP38
import Ceremony
import CryptoCore
import Foundation
import PDFRendering

/// The print runs and the assembly of a ceremony (Docs/Design.md, flow step 5).
///
/// Site A's printer makes the scratch-off label sheet from A's label spool;
/// site B's printer makes the card-face sheet from B's face spool; assembly
/// joins the two by serial into finished cards. Every file that shows a
/// passphrase or an encrypted key is written 0600.
package enum PrintRun {
    /// Site A's sheet of scratch-off labels for a batch, each label the size of the card's
    /// scratch-off window: `printed/site-a/batch-NNNN.labels.pdf` (pages of `paper` with cut
    /// marks) and `batch-NNNN.labels.svg` (the same pages, one below the other).
    /// - Returns: the SVG's URL; the PDF is beside it (``pdf(of:)``).
    /// - Throws: a refusal naming the spool and the card when a passphrase does not fit the window.
    @discardableResult
    package static func labelSheet(
        _ layout: CeremonyLayout, batch: Int, paper: Paper = .a4
    ) throws(CeremonyError) -> URL {
        let printed = try DirectoryHandle.printedForReading(.siteA, layout: layout)
        let labels = try labelSpool(layout, batch: batch, in: printed)
        let window = CardArt.scratchWindow
        var cells: [[Piece]] = []
        for label in labels {
            let passphrase = String(decoding: label.passphrase.revealedBytes(), as: UTF8.self)
            guard
                let art = CardArt.label(serial: label.serial, passphrase: passphrase, saltHex: label.commitmentSaltHex)
            else {
                throw .refusedCard(
                    file: layout.relative(layout.labels(batch)), serial: label.serial,
                    reason: "its passphrase (\(passphrase.count) characters) does not fit the scratch-off window")
            }
            cells.append([Piece(width: window.width, height: window.height, art: art)])
        }
        let pages = PageSet(
            paper: paper,
            title: "Site A · scratch-off labels · \(CeremonyLayout.batchName(batch)) · \(labels.count) labels",
            cells: cells)
        let name = "\(CeremonyLayout.batchName(batch)).labels"
        try write(pages, in: printed, name: name, display: layout.relative(layout.labels(batch)))
        return layout.printed(.siteA).appendingPathComponent(name + ".svg")
    }

    /// Site B's sheet of card faces for a batch: each card's front beside its sticker (the
    /// encrypted key, the size of the card's sticker window), `printed/site-b/batch-NNNN.faces.pdf`
    /// (pages of `paper` with cut marks) and `batch-NNNN.faces.svg` (the same pages, one below the other).
    /// - Returns: the SVG's URL; the PDF is beside it (``pdf(of:)``).
    @discardableResult
    package static func faceSheet(
        _ layout: CeremonyLayout, batch: Int, denomination: String, paper: Paper = .a4
    ) throws(CeremonyError) -> URL {
        let ceremony = try Transcript.load(layout)
        let printed = try DirectoryHandle.printedForReading(.siteB, layout: layout)
        let faces = try CardFace.readSpool(in: printed, name: layout.faces(batch).lastPathComponent)
        var cells: [[Piece]] = []
        for face in faces {
            let card = CardContent(
                serial: face.serial, network: ceremony.body.network, address: face.address,
                encryptedKey: face.encryptedKey,
                passphrase: SecretBytes(copying: Array("(site A's label)".utf8)), denomination: denomination)
            let front = try qr { () throws(QRCode.Failure) in try CardArt.frontParts(card).joined(separator: "\n") }
            let sticker = try qr { () throws(QRCode.Failure) in try CardArt.sticker(card) }
            let window = CardArt.stickerWindow
            cells.append([
                Piece(width: CardArt.width, height: CardArt.height, art: front),
                Piece(width: window.width, height: window.height, art: sticker),
            ])
        }
        let pages = PageSet(
            paper: paper, title: "Site B · card faces · \(CeremonyLayout.batchName(batch)) · \(faces.count) cards",
            cells: cells)
        let name = "\(CeremonyLayout.batchName(batch)).faces"
        try write(pages, in: printed, name: name, display: layout.relative(layout.faces(batch)))
        return layout.printed(.siteB).appendingPathComponent(name + ".svg")
    }

    /// The PDF written beside a sheet's SVG (`batch-NNNN.labels.svg` → `batch-NNNN.labels.pdf`).
    package static func pdf(of sheet: URL) -> URL {
        sheet.deletingPathExtension().appendingPathExtension("pdf")
    }

    /// Writes `pages` as `name.svg` and `name.pdf` (0600) in `folder`; `display` names the spool
    /// they came from in a refusal.
    static func write(
        _ pages: PageSet, in folder: DirectoryHandle, name: String, display: String
    ) throws(CeremonyError) {
        let pdf: [UInt8]
        do {
            pdf = try PDFDocument.render(
                pages: pages.pageSVGs, widthMillimetres: pages.paper.width / 10,
                heightMillimetres: pages.paper.height / 10)
        } catch {
            throw CeremonyError(
                .failed, file: display, "cannot print it as PDF: \(error.description)", underlying: error)
        }
        try write(pages.pagesSVG, in: folder, name: name + ".svg")
        try folder.write(pdf, to: name + ".pdf", mode: .secret)
    }

    /// Joins labels and faces by serial into `cards/`: per card `SERIAL.front.svg` and
    /// `SERIAL.back.svg` (as sold: covered), plus `index.html`, a contact sheet of every card.
    /// With `revealBacks` (a mock demonstration only) also `SERIAL.back-revealed.svg`, the
    /// back opened, which holds both halves of the key; without it, a revealed back an
    /// earlier run left is destroyed.
    /// - Returns: the number of cards assembled.
    /// - Throws: when a spool lists a card twice or a card its batch of the manifest
    ///   does not have (so never more cards than the manifest), or when a serial has
    ///   a label but no face, or a face but no label; one line naming the file and the card.
    @discardableResult
    package static func assemble(
        _ layout: CeremonyLayout, denomination: String, revealBacks: Bool = false
    ) throws(CeremonyError) -> Int {
        let ceremony = try Transcript.load(layout)
        // Spools are read, and cards written, through folders opened once from the ceremony
        // folder, each a real folder (never a link); cards/ one of ours, 0700.
        let labelFolder = try DirectoryHandle.printedForReading(.siteA, layout: layout)
        let faceFolder = try DirectoryHandle.printedForReading(.siteB, layout: layout)
        let cards = try DirectoryHandle.cards(layout: layout)
        // Every spool is read and joined before the first card is written: a refusal in any
        // batch leaves cards/ as it was, never half the cards of this run beside an old contact sheet.
        var joined: [(card: CardContent, void: Bool)] = []
        for batch in 1...ceremony.body.batchCount {
            let batchCards = try join(
                batch, of: ceremony, labels: labelFolder, faces: faceFolder, denomination: denomination)
            let voided = try voidedCards(ceremony, batch: batch)
            joined += batchCards.map { ($0, voided.contains($0.serial)) }
        }
        var serials: [Serial] = []
        for (card, void) in joined {
            let base = card.serial.description
            try write(
                stamped(try qr { () throws(QRCode.Failure) in try CardArt.front(card) }, void: void),
                in: cards, name: base + ".front.svg")
            try write(
                stamped(try qr { () throws(QRCode.Failure) in try CardArt.back(card, revealed: false) }, void: void),
                in: cards, name: base + ".back.svg")
            if revealBacks {
                try write(
                    stamped(try qr { () throws(QRCode.Failure) in try CardArt.back(card, revealed: true) }, void: void),
                    in: cards, name: base + revealedBack)
            } else {
                try cards.destroy(base + revealedBack)
            }
            // A voided card is printed VOID and kept out of the contact sheet (it is never sold).
            if !void { serials.append(card.serial) }
        }
        try write(
            contactSheet(serials, sampled: [], revealed: revealBacks, ceremony: ceremony), in: cards, name: "index.html"
        )
        return serials.count
    }

    /// Batch `batch`'s cards, its label spool and face spool joined by serial, in the face spool's order.
    /// - Throws: when a spool lists a card twice or a card the batch of the manifest does not
    ///   have, or a serial has a label but no face or a face but no label; naming the spool and the card.
    static func join(
        _ batch: Int, of ceremony: Transcript, labels labelFolder: DirectoryHandle, faces faceFolder: DirectoryHandle,
        denomination: String
    ) throws(CeremonyError) -> [CardContent] {
        let layout = ceremony.layout
        let spool = try labelSpool(layout, batch: batch, in: labelFolder)
        let labels = try bySerial(
            spool, \.serial, batch: batch, of: ceremony, file: layout.relative(layout.labels(batch)))
        let faces = try CardFace.readSpool(in: faceFolder, name: layout.faces(batch).lastPathComponent)
        let faceSerials = Set(
            try bySerial(
                faces, \.serial, batch: batch, of: ceremony, file: layout.relative(layout.faces(batch))
            ).keys)
        for face in faces where labels[face.serial] == nil {
            throw .refusedCard(
                file: layout.relative(layout.labels(batch)), serial: face.serial, reason: "has a card face but no label"
            )
        }
        for label in spool where !faceSerials.contains(label.serial) {
            throw .refusedCard(
                file: layout.relative(layout.faces(batch)), serial: label.serial, reason: "has a label but no card face"
            )
        }
        // Every face has a label (checked above), so `labels[face.serial]!` never fails.
        return faces.map { face in
            CardContent(
                serial: face.serial, network: ceremony.body.network, address: face.address,
                encryptedKey: face.encryptedKey, passphrase: labels[face.serial]!.passphrase,
                denomination: denomination)
        }
    }

    /// The name ending of a card's opened back (`SERIAL.back-revealed.svg`).
    static let revealedBack = ".back-revealed.svg"

    /// After the audit: the cards of its cut-and-choose sample (the `sample` of
    /// `audit/report.json`, or of the report at `report`) were opened, and so are void.
    /// Stamps VOID on each one's files in `cards/` and rewrites the contact sheet,
    /// which marks them "VOID · audit sample". Needs only `cards/` and the transcript
    /// (the print spools may be destroyed by then).
    /// - Returns: the sampled cards, in the report's order.
    /// - Throws: when the report is missing or not an audit report, or names a card
    ///   that was not assembled; one line naming the report (and the card).
    @discardableResult
    package static func voidSample(_ layout: CeremonyLayout, report: URL? = nil) throws(CeremonyError) -> [Serial] {
        let ceremony = try Transcript.load(layout)
        let reportURL = report ?? layout.audit.appendingPathComponent("report.json")
        let display = report == nil ? layout.relative(reportURL) : reportURL.path
        let data: Data
        do {
            data = try DirectoryHandle.open(reportURL.deletingLastPathComponent(), policy: .followed).read(
                reportURL.lastPathComponent)
        } catch { throw error.naming(file: display) }
        struct Report: Decodable { let sample: [String] }
        let texts: [String]
        do { texts = try JSONDecoder().decode(Report.self, from: data).sample } catch {
            throw CeremonyError(.malformedPayload, file: display, "not an audit report (no list of sampled cards)")
        }
        let cards = try DirectoryHandle.cards(layout: layout)
        var sample: [Serial] = []
        for text in texts {
            guard let serial = Serial(text: text) else {
                throw CeremonyError(.malformedPayload, file: display, "sample names no card serial")
            }
            guard try cards.contains(serial.description + ".front.svg") else {
                throw .refusedCard(file: display, serial: serial, reason: "is in the sample but was not assembled")
            }
            sample.append(serial)
        }
        for serial in sample {
            for ending in [".front.svg", ".back.svg", revealedBack] {
                let name = serial.description + ending
                guard try cards.contains(name) else { continue }
                try write(
                    stamped(String(decoding: try cards.read(name), as: UTF8.self), void: true), in: cards, name: name)
            }
        }
        var assembled: [Serial] = []
        for batch in 1...ceremony.body.batchCount {
            let voided = try voidedCards(ceremony, batch: batch)
            for serial in ceremony.body.serials(batch: batch) where !voided.contains(serial) {
                if try cards.contains(serial.description + ".front.svg") { assembled.append(serial) }
            }
        }
        var revealed = false
        for serial in assembled where !revealed { revealed = try cards.contains(serial.description + revealedBack) }
        try write(
            contactSheet(assembled, sampled: Set(sample), revealed: revealed, ceremony: ceremony), in: cards,
            name: "index.html")
        return sample
    }

    /// The cards site A voided at seal (its signed retention statement for the batch).
    static func voidedCards(_ ceremony: Transcript, batch: Int) throws(CeremonyError) -> Set<Serial> {
        let layout = ceremony.layout
        guard FileManager.default.fileExists(atPath: layout.retention(.siteA, batch: batch).path) else { return [] }
        let (statement, _) = try ceremony.open(
            layout.retention(.siteA, batch: batch), kind: .retentionStatement, signer: .siteA, batch: batch,
            as: RetentionStatementBody.self)
        return Set(statement.payload.body.voided ?? [])
    }

    /// An SVG with VOID across it when `void`.
    static func stamped(_ svg: String, void: Bool) -> String {
        guard void, !svg.contains(">VOID</text>"), let end = svg.range(of: "</svg>", options: .backwards) else {
            return svg
        }
        let stamp =
            "<text x=\"50%\" y=\"55%\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"120\" "
            + "font-weight=\"bold\" fill=\"#c00\" fill-opacity=\"0.8\" transform=\"rotate(-20 428 270)\">VOID</text>\n"
        return svg.replacingCharacters(in: end, with: stamp + "</svg>")
    }

    /// A spool's cards by serial. Refuses one the batch of the manifest does not
    /// have, or one listed twice (which of the two would be printed?).
    static func bySerial<Item>(
        _ items: [Item], _ serial: (Item) -> Serial, batch: Int, of ceremony: Transcript, file: String
    ) throws(CeremonyError) -> [Serial: Item] {
        let wanted = Set(ceremony.body.serials(batch: batch))
        var bySerial: [Serial: Item] = [:]
        for item in items {
            let card = serial(item)
            guard wanted.contains(card) else {
                throw .refusedCard(
                    file: file, serial: card,
                    reason:
                        "is not a card of batch \(batch) in the manifest (the spool has more cards than the manifest)")
            }
            guard bySerial.updateValue(item, forKey: card) == nil else {
                throw .refusedCard(file: file, serial: card, reason: "appears twice in the spool")
            }
        }
        return bySerial
    }

    /// The contact sheet: every card's front and sealed back; a card of the audit's
    /// sample (`sampled`) is marked VOID, opened by the auditor and never sold.
    static func contactSheet(
        _ serials: [Serial], sampled: Set<Serial>, revealed: Bool, ceremony: Transcript
    ) -> String {
        let rows = serials.map { serial in
            let void = sampled.contains(serial)
            return """
                <figure\(void ? " class=\"void\"" : "")><img src="\(serial).front.svg" alt="front of card \(serial)"><img src="\(serial).back.svg" alt="back of card \(serial), sealed">\
                <figcaption>\(serial)\(void ? " · VOID · audit sample (opened)" : "")</figcaption></figure>
                """
        }.joined(separator: "\n")
        let opened =
            revealed
            ? "the opened backs (a mock demonstration) are in SERIAL.back-revealed.svg"
            : "no opened back was written (card-print assemble --reveal-backs writes them, for a mock demonstration)"
        let sample =
            sampled.isEmpty
            ? "" : " \(sampled.count) cards of the audit's sample were opened and are VOID (marked in red)."
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Cards of ceremony \(ceremony.id)</title>
            <style>body{font-family:sans-serif;background:#ddd;margin:2em}figure{display:inline-block;margin:1em;background:#fff;padding:.5em;border-radius:8px}\
            img{width:300px;margin:4px}figcaption{text-align:center;font-family:monospace}\
            figure.void{background:#fdd;outline:4px solid #c00}figure.void figcaption{color:#c00;font-weight:bold}</style></head>
            <body><h1>Assembled cards: ceremony \(ceremony.id)</h1>
            <p>\(serials.count) cards, \(ceremony.body.network.rawValue). Fronts and sealed backs; \(opened).\(sample)</p>
            \(rows)
            </body></html>

            """
    }

    /// Writes `text` as 0600 file `name` in `folder`, atomically, through its descriptor.
    static func write(_ text: String, in folder: DirectoryHandle, name: String) throws(CeremonyError) {
        try folder.write(Data(text.utf8), to: name, mode: .secret)
    }

    /// Site A's label spool of `batch`, read through `folder` (`printed/site-a/`).
    static func labelSpool(
        _ layout: CeremonyLayout, batch: Int, in folder: DirectoryHandle
    ) throws(CeremonyError) -> [ScratchLabel] {
        try ScratchLabel.readSpool(
            in: folder, name: layout.labels(batch).lastPathComponent, display: layout.relative(layout.labels(batch)))
    }

    static func qr<T>(_ body: () throws(QRCode.Failure) -> T) throws(CeremonyError) -> T {
        do { return try body() } catch { throw CeremonyError(.failed, error.description, underlying: error) }
    }
}
