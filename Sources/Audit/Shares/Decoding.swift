import Containers
import PatternSearch

/// What the search decodes out of a file before it looks again.
///
/// ``decodeRuns(_:into:)`` lays a blob's base64 and hex runs end to end in one
/// ``DecodedBatch`` (what `ShareSearch` searches inside every file, in one Hyperscan call).
/// ``expand(_:display:limits:visit:)`` goes deeper, in `Decoding+Derived.swift`: containers,
/// dumps, markup, escapes and other text encodings, nested to a bounded depth within a
/// bounded output.
enum Decoding {
    /// The base64 and hex that line breaks cut (MIME, PEM, `hexdump -p` wrap them): every
    /// stretch of `bytes` made of base64-alphabet bytes and line breaks that holds a break
    /// between two such bytes, with its breaks taken out. A run that crosses a join is one the
    /// lines alone do not show. Nil when there is none.
    struct Unwrapped: Sendable, Equatable {
        /// The stretches without their line breaks, end to end, one space between two (so
        /// that no run crosses from one to the next).
        let bytes: [UInt8]
        /// Where a line break was: the index in ``bytes`` of the byte after it, ascending.
        let joins: [Int]
        /// Each stretch's start in ``bytes``, and in the whole of `bytes` with every line
        /// break taken out (what offsets into the joined text are named by), ascending.
        let starts: [Int]
        let joinedStarts: [Int]

        /// The offset in the whole joined text of the byte at `offset` in ``bytes``.
        func joinedOffset(_ offset: Int) -> Int {
            var low = 0
            var high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if starts[mid] <= offset { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { return offset }
            return joinedStarts[low - 1] + offset - starts[low - 1]
        }
    }

    /// ``Unwrapped`` of `bytes`: one pass of the kernel, and a copy of the wrapped stretches
    /// only (none for random bytes, whose stretches hold fewer than 16 base64 bytes).
    static func unwrapped(_ bytes: [UInt8]) -> Unwrapped? {
        var builder = UnwrappedBuilder()
        bytes.withUnsafeBufferPointer { b in
            _ = ByteSpans.scan(b, kinds: .wrapped, minimum: 16) { _, span, breaks in
                builder.add(b, span: span, breaksBefore: breaks)
            }
        }
        return builder.result
    }

    /// ``Unwrapped`` built from the kernel's wrapped spans (``ByteSpans/Kind/wrapped``), in order.
    struct UnwrappedBuilder {
        private var out: [UInt8] = []
        private var joins: [Int] = []
        private var starts: [Int] = []
        private var joinedStarts: [Int] = []

        /// Adds the stretch in `span`, a maximal run of base64 bytes and line breaks with
        /// `breaksBefore` line breaks before it: from its first base64 byte to its end, kept
        /// when it holds a join (a break followed by base64) and 16 base64 bytes or more. Its
        /// lines are copied a line at a time (a wrapped block is a sixth of a dense log).
        mutating func add(_ b: UnsafeBufferPointer<UInt8>, span: Range<Int>, breaksBefore: Int) {
            Decoding.byteClasses.withUnsafeBufferPointer { classes in
                let end = span.upperBound
                var start = span.lowerBound
                while start < end && classes[Int(b[start])] & 1 == 0 { start += 1 }
                let breaks = breaksBefore + start - span.lowerBound
                let first = out.count
                let firstJoin = joins.count
                if !out.isEmpty { out.append(0x20) }
                let base = out.count
                var kept = 0  // base64 bytes of the stretch so far
                var i = start
                while i < end {
                    // A line's base64 bytes, then the line breaks after it; a line after a break is a join.
                    var j = i
                    while j < end && classes[Int(b[j])] & 1 != 0 { j += 1 }
                    if i > start { joins.append(base + kept) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
                    kept += j - i
                    i = j
                    while i < end && classes[Int(b[i])] & 1 == 0 { i += 1 }
                }
                guard joins.count > firstJoin && kept >= 16 else {
                    out.removeSubrange(first...)
                    joins.removeSubrange(firstJoin...)
                    return
                }
                starts.append(base)
                joinedStarts.append(start - breaks)
            }
        }

        /// Appends what `other` was given, the stretches of the next piece of the same source
        /// (its line breaks counted from that piece's start, `linesBefore` line breaks into the
        /// source): as if each of its stretches had been added here.
        mutating func append(_ other: UnwrappedBuilder, linesBefore: Int) {
            guard !other.starts.isEmpty else { return }
            if !out.isEmpty { out.append(0x20) }
            let base = out.count
            out += other.out
            joins += other.joins.map { $0 + base }
            starts += other.starts.map { $0 + base }
            joinedStarts += other.joinedStarts.map { $0 - linesBefore }
        }

        /// What was added, or nil when no stretch was kept.
        var result: Unwrapped? {
            starts.isEmpty ? nil : Unwrapped(bytes: out, joins: joins, starts: starts, joinedStarts: joinedStarts)
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
        var next = 0  // the first join not yet passed
        if let joins, let low = range?.lowerBound, low > 0 {
            var high = joins.count
            while next < high {
                let mid = (next + high) / 2
                if joins[mid] <= low { next = mid + 1 } else { high = mid }
            }
        }
        bytes.withUnsafeBufferPointer { b in
            _ = ByteSpans.scan(b, kinds: .base64, minimum: minimum, in: range) { _, run, hex in
                if let joins {
                    while next < joins.count && joins[next] <= run.lowerBound { next += 1 }
                    guard next < joins.count && joins[next] < run.upperBound else { return }
                }
                body(run.lowerBound, bytes[run], hex != 0)
            }
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
            appendRunDecodings(run, allHex: allHex, at: offset ?? start, into: &batch, source: source)
        }
    }

    /// One run's decodings into `batch`, named `at`: as hex when all of it is hex digits, and
    /// as base64 at each alignment.
    static func appendRunDecodings(
        _ run: ArraySlice<UInt8>, allHex: Bool, at: Int, into batch: inout DecodedBatch, source: Int = 0
    ) {
        if allHex { batch.append(at, source: source) { appendHex(run, to: &$0) } }
        for shift in 0..<min(4, run.count) {
            batch.append(at, source: source) { appendBase64(run.dropFirst(shift), to: &$0) }
        }
    }

    /// ``decodeRuns(_:into:offset:crossing:in:source:)`` of `bytes` and of the runs its line
    /// breaks cut (``unwrapped(_:)``, named at offset 0): what the search decodes in every
    /// source. One pass of the kernel finds both.
    static func decodeAllRuns(_ bytes: [UInt8], into batch: inout DecodedBatch, source: Int = 0) {
        var builder = UnwrappedBuilder()
        bytes.withUnsafeBufferPointer { b in
            _ = ByteSpans.scan(b, kinds: runsAndWrapped, minimum: 16) { kind, span, extra in
                if kind == .base64 {
                    appendRunDecodings(
                        bytes[span], allHex: extra != 0, at: span.lowerBound, into: &batch, source: source)
                } else {
                    builder.add(b, span: span, breaksBefore: extra)
                }
            }
        }
        if let joined = builder.result {
            decodeRuns(joined.bytes, into: &batch, offset: 0, crossing: joined.joins, source: source)
        }
    }

    /// ``decodeAllRuns(_:into:source:)`` of the source `plan` was made for, from the runs and
    /// stretches the plan found (no second read).
    static func decodeAllRuns(_ plan: TextPlan, into batch: inout DecodedBatch, source: Int = 0) {
        for run in plan.runs {
            appendRunDecodings(
                plan.bytes[run.range], allHex: run.allHex, at: run.range.lowerBound, into: &batch, source: source)
        }
        if let joined = plan.joined {
            decodeRuns(joined.bytes, into: &batch, offset: 0, crossing: joined.joins, source: source)
        }
    }

    /// The kinds ``decodeAllRuns(_:into:source:)`` reads.
    private static let runsAndWrapped: ByteSpans.Kinds = [.base64, .wrapped]

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

    /// Makes room for `count` bytes in all (kept when the batch is emptied).
    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

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
