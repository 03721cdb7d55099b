/// A stream's byte differences searched for literals: each byte XOR the next, fed to a
/// ``LiteralScanner`` of its own. A value XORed with any one byte has the differences of the
/// value itself, so a literal of a value's differences finds every one-byte mask of it.
///
/// Offsets are the stream's own: the difference at offset `i` is byte `i` XOR byte `i + 1`, so
/// a match of a literal of `n` differences ending at `end` is the value's `n + 1` bytes from
/// `end - n`. The last byte of each piece is kept for the next, so a value across two pieces
/// is found, as the plain stream finds one.
package final class DifferenceScanner {
    /// The differences' stream: through the set's sampled filter when it has one.
    package let stream: SampledStream
    /// The last byte fed, whose difference with the next piece's first is still to come.
    private var last: UInt8?
    /// The differences of the piece being fed, kept from piece to piece.
    private var differences: [UInt8] = []

    /// A scanner of `set`, read through `filter` (made from `set`) when given.
    /// - Throws: ``PatternSearchError`` when Hyperscan cannot allocate the scratch space.
    package init(_ set: LiteralSet, filter: SampledFilter? = nil) throws(PatternSearchError) {
        stream = SampledStream(try LiteralScanner(set), filter: filter)
    }

    /// Starts a new stream (offsets from 0 again).
    package func begin() throws(PatternSearchError) {
        last = nil
        try stream.begin()
    }

    /// Feeds the next piece of the stream; its matches are kept until ``take()``.
    package func feed(_ bytes: ArraySlice<UInt8>) throws(PatternSearchError) {
        guard let first = bytes.first else { return }
        // The buffer only grows (zeroed once); each piece's differences are written over it.
        let lead = last == nil ? 0 : 1
        let count = lead + bytes.count - 1
        if differences.count < count { differences = [UInt8](repeating: 0, count: count) }
        if let last { differences[0] = last ^ first }
        unsafe differences.withUnsafeMutableBytes { out in
            unsafe bytes.withUnsafeBytes { b in
                unsafe Self.differences(of: b, into: UnsafeMutableRawBufferPointer(rebasing: out[lead...]))
            }
        }
        last = bytes.last
        try stream.feed(differences[0..<count])
    }

    /// The differences of `bytes` (byte `i` XOR byte `i + 1`, `bytes.count - 1` of them) into
    /// `out`'s first bytes, eight at a time: the words at `i` and `i + 1`, XORed.
    static func differences(of bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        let n = bytes.count - 1
        guard n > 0 else { return }
        precondition(out.count >= n, "room for the differences")
        var i = 0
        while i + 8 < bytes.count {
            let word =
                unsafe bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                ^ bytes.loadUnaligned(fromByteOffset: i + 1, as: UInt64.self)
            unsafe out.storeBytes(of: word, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            unsafe out[i] = unsafe bytes[i] ^ bytes[i + 1]
            i += 1
        }
    }

    /// ``feed(_:)`` of a whole array.
    package func feed(_ bytes: [UInt8]) throws(PatternSearchError) { try feed(bytes[...]) }

    /// The matches found since ``begin()`` or the last `take()`.
    package func take() -> [LiteralMatch] { stream.take() }
}
