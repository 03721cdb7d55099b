import BIP38
import Ceremony
import CryptoCore
import Foundation
import PatternSearch

#if canImport(Glibc)
import Glibc
#endif

/// Finds card secrets in files, in any encoding it can recognise: raw bytes,
/// hex (either case), base64, text (inside JSON, logs, SQLite pages), and
/// values nested in base64 or hex runs, which it decodes and searches again.
///
/// Every needle is a literal of one Hyperscan database (`PatternSearch`), searched
/// in one streaming pass: a file is read in chunks of ``FileSource/chunkSize`` with
/// no size limit, and a needle split across two chunks is found through the stream
/// state. A file over ``decodeLimit`` is cut into ranges of ``rangeSize`` (each read
/// with the longest needle's length of overlap), so one big file also uses every core.
///
/// Decoded runs (``Decoding``) are still searched in memory, for files up to
/// ``decodeLimit`` only, until the decoders stream too; a bigger file is searched raw.
struct ShareSearch: Sendable {
    let needles: [Needle]
    let engine: Result<Engine, PatternSearchError>?
    /// The piece of a big file one thread decodes at a time (lowered by tests).
    var pieceSize = ShareSearch.defaultPieceSize

    /// Files up to this size are also held in memory and searched through their decoded runs.
    static let decodeLimit = 64 << 20
    /// The range of a bigger file one worker searches at a time.
    static let rangeSize = 32 << 20
    /// At most this many bytes of files are held for decoding at once, over all workers.
    static let decodeBudget = 512 << 20
    /// What one held byte costs while its decoded runs are searched (the file, its copy
    /// without line breaks, ``Decoding``'s strings and decoded runs), for the budget.
    /// Measured: 64 MiB of MIME base64 peaks at 9.3 × its size, of one-line base64 at 6.7 ×.
    static let decodeCost = 10

    /// The needles' distinct byte strings, compiled once; a literal's index maps to its needles.
    struct Engine: Sendable {
        let set: LiteralSet
        let needlesOf: [[Int]]
    }

    init(cards: [AuditedCard]) {
        self.init(needles: NeedleForms.needles(for: cards))
    }

    init(needles: [Needle]) {
        self.needles = needles
        var literalOf: [[UInt8]: Int] = [:]
        var literals: [[UInt8]] = []
        var needlesOf: [[Int]] = []
        for (index, needle) in needles.enumerated() where !needle.bytes.isEmpty {
            if let literal = literalOf[needle.bytes] {
                needlesOf[literal].append(index)
            } else {
                literalOf[needle.bytes] = literals.count
                literals.append(needle.bytes)
                needlesOf.append([index])
            }
        }
        if literals.isEmpty {
            engine = nil
        } else {
            do throws(PatternSearchError) {
                engine = .success(Engine(set: try LiteralSet(literals), needlesOf: needlesOf))
            } catch { engine = .failure(error) }
        }
    }

    /// Why the search cannot run (Hyperscan refused the needles), or nil.
    var failure: String? {
        if case .failure(let error) = engine { return error.description }
        return nil
    }

    // MARK: One source

    /// Every needle found in `source`, streamed: raw, and through its decoded runs
    /// when it is no bigger than ``decodeLimit``. Each needle is reported once, at
    /// the first offset found (for a decoded run, the offset of the run).
    /// - Throws: what `source` throws, or ``PatternSearchError`` when Hyperscan fails.
    func scan(source: any ByteSource) throws -> [Hit] {
        guard let engine else { return [] }
        let scanner = try LiteralScanner(try engine.get().set)
        let found = try search(source, scanner, base: 0, before: nil, keep: Self.decodeLimit)
        return hits(found, file: source.display)
    }

    /// Needle index to first offset, for one source (or one range of a file starting at `base`).
    /// - Parameters:
    ///   - before: matches starting at or past this file offset are left to the next range;
    ///   - keep: the source is held for decoding while it is no bigger than this (0: never).
    private func search(
        _ source: any ByteSource, _ scanner: LiteralScanner, base: Int, before: Int?, keep: Int
    ) throws -> [Int: Int] {
        guard case .success(let engine) = engine else { return [:] }
        var found: [Int: Int] = [:]
        func note(_ matches: [LiteralMatch], at offset: Int?) {
            for match in matches {
                let start = base + match.end - engine.set.literals[match.literal].count
                if let before, start >= before { continue }
                for needle in engine.needlesOf[match.literal] {
                    let at = offset ?? start
                    if found[needle].map({ at < $0 }) ?? true { found[needle] = at }
                }
            }
        }
        try scanner.begin()
        var held: [UInt8]? = keep > 0 ? [] : nil
        try source.chunks { chunk in
            try scanner.feed(chunk)
            note(scanner.take(), at: nil)
            if held != nil {
                if held!.count + chunk.count > keep { held = nil } else { held!.append(contentsOf: chunk) }
            }
            return true
        }
        guard let bytes = held else { return found }
        // Every decoded run end to end, searched in one call: a match counts inside one run only.
        var batch = DecodedBatch()
        // Base64 and hex are often wrapped across lines (MIME, PEM, hexdump -p): the lines joined are decoded too.
        Decoding.decodeAllRuns(bytes, into: &batch)
        guard !batch.isEmpty else { return found }
        // Every match, not each literal's first: the first may cross two runs' join, and not count.
        var decoded: [[Int: Int]] = [[:]]
        try Self.note(scanner, engine, batch, into: &decoded)
        return found.merging(decoded[0]) { min($0, $1) }
    }

    private func hits(_ found: [Int: Int], file: String) -> [Hit] {
        found.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { needle, offset in
            let n = needles[needle]
            return Hit(serial: n.serial, share: n.share, name: n.name, file: file, offset: offset)
        }
    }

    // MARK: A folder

    /// One piece of work: a whole file, or one range of a big one.
    private struct Item: Sendable {
        let file: Int
        let start: Int
        /// The byte to stop reading before (the range's end plus the overlap), or nil: the end of the file.
        let end: Int?
        /// Matches starting here or later belong to the next range.
        let before: Int?
        /// Bytes to hold for decoding (0: a range or a big file, searched raw only).
        let keep: Int
        /// The whole pass (``pass(_:size:scanner:threads:)``): decoded runs and derived sources.
        var deep = false
    }

    /// A regular file the walk found.
    private struct Entry: Sendable {
        let url: URL
        let display: String
        let device: UInt64
        let inode: UInt64
        let size: Int
    }

    /// Every hit in every regular file below `folder`, with paths relative to `layout`,
    /// searched on `workers` threads (all cores by default): raw, and through decoded runs
    /// for files up to ``decodeLimit``.
    ///
    /// Symbolic links are not followed; a link, FIFO, socket or device, a folder that
    /// cannot be listed and a file that cannot be read are added to `skipped`. So is
    /// every file when Hyperscan refused the needles (``failure``).
    func scan(
        folder: URL, layout: CeremonyLayout, skipped: inout [String],
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [Hit] {
        let result = search(folder: folder, layout: layout, workers: workers, deep: false)
        skipped += result.skipped
        return result.hits
    }

    /// What the audit's search of one folder found (``search(folder:layout:workers:deep:)``).
    struct FolderSearch {
        /// Each file's own hits (its bytes and decoded runs), file by file.
        var hits: [Hit] = []
        /// Hits in derived sources and across neighbouring files that the file's own hits do not
        /// already give (same card and form), each naming its source (`file!member...`, `first + second`).
        var derived: [Hit] = []
        /// Files not searched (unreadable, not regular, or every file when Hyperscan refused the needles).
        var skipped: [String] = []
        /// Sources not decoded to their end: display and reason, in file order.
        var incomplete: [(file: String, reason: String)] = []
    }

    /// The audit's whole search of a folder: with `deep`, every file, whatever its size, is
    /// read once and searched through everything derived from it (``pass(_:size:scanner:threads:)``,
    /// a big file window by window), and each pair of files that follow each other in a folder
    /// (by name) across their join: the last ``joinSpan`` bytes of one and the first of the
    /// next, so a value split over two files is found whole. Without `deep`, a file over
    /// ``decodeLimit`` is searched raw, in ranges.
    func search(
        folder: URL, layout: CeremonyLayout, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        deep: Bool = true
    ) -> FolderSearch {
        var out = FolderSearch()
        let (entries, unlisted) = Self.walk(folder, layout)
        out.skipped += unlisted
        guard let engine, !entries.isEmpty else { return out }
        guard case .success(let compiled) = engine else {
            out.skipped += entries.map(\.display)
            return out
        }
        var items: [Item] = []
        for (index, entry) in entries.enumerated() {
            if deep {
                items.append(Item(file: index, start: 0, end: nil, before: nil, keep: Self.deepLimit, deep: true))
                continue
            }
            if entry.size <= Self.decodeLimit {
                items.append(Item(file: index, start: 0, end: nil, before: nil, keep: Self.decodeLimit))
                continue
            }
            var start = 0
            while start < entry.size {
                let last = start + Self.rangeSize >= entry.size
                let stop = start + Self.rangeSize
                items.append(
                    Item(
                        file: index, start: start, end: last ? nil : stop + compiled.set.longest - 1,
                        before: last ? nil : stop, keep: 0))
                start = stop
            }
        }
        // Big files first, so that their ranges spread over the workers.
        let work = items.sorted {
            ($0.keep, -entries[$0.file].size, $0.file, $0.start) < ($1.keep, -entries[$1.file].size, $1.file, $1.start)
        }

        let results = Locked<[Int: (found: [Int: Int], failed: Bool, pass: FileResult?)]>([:])
        let next = Locked(0)
        let budget = Budget(Self.decodeBudget)
        let threads = max(1, min(workers, work.count))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let scanner = try? LiteralScanner(compiled.set)
            while true {
                let index = next.update { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < work.count else { return }
                let item = work[index]
                let entry = entries[item.file]
                // What the file holds while decoded, and what its decoders may derive from it.
                let derives = item.deep ? Decoding.Limits.standard.budget(forInput: entry.size).limit : 0
                let cost = item.keep > 0 ? min(Self.decodeBudget, entry.size * Self.decodeCost + derives) : 0
                budget.take(cost)
                var found: [Int: Int]?
                var pass: FileResult?
                if let scanner {
                    let source = FileSource(
                        url: entry.url, display: entry.display, start: item.start, end: item.end,
                        identity: (entry.device, entry.inode))
                    if item.deep {
                        pass = try? self.pass(source, size: entry.size, scanner: scanner, threads: workers)
                        found = pass?.found
                    } else {
                        found = try? search(source, scanner, base: item.start, before: item.before, keep: item.keep)
                    }
                }
                budget.give(cost)
                results.update { all in
                    var merged = all[item.file] ?? ([:], false, nil)
                    if let found {
                        merged.found.merge(found) { min($0, $1) }
                        merged.pass = pass
                    } else {
                        merged.failed = true
                    }
                    all[item.file] = merged
                }
            }
        }
        let all = results.update { $0 }
        for (index, entry) in entries.enumerated() {
            guard let result = all[index] else { continue }
            if result.failed { out.skipped.append(entry.display) }
            out.hits += self.hits(result.found, file: entry.display)
        }
        guard deep else { return out }

        // Derived hits, incomplete sources and joins, by folder and then by name.
        let known = Set(out.hits.map { "\($0.serial) \($0.name) \($0.file)" })
        func isNew(_ hit: Hit, files: [String]) -> Bool {
            !files.contains { known.contains("\(hit.serial) \(hit.name) \($0)") }
        }
        let ordered = entries.indices.sorted {
            let a = entries[$0].url
            let b = entries[$1].url
            return (a.deletingLastPathComponent().path, a.lastPathComponent)
                < (b.deletingLastPathComponent().path, b.lastPathComponent)
        }
        var previous: (url: URL, display: String, tail: [UInt8])?
        for index in ordered {
            let entry = entries[index]
            guard let pass = all[index]?.pass, let head = pass.head, let tail = pass.tail else {
                // A file that could not be read is also in `skipped`; its decoded forms stop here.
                let error = CeremonyError.readFailed(path: entry.url.path, reason: "could not be read to its end")
                out.incomplete.append((entry.display, "not searched to its end: \(error.message)"))
                continue
            }
            let derived = pass.derived.sorted {
                ($0.display, $0.offset, $0.needle) < ($1.display, $1.offset, $1.needle)
            }
            for (display, needle, offset) in derived {
                let n = needles[needle]
                let hit = Hit(serial: n.serial, share: n.share, name: n.name, file: display, offset: offset)
                if isNew(hit, files: [entry.display]) { out.derived.append(hit) }
            }
            for issue in pass.issues {
                out.incomplete.append((issue.display, "not searched to its end: \(issue.reason)"))
            }
            if let before = previous, before.url.deletingLastPathComponent() == entry.url.deletingLastPathComponent() {
                let name = "\(before.display) + \(entry.url.lastPathComponent)"
                out.derived += scan(before.tail + head, file: name).filter {
                    isNew($0, files: [before.display, entry.display])
                }
            }
            previous = (entry.url, entry.display, tail)
        }
        return out
    }

    /// The regular files below `folder` (with their identity and size), and what cannot be
    /// searched: links, FIFOs, sockets, devices, folders that cannot be listed.
    private static func walk(_ folder: URL, _ layout: CeremonyLayout) -> ([Entry], [String]) {
        let unlisted = Locked<[String]>([])
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue,
            let enumerator = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: nil, options: [],
                errorHandler: { url, _ in
                    unlisted.update { $0.append(layout.relative(url)) }
                    return true
                })
        else { return ([], []) }
        var entries: [Entry] = []
        var refused: [String] = []
        for case let url as URL in enumerator {
            var info = stat()
            guard lstat(url.path, &info) == 0 else {
                refused.append(layout.relative(url))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if access(url.path, R_OK | X_OK) != 0 { refused.append(layout.relative(url)) }
            case S_IFREG:
                entries.append(
                    Entry(
                        url: url, display: layout.relative(url), device: UInt64(info.st_dev),
                        inode: UInt64(info.st_ino), size: Int(info.st_size)))
            default: refused.append(layout.relative(url))
            }
        }
        var seen = Set<String>()
        return (entries, (unlisted.update { $0 } + refused).filter { seen.insert($0).inserted })
    }
}

/// Bytes the workers may hold for decoding at once: `take` waits until they are free.
private final class Budget: @unchecked Sendable {
    private var free: Int
    private let condition = NSCondition()
    init(_ total: Int) { free = total }
    func take(_ count: Int) {
        guard count > 0 else { return }
        condition.lock()
        while free < count { condition.wait() }
        free -= count
        condition.unlock()
    }
    func give(_ count: Int) {
        guard count > 0 else { return }
        condition.lock()
        free += count
        condition.broadcast()
        condition.unlock()
    }
}

extension ShareSearch {
    /// Every hit in a value held in memory, raw and through its decoded runs.
    func scan(_ bytes: [UInt8], file: String) -> [Hit] {
        // A held source throws only what the engine throws; an engine that cannot run finds nothing here
        // and is reported once for the whole search (``failure``).
        (try? scan(source: HeldBytes(display: file, bytes: bytes))) ?? []
    }
}
