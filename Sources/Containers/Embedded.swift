internal import CSpans

#if canImport(Glibc)
import Glibc
#endif

extension Containers {
    /// The first bytes of the streams and archives looked for anywhere in a source, not only at
    /// its start: gzip (with deflate), xz, zstd, lz4, zip, 7z and bzip2 (its block magic too, so
    /// that text holding `BZh` is no candidate). Each is 3 bytes or more, so random bytes hold
    /// one about every 16 MiB.
    private static let embeddedMagics: [[UInt8]] = [
        [0x1F, 0x8B, 0x08], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD],
        [0x04, 0x22, 0x4D, 0x18], Array("PK\u{03}\u{04}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
    ]
    private static let bzip2Block: [UInt8] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
    /// The first bytes of ``embeddedMagics`` and of bzip2's `BZh`, each once.
    private static let headerFirstBytes = embeddedPairList.map(\.0).sorted()

    /// Whether one of ``embeddedMagics``, or bzip2's `BZh`, a level digit and its first block's
    /// magic, starts at index `i` of `bytes`.
    private static func embeddedHeader(in bytes: ArraySlice<UInt8>, at i: Int) -> Bool {
        let end = bytes.endIndex
        if bytes[i] == 0x42 {
            return i + 10 <= end && bytes[i + 1] == 0x5A && bytes[i + 2] == 0x68
                && (0x31...0x39).contains(bytes[i + 3]) && bytes[(i + 4)..<(i + 10)].elementsEqual(bzip2Block)
        }
        return embeddedMagics.contains { magic in
            magic[0] == bytes[i] && i + magic.count <= end
                && bytes[(i + 1)..<(i + magic.count)].elementsEqual(magic[1...])
        }
    }

    /// Offsets after the first byte of `bytes` where an archive or a compressed stream may
    /// start (``embeddedMagics``; bzip2 as `BZh`, a level digit and its first block's magic),
    /// ascending: what a site that puts a few bytes before a gzip hides it from a reader that
    /// looks only at the start. With `range`, only those that start in it (each read past it as
    /// far as it goes): consecutive ranges give every offset once, so pieces of a big source
    /// can be read on several threads.
    package static func embeddedCandidates(_ bytes: [UInt8], in range: Range<Int>? = nil) -> [Int] {
        var out: [Int] = []
        pairPositions(bytes, in: range, firsts: headerFirstBytes, pairs: embeddedPairs) { at in
            if at >= 1, bytes.count > 3, embeddedHeader(in: bytes[...], at: at) { out.append(at) }
        }
        return out
    }

    /// ``zlibCandidates(_:in:)`` and ``embeddedCandidates(_:in:)`` of one range together, from one
    /// pass of the kernel (their eight first bytes at once): what the share search asks of each
    /// piece of every source it reads.
    package static func headerCandidates(
        _ bytes: [UInt8], in range: Range<Int>? = nil
    ) -> (
        zlib: [Int], embedded: [Int]
    ) {
        var zlib: [Int] = []
        var embedded: [Int] = []
        pairPositions(bytes, in: range, firsts: allFirstBytes, pairs: allPairs) { at in
            if bytes[at] == 0x78 {
                // A header is followed by at least one byte: none starts in the last two.
                if at < bytes.count - 2 { zlib.append(at) }
            } else if at >= 1, bytes.count > 3, embeddedHeader(in: bytes[...], at: at) {
                embedded.append(at)
            }
        }
        return (zlib, embedded)
    }

    /// Each offset `i` in `range` (or in `bytes`) whose first byte is one of `firsts` (at most
    /// eight for the kernel's fast path) and whose pair `bytes[i] bytes[i + 1]` is in `pairs`
    /// (a table of 65,536 entries, `a << 8 | b` set for the pair `a b`), ascending, to `visit`:
    /// `cspans_pair_positions`, which looks at 32 positions at a time by their nibbles.
    package static func pairPositions(
        _ bytes: [UInt8], in range: Range<Int>?, firsts: [UInt8], pairs: [UInt8], _ visit: (Int) -> Void
    ) {
        let count = bytes.count
        let stop = min(count, range?.upperBound ?? count)
        var from = max(0, range?.lowerBound ?? 0)
        guard from < stop else { return }
        unsafe bytes.withUnsafeBufferPointer { b in
            unsafe pairs.withUnsafeBufferPointer { pairs in
                unsafe firsts.withUnsafeBufferPointer { firsts in
                    // On the stack: this is asked of every source that is not a leaf.
                    unsafe withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { slots in
                        while from < stop {
                            let n = unsafe cspans_pair_positions(
                                b.baseAddress, count, from, stop, firsts.baseAddress, firsts.count,
                                pairs.baseAddress, slots.baseAddress, slots.count)
                            for k in 0..<n { visit(unsafe slots[k]) }
                            guard n == slots.count else { break }
                            from = unsafe slots[n - 1] + 1
                        }
                    }
                }
            }
        }
    }

    /// zlib's first bytes and checks (``zlibCandidates(_:in:)``) as the kernel's pair table.
    static let zlibPairs: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 1 << 16)
        for b in 0...255 where isZlibCheck(UInt8(b)) { table[0x78 << 8 | b] = 1 }
        return table
    }()

    /// ``embeddedPairList`` and zlib's pairs: ``headerCandidates(_:in:)``'s table.
    private static let allPairs: [UInt8] = zip(embeddedPairs, zlibPairs).map { $0 | $1 }
    private static let allFirstBytes: [UInt8] = (headerFirstBytes + [0x78]).sorted()

    /// The first two bytes of each of ``embeddedMagics`` and of bzip2's `BZh` (each first byte
    /// starts one magic only): the kernel's pair table, ``secondBytes`` and ``headerPairs``.
    private static let embeddedPairList: [(UInt8, UInt8)] = embeddedMagics.map { ($0[0], $0[1]) } + [(0x42, 0x5A)]

    /// ``embeddedPairList`` as the kernel's pair table (`cspans_pair_positions`: entry
    /// `a << 8 | b` is 1 for the pair `a b`).
    private static let embeddedPairs: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 1 << 16)
        for (a, b) in embeddedPairList { table[Int(a) << 8 | Int(b)] = 1 }
        return table
    }()

    /// For each first byte of ``embeddedPairList``, the byte that follows it in its magic.
    private static let secondBytes: [UInt8] = {
        var second = [UInt8](repeating: 0, count: 256)
        for (a, b) in embeddedPairList {
            precondition(second[Int(a)] == 0, "one magic for each first byte")
            second[Int(a)] = b
        }
        return second
    }()

    /// The archives and compressed streams that start at `candidates` (``embeddedCandidates(_:)``)
    /// inside `bytes`, each read from there to its end as ``archiveMembers(_:budget:_:)`` reads
    /// a whole source: `visit` gets the offset, the member's path and its content. A candidate no
    /// reader recognises is a decoy and costs nothing. One that fails part way (three magic bytes
    /// in random data, or a stream cut short on purpose) gives what it read before the failure,
    /// and no error: random bytes hold such magic by chance, so a failure here says nothing. At
    /// most `maximum` candidates are read.
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` when the output would pass `budget`, and
    ///   ``ContainerError/unreadable(_:)`` past `maximum` candidates.
    package static func embeddedArchives(
        _ bytes: [UInt8], at candidates: [Int], maximum: Int = 64, budget: inout Budget,
        visit: (_ offset: Int, _ path: String, _ content: [UInt8]) -> Void
    ) throws {
        for (index, offset) in candidates.enumerated() where offset < bytes.count {
            guard index < maximum else {
                throw ContainerError.unreadable(
                    "it holds more than \(maximum) archive or stream headers past its start")
            }
            do {
                _ = try archiveMembers(bytes, from: offset, budget: &budget) { visit(offset, $0, $1) }
            } catch ContainerError.exceedsBudget(let limit) {
                throw ContainerError.exceedsBudget(limit: limit)
            } catch {
                continue
            }
        }
    }
}

extension Containers {
    /// The bytes that may start a zlib header or one of ``embeddedMagics`` (bzip2's `B` too).
    private static let headerStarts: [Bool] = (0..<256).map { byte in
        byte == 0x78 || headerFirstBytes.contains(UInt8(byte))
    }

    /// Whether `bytes` may hold something the decoders read: a zlib header anywhere, or an
    /// archive's, a compressed stream's or a SQLite database's magic at the start or (for those
    /// of ``embeddedCandidates(_:)``) anywhere. One pass over the bytes and no copy: the exact
    /// check of each other alignment of a base64 run that ``headerPairs`` and ``startPairs`` let
    /// through.
    package static func mayHoldContainer(_ bytes: ArraySlice<UInt8>) -> Bool {
        if archiveMagics.contains(where: { bytes.starts(with: $0) }) { return true }
        if bytes.count >= 262 && bytes.dropFirst(257).starts(with: ustar) { return true }
        if bytes.count >= 100 && bytes.starts(with: sqliteHeader) { return true }
        return holdsHeader(bytes, from: 0)
    }

    /// Whether a zlib header starts anywhere in `bytes`, or one of ``embeddedMagics`` (or
    /// bzip2's two magics) `from` bytes in or later. Through pointers: this is asked of every
    /// decoded run of a dense text file.
    package static func holdsHeader(_ bytes: ArraySlice<UInt8>, from: Int = 1) -> Bool {
        unsafe headerStarts.withUnsafeBufferPointer { starts in
            unsafe secondBytes.withUnsafeBufferPointer { second in
                unsafe bytes.withUnsafeBufferPointer { b in
                    let count = b.count
                    var i = 0
                    while i < count {
                        let x = unsafe b[i]
                        if unsafe starts[Int(x)] {
                            if x == 0x78 {
                                if i + 2 < count && isZlibCheck(unsafe b[i + 1]) { return true }
                            } else if i >= from && i + 1 < count {
                                let next = unsafe b[i + 1]
                                if unsafe next == second[Int(x)] && embeddedHeader(in: bytes, at: bytes.startIndex + i)
                                {
                                    return true
                                }
                            }
                        }
                        i += 1
                    }
                    return false
                }
            }
        }
    }

    /// The first two bytes of every header ``mayHoldContainer(_:)`` finds anywhere in a source:
    /// each zlib header, each of ``embeddedMagics``, and bzip2's `BZ`. With ``startPairs``, the
    /// filter the share search asks before it decodes a base64 run's other alignments: a source
    /// that holds none of these pairs anywhere, and none of ``startPairs`` as its first two
    /// bytes or its bytes 257 and 258, is one ``mayHoldContainer(_:)`` says no to.
    package static let headerPairs: [(UInt8, UInt8)] =
        [0x01, 0x5E, 0x9C, 0xDA].map { (UInt8(0x78), UInt8($0)) } + embeddedPairList

    /// The first two bytes of what ``mayHoldContainer(_:)`` finds only at a source's start (each
    /// of ``archiveMagics``, SQLite's header) or at byte 257 (tar's `ustar`).
    package static let startPairs: [(UInt8, UInt8)] =
        (archiveMagics + [sqliteHeader, ustar]).map { ($0[0], $0[1]) }
}
