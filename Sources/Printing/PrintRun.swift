import BIP38
import Ceremony
import CryptoCore
import Foundation

/// The print runs and the assembly of a ceremony (Docs/Design.md, flow step 5).
///
/// Site A's printer makes the scratch-off label sheet from A's label spool;
/// site B's printer makes the card-face sheet from B's face spool; assembly
/// joins the two by serial into finished cards. Every file that shows a
/// passphrase or an encrypted key is written 0600.
package enum PrintRun {
    /// Site A's sheet of scratch-off labels for a batch: `printed/site-a/batch-NNNN.labels.svg`.
    @discardableResult
    package static func labelSheet(_ layout: CeremonyLayout, batch: Int) throws(CeremonyError) -> URL {
        let printed = try DirectoryHandle.printedForReading(.siteA, layout: layout)
        let labels = try labelSpool(layout, batch: batch, in: printed)
        let columns = 2
        let labelWidth = 400.0
        let labelHeight = 130.0
        let rows = (labels.count + columns - 1) / columns
        var parts: [String] = [
            SVG.text(
                "Site A · scratch-off labels · \(CeremonyLayout.batchName(batch)) · \(labels.count) labels", x: 20,
                y: 36, size: 22, weight: "bold")
        ]
        for (index, label) in labels.enumerated() {
            let x = 20 + Double(index % columns) * (labelWidth + 20)
            let y = 60 + Double(index / columns) * (labelHeight + 16)
            parts.append(
                "<rect x=\"\(SVG.fmt(x))\" y=\"\(SVG.fmt(y))\" width=\"\(SVG.fmt(labelWidth))\" height=\"\(SVG.fmt(labelHeight))\" rx=\"10\" fill=\"#fff\" stroke=\"#888\" stroke-dasharray=\"6 4\"/>"
            )
            parts.append(SVG.text("\(label.serial)", x: x + 14, y: y + 30, size: 18, weight: "bold"))
            parts.append(
                SVG.text(
                    String(decoding: label.passphrase.revealedBytes(), as: UTF8.self), x: x + 14, y: y + 74, size: 26,
                    weight: "bold"))
            parts.append(SVG.text("commitment salt \(label.commitmentSaltHex)", x: x + 14, y: y + 110, size: 11))
        }
        let height = 80 + Double(rows) * (labelHeight + 16)
        let name = "\(CeremonyLayout.batchName(batch)).labels.svg"
        try write(sheet(width: 860, height: height, parts), in: printed, name: name)
        return layout.printed(.siteA).appendingPathComponent(name)
    }

    /// Site B's sheet of card faces for a batch: `printed/site-b/batch-NNNN.faces.svg`
    /// (fronts, and the sticker artwork with the encrypted keys).
    @discardableResult
    package static func faceSheet(
        _ layout: CeremonyLayout, batch: Int, denomination: String
    ) throws(CeremonyError) -> URL {
        let ceremony = try Transcript.load(layout)
        let printed = try DirectoryHandle.printedForReading(.siteB, layout: layout)
        let faces = try CardFace.readSpool(in: printed, name: layout.faces(batch).lastPathComponent)
        var parts: [String] = [
            SVG.text(
                "Site B · card faces · \(CeremonyLayout.batchName(batch)) · \(faces.count) cards", x: 20, y: 36,
                size: 22, weight: "bold")
        ]
        for (index, face) in faces.enumerated() {
            let card = CardContent(
                serial: face.serial, network: ceremony.body.network, address: face.address,
                encryptedKey: face.encryptedKey,
                passphrase: SecretBytes(copying: Array("(site A's label)".utf8)), denomination: denomination)
            let y = 60 + Double(index) * 560
            parts.append(
                "<svg x=\"10\" y=\"\(SVG.fmt(y))\" width=\"856\" height=\"540\" viewBox=\"0 0 856 540\">\(try qr { () throws(QRCode.Failure) in try CardArt.front(card) })</svg>"
            )
            parts.append(
                "<svg x=\"886\" y=\"\(SVG.fmt(y))\" width=\"856\" height=\"540\" viewBox=\"0 0 856 540\">\(try qr { () throws(QRCode.Failure) in try stickerArt(card) })</svg>"
            )
        }
        let name = "\(CeremonyLayout.batchName(batch)).faces.svg"
        try write(sheet(width: 1752, height: 80 + Double(faces.count) * 560, parts), in: printed, name: name)
        return layout.printed(.siteB).appendingPathComponent(name)
    }

    /// What site B prints on the sticker: the encrypted key, as text and QR code.
    static func stickerArt(_ card: CardContent) throws(QRCode.Failure) -> String {
        var parts = [
            "<rect x=\"4\" y=\"4\" width=\"848\" height=\"532\" rx=\"36\" fill=\"#fff\" stroke=\"#1d3557\" stroke-width=\"4\"/>",
            SVG.text(
                "STICKER · \(card.serial) · encrypted private key (BIP38)", x: 40, y: 60, size: 22, weight: "bold"),
        ]
        parts.append(try SVG.qr(card.encryptedKey.text, x: 40, y: 100, side: 300))
        for (i, line) in SVG.wrap(card.encryptedKey.text, width: 20).enumerated() {
            parts.append(SVG.text(line, x: 370, y: 170 + Double(i) * 48, size: 32, weight: "bold"))
        }
        return CardArt.document(parts)
    }

    /// Joins labels and faces by serial into `cards/`: per card `SERIAL.front.svg`,
    /// `SERIAL.back.svg` (as sold: covered) and `SERIAL.back-revealed.svg` (opened),
    /// plus `index.html`, a contact sheet of every card.
    /// - Returns: the number of cards assembled.
    /// - Throws: when a spool lists a card twice or a card its batch of the manifest
    ///   does not have (so never more cards than the manifest), or when a serial has
    ///   a label but no face, or a face but no label; one line naming the file and the card.
    @discardableResult
    package static func assemble(_ layout: CeremonyLayout, denomination: String) throws(CeremonyError) -> Int {
        let ceremony = try Transcript.load(layout)
        // Spools are read, and cards written, through folders opened once from the ceremony
        // folder, each a real folder (never a link); cards/ one of ours, 0700.
        let labelFolder = try DirectoryHandle.printedForReading(.siteA, layout: layout)
        let faceFolder = try DirectoryHandle.printedForReading(.siteB, layout: layout)
        let cards = try DirectoryHandle.cards(layout: layout)
        var serials: [Serial] = []
        for batch in 1...ceremony.body.batchCount {
            let labels = try bySerial(
                try labelSpool(layout, batch: batch, in: labelFolder),
                \.serial, batch: batch, of: ceremony, file: layout.relative(layout.labels(batch)))
            let faces = try CardFace.readSpool(in: faceFolder, name: layout.faces(batch).lastPathComponent)
            let voided = try voidedCards(ceremony, batch: batch)
            _ = try bySerial(faces, \.serial, batch: batch, of: ceremony, file: layout.relative(layout.faces(batch)))
            for face in faces where labels[face.serial] == nil {
                throw .refusedCard(
                    file: layout.relative(layout.labels(batch)), serial: face.serial,
                    reason: "has a card face but no label")
            }
            for serial in labels.keys where !faces.contains(where: { $0.serial == serial }) {
                throw .refusedCard(
                    file: layout.relative(layout.faces(batch)), serial: serial, reason: "has a label but no card face")
            }
            // Every face has a label (checked above), so `labels[face.serial]!` never fails.
            for face in faces {
                let card = CardContent(
                    serial: face.serial, network: ceremony.body.network, address: face.address,
                    encryptedKey: face.encryptedKey,
                    passphrase: labels[face.serial]!.passphrase, denomination: denomination)
                let base = face.serial.description
                let void = voided.contains(face.serial)
                try write(
                    stamped(try qr { () throws(QRCode.Failure) in try CardArt.front(card) }, void: void),
                    in: cards, name: base + ".front.svg")
                try write(
                    stamped(
                        try qr { () throws(QRCode.Failure) in try CardArt.back(card, revealed: false) }, void: void),
                    in: cards, name: base + ".back.svg")
                try write(
                    stamped(try qr { () throws(QRCode.Failure) in try CardArt.back(card, revealed: true) }, void: void),
                    in: cards, name: base + ".back-revealed.svg")
                // A voided card is printed VOID and kept out of the contact sheet (it is never sold).
                if !void { serials.append(face.serial) }
            }
        }
        try write(contactSheet(serials, ceremony: ceremony), in: cards, name: "index.html")
        return serials.count
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
        guard void, let end = svg.range(of: "</svg>", options: .backwards) else { return svg }
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

    static func contactSheet(_ serials: [Serial], ceremony: Transcript) -> String {
        let rows = serials.map { serial in
            """
            <figure><img src="\(serial).front.svg" alt="front of card \(serial)"><img src="\(serial).back.svg" alt="back of card \(serial), sealed">\
            <figcaption>\(serial)</figcaption></figure>
            """
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Cards of ceremony \(ceremony.id)</title>
            <style>body{font-family:sans-serif;background:#ddd;margin:2em}figure{display:inline-block;margin:1em;background:#fff;padding:.5em;border-radius:8px}\
            img{width:300px;margin:4px}figcaption{text-align:center;font-family:monospace}</style></head>
            <body><h1>Assembled cards: ceremony \(ceremony.id)</h1>
            <p>\(serials.count) cards, \(ceremony.body.network.rawValue). Fronts and sealed backs; the opened backs are in SERIAL.back-revealed.svg.</p>
            \(rows)
            </body></html>

            """
    }

    static func sheet(width: Double, height: Double, _ parts: [String]) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVG.fmt(width / 10))mm" height="\(SVG.fmt(height / 10))mm" viewBox="0 0 \(SVG.fmt(width)) \(SVG.fmt(height))">
        <rect width="100%" height="100%" fill="#f4f4f4"/>
        \(parts.joined(separator: "\n"))
        </svg>

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
