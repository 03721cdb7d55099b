import BIP38
import Ceremony
import CryptoCore
import Foundation
import PatternSearch

#if canImport(Glibc)
import Glibc
#endif

/// The deep search of a folder: the walk (no link followed, every blind spot reported), the
/// work items (a whole file, or a range of a big one searched raw), and the workers that take
/// them, at most ``ShareSearch/decodeBudget`` bytes held for decoding at a time. What one
/// file's pass does is in FilePass.swift; one source held in memory, in ShareSearch.swift.
extension ShareSearch {
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
        // Every readable file's ends, and the neighbours' pairs (indices into `ends`) the join
        // search below reads, for the splits between any two files (``splitsAcross(_:skip:)``).
        var ends: [FileEnds] = []
        var neighbours = Set<[Int]>()
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
                neighbours.insert([ends.count - 1, ends.count])
            }
            previous = (entry.url, entry.display, tail)
            ends.append(FileEnds(display: entry.display, head: head, tail: tail))
        }
        if let reason = Self.splitsUnsearched(ends.count) {
            out.incomplete.append((layout.relative(folder), reason))
        }
        var splits = Set<String>()
        for (hit, files) in splitsAcross(ends, skip: neighbours) {
            // One hit for each needle and pair.
            guard isNew(hit, files: files), splits.insert("\(hit.serial) \(hit.name) \(hit.file)").inserted else {
                continue
            }
            out.derived.append(hit)
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
