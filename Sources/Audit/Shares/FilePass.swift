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
        // The raw bytes, streamed while the file is read once.
        try scanner.begin()
        var held: [UInt8] = []
        held.reserveCapacity(size)
        try source.chunks { chunk in
            try scanner.feed(chunk)
            Self.note(scanner.take(), engine, into: &result.found)
            held += chunk
            return true
        }
        let bytes = held
        held = []
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

    /// Whether a file of `size` bytes (up to ``deepLimit``) starts with an archive's or a SQLite
    /// database's magic, and so is read whole.
    private static func holdsContainer(_ source: FileSource, size: Int) throws -> Bool {
        guard size <= deepLimit else { return false }
        let head = try source.bytes(0..<4096)
        return Containers.looksLikeSQLite(head) || Containers.looksLikeArchive(head)
    }

    /// ``pass(_:size:scanner:threads:)`` for a big file: its raw bytes streamed once, in order,
    /// through `scanner`, and its decoded forms one window at a time. Window `k` owns the file's
    /// bytes from `k` × ``windowSize`` for ``windowSize`` bytes, and holds two bytes before them
    /// (so that a run or region that started before is left to the window it started in, and
    /// UTF-16 keeps its alignment) and ``windowOverlap`` after. Each window has its own budget
    /// (``windowLimits``); archives and SQLite are read in the first only.
    private func windowedPass(
        _ source: FileSource, size: Int, scanner: LiteralScanner, threads: Int, engine: Engine
    ) throws -> FileResult {
        var result = FileResult()
        // The decoders' scanners are their own: a big derived source resets a scanner's stream.
        let scanners = try (0..<max(1, threads)).map { _ in try LiteralScanner(engine.set) }
        // The raw bytes' streams, one for each part of a window (``rawParts(_:threads:)``).
        let rawScanners = try [scanner] + (1..<max(1, threads)).map { _ in try LiteralScanner(engine.set) }
        // The last bytes of the window before's own (as many as the longest literal, less one):
        // what the stream of a window's first part is fed first, so that a literal across the
        // edge of two windows is found.
        var carried: [UInt8] = []
        let lookBack = engine.set.longest - 1
        // The derived sources' searches, kept from one window to the next (their buffers' pages
        // are not faulted in again for each window).
        let batches = scanners.map { BatchSearch(engine, $0) }
        var start = 0
        // Two buffers that take turns: the window's, and the next window's, read as one of this
        // window's tasks (beside its decoders, not after them on one thread).
        var bytes: [UInt8] = []
        let ahead = ReadAhead()
        while start < size {
            let origin = max(0, start - 2)
            let range = origin..<min(size, start + Self.windowSize + Self.windowOverlap)
            if try !ahead.take(range, into: &bytes) { try source.read(range, into: &bytes) }
            let first = start - origin
            guard bytes.count > first else { break }
            let own = first..<min(bytes.count, first + Self.windowSize)
            if start == 0 { result.head = Array(bytes.prefix(Self.joinSpan)) }
            if origin + bytes.count >= size || own.upperBound < first + Self.windowSize {
                result.tail = Array(bytes.suffix(Self.joinSpan))
            }
            // A run that starts here and goes on past what the window holds is read on to its
            // end, up to ``windowCarry`` further; one longer still is decoded that far only (what
            // it nests beyond is not): a finding, never a silent cut.
            if origin + bytes.count < size, Self.cutRun(bytes, own: own) != nil {
                try Self.readOn(&bytes, source, origin: origin, size: size)
            }
            if origin + bytes.count < size, let cut = Self.cutRun(bytes, own: own) {
                result.issues.append(
                    DecodingIssue(
                        display: source.display,
                        reason:
                            "the base64 or hex run at offset \(origin + cut) goes on past \(Self.windowOverlap + Self.windowCarry) bytes after its window: decoded that far, the rest searched as bytes only"
                    ))
            }
            // What a zlib stream cut there reads on from: as far as a run is read on, no further.
            let reach = min(size, start + Self.windowSize + Self.windowOverlap + Self.windowCarry)
            let frame = Decoding.Window(
                origin: origin, own: own, size: size, more: Self.more(source, from: origin + bytes.count, to: reach))
            // Each own byte through a raw stream once: the window's own bytes in one part for
            // each thread, each part a stream of its own and one of the window's tasks (beside
            // its decoders, not before them on one thread). A part's stream is fed the bytes
            // before it first, so a literal across two parts' edge is found in the second.
            let held = bytes
            let lead = carried
            let streams = Self.rawParts(own, threads: rawScanners.count).enumerated().map { k, part in
                { (found: inout [Int: Int]) throws -> Void in
                    let scanner = rawScanners[k]
                    let before =
                        part.lowerBound == own.lowerBound
                        ? lead[...] : held[max(own.lowerBound, part.lowerBound - lookBack)..<part.lowerBound]
                    try scanner.begin()
                    try scanner.feed(before)
                    // The stream's offset 0, in the file.
                    let offset = origin + part.lowerBound - before.count
                    var at = part.lowerBound
                    while at < part.upperBound {
                        let next = min(part.upperBound, at + FileSource.chunkSize)
                        try scanner.feed(held[at..<next])
                        Self.note(scanner.take(), engine, offset: offset, into: &found)
                        at = next
                    }
                }
            }
            let next = start + Self.windowSize
            let read: [(inout [Int: Int]) throws -> Void] =
                next < size && own.upperBound == first + Self.windowSize
                ? [{ _ in ahead.read(source, next - 2..<min(size, next + Self.windowSize + Self.windowOverlap)) }] : []
            try decode(
                bytes, display: source.display, window: frame, runs: true, limits: Self.windowLimits,
                scanners: scanners, batches: batches, engine: engine, into: &result, sideTasks: read + streams)
            carried = Array(held[max(own.lowerBound, own.upperBound - lookBack)..<own.upperBound])
            // A file cut short while read ends here (its raw bytes were all fed).
            if own.upperBound < first + Self.windowSize { break }
            start += Self.windowSize
        }
        return result
    }

    /// The next window's bytes, read ahead while a window is decoded.
    private final class ReadAhead {
        private var bytes: [UInt8] = []
        private var range: Range<Int>?
        private var failure: Error?

        /// Reads `range` of `source` (called from one task while the window before is decoded).
        func read(_ source: FileSource, _ range: Range<Int>) {
            do {
                try source.read(range, into: &bytes)
                failure = nil
            } catch {
                failure = error
            }
            self.range = range
        }

        /// Swaps the bytes read ahead for `range` into `window` (whose buffer is read into next);
        /// false when `range` was not read ahead.
        /// - Throws: what the read ahead threw.
        func take(_ range: Range<Int>, into window: inout [UInt8]) throws -> Bool {
            guard self.range == range else { return false }
            self.range = nil
            if let failure { throw failure }
            swap(&bytes, &window)
            return true
        }
    }

    /// A window's `own` bytes in `threads` consecutive parts of about equal size, none under
    /// ``FileSource/chunkSize`` (a smaller window has fewer parts).
    static func rawParts(_ own: Range<Int>, threads: Int) -> [Range<Int>] {
        let count = max(1, min(threads, own.count / FileSource.chunkSize))
        let size = (own.count + count - 1) / count
        return stride(from: own.lowerBound, to: own.upperBound, by: max(1, size)).map {
            $0..<min(own.upperBound, $0 + size)
        }
    }

    /// Reads `source` on from where the window's held `bytes` end (file offset `origin` plus
    /// their count) until the stretch of base64 bytes and line breaks they end in stops, the
    /// file ends, or ``windowCarry`` more bytes are held.
    private static func readOn(_ bytes: inout [UInt8], _ source: FileSource, origin: Int, size: Int) throws {
        let classes = Decoding.byteClasses
        var rest = source
        rest.start = origin + bytes.count
        rest.end = min(size, rest.start + windowCarry)
        try rest.chunks { chunk in
            if let end = chunk.firstIndex(where: { classes[Int($0)] & (1 | Decoding.lineBit) == 0 }) {
                // The byte that ends the run is held too, so the run is seen to end.
                bytes += chunk[...end]
                return false
            }
            bytes += chunk
            return true
        }
    }

    /// The file's bytes from `offset` to `reach`, piece by piece (``FileSource/chunkSize`` each,
    /// then nil): what a zlib stream that a window's held bytes cut reads on from
    /// (``Decoding/Window/more``).
    private static func more(_ source: FileSource, from offset: Int, to reach: Int) -> @Sendable (Int) -> [UInt8]? {
        { piece in
            let start = offset + piece * FileSource.chunkSize
            let end = min(reach, start + FileSource.chunkSize)
            guard start < end else { return nil }
            // A read that fails gives no more input: the stream is then cut, and reported.
            let bytes = (try? source.bytes(start..<end)) ?? []
            return bytes.isEmpty ? nil : bytes
        }
    }

    /// Where the stretch of base64 bytes and line breaks that ends a window's held `bytes`
    /// starts, when it starts in the window's `own` range (so it is this window's, and was cut
    /// where the window stops holding bytes); nil when the held bytes end otherwise.
    static func cutRun(_ bytes: [UInt8], own: Range<Int>) -> Int? {
        let classes = Decoding.byteClasses
        var start = bytes.count
        while start > own.lowerBound && classes[Int(bytes[start - 1])] & (1 | Decoding.lineBit) != 0 { start -= 1 }
        guard start < own.upperBound, start >= own.lowerBound, bytes.count - start >= 24 else { return nil }
        // A run in progress at the window's start belongs to the window before.
        if start == own.lowerBound && start > 0 && classes[Int(bytes[start - 1])] & (1 | Decoding.lineBit) != 0 {
            return nil
        }
        return start
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
    private func decode(
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

extension Decoding {
    /// One window of a big file, decoded on its own (``ShareSearch/windowSize``): the bytes
    /// held start at file offset `origin`; the runs, text regions and zlib streams that start in
    /// `own` (indices into the held bytes) are this window's, each read to the end of what is
    /// held, and the others its neighbours'. A text region that goes on from the window before
    /// (a whole text file is one) is taken up again at `resume`, ``ShareSearch/windowResume``
    /// before the point where that window stopped reading.
    struct Window: Sendable {
        let origin: Int
        let own: Range<Int>
        /// The file's size.
        var size: Int
        /// The file's bytes after those held, piece by piece (0 for the first; nil when there
        /// are no more, or as far as a window reads on): where a zlib stream that starts in
        /// `own` and runs out of held bytes reads on.
        var more: (@Sendable (Int) -> [UInt8]?)?
        /// Where the rest of a text region from the window before is read from.
        var resume: Int { own.lowerBound + ShareSearch.windowOverlap - ShareSearch.windowResume }
        /// Whether archives and SQLite are read here: in the first window only, where their magic is.
        var containers: Bool { origin == 0 }
        /// The file offset `own` starts at: what a window's whole-text sources are named by (`text@N`).
        var start: Int { origin + own.lowerBound }

        /// Why the zlib stream at `offset` (in the held bytes), which read `read` bytes of input
        /// and still wanted more, was cut; nil when it ran to the file's end (all there was).
        func cutStream(at offset: Int, read: Int) -> String? {
            guard origin + offset + read < size else { return nil }
            return
                "the zlib stream at offset \(origin + offset) goes on past \(ShareSearch.windowOverlap + ShareSearch.windowCarry) bytes after its window: inflated that far"
        }
    }
}
