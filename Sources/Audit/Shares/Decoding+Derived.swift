import Containers
import Foundation
import Synchronization

/// One file's expansion, shared by the threads that expand it: the budget, the issues, whether
/// the budget ran out. Containers decode with the lock held (they take from the budget as they go).
final class ExpansionState: @unchecked Sendable {
    private let lock = NSLock()
    private var budget: Budget
    private var found: [DecodingIssue] = []
    /// Read for every source, by every thread: an atomic, not the lock.
    private let ran = Atomic<Bool>(false)

    init(_ budget: Budget) { self.budget = budget }

    var limit: Int { budget.limit }
    var exhausted: Bool { ran.load(ordering: .acquiring) }
    var issues: [DecodingIssue] { lock.withLock { found } }

    func take(_ count: Int) -> Bool { lock.withLock { budget.take(count) } }

    func withBudget(_ body: (inout Budget) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        try body(&budget)
    }

    /// Records why `display` was decoded only in part (the rest of it still is).
    func note(_ display: String, _ reason: String) {
        lock.withLock { found.append(DecodingIssue(display: display, reason: reason)) }
    }

    /// Records why `display` stopped; a budget passed stops every further decoding of the file.
    func stop(_ display: String, _ error: Error) {
        lock.withLock {
            if case ContainerError.exceedsBudget = error { ran.store(true, ordering: .releasing) }
            found.append(DecodingIssue(display: display, reason: "\(error)"))
        }
    }
}

/// Bytes derived from a file: a container member, a table, or a decoded run.
struct Derived: Sendable {
    /// What it was derived from (`outer`) and its own step (`inner`): ``display`` is built from
    /// them only when asked for (a hit, an issue, a child), not for each of a file's thousands
    /// of decoded runs.
    let parent: String
    let name: String
    let bytes: [UInt8]
    /// How many steps from the file (1 for what the file itself holds).
    let depth: Int
    /// Its runs, text regions and wrapped stretches (``Decoding/TextPlan``), read once for
    /// both its own search and its decoding.
    let plan: Decoding.TextPlan

    /// Where it came from, relative to the ceremony folder: `outer!inner`, one `!` per step.
    var display: String { "\(parent)!\(name)" }

    /// `bytes` derived from `parent` as its `name`, `depth` steps from the file; its plan read
    /// on `threads` threads in pieces of `piece` bytes when it holds more than two.
    init(parent: String, name: String, bytes: [UInt8], depth: Int, threads: Int = 1, piece: Int = 0) {
        self.parent = parent
        self.name = name
        self.bytes = bytes
        self.depth = depth
        plan = Decoding.TextPlan(bytes, threads: threads, piece: piece)
    }
}

extension Derived: ByteSource {
    /// The bytes in pieces of 1 MiB.
    func chunks(_ body: ([UInt8]) throws -> Bool) throws {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + (1 << 20))
            guard try body(Array(bytes[start..<end])) else { return }
            start = end
        }
    }
}

/// Why a file could not be decoded to its end: a finding, never a silent stop.
struct DecodingIssue: Sendable, Equatable {
    /// The source that stopped (a file, or `outer!inner`).
    let display: String
    let reason: String
}

extension Decoding {
    /// Where a source's zlib streams and embedded archives may start
    /// (``Containers/zlibCandidates(_:in:)``, ``Containers/embeddedCandidates(_:in:)``), found
    /// in pieces on several threads beside the source's other decoders, for
    /// ``expand(_:display:limits:threads:piece:top:spent:window:candidates:visit:)``.
    struct Candidates: Sendable {
        var zlib: [Int] = []
        var embedded: [Int] = []

        /// The candidates that start in `range` of `bytes`.
        init(_ bytes: [UInt8], in range: Range<Int>) {
            (zlib, embedded) = Containers.headerCandidates(bytes, in: range)
        }

        /// The candidates of consecutive ranges, in order: those of the ranges together.
        init(joining pieces: [Candidates]) {
            zlib = pieces.flatMap(\.zlib)
            embedded = pieces.flatMap(\.embedded)
        }
    }

    /// How deep and how much the decoders go for one file.
    struct Limits: Sendable {
        /// Steps of nesting below the file (a member of a member of ... counts one each).
        var depth = 4
        /// Output allowed per input byte, over every derived source of the file together.
        var ratio = 64
        /// Output always allowed, however small the file (a small honest archive may expand well).
        var floor = 16 << 20
        /// Output never allowed beyond, however large the file (with what the file itself holds,
        /// this keeps one file's search under 1 GiB of memory).
        var ceiling = 512 << 20
        /// The largest source ``Decoding/expand(source:limits:visit:)`` takes into memory to decode.
        var source = 256 << 20

        static let standard = Limits()

        /// The output allowed for a file of `count` bytes: `ratio` × `count`, within `floor` and `ceiling`.
        func budget(forInput count: Int) -> Budget {
            Budget(limit: min(ceiling, max(floor, count.multipliedReportingOverflow(by: ratio).partialValue)))
        }
    }

    /// Visits every source derived from `bytes` (the content of the file shown as `display`),
    /// depth first, each at most once per step:
    /// - archives and compressed streams (libarchive: gzip, bzip2, xz, lzma, zstd, lz4, zip,
    ///   7z, tar, cpio, ar), raw zlib streams (zlib), a raw deflate stream at
    ///   a source's start (``Containers/rawDeflate(_:budget:)``), and SQLite databases (every table's cells,
    ///   text as UTF-8 whatever the database's encoding);
    /// - base64 and hex runs (decoded from their first character, lines joined), decimal and `0x`
    ///   byte lists, `xxd` and `hexdump` dumps, the text of XML, SVG and HTML (tags and white
    ///   space removed, entities decoded), JSON and C escapes, and UTF-16 and UTF-32 text.
    ///
    /// Each derived source is decoded again, up to `limits.depth` steps below the file.
    /// - Returns: the reasons decoding stopped short: a budget passed (a decompression bomb),
    ///   or a container that cannot be read (damaged, encrypted). The caller reports each.
    static func expand(
        _ bytes: [UInt8], display: String, limits: Limits = .standard, visit: (Derived) throws -> Void
    ) throws -> [DecodingIssue] {
        try expand(bytes, display: display, limits: limits, threads: 1) { _, derived in try visit(derived) }
    }

    /// ``expand(_:display:limits:visit:)`` on `threads` threads: the file's own sources
    /// (`top`, when given, is ``textDecodings(_:)`` of `bytes`, computed beforehand) are
    /// shared out, each searched (`visit`, with the thread's index) and expanded on one thread; a
    /// derived source of more than two `piece`s (when not 0) is decoded on every thread itself.
    /// The budget is one for the whole file, taken in turn; which source stops first when it
    /// runs out may differ between runs, that it ran out does not. With `window`, `bytes` is one
    /// window of a big file: its zlib streams are those that start in the window's own range,
    /// named by file offset, and archives and SQLite are read in the first window only.
    /// `spent` is what the caller derived from `bytes` and searched itself (the decoded runs
    /// that derive nothing), taken from the budget first. `candidates`, when given, are
    /// `bytes`' zlib and embedded headers, found beforehand (``Candidates``).
    static func expand(
        _ bytes: [UInt8], display: String, limits: Limits = .standard, threads: Int, piece: Int = 0,
        top: [(String, [UInt8])]? = nil, spent: Int = 0, window: Window? = nil, candidates: Candidates? = nil,
        visit: (_ thread: Int, Derived) throws -> Void
    ) throws -> [DecodingIssue] {
        let state = ExpansionState(limits.budget(forInput: bytes.count))
        if spent > 0 && !state.take(spent) { state.stop(display, ContainerError.exceedsBudget(limit: state.limit)) }
        // The sources derived from `bytes` at `depth`, their budget taken (containers first, then text).
        func children(
            _ bytes: [UInt8], _ display: @autoclosure () -> String, _ depth: Int, text: [(String, [UInt8])]?,
            plan: TextPlan? = nil, window: Window? = nil, found: Candidates? = nil
        ) -> [(
            String, [UInt8]
        )] {
            guard depth < limits.depth, !state.exhausted else { return [] }
            var children: [(String, [UInt8])] = []
            // An empty source derives nothing and is not searched.
            func add(_ name: String, _ content: [UInt8]) { if !content.isEmpty { children.append((name, content)) } }
            // Whether there is a container at all is asked without the lock (most sources hold none).
            let magic = window?.containers ?? true
            let sqlite = magic && Containers.looksLikeSQLite(bytes)
            let archive = magic && !sqlite && Containers.looksLikeArchive(bytes)
            var zlib = found?.zlib ?? Containers.zlibCandidates(bytes)
            // Not inside what an embedded header gave: random bytes hold such headers by chance,
            // and what one of them inflates to must not lead to another (the name is built
            // only for a source that holds one).
            var embedded = found?.embedded ?? Containers.embeddedCandidates(bytes)
            if !embedded.isEmpty && display().contains("!archive@") { embedded = [] }
            if let window {
                zlib = zlib.filter { window.own.contains($0) }
                embedded = embedded.filter { window.own.contains($0) }
            }
            let origin = window?.origin ?? 0
            if sqlite || archive || !zlib.isEmpty || !embedded.isEmpty {
                var cutStreams: [String] = []
                var unrecognised = false
                do {
                    try state.withBudget { budget in
                        if sqlite {
                            try Containers.sqliteTables(bytes, budget: &budget) { add($0, $1) }
                        } else if archive {
                            let read = try Containers.archiveMembers(bytes, budget: &budget) { add($0, $1) }
                            // The file itself (not a decoded run, where two bytes of magic come by chance).
                            unrecognised = !read && depth == 0
                        }
                        try Containers.embeddedArchives(bytes, at: embedded, budget: &budget) { offset, path, content in
                            add("archive@\(origin + offset)!\(path)", content)
                        }
                        let cut = try Containers.zlibStreams(bytes, at: zlib, budget: &budget, more: window?.more) {
                            add("zlib@\(origin + $0)", $1)
                        }
                        cutStreams = cut.compactMap { window?.cutStream(at: $0.offset, read: $0.read) }
                        if unrecognised {
                            throw ContainerError.unreadable(
                                "it starts like an archive or a compressed stream, but no reader recognises it")
                        }
                    }
                } catch {
                    state.stop(display(), error)
                }
                for reason in cutStreams { state.note(display(), reason) }
            }
            // A raw deflate stream has no magic: it is tried where a file or a decoded source starts
            // (in a big file's first window), unless a container or a zlib stream starts there.
            if magic && !sqlite && !archive && zlib.first != 0 {
                do {
                    try state.withBudget { budget in
                        if let inflated = try Containers.rawDeflate(bytes, budget: &budget) {
                            add("deflate@\(origin)", inflated)
                        }
                    }
                } catch {
                    state.stop(display(), error)
                }
            }
            // A big derived source is decoded on every thread too (its siblings may be done long before).
            let decoded =
                text
                ?? textDecodings(
                    plan ?? TextPlan(bytes, threads: threads, piece: piece), threads: threads, piece: piece)
            // All of them at once when the budget holds them (a file's thousands of decoded
            // runs, one take), else one by one up to the one that passes it, as before.
            if !decoded.isEmpty && !state.exhausted && state.take(decoded.reduce(0) { $0 + $1.1.count }) {
                for (name, content) in decoded { add(name, content) }
                return children
            }
            for (name, content) in decoded {
                guard !state.exhausted else { break }
                guard state.take(content.count) else {
                    state.stop(display(), ContainerError.exceedsBudget(limit: state.limit))
                    break
                }
                add(name, content)
            }
            return children
        }
        func derived(_ name: String, _ content: [UInt8], under display: String, _ depth: Int) -> Derived {
            Derived(parent: display, name: name, bytes: content, depth: depth, threads: threads, piece: piece)
        }
        func derive(_ source: Derived, _ thread: Int) throws {
            let found = children(source.bytes, source.display, source.depth, text: nil, plan: source.plan)
            guard !found.isEmpty else { return }
            let shown = source.display
            for (name, content) in found {
                let child = derived(name, content, under: shown, source.depth + 1)
                try visit(thread, child)
                try derive(child, thread)
            }
        }
        let first = children(bytes, display, 0, text: top, window: window, found: candidates)
        if threads <= 1 || first.count < 2 {
            for (name, content) in first {
                let child = derived(name, content, under: display, 1)
                try visit(0, child)
                try derive(child, 0)
            }
            return state.issues
        }
        // The file's own sources in turn to whichever thread is free, a few at a time; each
        // thread visits only its own sources (`visit` keeps one batch per thread).
        let failure = Locked<Error?>(nil)
        let step = max(1, min(256, first.count / (threads * 8)))
        WorkQueue.run(count: (first.count + step - 1) / step, threads: threads) { thread, chunk in
            do {
                for (name, content) in first[(chunk * step)..<min(first.count, (chunk + 1) * step)] {
                    let child = derived(name, content, under: display, 1)
                    try visit(thread, child)
                    try derive(child, thread)
                }
                return true
            } catch {
                failure.update { $0 = $0 ?? error }
                return false
            }
        }
        if let error = failure.update({ $0 }) { throw error }
        return state.issues
    }

    /// ``expand(_:display:limits:visit:)`` for a streamed source (what a streaming search
    /// calls after it has searched `source` itself, handing each derived source back to its
    /// `scan(source:)`). The source is read into memory, up to `limits.source` bytes: a larger
    /// one is searched as bytes only, and that is an issue too.
    static func expand(
        source: ByteSource, limits: Limits = .standard, visit: (ByteSource) throws -> Void
    ) throws -> [DecodingIssue] {
        var bytes: [UInt8] = []
        var tooLarge = false
        try source.chunks { chunk in
            guard bytes.count + chunk.count <= limits.source else {
                tooLarge = true
                return false
            }
            bytes += chunk
            return true
        }
        if tooLarge {
            return [
                DecodingIssue(
                    display: source.display,
                    reason: "it is larger than \(limits.source) bytes: searched as bytes, not decoded")
            ]
        }
        return try expand(bytes, display: source.display, limits: limits) { try visit($0) }
    }
}
