import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Finds card secrets in files, in any encoding it can recognise: raw bytes,
/// hex (either case), base64, text (inside JSON, logs, SQLite pages), and
/// values nested in base64 or hex runs, which it decodes and searches again.
struct ShareSearch {
    let needles: [Needle]
    private let window: Int
    private let index: [UInt64: [Int]]

    /// Per-file size limit: larger files are reported, not read.
    static let fileLimit = 256 << 20

    init(cards: [AuditedCard]) {
        self.init(needles: NeedleForms.needles(for: cards))
    }

    init(needles: [Needle]) {
        self.needles = needles
        let shortest = needles.map(\.bytes.count).min() ?? 8
        window = max(1, min(8, shortest))
        var index: [UInt64: [Int]] = [:]
        for (i, needle) in needles.enumerated() { index[Self.key(needle.bytes, 0, window), default: []].append(i) }
        self.index = index
    }

    private static func key(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<width { value = value << 8 | UInt64(bytes[at + i]) }
        return value
    }

    /// Every hit in every regular file below `folder`, with paths relative to `layout`.
    func scan(folder: URL, layout: CeremonyLayout, skipped: inout [String]) -> [Hit] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])
        else { return [] }
        var hits: [Hit] = []
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]),
                values.isRegularFile == true
            else { continue }
            guard let data = try? BoundedFile.read(url, limit: Self.fileLimit) else {
                skipped.append(layout.relative(url))
                continue
            }
            hits += scan(Array(data), file: layout.relative(url))
        }
        return hits
    }

    /// Hits in one blob, searched as it is and through its decoded base64 and hex runs.
    func scan(_ bytes: [UInt8], file: String) -> [Hit] {
        var hits = Set(search(bytes, file: file, offsetBase: 0, mapped: false))
        for (start, decoded) in Decoding.decodedRuns(bytes) {
            for hit in search(decoded, file: file, offsetBase: start, mapped: true) { hits.insert(hit) }
        }
        // Base64 and hex are often wrapped across lines (MIME, PEM, hexdump -p): join the lines and decode again.
        let unwrapped = bytes.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        if unwrapped.count != bytes.count {
            for (_, decoded) in Decoding.decodedRuns(unwrapped) {
                for hit in search(decoded, file: file, offsetBase: 0, mapped: true) { hits.insert(hit) }
            }
        }
        return Array(hits)
    }

    private func search(_ bytes: [UInt8], file: String, offsetBase: Int, mapped: Bool) -> [Hit] {
        guard bytes.count >= window else { return [] }
        var hits: [Hit] = []
        for position in 0...(bytes.count - window) {
            guard let candidates = index[Self.key(bytes, position, window)] else { continue }
            for i in candidates {
                let needle = needles[i]
                guard position + needle.bytes.count <= bytes.count,
                    bytes[position..<(position + needle.bytes.count)].elementsEqual(needle.bytes)
                else { continue }
                hits.append(
                    Hit(
                        serial: needle.serial, share: needle.share, name: needle.name, file: file,
                        offset: mapped ? offsetBase : offsetBase + position))
            }
        }
        return hits
    }
}
