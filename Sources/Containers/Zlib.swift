internal import CZlib

extension Containers {
    /// Offsets in `bytes` where a zlib stream may start: a deflate header with a 32 KiB window,
    /// no preset dictionary and a valid check (`78 01`, `78 5E`, `78 9C`, `78 DA`), at most `maximum`.
    package static func zlibCandidates(_ bytes: [UInt8], maximum: Int = 256) -> [Int] {
        var out: [Int] = []
        var i = 0
        while i + 2 < bytes.count && out.count < maximum {
            if bytes[i] == 0x78, [0x01, 0x5E, 0x9C, 0xDA].contains(bytes[i + 1]) { out.append(i) }
            i += 1
        }
        return out
    }

    /// Inflates the zlib stream that starts at `offset` (zlib's inflate).
    /// - Returns: what it inflates to, and whether the stream ended cleanly; nil when not a
    ///   single byte comes out (not a zlib stream).
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` when the output would pass `budget`.
    package static func inflateZlib(
        _ bytes: [UInt8], at offset: Int, budget: inout Budget
    ) throws(ContainerError) -> (content: [UInt8], complete: Bool)? {
        guard offset < bytes.count else { return nil }
        var stream = unsafe z_stream()
        guard unsafe inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { unsafe inflateEnd(&stream) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        var exceeded = false
        unsafe bytes.withUnsafeBufferPointer { input in
            unsafe stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + offset)
            unsafe stream.avail_in = UInt32(clamping: input.count - offset)
            while status == Z_OK {
                let produced = unsafe chunk.withUnsafeMutableBufferPointer { out -> Int in
                    unsafe stream.next_out = out.baseAddress
                    unsafe stream.avail_out = UInt32(out.count)
                    status = unsafe inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(unsafe stream.avail_out)
                }
                guard budget.take(produced) else {
                    content += chunk.prefix(budget.remaining)
                    _ = budget.take(budget.remaining)
                    exceeded = true
                    return
                }
                content += chunk.prefix(produced)
                if produced == 0 && status == Z_OK { break }
            }
        }
        if exceeded { throw .exceedsBudget(limit: budget.limit) }
        return content.isEmpty ? nil : (content, status == Z_STREAM_END)
    }
}
