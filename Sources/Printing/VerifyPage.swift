import Ceremony
import CryptoCore
import Foundation

/// The card holder's offline page, written beside every print run as `cards/verify.html`.
///
/// One self-contained HTML file (sources in `Web/src/`, built by `make verify-page` into
/// `VerifyPageHTML.swift`): it decrypts a card's encrypted key, or checks a confirmation
/// code, with the passphrase, in a browser with no network (its Content-Security-Policy
/// forbids every request). It shows its own SHA-256, the value `card-print assemble`
/// prints, so a holder can compare the two (Docs/VerifyPage.md).
package enum VerifyPage {
    /// The page's name in `cards/`.
    package static let fileName = "verify.html"

    /// The page's bytes.
    package static var bytes: Data { Data(html.utf8) }

    /// The SHA-256 of the page's bytes, lower-case hex (what `sha256sum` prints).
    package static var sha256Hex: String { SHA256.hash(bytes).hex }

    /// Writes `cards/verify.html` (0644: the page holds no secret) through the ceremony's
    /// `cards/` folder, atomically.
    /// - Returns: the page's SHA-256, hex.
    /// - Throws: when `cards/` cannot be opened or the file cannot be written; one line naming the file.
    @discardableResult
    package static func write(_ layout: CeremonyLayout) throws(CeremonyError) -> String {
        let cards = try DirectoryHandle.cards(layout: layout)
        try cards.write(bytes, to: fileName, mode: .shared)
        return sha256Hex
    }
}
