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
    /// ``ShareSearch/decodeLimit``) its decoded runs and those of its lines joined.
    func add(_ bytes: [UInt8], display: String) throws(PatternSearchError) {
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
            Decoding.decodeRuns(bytes, into: &batch, source: 0)
            if let unwrapped = Decoding.unwrapped(bytes) {
                Decoding.decodeRuns(unwrapped.bytes, into: &batch, offset: 0, crossing: unwrapped.joins, source: 0)
            }
            try flush()
            return
        }
        let source = displays.count
        displays.append(display)
        found.append([:])
        batch.appendRaw(bytes, source: source)
        if bytes.count <= ShareSearch.decodeLimit {
            Decoding.decodeRuns(bytes, into: &batch, source: source)
            if let unwrapped = Decoding.unwrapped(bytes) {
                Decoding.decodeRuns(
                    unwrapped.bytes, into: &batch, offset: 0, crossing: unwrapped.joins, source: source)
            }
        }
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

        var unwrapped = Decoding.unwrapped(bytes)
        let piece = pieceSize
        func pieces(_ count: Int) -> [Range<Int>] {
            stride(from: 0, to: count, by: piece).map { $0..<min(count, $0 + piece) }
        }
        // Each task appends its output to its own slot; the slots are read in order afterwards.
        enum Task {
            case plain(Range<Int>)
            case plainJoined(Range<Int>)
            case primary(Range<Int>)
            case primaryJoined(Range<Int>)
            case byteLists, hexDumps, markup, unescaped, transcoded
        }
        var tasks: [Task] = []
        if bytes.count <= Self.decodeLimit {
            tasks += pieces(bytes.count).map(Task.plain)
            if let unwrapped { tasks += pieces(unwrapped.bytes.count).map(Task.plainJoined) }
        }
        tasks += pieces(bytes.count).map(Task.primary)
        if let unwrapped { tasks += pieces(unwrapped.bytes.count).map(Task.primaryJoined) }
        tasks += [.byteLists, .hexDumps, .markup, .unescaped, .transcoded]

        let wide = threads > 1 && bytes.count > 2 * piece
        let count = wide ? threads : 1
        var scanners = [scanner]
        for _ in 1..<count { scanners.append(try LiteralScanner(engine.set)) }
        let slots = Locked<[Int: [(String, [UInt8])]]>([:])
        let found = Locked<[Int: Int]>(result.found)
        let failure = Locked<Error?>(nil)
        let next = Locked(0)
        func run(_ thread: Int) {
            let scanner = scanners[thread]
            while true {
                let index = next.update { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < tasks.count, failure.update({ $0 == nil }) else { return }
                var out: [(String, [UInt8])] = []
                var batch = DecodedBatch()
                switch tasks[index] {
                case .plain(let range): Decoding.decodeRuns(bytes, into: &batch, in: range)
                case .plainJoined(let range):
                    Decoding.decodeRuns(
                        unwrapped!.bytes, into: &batch, offset: 0, crossing: unwrapped!.joins, in: range)
                case .primary(let range):
                    out = Decoding.primaryRuns(bytes, in: range).map { ("decoded@\($0.0)", $0.1) }
                case .primaryJoined(let range):
                    out = Decoding.primaryRuns(unwrapped!.bytes, crossing: unwrapped!.joins, in: range)
                        .filter { $0.1.count >= 48 }.map { ("unwrapped@\($0.0)", $0.1) }
                case .byteLists: out = Decoding.byteLists(bytes).map { ("bytes@\($0.0)", $0.1) }
                case .hexDumps: out = Decoding.hexDumps(bytes)
                case .markup: out = Decoding.markupText(bytes).map { [("text", $0)] } ?? []
                case .unescaped: out = Decoding.unescaped(bytes).map { [("unescaped", $0)] } ?? []
                case .transcoded: out = Decoding.transcoded(bytes).map { [$0] } ?? []
                }
                if !batch.isEmpty {
                    var local: [[Int: Int]] = [[:]]
                    do throws(PatternSearchError) {
                        try Self.note(scanner, engine, batch, into: &local)
                    } catch {
                        failure.update { $0 = $0 ?? error }
                    }
                    found.update { all in all.merge(local[0]) { min($0, $1) } }
                }
                if !out.isEmpty { slots.update { $0[index] = out } }
            }
        }
        if wide {
            let runner = Unchecked(run)
            DispatchQueue.concurrentPerform(iterations: count) { runner.value($0) }
        } else {
            run(0)
        }
        unwrapped = nil  // what the tasks took from the joined lines is in the slots
        if let error = failure.update({ $0 }) { throw error }
        result.found = found.update { $0 }
        guard bytes.count <= Self.deepLimit else { return result }
        // The text decodings in ``Decoding/textDecodings(_:)``'s order.
        let filled = slots.update { $0 }
        let top = tasks.indices.flatMap { filled[$0] ?? [] }

        let batches = scanners.map { BatchSearch(engine, $0) }
        let display = source.display
        result.issues = try Decoding.expand(
            bytes, display: display, threads: count, piece: wide ? piece : 0, top: top
        ) { thread, derived in
            try batches[thread].add(derived.bytes, display: derived.display)
        }
        for batch in batches {
            try batch.flush()
            result.derived += batch.hits
        }
        return result
    }
}
