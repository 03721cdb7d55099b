import Containers

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
        var i = 0
        while i < bytes.count {
            guard isBase64Byte(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            var allHex = true
            while j < bytes.count && isBase64Byte(bytes[j]) {
                allHex = allHex && isHexByte(bytes[j])
                j += 1
            }
            var end = j
            while end < bytes.count && bytes[end] == 0x3D && end - j < 2 { end += 1 }
            let run = bytes[i..<j]
            if run.count >= 16 {
                if allHex, let decoded = hexBytes(run) { runs.append((i, decoded)) }
                for decoded in base64Decodings(run) { runs.append((i, decoded)) }
            }
            i = max(end, j)
        }
        return runs
    }

    /// Standard and URL-safe base64 decodings of a run, trying each alignment (an
    /// alignment that leaves a lone last character has none).
    private static func base64Decodings(_ run: ArraySlice<UInt8>) -> [[UInt8]] {
        (0..<min(4, run.count)).compactMap { base64Bytes(run.dropFirst($0)) }
    }
}
