import Containers
import Foundation

/// What the search decodes out of a file before it looks again.
///
/// ``decodedRuns(_:)`` gives a blob's base64 and hex runs (what `ShareSearch` searches
/// inside every file). ``expand(_:display:limits:visit:)`` goes deeper, in
/// `Decoding+Derived.swift`: containers, dumps, markup, escapes and other text encodings,
/// nested to a bounded depth within a bounded output.
enum Decoding {
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
