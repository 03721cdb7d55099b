import BIP38
import CryptoCore
import Foundation

/// A card's serial: its batch's BIP38 lot and its position (BIP38 sequence).
package struct Serial: Hashable, Sendable, Comparable, CodableAsText {
    package let lot: Int
    package let sequence: Int

    package init(lot: Int, sequence: Int) {
        self.lot = lot
        self.sequence = sequence
    }

    package init(_ lotSequence: LotSequence) { self.init(lot: lotSequence.lot, sequence: lotSequence.sequence) }

    /// `LLLLLLL-SSSS`, e.g. `0000001-0007`.
    package var description: String {
        let lotText = String(lot)
        let sequenceText = String(sequence)
        return String(repeating: "0", count: max(0, 7 - lotText.count)) + lotText + "-"
            + String(repeating: "0", count: max(0, 4 - sequenceText.count)) + sequenceText
    }

    package init?(text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let lot = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        self.init(lot: lot, sequence: sequence)
    }

    package static func < (a: Serial, b: Serial) -> Bool { (a.lot, a.sequence) < (b.lot, b.sequence) }

    package static func notParsed(_ text: String) -> String { "bad serial \(quoted(text))" }
}
