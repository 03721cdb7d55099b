import PatternSearch

/// How the text decoders (Decoding+Text.swift) read a source: its text regions, and
/// ``TextPlan``, which reads the source once and cuts its decoding into tasks that run on
/// several threads; ``textDecodings(_:)`` is the same list on one.
///
/// Only what reads as text is decoded as text: the markup, escape, byte-list and dump decoders
/// read a source's ``textRegions(_:minimum:)``, so random bytes (a key, a compressed file, a
/// disk image) cost one pass of the byte-class kernel (``ByteSpans``) and no copy.
extension Decoding {
    // MARK: Text regions

    /// The shortest run of text bytes the text decoders read (``textRegions(_:minimum:)``).
    static let textMinimum = 16

    /// Where `bytes` reads as text: the maximal runs of at least `minimum` bytes that are
    /// printable ASCII, tab, line breaks (`\n`, `\v`, `\f`, `\r`) or well-formed UTF-8 (the
    /// Unicode standard's table: no overlong forms, no surrogates, nothing past U+10FFFF).
    /// A whole text file is one region; in random bytes a region of 16 comes about once in
    /// 6 million bytes.
    static func textRegions(_ bytes: [UInt8], minimum: Int = textMinimum) -> [Range<Int>] {
        var out: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { b in
            _ = ByteSpans.scan(b, kinds: .text, minimum: minimum) { _, span, _ in
                appendTextRegions(b, in: span, minimum: minimum, to: &out)
            }
        }
        return out
    }

    /// The text regions of at least `minimum` bytes inside `span`, one of the kernel's text
    /// spans (``ByteSpans/Kind/text``): the bytes that may be text, where each byte of 80–FF
    /// is now checked as part of a whole well-formed sequence. No sequence crosses a span's
    /// edge, so the regions are those a walk over all of `b` would find.
    static func appendTextRegions(
        _ b: UnsafeBufferPointer<UInt8>, in span: Range<Int>, minimum: Int, to out: inout [Range<Int>]
    ) {
        guard let pointer = b.baseAddress, !span.isEmpty else { return }
        let base = UnsafeRawPointer(pointer)
        let classes = byteClasses
        let end = span.upperBound
        var start = span.lowerBound
        var i = start
        while i < end {
            // Below 80 the kernel's class is exact (a span's ASCII bytes are all text): skip
            // them 8 at a time, down to the bytes of 80–FF that need the checks below.
            while i + 8 <= end && base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < end else { break }
            let c = b[i]
            if classes[Int(c)] & textBit != 0 {
                i += 1
                continue
            }
            let length = c >= 0xC2 ? utf8Length(b, at: i, end: end) : 0
            if length > 0 {
                i += length
                continue
            }
            if i - start >= minimum { out.append(start..<i) }
            i += 1
            start = i
        }
        if end - start >= minimum { out.append(start..<end) }
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `i` that ends by `end`, or 0.
    @inline(__always)
    private static func utf8Length(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Int {
        let lead = b[i]
        // The second byte's range depends on the lead (Unicode's Table 3-7); later ones are 80–BF.
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return 0
        }
        guard i + length <= end, b[i + 1] >= low, b[i + 1] <= high else { return 0 }
        for k in (i + 2)..<(i + length) where b[k] & 0xC0 != 0x80 { return 0 }
        return length
    }

    // MARK: One source's plan

    /// One source's text decoding, cut into tasks (``tasks(piece:runs:)``) that may run on
    /// several threads, each giving its derived sources (``run(_:into:)``); the tasks'
    /// outputs read in task order are ``textDecodings(_:)``.
    ///
    /// The plan reads the source once, with the byte-class kernel (``ByteSpans``): its text
    /// regions, its wrapped stretches and its base64 runs, which the tasks then decode
    /// without reading the source again. A big source is read in pieces on several threads.
    struct TextPlan: Sendable {
        enum Task: Sendable {
            /// The base64 and hex runs that start in the range, at every alignment, into a batch.
            case runs(Range<Int>)
            /// The same for the runs that line breaks cut (``Decoding/unwrapped(_:)``).
            case joinedRuns(Range<Int>)
            /// The runs that start in the range decoded from their first character, as sources.
            case primary(Range<Int>)
            case primaryJoined(Range<Int>)
            case byteLists, hexDumps, hexPairs, escapedRuns, markup, unescaped, transcoded, uuencoded, base85,
                softBreaks, octalDumps, charDumps, wordDumps

            /// Whether the task reads one piece of the runs (the others each read the whole source).
            var isPiece: Bool {
                switch self {
                case .runs, .joinedRuns, .primary, .primaryJoined: true
                case .byteLists, .hexDumps, .hexPairs, .escapedRuns, .markup, .unescaped, .transcoded, .uuencoded,
                    .base85, .softBreaks, .octalDumps, .charDumps, .wordDumps:
                    false
                }
            }
        }

        /// A run of 16 or more base64-alphabet bytes, and whether every byte is a hex digit.
        struct Run: Sendable, Equatable {
            let range: Range<Int>
            let allHex: Bool
        }

        let bytes: [UInt8]
        /// The text regions decoded: with a window, those that start in its own range, and the
        /// rest of one that goes on from the window before, from the window's `resume`.
        let regions: [Range<Int>]
        let joined: Unwrapped?
        /// The base64 runs of 16 bytes or more, ascending.
        let runs: [Run]
        /// The window of a big file that `bytes` is, or nil for a whole source.
        let window: Window?

        /// What one piece's read finds: its spans, its wrapped stretches joined (their line
        /// breaks counted from the piece's start), and the line breaks in it.
        private struct Piece {
            var regions: [Range<Int>] = []
            var wrapped = UnwrappedBuilder()
            var runs: [Run] = []
            var lines = 0
        }

        /// The plan of `bytes` (or of one `window` of a big file): its text regions, wrapped
        /// stretches and base64 runs, found in one pass; on `threads` threads in pieces of
        /// `piece` bytes when it holds more than two.
        init(_ bytes: [UInt8], window: Window? = nil, threads: Int = 1, piece: Int = 0) {
            self.bytes = bytes
            self.window = window
            let split = threads > 1 && piece > 0 && bytes.count > 2 * piece
            func read(_ range: Range<Int>) -> Piece {
                var piece = Piece()
                bytes.withUnsafeBufferPointer { b in
                    piece.lines = ByteSpans.scan(b, kinds: .all, minimum: Decoding.textMinimum, in: range) {
                        kind, span, extra in
                        switch kind {
                        case .text:
                            Decoding.appendTextRegions(b, in: span, minimum: Decoding.textMinimum, to: &piece.regions)
                        case .wrapped: piece.wrapped.add(b, span: span, breaksBefore: extra)
                        case .base64: piece.runs.append(Run(range: span, allHex: extra != 0))
                        }
                    }
                }
                return piece
            }
            // One piece (every small derived source, thousands per file): no piece list to build.
            guard split else {
                let piece = read(0..<bytes.count)
                self.regions = window.map { Self.clip(piece.regions, to: $0) } ?? piece.regions
                runs = piece.runs
                joined = piece.wrapped.result
                return
            }
            let ranges = stride(from: 0, to: bytes.count, by: piece).map { $0..<min(bytes.count, $0 + piece) }
            let slots = Locked<[Int: Piece]>([:])
            WorkQueue.run(count: ranges.count, threads: threads) { _, index in
                let piece = read(ranges[index])
                slots.update { $0[index] = piece }
                return true
            }
            let filled = slots.update { $0 }
            let pieces = ranges.indices.map { filled[$0] ?? Piece() }
            // A wrapped stretch's line breaks count from the start of the source: the pieces' in
            // turn (each piece's stretches were joined on its own thread).
            var builder = UnwrappedBuilder()
            var lines = 0
            for piece in pieces {
                builder.append(piece.wrapped, linesBefore: lines)
                lines += piece.lines
            }
            let regions = pieces.flatMap(\.regions)
            self.regions = window.map { Self.clip(regions, to: $0) } ?? regions
            runs = pieces.flatMap(\.runs)
            joined = builder.result
        }

        /// The `regions` a `window` decodes: those that start in its own range, and the rest of
        /// one that goes on from the window before, from the window's `resume`.
        private static func clip(_ regions: [Range<Int>], to window: Window) -> [Range<Int>] {
            regions.compactMap { region in
                if window.own.contains(region.lowerBound) { return region }
                guard region.lowerBound < window.own.lowerBound, region.upperBound > window.resume else {
                    return nil
                }
                return window.resume..<region.upperBound
            }
        }

        /// Whether any decoder has anything to read but the UTF-16 and UTF-32 check: no text
        /// region, no wrapped stretch, no base64 run of 24 or more (most decoded keys, random bytes).
        var isBare: Bool { regions.isEmpty && joined == nil && !runs.contains { $0.range.count >= 24 } }

        /// The runs that start in `range`.
        private func runs(startingIn range: Range<Int>) -> ArraySlice<Run> {
            var low = 0
            var high = runs.count
            while low < high {
                let mid = (low + high) / 2
                if runs[mid].range.lowerBound < range.lowerBound { low = mid + 1 } else { high = mid }
            }
            var end = low
            while end < runs.count && runs[end].range.lowerBound < range.upperBound { end += 1 }
            return runs[low..<end]
        }

        /// The tasks, the runs cut in pieces of `piece` bytes (of the window's own range only);
        /// with `runs`, the batch tasks first.
        func tasks(piece: Int, runs: Bool) -> [Task] {
            func pieces(_ range: Range<Int>) -> [Range<Int>] {
                stride(from: range.lowerBound, to: range.upperBound, by: max(1, piece)).map {
                    $0..<min(range.upperBound, $0 + max(1, piece))
                }
            }
            let own = window?.own ?? 0..<bytes.count
            let joinedAll = 0..<(joined?.bytes.count ?? 0)
            var tasks: [Task] = []
            if runs { tasks += pieces(own).map(Task.runs) + pieces(joinedAll).map(Task.joinedRuns) }
            tasks += pieces(own).map(Task.primary) + pieces(joinedAll).map(Task.primaryJoined)
            return tasks + [
                .byteLists, .hexDumps, .hexPairs, .escapedRuns, .markup, .unescaped, .transcoded, .uuencoded, .base85,
                .softBreaks, .octalDumps, .charDumps, .wordDumps,
            ]
        }

        /// A derived source's name: a file offset for those named by one (`decoded@N`), and in a
        /// window the window's start for the others (`text@N`, `unwrapped@N+M`).
        private func named(_ name: String, at offset: Int? = nil) -> String {
            if let offset { return "\(name)@\((window?.origin ?? 0) + offset)" }
            return window.map { "\(name)@\($0.start)" } ?? name
        }

        /// What `task` derives, each named; a batch task appends to `batch` instead. With
        /// `leaf`, a run decoded from its first character that derives nothing
        /// (``Decoding/isLeaf(_:)``) is handed to it (its name's file offset and its bytes,
        /// whose buffer is reused after) instead of being returned as a source of its own.
        func run(
            _ task: Task, into batch: inout DecodedBatch, leaf: ((_ at: Int, _ bytes: [UInt8]) -> Void)? = nil
        ) -> [(String, [UInt8])] {
            switch task {
            case .runs(let range):
                for run in runs(startingIn: range) {
                    Decoding.appendRunDecodings(
                        bytes[run.range], allHex: run.allHex, at: run.range.lowerBound, into: &batch)
                }
                return []
            case .joinedRuns(let range):
                guard let joined else { return [] }
                Decoding.decodeRuns(joined.bytes, into: &batch, offset: 0, crossing: joined.joins, in: range)
                return []
            case .primary(let range):
                // Each run into one reused buffer: a leaf is handed on from there, any other
                // run kept as a source of its own (no batch to copy them out of).
                var out: [(String, [UInt8])] = []
                var decoded: [UInt8] = []
                // What else a run may hold (odd hex, other base64 alignments): never a leaf.
                var alternatives = DecodedBatch()
                for run in runs(startingIn: range) where run.range.count >= 24 {
                    alternatives.removeAll()
                    Decoding.appendAlternatives(
                        bytes[run.range], allHex: run.allHex, at: run.range.lowerBound, into: &alternatives)
                    if !alternatives.isEmpty {
                        for (at, content) in alternatives.runs { out.append((named("decoded", at: at), content)) }
                    }
                    decoded.removeAll(keepingCapacity: true)
                    guard Decoding.appendPrimaryBytes(bytes[run.range], allHex: run.allHex, to: &decoded),
                        !decoded.isEmpty
                    else { continue }
                    if let leaf, Decoding.isLeaf(decoded) {
                        leaf((window?.origin ?? 0) + run.range.lowerBound, decoded)
                    } else {
                        out.append((named("decoded", at: run.range.lowerBound), decoded))
                        decoded = []
                    }
                }
                return out
            case .primaryJoined(let range):
                guard let joined else { return [] }
                let prefix = window.map { "\($0.start)+" } ?? ""
                return Decoding.primaryRuns(joined.bytes, crossing: joined.joins, in: range)
                    .filter { $0.1.count >= 48 }.map { ("unwrapped@\(prefix)\(joined.joinedOffset($0.0))", $0.1) }
            case .byteLists:
                return Decoding.byteLists(bytes, regions: regions).map { (named("bytes", at: $0.0), $0.1) }
            case .hexDumps: return Decoding.hexDumps(bytes, regions: regions).map { (named($0.0), $0.1) }
            case .hexPairs:
                return Decoding.hexPairs(bytes, regions: regions).map { (named("pairs", at: $0.0), $0.1) }
            case .escapedRuns:
                return Decoding.escapedRuns(bytes, regions: regions).map { (named("escaped", at: $0.0), $0.1) }
            case .markup: return Decoding.markupText(bytes, regions: regions).map { [(named("text"), $0)] } ?? []
            case .unescaped:
                return Decoding.unescaped(bytes, regions: regions).map { [(named("unescaped"), $0)] } ?? []
            case .transcoded: return Decoding.transcoded(bytes).map { [(named($0.0), $0.1)] } ?? []
            case .uuencoded:
                return Decoding.uuencoded(bytes, regions: regions).map { (named("uu", at: $0.0), $0.1) }
            case .base85:
                return Decoding.base85Runs(bytes, regions: regions).map { (named($0.0, at: $0.1), $0.2) }
            case .softBreaks:
                return Decoding.softBrokenLines(bytes, regions: regions).map { (named("qp", at: $0.0), $0.1) }
            case .octalDumps:
                return Decoding.octalDumps(bytes, regions: regions).map {
                    (named($0.bigEndian ? "od-be" : "od", at: $0.at), $0.bytes)
                }
            case .charDumps:
                return Decoding.charDumps(bytes, regions: regions).map { (named("od-c", at: $0.at), $0.bytes) }
            case .wordDumps:
                return Decoding.wordDumps(bytes, regions: regions).map {
                    (named($0.bigEndian ? "od-words-be" : "od-words", at: $0.at), $0.bytes)
                }
            }
        }
    }

    /// The text decoders' output for one source, each named for its decoder (and offset).
    static func textDecodings(_ bytes: [UInt8]) -> [(String, [UInt8])] { textDecodings(TextPlan(bytes)) }

    /// ``textDecodings(_:)`` of the source `plan` was made for.
    static func textDecodings(_ plan: TextPlan) -> [(String, [UInt8])] {
        // Most derived sources (a decoded key, random bytes) give nothing but may be UTF-16.
        if plan.isBare && plan.window == nil { return transcoded(plan.bytes).map { [$0] } ?? [] }
        var none = DecodedBatch()
        return plan.tasks(piece: plan.bytes.count, runs: false).flatMap { plan.run($0, into: &none) }
    }

    /// ``textDecodings(_:)`` on `threads` threads when `bytes` holds more than two pieces: the
    /// runs of the bytes and of their joined lines piece by piece (each run by the piece it
    /// starts in), the other decoders side by side; the same list, in the same order.
    static func textDecodings(_ bytes: [UInt8], threads: Int, piece: Int) -> [(String, [UInt8])] {
        textDecodings(TextPlan(bytes, threads: threads, piece: piece), threads: threads, piece: piece)
    }

    /// ``textDecodings(_:threads:piece:)`` of the source `plan` was made for.
    static func textDecodings(_ plan: TextPlan, threads: Int, piece: Int) -> [(String, [UInt8])] {
        guard threads > 1, piece > 0, plan.bytes.count > 2 * piece else { return textDecodings(plan) }
        let tasks = plan.tasks(piece: piece, runs: false)
        let slots = Locked<[Int: [(String, [UInt8])]]>([:])
        WorkQueue.run(count: tasks.count, threads: threads) { _, index in
            var none = DecodedBatch()
            let out = plan.run(tasks[index], into: &none)
            if !out.isEmpty { slots.update { $0[index] = out } }
            return true
        }
        let filled = slots.update { $0 }
        return tasks.indices.flatMap { filled[$0] ?? [] }
    }
}
