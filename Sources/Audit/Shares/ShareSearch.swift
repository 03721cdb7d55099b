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
    private let engine: Result<Engine, PatternSearchError>?

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
    private struct Engine: Sendable {
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
        Decoding.decodeRuns(bytes, into: &batch)
        // Base64 and hex are often wrapped across lines (MIME, PEM, hexdump -p): join the lines and decode again.
        if let unwrapped = Decoding.unwrapped(bytes) {
            Decoding.decodeRuns(unwrapped.bytes, into: &batch, offset: 0, crossing: unwrapped.joins)
        }
        guard !batch.isEmpty else { return found }
        for match in try scanner.matches(in: batch.bytes) {
            let literal = engine.set.literals[match.literal]
            guard let at = batch.offset(of: (match.end - literal.count)..<match.end) else { continue }
            for needle in engine.needlesOf[match.literal] where found[needle].map({ at < $0 }) ?? true {
                found[needle] = at
            }
        }
        return found
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
    /// searched on `workers` threads (all cores by default).
    ///
    /// Symbolic links are not followed; a link, FIFO, socket or device, a folder that
    /// cannot be listed and a file that cannot be read are added to `skipped`. So is
    /// every file when Hyperscan refused the needles (``failure``).
    func scan(
        folder: URL, layout: CeremonyLayout, skipped: inout [String],
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [Hit] {
        let (entries, unlisted) = Self.walk(folder, layout)
        skipped += unlisted
        guard let engine, !entries.isEmpty else { return [] }
        guard case .success(let compiled) = engine else {
            skipped += entries.map(\.display)
            return []
        }
        var items: [Item] = []
        for (index, entry) in entries.enumerated() {
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
        let work = items.sorted { ($0.keep, $0.file, $0.start) < ($1.keep, $1.file, $1.start) }

        let results = Locked<[Int: (found: [Int: Int], failed: Bool)]>([:])
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
                let cost = item.keep > 0 ? min(Self.decodeBudget, entry.size * Self.decodeCost) : 0
                budget.take(cost)
                var found: [Int: Int]?
                if let scanner {
                    let source = FileSource(
                        url: entry.url, display: entry.display, start: item.start, end: item.end,
                        identity: (entry.device, entry.inode))
                    found = try? search(source, scanner, base: item.start, before: item.before, keep: item.keep)
                }
                budget.give(cost)
                results.update { all in
                    var merged = all[item.file] ?? ([:], false)
                    if let found {
                        merged.found.merge(found) { min($0, $1) }
                    } else {
                        merged.failed = true
                    }
                    all[item.file] = merged
                }
            }
        }
        let all = results.update { $0 }
        var hits: [Hit] = []
        for (index, entry) in entries.enumerated() {
            guard let result = all[index] else { continue }
            if result.failed { skipped.append(entry.display) }
            hits += self.hits(result.found, file: entry.display)
        }
        return hits
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

/// A value behind a lock, shared by the workers.
private final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
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
