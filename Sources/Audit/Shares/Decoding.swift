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
        bytes.withUnsafeBufferPointer { source -> (bytes: [UInt8], joins: [Int])? in
            guard source.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
            var joins: [Int] = []
            let joined = [UInt8](unsafeUninitializedCapacity: source.count) { out, filled in
                var o = 0
                for b in source {
                    if b == 0x0A || b == 0x0D {
                        if joins.last != o { joins.append(o) }
                    } else {
                        out[o] = b
                        o += 1
                    }
                }
                filled = o
            }
            return (joined, joins)
        }
    }

    /// Calls `body` with each maximal run of base64-alphabet bytes (standard or URL-safe) at
    /// least `minimum` long: its offset, its bytes, and whether every byte is a hex digit.
    /// A run ends at any other byte, `=` included. With `crossing`, only runs that hold one
    /// of those joins inside them are given (the others were runs of the text before joining).
    /// With `range`, only the runs that start in it, each read to its end (past the range when
    /// it goes on): consecutive ranges give every run exactly once, so pieces of one text can be
    /// decoded on several threads.
    static func forEachRun(
        _ bytes: [UInt8], minimum: Int, crossing joins: [Int]? = nil, in range: Range<Int>? = nil,
        _ body: (_ offset: Int, _ run: ArraySlice<UInt8>, _ allHex: Bool) -> Void
    ) {
        let count = bytes.count
        var i = range?.lowerBound ?? 0
        let stop = min(count, range?.upperBound ?? count)
        // A run that started before the range belongs to the range before.
        if i > 0 && i < count && isBase64Byte(bytes[i - 1]) {
            while i < count && isBase64Byte(bytes[i]) { i += 1 }
        }
        var next = 0  // the first join not yet passed
        if let joins, i > 0 {
            var low = 0
            var high = joins.count
            while low < high {
                let mid = (low + high) / 2
                if joins[mid] <= i { low = mid + 1 } else { high = mid }
            }
            next = low
        }
        let classes = byteClasses
        while i < stop {
            // The next run, and where it ends (bit 0 of a byte's class: base64, bit 1: hex).
            var j = i
            var allHex = true
            bytes.withUnsafeBufferPointer { b in
                classes.withUnsafeBufferPointer { c in
                    while i < stop && c[Int(b[i])] & 1 == 0 { i += 1 }
                    j = i
                    var hex: UInt8 = 2
                    while j < count {
                        let k = c[Int(b[j])]
                        if k & 1 == 0 { break }
                        hex &= k
                        j += 1
                    }
                    allHex = hex != 0
                }
            }
            guard i < stop else { break }
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
        _ bytes: [UInt8], into batch: inout DecodedBatch, offset: Int? = nil, crossing joins: [Int]? = nil,
        in range: Range<Int>? = nil, source: Int = 0
    ) {
        forEachRun(bytes, minimum: 16, crossing: joins, in: range) { start, run, allHex in
            let at = offset ?? start
            if allHex { batch.append(at, source: source) { appendHex(run, to: &$0) } }
            for shift in 0..<min(4, run.count) {
                batch.append(at, source: source) { appendBase64(run.dropFirst(shift), to: &$0) }
            }
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
    /// The offset in the searched file that each run was decoded from (-1: a raw segment,
    /// whose matches are at their own offset in it).
    private var offsets: [Int] = []
    /// Which source (of those one batch gathers) each run belongs to.
    private(set) var sources: [Int] = []

    var isEmpty: Bool { starts.isEmpty }

    /// Appends one run through `decode`, which appends its bytes and says whether it decoded
    /// (leaving the buffer as it was when not).
    mutating func append(_ offset: Int, source: Int = 0, _ decode: (inout [UInt8]) -> Bool) {
        let start = bytes.count
        if decode(&bytes) && bytes.count > start {
            starts.append(start)
            offsets.append(offset)
            sources.append(source)
        }
    }

    /// Appends a source's own bytes: a match in them is named by its offset in them.
    mutating func appendRaw(_ raw: [UInt8], source: Int) {
        guard !raw.isEmpty else { return }
        starts.append(bytes.count)
        offsets.append(-1)
        sources.append(source)
        bytes += raw
    }

    /// The source and offset of the segment that holds `range` whole (a raw segment: the
    /// range's own offset in it), or nil when `range` crosses a join.
    func locate(_ range: Range<Int>) -> (source: Int, offset: Int)? {
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let run = low - 1
        let end = run + 1 < starts.count ? starts[run + 1] : bytes.count
        guard range.upperBound <= end else { return nil }
        return (sources[run], offsets[run] < 0 ? range.lowerBound - starts[run] : offsets[run])
    }

    /// Empties the batch, keeping its storage.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
    }

    /// The file offset of the run that holds `range` whole, or nil when `range` crosses a join.
    func offset(of range: Range<Int>) -> Int? { locate(range)?.offset }

    /// Each run's file offset and bytes (for tests and small callers).
    var runs: [(Int, [UInt8])] {
        starts.indices.map { i in
            let end = i + 1 < starts.count ? starts[i + 1] : bytes.count
            return (offsets[i], Array(bytes[starts[i]..<end]))
        }
    }
}
