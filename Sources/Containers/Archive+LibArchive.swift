internal import CArchive

extension Containers {
    /// Whether `bytes` start like an archive or compressed stream libarchive reads: gzip,
    /// bzip2, xz, lzma, zstd, lz4, zip, 7z, rar, cpio, ar, or tar (its `ustar` mark).
    package static func looksLikeArchive(_ bytes: [UInt8]) -> Bool {
        func starts(_ magic: [UInt8]) -> Bool {
            bytes.count >= magic.count && bytes.prefix(magic.count).elementsEqual(magic)
        }
        if let first = bytes.first, magicFirstBytes[Int(first)], archiveMagics.contains(where: starts) { return true }
        return bytes.count >= 262 && bytes[257..<262].elementsEqual(ustar)
    }

    /// Whether some magic of ``archiveMagics`` starts with the byte: most sources start with
    /// none, and are told apart with one look.
    private static let magicFirstBytes: [Bool] = (0..<256).map { b in archiveMagics.contains { $0.first == UInt8(b) } }

    /// The first bytes of each archive and compressed stream (built once: the deep search asks for
    /// every one of a file's thousands of decoded runs).
    static let archiveMagics: [[UInt8]] = [
        [0x1F, 0x8B], Array("BZh".utf8), [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x5D, 0x00, 0x00],
        [0x28, 0xB5, 0x2F, 0xFD], [0x04, 0x22, 0x4D, 0x18], Array("PK\u{03}\u{04}".utf8),
        Array("PK\u{05}\u{06}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], Array("Rar!".utf8),
        Array("070701".utf8), Array("070707".utf8), Array("!<arch>\n".utf8), [0x1F, 0x9D],
    ]
    static let ustar = Array("ustar".utf8)

    /// Reads `bytes` as an archive or a single compressed stream (libarchive, every filter and
    /// format, and its raw format for a lone stream) and calls `body` with each member's path
    /// and content, in order. A lone stream's member is named `data`. A stream that reads as an
    /// archive without members (zeros read as an empty tar, say) is read again as a lone stream.
    /// - Returns: false when libarchive does not recognise the bytes (nothing was visited).
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` once the members' content would pass
    ///   `budget` (the member read so far is visited first); ``ContainerError/unreadable(_:)``
    ///   when a member cannot be read (encrypted, damaged); or what `body` throws.
    /// With `from`, the bytes from that offset on are read (no copy).
    package static func archiveMembers(
        _ bytes: [UInt8], from start: Int = 0, budget: inout Budget, _ body: (String, [UInt8]) throws -> Void
    ) throws -> Bool {
        try members(bytes, from: start, formats: true, budget: &budget, body)
            || members(bytes, from: start, formats: false, budget: &budget, body)
    }

    /// One reading: with every format and the raw one, or (`formats` false) as a lone stream only.
    private static func members(
        _ bytes: [UInt8], from start: Int, formats: Bool, budget: inout Budget,
        _ body: (String, [UInt8]) throws -> Void
    ) throws -> Bool {
        guard let archive = unsafe archive_read_new() else { throw ContainerError.unreadable("libarchive: no memory") }
        defer { unsafe archive_read_free(archive) }
        unsafe archive_read_support_filter_all(archive)
        if formats { unsafe archive_read_support_format_all(archive) }
        unsafe archive_read_support_format_raw(archive)
        return try unsafe bytes.withUnsafeBytes { raw in
            guard start < raw.count,
                unsafe archive_read_open_memory(archive, raw.baseAddress! + start, raw.count - start) == ARCHIVE_OK
            else {
                return false
            }
            var visited = 0
            var entry: OpaquePointer?
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let status = unsafe archive_read_next_header(archive, &entry)
                if status == ARCHIVE_EOF { break }
                guard status >= ARCHIVE_WARN else {
                    if visited == 0 { return false }
                    throw ContainerError.unreadable(unsafe reason(archive))
                }
                // The raw format with no filter is the bytes as they are: no container at all.
                if visited == 0, unsafe archive_format(archive) == ARCHIVE_FORMAT_RAW,
                    unsafe archive_filter_code(archive, 0) == ARCHIVE_FILTER_NONE
                {
                    return false
                }
                let name = unsafe archive_entry_pathname(entry).map { unsafe String(cString: $0) } ?? "data"
                // Each member costs at least a header's worth, so a million empty members is a bomb too.
                guard budget.take(Self.memberCost) else { throw ContainerError.exceedsBudget(limit: budget.limit) }
                var content: [UInt8] = []
                while true {
                    let count = unsafe chunk.withUnsafeMutableBytes {
                        unsafe archive_read_data(archive, $0.baseAddress, $0.count)
                    }
                    if count == 0 { break }
                    guard count > 0 else {
                        // A raw stream libarchive cannot decode (not compressed after all): not a container.
                        if visited == 0 && content.isEmpty { return false }
                        try body(name, content)
                        throw ContainerError.unreadable(unsafe reason(archive))
                    }
                    guard budget.take(count) else {
                        let fits = budget.remaining
                        _ = budget.take(fits)
                        content += chunk.prefix(fits)
                        try body(name, content)
                        throw ContainerError.exceedsBudget(limit: budget.limit)
                    }
                    content += chunk.prefix(count)
                }
                visited += 1
                try body(name, content)
            }
            return visited > 0
        }
    }

    /// What each member counts against the budget besides its content: a tar header's size.
    static let memberCost = 512

    private static func reason(_ archive: OpaquePointer) -> String {
        unsafe archive_error_string(archive).map { unsafe String(cString: $0) } ?? "libarchive error"
    }
}
