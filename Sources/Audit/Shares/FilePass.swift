import Ceremony
import Foundation
import PatternSearch

/// Sources searched together: each one's own bytes and decoded runs laid end to end in one
/// ``DecodedBatch``, searched with one Hyperscan block scan every ``flushSize`` bytes, so that
/// a file's thousands of small derived sources cost one scan, not one each.
final class BatchSearch {
    /// Bytes gathered before a scan.
    static let flushSize = 8 << 20

    private let engine: ShareSearch.Engine
    private let scanner: LiteralScanner
    private var batch = DecodedBatch()
    /// The sources gathered since the last scan, by index in the batch.
    private var displays: [String] = []
    /// Each source's needles found so far: needle index to first offset.
    private var found: [[Int: Int]] = []
    /// Hits of sources already scanned: display, needle, offset.
    private(set) var hits: [(display: String, needle: Int, offset: Int)] = []

    init(_ engine: ShareSearch.Engine, _ scanner: LiteralScanner) {
        self.engine = engine
        self.scanner = scanner
    }

    /// Adds one source as `ShareSearch.scan(_:file:)` searches it: its bytes, and (up to
    /// ``ShareSearch/decodeLimit``) its decoded runs and those of its lines joined, from its
    /// `plan` when given (``Derived/plan``).
    func add(_ bytes: [UInt8], display: String, plan: Decoding.TextPlan? = nil) throws(PatternSearchError) {
        func decode(_ source: Int) {
            if let plan {
                Decoding.decodeAllRuns(plan, into: &batch, source: source)
            } else {
                Decoding.decodeAllRuns(bytes, into: &batch, source: source)
            }
        }
        if bytes.count >= Self.flushSize {
            // A big source is scanned where it is (a stream of its own), not copied into the batch.
            try flush()
            var own: [Int: Int] = [:]
            for match in try scanner.matches(in: bytes) {
                let start = match.end - engine.set.literals[match.literal].count
                for needle in engine.needlesOf[match.literal] where own[needle].map({ start < $0 }) ?? true {
                    own[needle] = start
                }
            }
            for (needle, offset) in own { hits.append((display, needle, offset)) }
            guard bytes.count <= ShareSearch.decodeLimit else { return }
            displays.append(display)
            found.append([:])
            decode(0)
            try flush()
            return
        }
        let source = displays.count
        displays.append(display)
        found.append([:])
        batch.appendRaw(bytes, source: source)
        if bytes.count <= ShareSearch.decodeLimit { decode(source) }
        if batch.bytes.count >= Self.flushSize { try flush() }
    }

    /// Searches what was added since the last scan.
    func flush() throws(PatternSearchError) {
        defer {
            batch.removeAll()
            displays.removeAll(keepingCapacity: true)
            found.removeAll(keepingCapacity: true)
        }
        guard !batch.isEmpty else { return }
        try ShareSearch.note(scanner, engine, batch, into: &found)
        for (source, needles) in found.enumerated() {
            for (needle, offset) in needles { hits.append((displays[source], needle, offset)) }
        }
    }
}

extension ShareSearch {
    /// The bytes one task of a file's pass decodes at a time (the file's decoded runs, the base64
    /// and hex runs its derived sources start from): pieces of a big file spread over the cores.
    static let defaultPieceSize = 4 << 20

    /// Every match in `batch` (one block scan), each needle's first offset per source into `found`.
    static func note(
        _ scanner: LiteralScanner, _ engine: Engine, _ batch: DecodedBatch, into found: inout [[Int: Int]]
    ) throws(PatternSearchError) {
        try scanner.scanBlock(batch.bytes) { match in
            let length = engine.set.literals[match.literal].count
            guard let (source, at) = batch.locate((match.end - length)..<match.end) else { return }
            for needle in engine.needlesOf[match.literal] where found[source][needle].map({ at < $0 }) ?? true {
                found[source][needle] = at
            }
        }
    }

    /// What one file's whole pass found.
    struct FileResult: Sendable {
        /// The file's own hits (its bytes and decoded runs): needle index to first offset.
        var found: [Int: Int] = [:]
        /// Hits in sources derived from it (``Decoding/expand(_:display:limits:visit:)``).
        var derived: [(display: String, needle: Int, offset: Int)] = []
        /// Why decoding stopped short, per derived source.
        var issues: [DecodingIssue] = []
        /// The file's first and last ``joinSpan`` bytes, for the search across neighbours (nil: not read whole).
        var head: [UInt8]?
        var tail: [UInt8]?
    }

    /// How much of each side of two neighbouring files the join search reads.
    static let joinSpan = 4096

    /// The biggest file whose containers and decoded forms are searched (its raw bytes are, whatever its size).
    static let deepLimit = 256 << 20

    /// One file's whole search, in one read: its bytes (streamed), its decoded runs (files up to
    /// ``decodeLimit``), and every source ``Decoding/expand(_:display:limits:visit:)`` derives
    /// from it (files up to ``deepLimit``), searched in batches. A file of more than two pieces
    /// (``pieceSize``) is decoded on `threads` threads: its runs in pieces (each run decoded by
    /// the piece it starts in, read past the piece's end), the other decoders side by side.
    func pass(_ source: FileSource, size: Int, scanner: LiteralScanner, threads: Int) throws -> FileResult {
        guard case .success(let engine) = engine else { return FileResult() }
        var result = FileResult()
        // The raw bytes, streamed while the file is read once.
        try scanner.begin()
        var held: [UInt8] = []
        held.reserveCapacity(size)
        try source.chunks { chunk in
            try scanner.feed(chunk)
            for match in scanner.take() {
                let start = match.end - engine.set.literals[match.literal].count
                for needle in engine.needlesOf[match.literal] where result.found[needle].map({ start < $0 }) ?? true {
                    result.found[needle] = start
                }
            }
            held += chunk
            return true
        }
        let bytes = held
        held = []
        result.head = Array(bytes.prefix(Self.joinSpan))
        result.tail = Array(bytes.suffix(Self.joinSpan))

        let wide = threads > 1 && bytes.count > 2 * pieceSize
        let count = wide ? threads : 1
        var scanners = [scanner]
        for _ in 1..<count { scanners.append(try LiteralScanner(engine.set)) }
        // Each task's derived sources in its own slot, read in task order afterwards (the plan,
        // and its copy of the wrapped lines, go once the tasks are done).
        let slots = Locked<[Int: [(String, [UInt8])]]>([:])
        let found = Locked<[Int: Int]>(result.found)
        let failure = Locked<Error?>(nil)
        let tasks: [Decoding.TextPlan.Task]
        do {
            let plan = Decoding.TextPlan(bytes, threads: count, piece: pieceSize)
            tasks = plan.tasks(piece: pieceSize, runs: bytes.count <= Self.decodeLimit)
            WorkQueue.run(count: tasks.count, threads: count) { thread, index in
                var batch = DecodedBatch()
                let out = plan.run(tasks[index], into: &batch)
                if !batch.isEmpty {
                    var local: [[Int: Int]] = [[:]]
                    do throws(PatternSearchError) {
                        try Self.note(scanners[thread], engine, batch, into: &local)
                    } catch {
                        failure.update { $0 = $0 ?? error }
                        return false
                    }
                    found.update { all in all.merge(local[0]) { min($0, $1) } }
                }
                if !out.isEmpty { slots.update { $0[index] = out } }
                return true
            }
        }
        if let error = failure.update({ $0 }) { throw error }
        result.found = found.update { $0 }
        guard bytes.count <= Self.deepLimit else { return result }
        // The text decodings in ``Decoding/textDecodings(_:)``'s order.
        let filled = slots.update { $0 }
        let top = tasks.indices.flatMap { filled[$0] ?? [] }

        let batches = scanners.map { BatchSearch(engine, $0) }
        let display = source.display
        result.issues = try Decoding.expand(
            bytes, display: display, threads: count, piece: wide ? pieceSize : 0, top: top
        ) { thread, derived in
            try batches[thread].add(derived.bytes, display: derived.display, plan: derived.plan)
        }
        for batch in batches {
            try batch.flush()
            result.derived += batch.hits
        }
        return result
    }
}
