import Containers

/// What the search decodes out of a file before it looks again.
///
/// ``decodeRuns(_:into:)`` lays a blob's base64 and hex runs end to end in one
/// ``DecodedBatch`` (what `ShareSearch` searches inside every file, in one Hyperscan call).
/// ``expand(_:display:limits:visit:)`` goes deeper, in `Decoding+Derived.swift`: containers,
/// dumps, markup, escapes and other text encodings, nested to a bounded depth within a
/// bounded output.
enum Decoding {
    /// `bytes` with every line break taken out, and where each was (the index in the joined
    /// text of the byte after it); nil when there is none. Base64 and hex are often wrapped
    /// (MIME, PEM, `hexdump -p`): a run that crosses a join is one the lines alone do not show.
    static func unwrapped(_ bytes: [UInt8]) -> (bytes: [UInt8], joins: [Int])? {
        var joined: [UInt8] = []
        var joins: [Int] = []
        for b in bytes {
            if b == 0x0A || b == 0x0D {
                if joins.last != joined.count { joins.append(joined.count) }
            } else {
                joined.append(b)
            }
        }
        return joins.isEmpty ? nil : (joined, joins)
    }

    /// Calls `body` with each maximal run of base64-alphabet bytes (standard or URL-safe) at
    /// least `minimum` long: its offset, its bytes, and whether every byte is a hex digit.
    /// A run ends at any other byte, `=` included. With `crossing`, only runs that hold one
    /// of those joins inside them are given (the others were runs of the text before joining).
    static func forEachRun(
        _ bytes: [UInt8], minimum: Int, crossing joins: [Int]? = nil,
        _ body: (_ offset: Int, _ run: ArraySlice<UInt8>, _ allHex: Bool) -> Void
    ) {
        var next = 0  // the first join not yet passed
        var i = 0
        let count = bytes.count
        while i < count {
            guard isBase64Byte(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            var allHex = true
            while j < count && isBase64Byte(bytes[j]) {
                allHex = allHex && isHexByte(bytes[j])
                j += 1
            }
            if j - i >= minimum {
                if let joins {
                    while next < joins.count && joins[next] <= i { next += 1 }
                    if next < joins.count && joins[next] < j { body(i, bytes[i..<j], allHex) }
                } else {
                    body(i, bytes[i..<j], allHex)
                }
            }
            i = j
        }
    }

    /// Runs of base64 (16+ characters) and hex (16+ digits), decoded into `batch`: a hex run
    /// as hex, and every run as base64 at each alignment (an alignment that leaves a lone
    /// last character has none), each named by the run's offset in `bytes` (or `offset` when
    /// given); with `crossing`, only the runs that cross one of those joins.
    static func decodeRuns(
        _ bytes: [UInt8], into batch: inout DecodedBatch, offset: Int? = nil, crossing joins: [Int]? = nil
    ) {
        forEachRun(bytes, minimum: 16, crossing: joins) { start, run, allHex in
            let at = offset ?? start
            if allHex { batch.append(at) { appendHex(run, to: &$0) } }
            for shift in 0..<min(4, run.count) { batch.append(at) { appendBase64(run.dropFirst(shift), to: &$0) } }
        }
    }

    /// ``decodeRuns(_:into:offset:)`` as a list: each run's offset and decoded bytes.
    static func decodedRuns(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        var batch = DecodedBatch()
        decodeRuns(bytes, into: &batch)
        return batch.runs
    }
}

/// Decoded runs laid end to end in one buffer, so that one search call covers them all.
/// A match counts only inside one run (``offset(of:)``): a needle that straddles two runs'
/// join is in neither.
struct DecodedBatch {
    private(set) var bytes: [UInt8] = []
    /// Where each run starts in ``bytes``, ascending.
    private var starts: [Int] = []
    /// The offset in the searched file that each run was decoded from.
    private var offsets: [Int] = []

    var isEmpty: Bool { starts.isEmpty }

    /// Appends one run through `decode`, which appends its bytes and says whether it decoded
    /// (leaving the buffer as it was when not).
    mutating func append(_ offset: Int, _ decode: (inout [UInt8]) -> Bool) {
        let start = bytes.count
        if decode(&bytes) && bytes.count > start {
            starts.append(start)
            offsets.append(offset)
        }
    }

    /// The file offset of the run that holds `range` whole, or nil when `range` crosses a join.
    func offset(of range: Range<Int>) -> Int? {
        // The last run starting at or before range.lowerBound.
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let run = low - 1
        let end = run + 1 < starts.count ? starts[run + 1] : bytes.count
        return range.upperBound <= end ? offsets[run] : nil
    }

    /// Each run's file offset and bytes (for tests and small callers).
    var runs: [(Int, [UInt8])] {
        starts.indices.map { i in
            let end = i + 1 < starts.count ? starts[i + 1] : bytes.count
            return (offsets[i], Array(bytes[starts[i]..<end]))
        }
    }
}
