internal import CSpans

/// A set of byte pairs (two bytes in a row): what the share search's filter of a base64 run's
/// other alignments (``ByteSpans/shiftedAlignments(_:anywhere:start:)``) looks for, the first
/// two bytes of each header a container may start with. Held as the kernel reads it
/// (include/cspans.h): one byte for each of the 65536 pairs, so that a look-up is one load.
package struct BytePairs: Sendable {
    /// Entry `a << 8 | b`: 1 when the pair `a b` is in the set, else 0.
    fileprivate let table: [UInt8]

    /// The set of `pairs`.
    package init(_ pairs: [(UInt8, UInt8)]) {
        var table = [UInt8](repeating: 0, count: 1 << 16)
        for (a, b) in pairs { table[Int(a) << 8 | Int(b)] = 1 }
        self.table = table
    }

    /// Whether the pair `a b` is in the set.
    package func contains(_ a: UInt8, _ b: UInt8) -> Bool { table[Int(a) << 8 | Int(b)] != 0 }
}

extension ByteSpans {
    /// Which of a base64 run's other alignments may hold a header, read off the run's own bit
    /// stream without decoding any (C, `cspans_base64_shifted_pairs`): bit `s` (1, 2 or 3) of
    /// the result is set when the run decoded from its character `s` holds a pair of
    /// `anywhere` at some offset, or a pair of `start` as its first two bytes or its bytes 257
    /// and 258. A superset: a pair that takes the unused bits of a partial last group counts
    /// too, and a byte outside the base64 alphabet sets every bit (the caller's exact check
    /// then decides).
    package static func shiftedAlignments(
        _ run: UnsafeBufferPointer<UInt8>, anywhere: BytePairs, start: BytePairs
    ) -> Int {
        guard let base = run.baseAddress, !run.isEmpty else { return 0 }
        return unsafe anywhere.table.withUnsafeBufferPointer { a in
            unsafe start.table.withUnsafeBufferPointer { s in
                Int(unsafe cspans_base64_shifted_pairs(base, run.count, a.baseAddress, s.baseAddress))
            }
        }
    }
}
