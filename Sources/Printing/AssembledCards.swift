import BIP38
import Ceremony
import CryptoCore
import Foundation

/// What `card-print assemble` (and `void-sample`) may leave in `cards/`, told apart from
/// anything else: the audit's default deny reads `cards/` through this (Docs/Audit.md,
/// "Default deny"). Each file is drawn again from public values and must be the same bytes:
/// a card's front (its serial, network, address and the banner's denomination), its back as
/// sold (its serial), either one stamped VOID, the contact sheet and the holder's page. An
/// opened back holds both halves of the key; it is drawn again only from the print spools.
package enum AssembledCards {
    /// The name endings of a card's files: `SERIAL.front.svg`, `SERIAL.back.svg` and, for a
    /// mock demonstration, `SERIAL.back-revealed.svg`.
    package enum Part: CaseIterable, Sendable {
        case front, back, revealedBack

        package var ending: String {
            switch self {
            case .front: ".front.svg"
            case .back: ".back.svg"
            case .revealedBack: PrintRun.revealedBack
            }
        }
    }

    /// The contact sheet's name (`index.html`).
    package static let contactSheetName = "index.html"

    /// The card and part a name of `cards/` is for, or nil when it is no card's file.
    package static func part(of name: String) -> (serial: Serial, part: Part)? {
        // The longest ending first: `.back-revealed.svg` is not `.back.svg`.
        for part in [Part.revealedBack, .front, .back] where name.hasSuffix(part.ending) {
            guard let serial = Serial(text: String(name.dropLast(part.ending.count))),
                serial.description + part.ending == name
            else { return nil }
            return (serial, part)
        }
        return nil
    }

    /// Whether `svg` is `drawn`, as assembly writes it: as drawn, or stamped VOID (a card
    /// site A voided, or one the audit's sample opened).
    package static func matches(_ svg: [UInt8], drawn: String) -> Bool {
        svg == Array(drawn.utf8) || svg == Array(voided(drawn).utf8)
    }

    /// `svg` stamped VOID, as assembly stamps a voided card and `void-sample` a sampled one.
    package static func voided(_ svg: String) -> String { PrintRun.stamped(svg, void: true) }

    /// Why `svg` is not card `serial`'s front, or nil when it is: drawn again with its
    /// address and the denomination its banner reads, it must be the same bytes.
    /// - Returns: on success also the denomination (free text, which the caller searches).
    package static func checkFront(
        _ svg: [UInt8], serial: Serial, network: Network, address: Address
    ) -> (problem: String?, denomination: String?) {
        guard let denomination = denomination(ofFront: svg) else {
            return ("no banner with a denomination where card-print draws it", nil)
        }
        guard
            let drawn = try? CardArt.front(
                serial: serial, network: network, address: address, denomination: denomination)
        else { return ("its address cannot be drawn as a QR code", denomination) }
        guard matches(svg, drawn: drawn) else {
            return (
                "not the front card-print draws for this card (its serial, network, address and denomination): it holds more, or other, than those",
                denomination
            )
        }
        return (nil, denomination)
    }

    /// Why `svg` is not card `serial`'s back as sold, or nil when it is.
    package static func checkCoveredBack(_ svg: [UInt8], serial: Serial) -> String? {
        matches(svg, drawn: CardArt.coveredBack(serial: serial))
            ? nil : "not the sealed back card-print draws for this card: it holds more, or other, than its serial"
    }

    /// Why `svg` is not `card`'s opened back (drawn from both print spools), or nil when it is.
    package static func checkRevealedBack(_ svg: [UInt8], card: CardContent) -> String? {
        guard let drawn = try? CardArt.back(card, revealed: true) else {
            return "its encrypted key cannot be drawn as a QR code"
        }
        return matches(svg, drawn: drawn)
            ? nil
            : "not the opened back card-print draws from this card's label and face: it holds more, or other, than those"
    }

    /// Whether `html` is a contact sheet card-print writes for `serials` (the cards assembled
    /// and not voided, in the order given): after assembly (no sample), or after
    /// `void-sample` with `sample` marked, with the opened backs' note either way.
    package static func isContactSheet(
        _ html: [UInt8], serials: [Serial], sample: Set<Serial>?, ceremony: Transcript
    ) -> Bool {
        let samples: [Set<Serial>] = [[]] + (sample.map { [$0] } ?? [])
        return samples.contains { sampled in
            [false, true].contains { revealed in
                html
                    == Array(
                        PrintRun.contactSheet(serials, sampled: sampled, revealed: revealed, ceremony: ceremony).utf8)
            }
        }
    }

    /// The text of the front's banner (``CardArt/denominationText(_:)``), its five XML
    /// escapes read back; nil when the front has no such element.
    package static func denomination(ofFront svg: [UInt8]) -> String? {
        let empty = CardArt.denominationText("")
        guard empty.hasSuffix("</text>") else { return nil }
        let open = Array(empty.dropLast("</text>".count).utf8)
        let close = Array("</text>".utf8)
        guard let start = svg.firstRange(of: open)?.upperBound,
            let end = svg[start...].firstRange(of: close)?.lowerBound,
            let escaped = String(validating: svg[start..<end], as: UTF8.self)
        else { return nil }
        // `&amp;` last, so that `&amp;lt;` reads as `&lt;`, not `<`.
        return
            escaped
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
