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
        var needles: [Needle] = []
        func add(_ serial: Serial, _ share: Share, _ name: String, _ raw: [UInt8], binary: Bool) {
            guard !raw.isEmpty else { return }
            needles.append(Needle(serial: serial, share: share, name: name, bytes: raw))
            let base64 = Array(Data(raw).base64EncodedString().utf8)
            needles.append(
                Needle(
                    serial: serial, share: share, name: "\(name) (base64)",
                    bytes: Array(base64.prefix(max(8, base64.count - 4)))))
            if binary {
                needles.append(Needle(serial: serial, share: share, name: "\(name) (hex)", bytes: Array(raw.hex.utf8)))
                needles.append(
                    Needle(serial: serial, share: share, name: "\(name) (HEX)", bytes: Array(raw.hex.uppercased().utf8))
                )
            }
        }
        for card in cards {
            let s = card.serial
            if let secrets = card.secrets {
                add(s, .one, "passphrase", secrets.passphrase.revealedBytes(), binary: false)
                add(s, .one, "prefactor", secrets.prefactor.revealedBytes(), binary: true)
                add(s, .one, "passfactor", secrets.passfactor.revealedBytes(), binary: true)
                if let key = secrets.privateKey { add(s, .key, "private key", key.revealedBytes(), binary: true) }
                if let wif = secrets.wif { add(s, .key, "WIF", Array(wif.utf8), binary: false) }
            }
            if let seedb = card.seedb ?? card.secrets?.seedb {
                add(s, .two, "seedb", seedb.revealedBytes(), binary: true)
                add(s, .two, "factorb", SHA256.doubleHash(secret: seedb).revealedBytes(), binary: true)
            }
            if let key = card.face?.encryptedKey ?? card.secrets?.encryptedKey {
                add(s, .two, "encrypted key", Array(key.text.utf8), binary: false)
                add(s, .two, "encrypted key (raw)", key.bytes, binary: true)
            }
        }
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
        for (start, decoded) in Self.decodedRuns(bytes) {
            for hit in search(decoded, file: file, offsetBase: start, mapped: true) { hits.insert(hit) }
        }
        // Base64 and hex are often wrapped across lines (MIME, PEM, hexdump -p): join the lines and decode again.
        let unwrapped = bytes.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        if unwrapped.count != bytes.count {
            for (_, decoded) in Self.decodedRuns(unwrapped) {
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

    /// Runs of base64 (16+ characters) and hex (16+ digits) with their decoded bytes.
    static func decodedRuns(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        var runs: [(Int, [UInt8])] = []
        func isBase64(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F
                || b == 0x2D || b == 0x5F
        }
        func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
        }
        var i = 0
        while i < bytes.count {
            guard isBase64(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count && isBase64(bytes[j]) { j += 1 }
            var end = j
            while end < bytes.count && bytes[end] == 0x3D && end - j < 2 { end += 1 }
            let run = Array(bytes[i..<j])
            if run.count >= 16 {
                if run.allSatisfy(isHex), run.count % 2 == 0,
                    let decoded = [UInt8](hexString: String(decoding: run, as: UTF8.self))
                {
                    runs.append((i, decoded))
                }
                for decoded in base64Decodings(run) { runs.append((i, decoded)) }
            }
            i = max(end, j)
        }
        return runs
    }

    /// Standard and URL-safe base64 decodings of a run, trying each alignment.
    private static func base64Decodings(_ run: [UInt8]) -> [[UInt8]] {
        var text = String(decoding: run, as: UTF8.self)
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        var out: [[UInt8]] = []
        for shift in 0..<4 {
            let body = String(text.dropFirst(shift))
            let padded = body + String(repeating: "=", count: (4 - body.count % 4) % 4)
            if let data = Data(base64Encoded: padded) { out.append(Array(data)) }
        }
        return out
    }
}
