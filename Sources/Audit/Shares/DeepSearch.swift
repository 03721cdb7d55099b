import Ceremony
import Foundation

extension AuditRun {
    /// The deep part of one view's search, beside `ShareSearch`'s own: every source derived
    /// from each file (``Decoding/expand(_:display:limits:visit:)``: container members, tables,
    /// decoded runs, dumps, markup text), and each pair of files that follow each other in a
    /// folder (by name), searched across their join: the last 4 KiB of one and the first 4 KiB
    /// of the next, so a value split over two files is found whole.
    ///
    /// A source that cannot be decoded to its end (a budget passed, a damaged or encrypted
    /// container) is a `high` finding of `check`. Hits that the plain search already made in
    /// the same file (same card and form) are left out.
    /// - Returns: the new hits, each naming its source (`file!member...`, or `first + second`).
    mutating func deepSearch(_ folder: URL, _ check: Check, _ search: ShareSearch, found: [Hit]) -> [Hit] {
        let known = Set(found.map { "\($0.serial) \($0.name) \($0.file)" })
        func isNew(_ hit: Hit, files: [String]) -> Bool {
            !files.contains { known.contains("\(hit.serial) \(hit.name) \($0)") }
        }
        var hits: [Hit] = []
        var previous: (url: URL, display: String, tail: [UInt8])?
        for url in Self.regularFiles(below: folder) {
            let data: Data
            do { data = try BoundedFile.read(url, limit: Self.deepLimit) } catch {
                // The plain search streams every file whole; only the decoded forms stop here.
                findings.append(
                    Finding(
                        check, .high,
                        "not searched to its end: containers and decoded forms are read only in files up to 256 MiB (\(error.message))",
                        file: layout.relative(url)))
                continue
            }
            let bytes = Array(data)
            let display = layout.relative(url)
            // Through the streaming entry point, as a streaming search would call it.
            let file = Derived(display: display, bytes: bytes, depth: 0)
            let issues = try? Decoding.expand(source: file) { derived in
                var content: [UInt8] = []
                try derived.chunks {
                    content += $0
                    return true
                }
                hits += search.scan(content, file: derived.display).filter { isNew($0, files: [display]) }
            }
            for issue in issues ?? [] {
                findings.append(Finding(check, .high, "not searched to its end: \(issue.reason)", file: issue.display))
            }
            if let before = previous, before.url.deletingLastPathComponent() == url.deletingLastPathComponent() {
                let joined = before.tail + bytes.prefix(Self.joinSpan)
                let name = "\(before.display) + \(url.lastPathComponent)"
                hits += search.scan(joined, file: name).filter { isNew($0, files: [before.display, display]) }
            }
            previous = (url, display, Array(bytes.suffix(Self.joinSpan)))
        }
        return hits
    }

    /// The biggest file whose containers and decoded forms are searched (its raw bytes are, whatever its size).
    static let deepLimit = 256 << 20

    /// How much of each side of two neighbouring files the join search reads.
    static let joinSpan = 4096

    /// Every regular file below `folder`, by folder and then by name (a folder's files follow each other).
    static func regularFiles(below folder: URL) -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            files.append(url)
        }
        return files.sorted {
            ($0.deletingLastPathComponent().path, $0.lastPathComponent)
                < ($1.deletingLastPathComponent().path, $1.lastPathComponent)
        }
    }
}
