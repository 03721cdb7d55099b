internal import CSpans

/// A sampled filter over a stream's bytes and its byte differences at once: the plain
/// literals' search (``SampledFilter``) and the difference literals' (``DifferenceScanner``),
/// in one pass over the data and without a buffer of differences.
///
/// One table holds the first ``stride`` grams of both sets' literals: `plain`, searched in the
/// bytes, and `masked`, literals of differences (each byte XOR the next), searched in the
/// bytes' differences. The kernel (C, `cspans_grams_sample_pair` in sample.c) looks up, at each
/// sample position, both the 8 bytes there and their differences, the same word XORed with the
/// one a byte on, in registers. One table of both kinds keeps the look-ups in 256 KiB of L2 (two
/// tables would fill it); a gram of the other kind that hits is a false candidate, which
/// Hyperscan then rejects. The stride serves both sets: the shortest literal of either, less 7.
@safe package final class SampledPairFilter: @unchecked Sendable {
    /// The literals searched in the bytes.
    package let plain: LiteralSet
    /// The literals searched in the bytes' differences.
    package let masked: LiteralSet
    /// The distance between samples: every occurrence of either kind covers one.
    package let stride: Int
    private let table: GramTable

    /// The filter of both sets, or nil when a literal of either is shorter than
    /// ``SampledFilter/shortestLiteral``: the caller then searches each kind on its own.
    package init?(plain: LiteralSet, masked: LiteralSet) {
        guard let stride = SampledFilter.stride(of: [plain, masked]) else { return nil }
        self.plain = plain
        self.masked = masked
        self.stride = stride
        table = GramTable(firstLog: SampledFilter.defaultLog, secondLog: SampledFilter.defaultLog)
        table.add(plain, stride: stride)
        table.add(masked, stride: stride)
    }

    /// A candidate: a sample position, and whether it is the differences' gram there that hit.
    package struct Candidate: Equatable, Sendable {
        package let position: Int
        package let masked: Bool
    }

    /// The candidates of `bytes` from sample position `from` on (`from`, `from + stride`, ...),
    /// ascending, a position's plain candidate before its masked one, into `out` (at least 2
    /// slots); their number. Fewer than 2 slots left over means there may be more: go on from
    /// the last one's position plus ``stride``.
    package func candidates(
        _ bytes: UnsafeRawBufferPointer, from: Int, into out: UnsafeMutableBufferPointer<Int>
    ) -> Int {
        guard let base = bytes.baseAddress, let entries = out.baseAddress, from >= 0 else { return 0 }
        return unsafe cspans_grams_sample_pair(
            base.assumingMemoryBound(to: UInt8.self), bytes.count, from, stride, table.grams, entries, out.count)
    }

    /// An entry of ``candidates(_:from:into:)``'s `out`, read.
    package static func candidate(_ entry: Int) -> Candidate {
        Candidate(position: entry >> 1, masked: entry & 1 == 1)
    }
}

/// A stream's bytes searched for `plain` literals and its byte differences for `masked` ones
/// (a value XORed with any one byte has the value's own differences), both through one
/// ``SampledPairFilter``: the begin, feed and take of a ``SampledStream`` and a
/// ``DifferenceScanner`` side by side, at a single pass over each piece.
///
/// Offsets are the stream's: a plain match ends at a byte offset, a masked one at a difference
/// offset (the difference at `i` is byte `i` XOR byte `i + 1`), as ``DifferenceScanner``'s do.
/// Each piece is scanned in place for what lies wholly inside it (its bytes, or the
/// differences between its own bytes); what crosses a join, the difference across it
/// included, is found in a small block of the bytes around the join. Every occurrence is
/// reported once.
package final class SampledPairStream {
    package let plain: LiteralScanner
    package let masked: LiteralScanner
    package let filter: SampledPairFilter
    /// The last bytes fed, as many as a join needs (``keep``).
    private var carry: [UInt8] = []
    /// The stream offset of the next piece's first byte.
    private var offset = 0
    private var foundPlain: [LiteralMatch] = []
    private var foundMasked: [LiteralMatch] = []
    /// A masked range's differences, the buffer kept from one range to the next.
    private var differences: [UInt8] = []
    /// The bytes a join needs on either side: a plain literal across it has at most
    /// `plain.longest - 1` on each, a masked one (its differences and one byte more) at most
    /// `masked.longest`.
    private let keep: Int

    /// A stream of `plain` (a scanner of the filter's plain set) and `masked` (of its masked set).
    package init(plain: LiteralScanner, masked: LiteralScanner, filter: SampledPairFilter) {
        precondition(plain.set === filter.plain && masked.set === filter.masked, "a pair filter of other sets")
        self.plain = plain
        self.masked = masked
        self.filter = filter
        keep = max(plain.set.longest - 1, masked.set.longest)
    }

    /// Starts a new stream: offsets count from 0 again.
    package func begin() {
        carry.removeAll(keepingCapacity: true)
        offset = 0
        foundPlain.removeAll(keepingCapacity: true)
        foundMasked.removeAll(keepingCapacity: true)
    }

    /// Feeds the next piece; its matches of both kinds are kept until ``take()``.
    package func feed(_ bytes: ArraySlice<UInt8>) throws(PatternSearchError) {
        guard !bytes.isEmpty else { return }
        if !carry.isEmpty {
            let edge = carry + bytes[bytes.startIndex..<min(bytes.endIndex, bytes.startIndex + keep)]
            try scanJoin(edge, join: carry.count, base: offset - carry.count)
        }
        let base = offset
        let failure: PatternSearchError? = unsafe bytes.withUnsafeBytes { raw in
            do throws(PatternSearchError) {
                try unsafe scanInPlace(raw, base: base)
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
        offset += bytes.count
        carry.keepLast(keep, after: bytes)
    }

    /// The matches found since ``begin()`` or the last `take()`: the plain ones (ending at byte
    /// offsets) and the masked ones (ending at difference offsets).
    package func take() -> (plain: [LiteralMatch], masked: [LiteralMatch]) {
        defer {
            foundPlain.removeAll(keepingCapacity: true)
            foundMasked.removeAll(keepingCapacity: true)
        }
        return (foundPlain, foundMasked)
    }

    /// The matches across a join: in `edge`, the bytes before the join (`join` of them) and the
    /// piece's first, at stream offset `base`. A plain match is the join's when it starts before
    /// it and ends after; a masked one when it holds the difference across it (at `join - 1`).
    private func scanJoin(_ edge: [UInt8], join: Int, base: Int) throws(PatternSearchError) {
        let plainLiterals = plain.set.literals
        try plain.scanBlock(edge) { match in
            guard match.end > join && match.end - plainLiterals[match.literal].count < join else { return }
            foundPlain.append(LiteralMatch(literal: match.literal, end: base + match.end))
        }
        guard edge.count >= 2 else { return }
        let maskedLiterals = masked.set.literals
        let failure: PatternSearchError? = unsafe edge.withUnsafeBytes { raw in
            do throws(PatternSearchError) {
                try unsafe scanDifferences(raw, 0..<edge.count - 1) { match in
                    guard match.end >= join && match.end - maskedLiterals[match.literal].count < join else { return }
                    foundMasked.append(LiteralMatch(literal: match.literal, end: base + match.end))
                }
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
    }

    /// Every match wholly inside `bytes` (stream offset `base`), and every masked match wholly
    /// inside their differences: Hyperscan reads only the merged ranges around the candidates.
    private func scanInPlace(_ bytes: UnsafeRawBufferPointer, base: Int) throws(PatternSearchError) {
        let count = bytes.count
        let stride = filter.stride
        let (plainLongest, maskedLongest) = (plain.set.longest, masked.set.longest)
        var plainRanges = MergedRanges()
        var maskedRanges = MergedRanges()
        func scanPlain(_ range: Range<Int>) throws(PatternSearchError) {
            try unsafe plain.scanBlock(UnsafeRawBufferPointer(rebasing: bytes[range])) { match in
                foundPlain.append(LiteralMatch(literal: match.literal, end: base + range.lowerBound + match.end))
            }
        }
        func scanMasked(_ range: Range<Int>) throws(PatternSearchError) {
            try unsafe scanDifferences(bytes, range) { match in
                foundMasked.append(LiteralMatch(literal: match.literal, end: base + match.end))
            }
        }
        let capacity = 1024
        let entries = UnsafeMutableBufferPointer<Int>.allocate(capacity: capacity)
        defer { unsafe entries.deallocate() }
        var from = 0
        while true {
            let n = unsafe filter.candidates(bytes, from: from, into: entries)
            for i in 0..<n {
                let candidate = SampledPairFilter.candidate(unsafe entries[i])
                let q = candidate.position
                let start = max(0, q - stride + 1)
                if candidate.masked {
                    // Differences run to count - 1 (the last is of the piece's last two bytes).
                    if let closed = maskedRanges.add(start..<min(count - 1, q + maskedLongest)) {
                        try scanMasked(closed)
                    }
                } else if let closed = plainRanges.add(start..<min(count, q + plainLongest)) {
                    try scanPlain(closed)
                }
            }
            guard n > capacity - 2 else { break }
            from = SampledPairFilter.candidate(unsafe entries[n - 1]).position + stride
        }
        if let open = plainRanges.close() { try scanPlain(open) }
        if let open = maskedRanges.close() { try scanMasked(open) }
    }

    /// The masked matches in the differences `range` of `bytes` (difference `i` is byte `i` XOR
    /// byte `i + 1`, so `range.upperBound < bytes.count`), their ends offsets into `bytes`'
    /// differences.
    private func scanDifferences(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (LiteralMatch) -> Void
    ) throws(PatternSearchError) {
        precondition(range.upperBound < bytes.count, "a difference past the bytes")
        if differences.count < range.count { differences = [UInt8](repeating: 0, count: range.count) }
        unsafe differences.withUnsafeMutableBytes { out in
            unsafe DifferenceScanner.differences(
                of: UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound...range.upperBound]), into: out)
        }
        let failure: PatternSearchError? = unsafe differences.withUnsafeBytes { raw in
            do throws(PatternSearchError) {
                try unsafe masked.scanBlock(UnsafeRawBufferPointer(rebasing: raw[0..<range.count])) { match in
                    body(LiteralMatch(literal: match.literal, end: range.lowerBound + match.end))
                }
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
    }
}
