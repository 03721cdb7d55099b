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

/// SVG drawings of a card (85.6 × 54 mm, ISO/IEC 7810 ID-1), in units of 0.1 mm.
package enum CardArt {
    static let width = 856.0
    static let height = 540.0

    /// The front: denomination, network, serial, and the address as text and QR code.
    package static func front(_ card: CardContent) throws(QRCode.Failure) -> String {
        let qr = try SVG.qr(card.address.text, x: 536, y: 150, side: 300)
        return document(
            [
                "<rect x=\"4\" y=\"4\" width=\"848\" height=\"532\" rx=\"36\" fill=\"#f7b733\" stroke=\"#7a4d00\" stroke-width=\"4\"/>",
                "<rect x=\"4\" y=\"4\" width=\"848\" height=\"110\" rx=\"36\" fill=\"#fc4a1a\"/>",
                SVG.text(
                    "₿ BITCOIN", x: 40, y: 82, size: 56, weight: "bold", fill: "#fff", family: "DejaVu Sans, sans-serif"
                ),
                SVG.text(
                    card.denomination, x: 816, y: 80, size: 34, weight: "bold", fill: "#fff", anchor: "end",
                    family: "DejaVu Sans, sans-serif"),
                SVG.text(
                    "\(card.network.rawValue.uppercased()) · SERIAL \(card.serial)", x: 40, y: 170, size: 26,
                    weight: "bold"),
                SVG.text("Deposit address (P2PKH):", x: 40, y: 230, size: 24, family: "DejaVu Sans, sans-serif"),
            ]
                + SVG.wrap(card.address.text, width: 17).enumerated().map { i, line in
                    SVG.text(line, x: 40, y: 280 + Double(i) * 40, size: 34, weight: "bold")
                } + [
                    SVG.text(
                        "Two-factor BIP38 card: neither maker", x: 40, y: 470, size: 18,
                        family: "DejaVu Sans, sans-serif"),
                    SVG.text(
                        "kept the key. Check the back is sealed.", x: 40, y: 496, size: 18,
                        family: "DejaVu Sans, sans-serif"),
                    qr,
                ])
    }

    /// The back: the scratch-off panel (passphrase) and the peel-off sticker (encrypted key),
    /// each drawn covered (as sold) or revealed (after the holder opens them).
    package static func back(_ card: CardContent, revealed: Bool) throws(QRCode.Failure) -> String {
        var parts = [
            "<rect x=\"4\" y=\"4\" width=\"848\" height=\"532\" rx=\"36\" fill=\"#eef1f5\" stroke=\"#555\" stroke-width=\"4\"/>",
            SVG.text(
                "SERIAL \(card.serial) · BIP38 lot \(card.serial.lot) sequence \(card.serial.sequence)", x: 40, y: 52,
                size: 22, weight: "bold"),
            SVG.text("PASSPHRASE (scratch off)", x: 40, y: 100, size: 20, family: "DejaVu Sans, sans-serif"),
            SVG.text("ENCRYPTED PRIVATE KEY (peel off)", x: 40, y: 260, size: 20, family: "DejaVu Sans, sans-serif"),
        ]
        // Scratch-off panel.
        parts.append("<rect x=\"40\" y=\"115\" width=\"776\" height=\"110\" rx=\"14\" fill=\"#fff\" stroke=\"#999\"/>")
        if revealed {
            let text = String(decoding: card.passphrase.revealedBytes(), as: UTF8.self)
            parts.append(SVG.text(text, x: 428, y: 188, size: 40, weight: "bold", anchor: "middle"))
        } else {
            parts.append("<rect x=\"40\" y=\"115\" width=\"776\" height=\"110\" rx=\"14\" fill=\"url(#foil)\"/>")
            parts.append(
                SVG.text(
                    "SCRATCH HERE", x: 428, y: 185, size: 36, weight: "bold", fill: "#555", anchor: "middle",
                    family: "DejaVu Sans, sans-serif"))
        }
        // Peel-off sticker.
        parts.append("<rect x=\"40\" y=\"275\" width=\"776\" height=\"235\" rx=\"14\" fill=\"#fff\" stroke=\"#999\"/>")
        if revealed {
            parts.append(try SVG.qr(card.encryptedKey.text, x: 52, y: 282, side: 222))
            for (i, line) in SVG.wrap(card.encryptedKey.text, width: 20).enumerated() {
                parts.append(SVG.text(line, x: 290, y: 330 + Double(i) * 44, size: 30, weight: "bold"))
            }
            parts.append(
                SVG.text(
                    "Decrypt with the passphrase: bip38 decrypt", x: 290, y: 490, size: 16,
                    family: "DejaVu Sans, sans-serif"))
        } else {
            parts.append(
                "<rect x=\"40\" y=\"275\" width=\"776\" height=\"235\" rx=\"14\" fill=\"url(#sticker)\" stroke=\"#333\"/>"
            )
            parts.append(
                SVG.text(
                    "TAMPER-EVIDENT · PEEL HERE", x: 428, y: 400, size: 34, weight: "bold", fill: "#fff",
                    anchor: "middle", family: "DejaVu Sans, sans-serif"))
        }
        return document(parts)
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
