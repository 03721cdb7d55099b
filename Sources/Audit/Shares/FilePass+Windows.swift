import Containers
import Foundation
import PatternSearch

// A big file's pass, a window at a time (FilePass.swift holds one file's pass and the decoding
// of what it holds; this file how a file over a window's size is cut into windows and read).

extension ShareSearch {
    /// ``pass(_:size:scanner:threads:)`` for a big file: its raw bytes streamed once (each
    /// window's in one part per thread, ``rawParts(_:threads:)``), and its decoded forms one
    /// window at a time, the next window read while one is decoded. Window `k` owns the file's
    /// bytes from `k` × ``windowSize`` for ``windowSize`` bytes, and holds two bytes before them
    /// (so that a run or region that started before is left to the window it started in, and
    /// UTF-16 keeps its alignment) and ``windowOverlap`` after. Each window has its own budget
    /// (``windowLimits``); archives and SQLite are read in the first only.
    func windowedPass(
        _ source: FileSource, size: Int, scanner: LiteralScanner, threads: Int, engine: Engine
    ) throws -> FileResult {
        var result = FileResult()
        // The decoders' scanners are their own: a big derived source resets a scanner's stream.
        let scanners = try (0..<max(1, threads)).map { _ in try LiteralScanner(engine.set) }
        // The raw bytes' streams (and their differences'), one for each part of a window (``rawParts(_:threads:)``).
        let rawScanners = try ([scanner] + (1..<max(1, threads)).map { _ in try LiteralScanner(engine.set) }).map {
            try RawStreams($0, engine: engine, differences: differences, pair: pairFilter)
        }
        // The last bytes of the window before's own (`lookBack` of them):
        // what the stream of a window's first part is fed first, so that a literal across the
        // edge of two windows is found.
        var carried: [UInt8] = []
        // A difference needle (one byte shorter than its value) needs as many bytes before as its length.
        let lookBack = max(engine.set.longest - 1, differences?.set.longest ?? 0)
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
                    // The stream's offset 0, in the file.
                    let offset = origin + part.lowerBound - before.count
                    try scanner.begin()
                    try scanner.feed(before, offset: offset, into: &found)
                    var at = part.lowerBound
                    while at < part.upperBound {
                        let next = min(part.upperBound, at + FileSource.chunkSize)
                        try scanner.feed(held[at..<next], offset: offset, into: &found)
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
        try dropUnmasked(&result.found) { try source.bytes($0..<$0 + 1).first }
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
