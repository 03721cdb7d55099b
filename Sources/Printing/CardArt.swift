import BIP38
import Ceremony
import CryptoCore

/// What is printed on one card, joined from both sites' print runs.
package struct CardContent: Sendable {
    package let serial: Serial
    package let network: Network
    package let address: Address
    /// The encrypted key under the peel-off sticker (from site B).
    package let encryptedKey: EncryptedKey
    /// The passphrase under the scratch-off panel (from site A).
    package let passphrase: SecretBytes
    package let denomination: String

    package init(
        serial: Serial, network: Network, address: Address, encryptedKey: EncryptedKey, passphrase: SecretBytes,
        denomination: String
    ) {
        self.serial = serial
        self.network = network
        self.address = address
        self.encryptedKey = encryptedKey
        self.passphrase = passphrase
        self.denomination = denomination
    }
}

/// A rectangle in a drawing, in units of 0.1 mm.
package struct Box: Sendable, Equatable {
    package let x: Double
    package let y: Double
    package let width: Double
    package let height: Double

    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// SVG drawings of a card (85.6 × 54 mm, ISO/IEC 7810 ID-1), in units of 0.1 mm.
///
/// The card's back has two windows: the scratch-off window, where site A's label
/// goes under the foil, and the sticker window, where site B's sticker goes. Each
/// label and sticker is drawn at its window's size (``label(serial:passphrase:saltHex:)``,
/// ``sticker(_:)``), so what the printers cut out fits the card.
package enum CardArt {
    static let width = 856.0
    static let height = 540.0
    /// Where the scratch-off label sits on the back: 77.6 × 11 mm.
    package static let scratchWindow = Box(x: 40, y: 115, width: 776, height: 110)
    /// Where the peel-off sticker sits on the back: 77.6 × 23.5 mm.
    package static let stickerWindow = Box(x: 40, y: 275, width: 776, height: 235)
    /// The largest passphrase text on a label: 4.8 mm.
    static let largestPassphrase = 48.0

    /// The front: denomination, network, serial, and the address as text and QR code.
    package static func front(_ card: CardContent) throws(QRCode.Failure) -> String {
        document(try frontParts(card))
    }

    /// The front of card `serial`: only public values are on it, so the audit draws it
    /// again to check a file in `cards/` (``AssembledCards``).
    package static func front(
        serial: Serial, network: Network, address: Address, denomination: String
    ) throws(QRCode.Failure) -> String {
        document(try frontParts(serial: serial, network: network, address: address, denomination: denomination))
    }

    /// The front's elements, without the `<svg>` root (to place on a sheet).
    static func frontParts(_ card: CardContent) throws(QRCode.Failure) -> [String] {
        try frontParts(
            serial: card.serial, network: card.network, address: card.address, denomination: card.denomination)
    }

    /// The banner's denomination, a text element of its own (``AssembledCards`` reads it back).
    static func denominationText(_ denomination: String) -> String {
        SVG.text(denomination, x: 816, y: 80, size: 34, weight: "bold", fill: "#fff", anchor: "end", family: SVG.sans)
    }

    private static func frontParts(
        serial: Serial, network: Network, address: Address, denomination: String
    ) throws(QRCode.Failure) -> [String] {
        let qr = try SVG.qr(address.text, x: 536, y: 150, side: 300)
        return [
            "<rect x=\"4\" y=\"4\" width=\"848\" height=\"532\" rx=\"36\" fill=\"#f7b733\" stroke=\"#7a4d00\" stroke-width=\"4\"/>",
            "<rect x=\"4\" y=\"4\" width=\"848\" height=\"110\" rx=\"36\" fill=\"#fc4a1a\"/>",
            SVG.text("₿ BITCOIN", x: 40, y: 82, size: 56, weight: "bold", fill: "#fff", family: SVG.sans),
            denominationText(denomination),
            SVG.text(
                "\(network.rawValue.uppercased()) · SERIAL \(serial)", x: 40, y: 170, size: 26,
                weight: "bold"),
            SVG.text("Deposit address (P2PKH):", x: 40, y: 230, size: 24, family: SVG.sans),
        ]
            + SVG.wrap(address.text, width: 17).enumerated().map { i, line in
                SVG.text(line, x: 40, y: 280 + Double(i) * 40, size: 34, weight: "bold")
            } + [
                SVG.text("Two-factor BIP38 card: neither maker", x: 40, y: 470, size: 20, family: SVG.sans),
                SVG.text("kept the key. Check the back is sealed.", x: 40, y: 498, size: 20, family: SVG.sans),
                qr,
            ]
    }

    /// The back: the scratch-off window (passphrase) and the sticker window (encrypted key),
    /// each drawn covered (as sold) or revealed (after the holder opens them): revealed,
    /// each window shows the label or sticker the printers made for it.
    package static func back(_ card: CardContent, revealed: Bool) throws(QRCode.Failure) -> String {
        guard revealed else { return coveredBack(serial: card.serial) }
        let passphrase = String(decoding: card.passphrase.revealedBytes(), as: UTF8.self)
        // A passphrase too long for the window is drawn small rather than not at all.
        let label =
            Self.label(serial: card.serial, passphrase: passphrase, saltHex: nil)
            ?? SVG.text(passphrase, x: 12, y: 70, size: SVG.minimumTextSize, weight: "bold")
        return document(
            backHeader(card.serial) + [
                place(label, in: scratchWindow), place(try Self.sticker(card), in: stickerWindow),
            ])
    }

    /// The back of card `serial` as sold, both windows covered: only its serial is on it, so
    /// the audit draws it again to check a file in `cards/` (``AssembledCards``).
    package static func coveredBack(serial: Serial) -> String {
        let scratch = scratchWindow
        let sticker = stickerWindow
        return document(
            backHeader(serial) + [
                "<rect x=\"\(SVG.fmt(scratch.x))\" y=\"\(SVG.fmt(scratch.y))\" width=\"\(SVG.fmt(scratch.width))\" height=\"\(SVG.fmt(scratch.height))\" rx=\"14\" fill=\"url(#foil)\" stroke=\"#999\"/>",
                SVG.text(
                    "SCRATCH HERE", x: 428, y: 185, size: 36, weight: "bold", fill: "#555", anchor: "middle",
                    family: SVG.sans),
                "<rect x=\"\(SVG.fmt(sticker.x))\" y=\"\(SVG.fmt(sticker.y))\" width=\"\(SVG.fmt(sticker.width))\" height=\"\(SVG.fmt(sticker.height))\" rx=\"14\" fill=\"url(#sticker)\" stroke=\"#333\"/>",
                SVG.text(
                    "TAMPER-EVIDENT · PEEL HERE", x: 428, y: 400, size: 34, weight: "bold", fill: "#fff",
                    anchor: "middle", family: SVG.sans),
            ])
    }

    /// What every back starts with: its frame, the serial line and the two windows' captions.
    private static func backHeader(_ serial: Serial) -> [String] {
        [
            "<rect x=\"4\" y=\"4\" width=\"848\" height=\"532\" rx=\"36\" fill=\"#eef1f5\" stroke=\"#555\" stroke-width=\"4\"/>",
            SVG.text(
                "SERIAL \(serial) · BIP38 lot \(serial.lot) sequence \(serial.sequence)", x: 40, y: 52,
                size: 22, weight: "bold"),
            SVG.text("PASSPHRASE (scratch off)", x: 40, y: 100, size: 20, family: SVG.sans),
            SVG.text("ENCRYPTED PRIVATE KEY (peel off)", x: 40, y: 260, size: 20, family: SVG.sans),
        ]
    }

    /// Site A's scratch-off label, drawn at the scratch-off window's size: the serial
    /// and the commitment salt (when given) on the top line, the passphrase below in
    /// DejaVu Sans Mono, as large as fits (4.8 mm at most, 2 mm at least, on two lines
    /// when one is not enough).
    /// - Returns: the label's elements, or nil when the passphrase does not fit the window.
    package static func label(serial: Serial, passphrase: String, saltHex: String?) -> String? {
        let box = scratchWindow
        let inset = 14.0
        let usable = box.width - 2 * inset
        let top = 32.0
        var parts = [
            "<rect x=\"1\" y=\"1\" width=\"\(SVG.fmt(box.width - 2))\" height=\"\(SVG.fmt(box.height - 2))\" rx=\"12\" fill=\"#fff\" stroke=\"#999\" stroke-width=\"2\"/>",
            SVG.text("\(serial)", x: inset, y: 26, size: SVG.minimumTextSize, weight: "bold"),
        ]
        if let saltHex, !saltHex.isEmpty {
            parts.append(
                SVG.text(
                    "salt \(saltHex)", x: box.width - inset, y: 26, size: SVG.minimumTextSize, fill: "#444",
                    anchor: "end"))
        }
        guard let (lines, size) = fit(passphrase, width: usable, height: box.height - top - 6) else { return nil }
        let lineHeight = size * 1.15
        let firstBaseline = top + (box.height - top - Double(lines.count) * lineHeight) / 2 + size * 0.85
        for (index, line) in lines.enumerated() {
            parts.append(
                SVG.text(
                    line, x: box.width / 2, y: firstBaseline + Double(index) * lineHeight, size: size, weight: "bold",
                    anchor: "middle"))
        }
        return parts.joined(separator: "\n")
    }

    /// The lines and font size that fit `text` in `width` × `height` in DejaVu Sans Mono,
    /// one line if it fits at 2 mm or more, else as few lines of 2 mm text as fit; nil when none do.
    static func fit(_ text: String, width: Double, height: Double) -> ([String], Double)? {
        let count = max(1, text.count)
        let single = min(largestPassphrase, width / (SVG.monoAdvance * Double(count)), height / 1.15)
        if single >= SVG.minimumTextSize { return ([text], single.rounded(.down)) }
        let size = SVG.minimumTextSize
        let perLine = Int(width / (SVG.monoAdvance * size))
        let lines = SVG.wrap(text, width: perLine)
        guard perLine > 0, Double(lines.count) * size * 1.15 <= height else { return nil }
        return (lines, size)
    }

    /// Site B's sticker, drawn at the sticker window's size: the encrypted key as
    /// QR code and text, with the card's serial.
    package static func sticker(_ card: CardContent) throws(QRCode.Failure) -> String {
        let box = stickerWindow
        let side = box.height - 20
        let left = side + 24
        let usable = box.width - left - 12
        let size = 28.0
        var parts = [
            "<rect x=\"1\" y=\"1\" width=\"\(SVG.fmt(box.width - 2))\" height=\"\(SVG.fmt(box.height - 2))\" rx=\"12\" fill=\"#fff\" stroke=\"#1d3557\" stroke-width=\"2\"/>",
            try SVG.qr(card.encryptedKey.text, x: 10, y: 10, side: side),
            SVG.text(
                "ENCRYPTED KEY · \(card.serial)", x: left, y: 36, size: SVG.minimumTextSize, weight: "bold"),
        ]
        let perLine = Int(usable / (SVG.monoAdvance * size))
        for (i, line) in SVG.wrap(card.encryptedKey.text, width: perLine).enumerated() {
            parts.append(SVG.text(line, x: left, y: 90 + Double(i) * 38, size: size, weight: "bold"))
        }
        parts.append(
            SVG.text(
                "decrypt with the passphrase: bip38 decrypt", x: left, y: box.height - 22,
                size: SVG.minimumTextSize, family: SVG.sans))
        return parts.joined(separator: "\n")
    }

    /// `art` (drawn from (0, 0) at `box`'s size) placed at `box`.
    static func place(_ art: String, in box: Box) -> String {
        "<svg x=\"\(SVG.fmt(box.x))\" y=\"\(SVG.fmt(box.y))\" width=\"\(SVG.fmt(box.width))\" height=\"\(SVG.fmt(box.height))\" viewBox=\"0 0 \(SVG.fmt(box.width)) \(SVG.fmt(box.height))\" overflow=\"hidden\">\(art)</svg>"
    }

    static func document(_ parts: [String]) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="85.6mm" height="54mm" viewBox="0 0 \(SVG.fmt(width)) \(SVG.fmt(height))">
        <defs>
        <pattern id="foil" width="16" height="16" patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="#b8bcc2"/><path d="M0 16L16 0" stroke="#d9dce0" stroke-width="4"/></pattern>
        <pattern id="sticker" width="24" height="24" patternUnits="userSpaceOnUse"><rect width="24" height="24" fill="#1d3557"/><circle cx="12" cy="12" r="5" fill="#457b9d"/></pattern>
        </defs>
        \(parts.joined(separator: "\n"))
        </svg>

        """
    }
}
