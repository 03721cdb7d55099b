internal import CSpans

/// A sampled prefilter for a set of long literals: it looks at one 8-byte gram every
/// ``stride`` bytes instead of at every byte, so that Hyperscan scans only the ranges around
/// the samples where a literal may lie (``LiteralScanner/scanSampled(_:filter:_:)``).
///
/// With every literal at least `Lmin` bytes long and a stride `S = Lmin - 7`, every occurrence
/// of a literal covers one position `q` with `q % S == 0`, and the 8 bytes at `q` are one of
/// the literal's grams at offsets `0 ..< S`. The table holds those grams of every literal,
/// case-folded (`| 0x20` on each byte, which maps both cases of an ASCII letter to one value),
/// as two bitmaps indexed by two hashes (a Bloom filter; this package's C kernel, sample.c in
/// Sources/CKernels/CSpans). A sample whose gram misses either bitmap shows that no literal
/// covers it; one that hits both is a candidate, and Hyperscan's block scan then reads
/// `[q - S + 1, q + longest)`, where every literal that covers `q` lies. Random bytes cost one
/// look-up every `S` bytes and almost no scan.
///
/// The folding makes the table a superset for exact and caseless literals alike (an exact
/// literal's other case is a candidate too, and Hyperscan rejects it), so the filter needs no
/// caseless flags. Read-only once built, and so shared by every thread.
@safe package final class SampledFilter: @unchecked Sendable {
    /// The gram length the table holds (k).
    package static let gramLength = 8
    /// The shortest literal a filter takes: a stride (`shortest - 7`) under 8 would not pay.
    package static let shortestLiteral = 15
    /// Each bitmap's size (log2 of its bits) unless the caller picks others: 2^20 bits, 128 KiB
    /// each (C, `CSPANS_GRAMS_LOG`, the size the kernel's fast loop is built for). Two of them
    /// stay in a 512 KiB L2 while the data stream through it; with the share-search bench's
    /// 32,640 grams, some 6 in 10,000 random samples are candidates (Docs/Performance.md).
    package static let defaultLog = Int(CSPANS_GRAMS_LOG)

    /// The set whose literals the table holds; ``LiteralScanner/scanSampled(_:filter:_:)``
    /// takes only a scanner of this set.
    package let set: LiteralSet
    /// The distance between samples, `shortest - 7`: every occurrence covers a sample.
    package let stride: Int
    /// The two bitmaps: the table the kernel looks grams up in.
    fileprivate let table: GramTable

    /// The filter of `set`'s literals, its two bitmaps `2^firstLog` and `2^secondLog` bits (6 to
    /// 32 each; ``defaultLog`` unless told), or nil when the shortest literal is shorter than
    /// ``shortestLiteral`` (15 bytes): the caller then scans every byte with Hyperscan.
    package init?(_ set: LiteralSet, firstLog: Int = defaultLog, secondLog: Int = defaultLog) {
        guard let stride = Self.stride(of: [set]) else { return nil }
        self.set = set
        self.stride = stride
        table = GramTable(firstLog: firstLog, secondLog: secondLog)
        table.add(set, stride: stride)
    }

    /// The stride that serves every one of `sets`, `shortest - 7` of all their literals; nil
    /// when one is shorter than ``shortestLiteral`` (or a set is empty).
    static func stride(of sets: [LiteralSet]) -> Int? {
        let lengths = sets.map { $0.literals.map(\.count).min() }
        guard !lengths.contains(nil), let shortest = lengths.compactMap({ $0 }).min(),
            shortest >= shortestLiteral
        else { return nil }
        return shortest - (gramLength - 1)
    }

    /// Whether the 8 bytes at `offset` of `gram` may be in the table: true for every gram the
    /// table was built from, in any ASCII case; false for most others.
    package func mayHold(_ gram: [UInt8], at offset: Int = 0) -> Bool {
        precondition(offset >= 0 && offset + Self.gramLength <= gram.count, "a gram lies inside its bytes")
        return unsafe gram.withUnsafeBufferPointer { bytes in
            unsafe cspans_grams_may_hold(table.grams, bytes.baseAddress! + offset) != 0
        }
    }

    /// The sample positions `from, from + stride, ...` of `bytes` whose gram may be in the
    /// table (C, `cspans_grams_sample`), ascending, into `out`; their number. A full `out` means
    /// there may be more: go on from the last one plus ``stride``.
    package func candidates(
        _ bytes: UnsafeRawBufferPointer, from: Int, into out: UnsafeMutableBufferPointer<Int>
    )
        -> Int
    {
        guard let base = bytes.baseAddress, let positions = out.baseAddress, from >= 0 else { return 0 }
        return unsafe cspans_grams_sample(
            base.assumingMemoryBound(to: UInt8.self), bytes.count, from, stride, table.grams, positions, out.count)
    }

    /// How many of `bytes`' sample positions are candidates: what a scan would send to
    /// Hyperscan (for measuring the filter's false candidates).
    package func candidateCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        unsafe withUnsafeTemporaryAllocation(of: Int.self, capacity: 1024) { out in
            var total = 0
            var from = 0
            while true {
                let n = unsafe candidates(bytes, from: from, into: out)
                total += n
                guard n == out.count else { return total }
                from = unsafe out[n - 1] + stride
            }
        }
    }
}

/// The kernel's table of grams (include/cspans.h, `cspans_grams`): two bitmaps in one
/// allocation, zeroed before the grams go in, read-only once built.
@safe final class GramTable: @unchecked Sendable {
    private let words: UnsafeMutablePointer<UInt64>
    /// The kernel's view of the bitmaps.
    let grams: UnsafeMutablePointer<cspans_grams>

    /// An empty table of two bitmaps, `2^firstLog` and `2^secondLog` bits (6 to 32 each).
    init(firstLog: Int, secondLog: Int) {
        precondition((6...32).contains(firstLog) && (6...32).contains(secondLog), "a bitmap of 2^6 to 2^32 bits")
        let firstWords = 1 << (firstLog - 6)
        let count = firstWords + 1 << (secondLog - 6)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        unsafe words.initialize(repeating: 0, count: count)
        unsafe self.words = words
        let grams = UnsafeMutablePointer<cspans_grams>.allocate(capacity: 1)
        unsafe grams.initialize(
            to: cspans_grams(
                first: words, second: words + firstWords, firstLog: UInt32(firstLog), secondLog: UInt32(secondLog)))
        unsafe self.grams = grams
    }

    /// Adds each of `set`'s literals' first `stride` grams (every literal `stride + 7` bytes or more).
    func add(_ set: LiteralSet, stride: Int) {
        for literal in set.literals {
            precondition(literal.count >= stride + SampledFilter.gramLength - 1, "a literal shorter than the stride's")
            unsafe literal.withUnsafeBufferPointer { bytes in
                for offset in 0..<stride { unsafe cspans_grams_add(grams, bytes.baseAddress! + offset) }
            }
        }
    }

    deinit {
        unsafe grams.deinitialize(count: 1)
        unsafe grams.deallocate()
        unsafe words.deallocate()
    }
}

extension LiteralScanner {
    /// Every match of `bytes` that ``scanBlock(_:_:)`` of the whole buffer reports, found
    /// through `filter` (made from this scanner's set): Hyperscan's block scan reads only the
    /// ranges `[q - stride + 1, q + longest)` around the candidate samples `q`, clipped to the
    /// buffer, overlapping ranges merged into one, each scanned once.
    ///
    /// The guarantee: every occurrence of every literal that lies wholly inside `bytes` is
    /// reported, each exactly once, with its `end` an offset into `bytes`, in order of the
    /// ends (matches that end together in Hyperscan's order); nothing else is reported. An
    /// occurrence that runs past either end of `bytes` is not: a caller reading a file in
    /// pieces overlaps them by `set.longest - 1` bytes (and drops the matches that end in a
    /// piece's first `set.longest - 1` bytes, which the piece before reported).
    /// - Throws: ``PatternSearchError`` when `bytes` is 4 GiB or more or Hyperscan fails.
    package func scanSampled(
        _ bytes: UnsafeRawBufferPointer, filter: SampledFilter, _ body: (LiteralMatch) -> Void
    ) throws(PatternSearchError) {
        precondition(filter.set === set, "a sampled filter of another set")
        guard bytes.count < Int(UInt32.max) else {
            throw PatternSearchError(call: "hs_scan", cause: "a block of 4 GiB or more")
        }
        let stride = filter.stride
        let longest = set.longest
        let count = bytes.count
        /// Hyperscan over one merged range, its matches moved to offsets into `bytes`.
        func scan(_ range: Range<Int>) throws(PatternSearchError) {
            try unsafe scanBlock(UnsafeRawBufferPointer(rebasing: bytes[range])) { match in
                body(LiteralMatch(literal: match.literal, end: match.end + range.lowerBound))
            }
        }
        var ranges = MergedRanges()
        var from = 0
        let capacity = 1024
        let positions = UnsafeMutableBufferPointer<Int>.allocate(capacity: capacity)
        defer { unsafe positions.deallocate() }
        while true {
            let n = unsafe filter.candidates(bytes, from: from, into: positions)
            for i in 0..<n {
                let q = unsafe positions[i]
                if let closed = ranges.add(max(0, q - stride + 1)..<min(count, q + longest)) { try scan(closed) }
            }
            guard n == capacity else { break }
            from = unsafe positions[n - 1] + stride
        }
        if let open = ranges.close() { try scan(open) }
    }
}

/// The ranges around a filter's candidates, merged: each added range either overlaps or
/// touches the one being built, and joins it, or starts after it ends, and closes it. Added in
/// ascending order of their starts (the samples ascend, and so do their ranges' starts).
struct MergedRanges {
    private var open: Range<Int>?

    /// Adds `range`; the range it closes (to be scanned now), if any.
    mutating func add(_ range: Range<Int>) -> Range<Int>? {
        guard let building = open else {
            open = range
            return nil
        }
        if range.lowerBound <= building.upperBound {
            open = building.lowerBound..<max(building.upperBound, range.upperBound)
            return nil
        }
        open = range
        return building
    }

    /// The range still being built (to be scanned last), if any; the merger is empty again.
    mutating func close() -> Range<Int>? {
        defer { open = nil }
        return open
    }
}
