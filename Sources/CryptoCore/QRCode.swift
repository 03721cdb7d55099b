internal import CQRencode

/// A QR code symbol made by libqrencode: a square of dark and light modules.
package struct QRCode: Sendable, Equatable {
    /// Error correction: how much of the symbol may be damaged (scratched, stained) and still scan.
    package enum Correction: Sendable {
        /// ~7 %
        case low
        /// ~15 %
        case medium
        /// ~25 %
        case quartile
        /// ~30 %
        case high
    }

    package enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case cannotEncode(length: Int)
        public var description: String {
            switch self {
            case .cannotEncode(let length): "cannot encode \(length) bytes as a QR code"
            }
        }
    }

    /// Modules per side (without quiet zone).
    package let size: Int
    /// Row-major, `true` for dark.
    package let modules: [Bool]

    /// Encodes `text` in 8-bit mode, case-sensitive, at the smallest version that fits.
    /// - Throws: ``Failure/cannotEncode(length:)`` when it does not fit in a QR code
    ///   or contains a NUL byte.
    package init(_ text: String, correction: Correction = .medium) throws(Failure) {
        let level: QRecLevel =
            switch correction {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        guard !text.utf8.contains(0), let symbol = unsafe QRcode_encodeString8bit(text, 0, level) else {
            throw .cannotEncode(length: text.utf8.count)
        }
        defer { unsafe QRcode_free(symbol) }
        let width = Int(unsafe symbol.pointee.width)
        size = width
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<(width * width)).map { unsafe symbol.pointee.data[$0] & 1 == 1 }
    }

    /// Whether the module at column `x`, row `y` is dark.
    package func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
}
