/// A stream's byte differences searched for literals: each byte XOR the next, fed to a
/// ``LiteralScanner`` of its own. A value XORed with any one byte has the differences of the
/// value itself, so a literal of a value's differences finds every one-byte mask of it.
///
/// Offsets are the stream's own: the difference at offset `i` is byte `i` XOR byte `i + 1`, so
/// a match of a literal of `n` differences ending at `end` is the value's `n + 1` bytes from
/// `end - n`. The last byte of each piece is kept for the next, so a value across two pieces
/// is found, as the plain stream finds one.
package final class DifferenceScanner {
    package let scanner: LiteralScanner
    /// The last byte fed, whose difference with the next piece's first is still to come.
    private var last: UInt8?
    /// The differences of the piece being fed, kept from piece to piece.
    private var differences: [UInt8] = []

    /// - Throws: ``PatternSearchError`` when Hyperscan cannot allocate the scratch space.
    package init(_ set: LiteralSet) throws(PatternSearchError) {
        scanner = try LiteralScanner(set)
    }

    /// Starts a new stream (offsets from 0 again).
    package func begin() throws(PatternSearchError) {
        last = nil
        try scanner.begin()
    }

    /// Feeds the next piece of the stream; its matches are kept until ``take()``.
    package func feed(_ bytes: ArraySlice<UInt8>) throws(PatternSearchError) {
        guard let first = bytes.first else { return }
        differences.removeAll(keepingCapacity: true)
        if let last { differences.append(last ^ first) }
        let start = differences.count
        let count = bytes.count - 1
        differences.append(contentsOf: repeatElement(0, count: count))
        unsafe differences.withUnsafeMutableBufferPointer { out in
            unsafe bytes.withUnsafeBufferPointer { b in
                for i in 0..<count { unsafe out[start + i] = unsafe b[i] ^ b[i + 1] }
            }
        }
        last = bytes.last
        try scanner.feed(differences[...])
    }

    /// ``feed(_:)`` of a whole array.
    package func feed(_ bytes: [UInt8]) throws(PatternSearchError) { try feed(bytes[...]) }

    /// The matches found since ``begin()`` or the last `take()`.
    package func take() -> [LiteralMatch] { scanner.take() }
}
