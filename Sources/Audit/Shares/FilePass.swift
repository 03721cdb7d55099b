import Ceremony
import Containers
import Foundation
import PatternSearch

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

    /// The biggest file read whole when its first bytes are an archive's or a SQLite database's
    /// (a bigger one, or one without such magic, is decoded window by window).
    static let deepLimit = 256 << 20
    /// The part of a big file one window decodes: the runs, text regions and zlib streams that start in it.
    static let windowSize = 32 << 20
    /// How far past its window a run, region or stream that starts in it is read.
    static let windowOverlap = 1 << 20
    /// How much further a window reads on, past ``windowOverlap``, to finish a base64 or hex run
    /// or a zlib stream that starts in it (one that goes on further still is a finding).
    static let windowCarry = 32 << 20
    /// How far before the end of the window before a text region that crosses into a window is
    /// taken up again (a value in markup or escapes shorter than this is seen whole in one).
    static let windowResume = 64 << 10
    /// How deep and how much one window's decoders go: 64 times its bytes, at most 256 MiB.
    static let windowLimits = Decoding.Limits(ceiling: 256 << 20)

    /// One file's whole search, in one read: its bytes (streamed), its decoded runs, and every
    /// source ``Decoding/expand(_:display:limits:visit:)`` derives from it, searched in batches.
    /// A file of up to ``windowSize`` plus ``windowOverlap`` is held whole (its decoded runs
    /// searched when up to ``decodeLimit``), and so is one of up to ``deepLimit`` that starts with
    /// an archive's or a SQLite database's magic; a bigger one is decoded a window at a time
    /// (``windowedPass(_:size:scanner:threads:engine:)``). A source of more than two pieces
    /// (``pieceSize``) is decoded on `threads` threads: its runs in pieces (each run decoded by
    /// the piece it starts in, read past the piece's end), the other decoders side by side.
    func pass(_ source: FileSource, size: Int, scanner: LiteralScanner, threads: Int) throws -> FileResult {
        guard case .success(let engine) = engine else { return FileResult() }
        if size > Self.windowSize + Self.windowOverlap, try !Self.holdsContainer(source, size: size) {
            return try windowedPass(source, size: size, scanner: scanner, threads: threads, engine: engine)
        }
        var result = FileResult()
        // The raw bytes, streamed while the file is read once, and their differences.
        let raw = try RawStreams(scanner, engine: engine, differences: differences, pair: pairFilter)
        try raw.begin()
        var held: [UInt8] = []
        held.reserveCapacity(size)
        try source.chunks { chunk in
            try raw.feed(chunk[...], into: &result.found)
            held += chunk
            return true
        }
        let bytes = held
        held = []
        dropUnmasked(&result.found) { $0 < bytes.count ? bytes[$0] : nil }
        result.head = Array(bytes.prefix(Self.joinSpan))
        result.tail = Array(bytes.suffix(Self.joinSpan))
        guard bytes.count <= Self.deepLimit else {
            // It grew past the bound after the folder walk measured it.
            result.issues.append(
                DecodingIssue(display: source.display, reason: "it grew past \(Self.deepLimit) bytes while read"))
            return result
        }
        let count = threads > 1 && bytes.count > 2 * pieceSize ? threads : 1
        let scanners = try [scanner] + (1..<max(1, count)).map { _ in try LiteralScanner(engine.set) }
        // A container held whole (over a window's size) gets a window's budget: what it holds
        // and what it derives stay under 1 GiB together.
        let limits = bytes.count > Self.windowSize + Self.windowOverlap ? Self.windowLimits : .standard
        try decode(
            bytes, display: source.display, window: nil, runs: bytes.count <= Self.decodeLimit, limits: limits,
            scanners: scanners, batches: scanners.map { BatchSearch(engine, $0) }, engine: engine, into: &result)
        return result
    }

    /// A file's raw bytes as the deep pass streams them: through the plain needles and, when
    /// there are difference needles, through their byte differences too (values XORed with one
    /// byte). Both in one pass (``SampledPairStream``) when the search has a pair filter, else
    /// each on its own (``SampledStream``, ``DifferenceScanner``).
    final class RawStreams {
        private enum Streams {
            case paired(SampledPairStream, masked: Engine)
            case apart(SampledStream, masked: (stream: DifferenceScanner, engine: Engine)?)
        }
        private let streams: Streams
        private let engine: Engine

        /// The streams over `scanner` (the plain needles') and a scanner of `differences` of
        /// their own, through `pair` (a filter of both sets) when given.
        init(
            _ scanner: LiteralScanner, engine: Engine, differences: Engine?, pair: SampledPairFilter?
        ) throws(PatternSearchError) {
            self.engine = engine
            if let differences, let pair, pair.plain === engine.set, pair.masked === differences.set {
                let stream = SampledPairStream(
                    plain: scanner, masked: try LiteralScanner(differences.set), filter: pair)
                streams = .paired(stream, masked: differences)
            } else {
                let masks = try differences.map { engine throws(PatternSearchError) in
                    (stream: try DifferenceScanner(engine.set, filter: engine.filter), engine: engine)
                }
                streams = .apart(SampledStream(scanner, filter: engine.filter), masked: masks)
            }
        }

        /// Starts both streams again: offsets count from 0.
        func begin() throws(PatternSearchError) {
            switch streams {
            case .paired(let stream, _):
                stream.begin()
            case .apart(let plain, let masks):
                try plain.begin()
                try masks?.stream.begin()
            }
        }

        /// Feeds the next piece to both streams, each needle's first offset into `found` (a
        /// match's stream offset plus `offset`, the file offset where the stream started).
        func feed(_ bytes: ArraySlice<UInt8>, offset: Int = 0, into found: inout [Int: Int]) throws(PatternSearchError)
        {
            switch streams {
            case .paired(let stream, let masked):
                try stream.feed(bytes)
                let (plainMatches, maskedMatches) = stream.take()
                ShareSearch.note(plainMatches, engine, offset: offset, into: &found)
                ShareSearch.note(maskedMatches, masked, offset: offset, into: &found)
            case .apart(let plain, let masks):
                try plain.feed(bytes)
                ShareSearch.note(plain.take(), engine, offset: offset, into: &found)
                if let masks {
                    try masks.stream.feed(bytes)
                    ShareSearch.note(masks.stream.take(), masks.engine, offset: offset, into: &found)
                }
            }
        }
    }

    /// Drops each hit of a difference needle (``Needle/differenceOf``) at whose offset the file
    /// holds the value's own first byte (`byteAt`): the value XORed with 0, the plain value,
    /// which its own needle reports. What stays is a value masked with a byte other than 0.
    func dropUnmasked(_ found: inout [Int: Int], byteAt: (Int) throws -> UInt8?) rethrows {
        for (needle, offset) in found {
            guard let first = needles[needle].differenceOf else { continue }
            if try byteAt(offset) == first { found[needle] = nil }
        }
    }

    /// Whether a file of `size` bytes (up to ``deepLimit``) starts with an archive's or a SQLite
    /// database's magic, and so is read whole.
    private static func holdsContainer(_ source: FileSource, size: Int) throws -> Bool {
        guard size <= deepLimit else { return false }
        let head = try source.bytes(0..<4096)
        return Containers.looksLikeSQLite(head) || Containers.looksLikeArchive(head)
    }

    /// Each literal match's needles, at their first offset (where the match starts, plus
    /// `offset`: where the stream started), into `found`.
    static func note(_ matches: [LiteralMatch], _ engine: Engine, offset: Int = 0, into found: inout [Int: Int]) {
        for match in matches {
            let start = offset + match.end - engine.set.literals[match.literal].count
            for needle in engine.needlesOf[match.literal] where found[needle].map({ start < $0 }) ?? true {
                found[needle] = start
            }
        }
    }

    /// Searches what the decoders derive from `bytes` (a whole file, or one `window` of it),
    /// on as many threads as there are `scanners` (`batches`, one for each scanner, searching
    /// the derived sources, each flushed and its hits taken by the end): its decoded runs (with `runs`), its text
    /// decodings and everything ``Decoding/expand(_:display:limits:threads:piece:top:spent:window:visit:)``
    /// derives. Hits and issues go into `result`; a hit in a decoded run of a window is named
    /// by its file offset (the joined lines' runs by the window's start). `sideTasks` run as
    /// tasks too, the first taken: the next window's read, and this window's raw bytes part by
    /// part, each through a stream of its own, its hits (needle to first offset in the file)
    /// into `found`.
    func decode(
        _ bytes: [UInt8], display: String, window: Decoding.Window?, runs: Bool, limits: Decoding.Limits,
        scanners: [LiteralScanner], batches allBatches: [BatchSearch], engine: Engine, into result: inout FileResult,
        sideTasks: [(_ found: inout [Int: Int]) throws -> Void] = []
    ) throws {
        let count = scanners.count > 1 && bytes.count > 2 * pieceSize ? scanners.count : 1
        // Each task's derived sources in its own slot, read in task order afterwards (the plan,
        // and its copy of the wrapped lines, go once the tasks are done).
        let slots = Locked<[Int: [(String, [UInt8])]]>([:])
        let found = Locked<[Int: Int]>(result.found)
        let failure = Locked<Error?>(nil)
        let tasks: [Decoding.TextPlan.Task]
        // The derived sources' searches, one per thread: the runs that derive nothing
        // (``Decoding/isLeaf(_:)``, most of a dense text's) go into them as the tasks decode them,
        // the other sources once ``Decoding/expand`` derives them. The leaves' bytes are taken
        // from the file's budget first (`spent`: at most 3 in 4 of its bytes, which the budget,
        // 16 MiB or 64 times them at least, always holds).
        let batches = Array(allBatches.prefix(count))
        let spent = Locked(0)
        // The zlib and embedded headers of the held bytes (what ``Decoding/expand`` reads
        // containers from), found in pieces as tasks of their own beside the decoders', not on
        // one thread after them.
        let candidateRanges = stride(from: 0, to: bytes.count, by: pieceSize).map {
            $0..<min(bytes.count, $0 + pieceSize)
        }
        let candidatePieces = Locked<[Int: Decoding.Candidates]>([:])
        do {
            let plan = Decoding.TextPlan(bytes, window: window, threads: count, piece: pieceSize)
            tasks = plan.tasks(piece: pieceSize, runs: runs)
            // The order the tasks are taken in (their outputs are read in task order, whatever
            // it is): the tasks that read the whole source (byte lists over one big text region
            // take longest) first, so that no thread is left with one at the end while the
            // others wait; then the header pieces, then the runs' pieces. Past `tasks`, an index
            // is a piece of `candidateRanges`.
            // Last, `sideTasks` (from `tasks.count` plus the header pieces), first.
            let streamTask = tasks.count + candidateRanges.count
            let order =
                sideTasks.indices.map { streamTask + $0 } + tasks.indices.filter { !tasks[$0].isPiece }
                + candidateRanges.indices.map { tasks.count + $0 } + tasks.indices.filter { tasks[$0].isPiece }
            // One batch per thread, emptied between its tasks and kept: a piece's decoded runs
            // are some 3 times its size, and a new buffer each time costs its pages again.
            let runBatches = (0..<count).map { _ in Locked(DecodedBatch()) }
            WorkQueue.run(count: order.count, threads: count) { thread, position in
                let index = order[position]
                if index >= streamTask {
                    var local: [Int: Int] = [:]
                    do {
                        try sideTasks[index - streamTask](&local)
                    } catch {
                        failure.update { $0 = $0 ?? error }
                        return false
                    }
                    found.update { all in all.merge(local) { min($0, $1) } }
                    return true
                }
                guard index < tasks.count else {
                    let piece = Decoding.Candidates(bytes, in: candidateRanges[index - tasks.count])
                    candidatePieces.update { $0[index - tasks.count] = piece }
                    return true
                }
                var batch = runBatches[thread].update { batch in
                    defer { batch = DecodedBatch() }
                    return batch
                }
                defer {
                    batch.removeAll()
                    runBatches[thread].update { $0 = batch }
                }
                var taken = 0
                var stopped: PatternSearchError?
                let leaf: ((Int, [UInt8]) -> Void)? =
                    limits.depth > 0
                    ? { at, decoded in
                        guard stopped == nil else { return }
                        taken += decoded.count
                        do throws(PatternSearchError) {
                            try batches[thread].addLeaf(parent: display, at: at, decoded)
                        } catch {
                            stopped = error
                        }
                    } : nil
                let out = plan.run(tasks[index], into: &batch, leaf: leaf)
                if taken > 0 { spent.update { $0 += taken } }
                if let stopped {
                    failure.update { $0 = $0 ?? stopped }
                    return false
                }
                if !batch.isEmpty {
                    var local: [[Int: Int]] = [[:]]
                    do throws(PatternSearchError) {
                        try Self.note(scanners[thread], engine, batch, into: &local)
                    } catch {
                        failure.update { $0 = $0 ?? error }
                        return false
                    }
                    if let window {
                        // A run's offset in the window, or 0 for the joined lines: to the file's.
                        let joined = if case .joinedRuns = tasks[index] { true } else { false }
                        local[0] = local[0].mapValues { joined ? window.start : window.origin + $0 }
                    }
                    found.update { all in all.merge(local[0]) { min($0, $1) } }
                }
                if !out.isEmpty { slots.update { $0[index] = out } }
                return true
            }
        }
        if let error = failure.update({ $0 }) { throw error }
        result.found = found.update { $0 }
        // The text decodings in ``Decoding/textDecodings(_:)``'s order.
        let filled = slots.update { $0 }
        let top = tasks.indices.flatMap { filled[$0] ?? [] }
        let pieces = candidatePieces.update { $0 }
        let candidates =
            pieces.count == candidateRanges.count
            ? Decoding.Candidates(joining: candidateRanges.indices.map { pieces[$0]! }) : nil

        result.issues += try Decoding.expand(
            bytes, display: display, limits: limits, threads: count, piece: count > 1 ? pieceSize : 0, top: top,
            spent: spent.update { $0 }, window: window, candidates: candidates
        ) { thread, derived in
            try batches[thread].add(derived)
        }
        // Each thread's last batch searched on its own thread (each batch has its own scanner).
        WorkQueue.run(count: batches.count, threads: count) { _, index in
            do {
                try batches[index].flush()
                return true
            } catch {
                failure.update { $0 = $0 ?? error }
                return false
            }
        }
        if let error = failure.update({ $0 }) { throw error }
        for batch in batches { result.derived += batch.takeHits() }
    }
}
