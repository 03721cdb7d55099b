import Containers
import PatternSearch

/// The text decoders: what a source's characters may spell once decoded (base64 and hex runs,
/// byte lists, dumps, markup, escapes, UTF-16 and UTF-32), each derived source named for its
/// decoder and offset. They read what ``Decoding/TextPlan`` (Decoding+TextPlan.swift) found:
/// its runs and its text regions.
extension Decoding {
    /// Base64 and hex runs decoded from their first character (the decodings nested content starts at).
    static func primaryRuns(
        _ bytes: [UInt8], crossing joins: [Int]? = nil, in range: Range<Int>? = nil
    ) -> [(Int, [UInt8])] {
        var batch = DecodedBatch()
        forEachRun(bytes, minimum: 24, crossing: joins, in: range) { start, run, allHex in
            appendPrimary(run, allHex: allHex, at: start, into: &batch)
            appendAlternatives(run, allHex: allHex, at: start, into: &batch)
        }
        return batch.runs
    }

    /// One run decoded from its first character into `batch`: as hex when all of it is hex
    /// digits of an even count, else as base64 (the run ends before any `=`: a partial last
    /// group is decoded, a lone character dropped); an odd count of hex digits is decoded as
    /// hex without its last digit and without its first (named one further) too.
    static func appendPrimary(_ run: ArraySlice<UInt8>, allHex: Bool, at start: Int, into batch: inout DecodedBatch) {
        if allHex && run.count % 2 == 0 {
            batch.append(start) { appendHex(run, to: &$0) }
        } else {
            batch.append(start) { appendBase64(run.count % 4 == 1 ? run.dropLast() : run, to: &$0) }
        }
    }

    /// What a run may hold besides its decoding from its first character, into `batch`: an odd
    /// count of hex digits as hex without its last digit and without its first (named one
    /// further), and the other base64 alignments that may hold a container
    /// (``appendShiftedContainers(_:at:into:)``).
    static func appendAlternatives(
        _ run: ArraySlice<UInt8>, allHex: Bool, at start: Int, into batch: inout DecodedBatch
    ) {
        if allHex && run.count % 2 == 1 {
            batch.append(start) { appendHex(run.dropLast(), to: &$0) }
            batch.append(start + 1) { appendHex(run.dropFirst(), to: &$0) }
        }
        appendShiftedContainers(run, at: start, into: &batch)
    }

    /// A base64 run's three other alignments (from its second, third and fourth character),
    /// each kept in `batch` only when it may hold a container (``Containers/mayHoldContainer(_:)``),
    /// named by the offset it is decoded from: a site that puts one to three base64 characters
    /// before a base64 gzip or zlib stream moves it off the run's first group. An alignment is
    /// decoded only when the run's bit stream holds, where that alignment's bytes fall, the
    /// first two bytes of a header ``Containers/mayHoldContainer(_:)`` looks for
    /// (``ByteSpans/shiftedAlignments(_:anywhere:start:)``, a superset): most runs decode none.
    static func appendShiftedContainers(_ run: ArraySlice<UInt8>, at start: Int, into batch: inout DecodedBatch) {
        let shifts = run.withUnsafeBufferPointer {
            ByteSpans.shiftedAlignments($0, anywhere: headerPairs, start: startPairs)
        }
        guard shifts != 0 else { return }
        for shift in 1..<min(4, run.count) where shifts & 1 << shift != 0 {
            appendShiftedContainer(run, shift: shift, at: start, into: &batch)
        }
    }

    /// The decoding of `run` from its character `shift`, kept in `batch` (named `start` plus
    /// `shift`) when ``Containers/mayHoldContainer(_:)`` says it may hold a container.
    static func appendShiftedContainer(
        _ run: ArraySlice<UInt8>, shift: Int, at start: Int, into batch: inout DecodedBatch
    ) {
        let text = run.dropFirst(shift)
        batch.append(start + shift) { out in
            let first = out.count
            guard appendBase64(text.count % 4 == 1 ? text.dropLast() : text, to: &out) else { return false }
            if Containers.mayHoldContainer(out[first...]) { return true }
            out.removeLast(out.count - first)
            return false
        }
    }

    /// ``Containers/headerPairs`` and ``Containers/startPairs`` as the filter's sets.
    private static let headerPairs = BytePairs(Containers.headerPairs)
    private static let startPairs = BytePairs(Containers.startPairs)

    /// ``appendPrimary(_:allHex:at:into:)``'s decoding of one run, appended to `out`: false,
    /// and `out` as it was, when it does not decode.
    static func appendPrimaryBytes(_ run: ArraySlice<UInt8>, allHex: Bool, to out: inout [UInt8]) -> Bool {
        allHex && run.count % 2 == 0
            ? appendHex(run, to: &out) : appendBase64(run.count % 4 == 1 ? run.dropLast() : run, to: &out)
    }

    /// The largest decoded run ``isLeaf(_:)`` may call a leaf.
    static let leafLimit = 64 << 10

    /// Whether `bytes`, a source of up to ``leafLimit`` bytes, derives nothing and holds no
    /// run to decode, so that its whole search is its bytes, searched as they are: no span of
    /// 16 of the kernel (no base64 or hex run, text region or wrapped stretch), no SQLite or
    /// archive magic, no zlib header, no archive or stream header past the start, not UTF-16 or UTF-32. What `expand` would find in such
    /// a source is nothing: a decoded key or random bytes, most runs of a dense text file.
    static func isLeaf(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= leafLimit else { return false }
        var spans = false
        bytes.withUnsafeBufferPointer { b in
            _ = ByteSpans.scan(b, kinds: .all, minimum: textMinimum) { _, _, _ in spans = true }
        }
        // `holdsHeader` finds every zlib header `zlibCandidates` gives, too.
        return !spans && !Containers.looksLikeSQLite(bytes) && !Containers.looksLikeArchive(bytes)
            && !Containers.holdsHeader(bytes[...]) && transcoded(bytes) == nil
    }

    /// Runs of 8 or more byte values written as numbers in the text regions: decimal
    /// (`12, 255, 3`, `[12,255,3]`, one per line) or `0x` hex (`0x0c, 0xff`), between any of
    /// `, ; [ ] ( ) { }` and white space.
    static func byteLists(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(Int, [UInt8])] {
        let regions = regions ?? textRegions(bytes)
        // Through pointers, the table too: this reads every byte of every text region.
        return listSeparators.withUnsafeBufferPointer { separators in
            bytes.withUnsafeBufferPointer { b in
                func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
                var out: [(Int, [UInt8])] = []
                var values: [UInt8] = []
                var start = 0
                var hexMode: Bool?
                func flush() {
                    if values.count >= 8 { out.append((start, values)) }
                    values = []
                    hexMode = nil
                }
                for region in regions {
                    let count = region.upperBound
                    var i = region.lowerBound
                    while i < count {
                        if separators[Int(b[i])] {
                            i += 1
                            continue
                        }
                        // A token: 0xHH or a decimal number, ending at a separator.
                        var j = i + 1
                        while j < count && !separators[Int(b[j])] { j += 1 }
                        let length = j - i
                        var value: Int?
                        var isHexToken = false
                        if length >= 3, length <= 4, b[i] == 0x30, b[i + 1] == 0x78 || b[i + 1] == 0x58 {
                            var v = 0
                            var ok = true
                            for k in (i + 2)..<j {
                                guard let d = hexValue(b[k]) else {
                                    ok = false
                                    break
                                }
                                v = v * 16 + Int(d)
                            }
                            if ok { value = v }
                            isHexToken = true
                        } else if length <= 3 {
                            var v = 0
                            var ok = true
                            for k in i..<j {
                                guard isDigit(b[k]) else {
                                    ok = false
                                    break
                                }
                                v = v * 10 + Int(b[k] - 0x30)
                            }
                            if ok { value = v }
                        }
                        if let value, value <= 255, hexMode == nil || hexMode == isHexToken {
                            if values.isEmpty { start = i }
                            hexMode = isHexToken
                            values.append(UInt8(value))
                        } else {
                            flush()
                            if let value, value <= 255 {
                                start = i
                                hexMode = isHexToken
                                values.append(UInt8(value))
                            }
                        }
                        i = j
                    }
                    // A list ends with its region.
                    flush()
                }
                return out
            }
        }
    }

    /// The separators of ``byteLists(_:regions:)``: white space and `, ; [ ] ( ) { }`.
    private static let listSeparators: [Bool] = (0..<256).map { b in
        [0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x3B, 0x5B, 0x5D, 0x28, 0x29, 0x7B, 0x7D].contains(b)
    }

    /// The bytes of `xxd` and `hexdump -C` dumps in the text regions (an offset, then hex
    /// groups, then the ASCII column), lines in order; for 4-digit groups without xxd's colon
    /// (`hexdump`, `od -x`), also with each group's two bytes swapped (those tools print
    /// little-endian words).
    static func hexDumps(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [(String, [UInt8])] {
        var plain: [UInt8] = []
        var swapped: [UInt8] = []
        var words = false
        for region in regions ?? textRegions(bytes) {
            var lineStart = region.lowerBound
            while lineStart < region.upperBound {
                let lineEnd = bytes.withUnsafeBufferPointer {
                    index(of: 0x0A, in: $0, from: lineStart, to: region.upperBound)
                }
                let line = bytes[lineStart..<lineEnd]
                lineStart = lineEnd + 1
                guard let (lineBytes, groupWidth, colon) = dumpLine(line) else { continue }
                plain += lineBytes
                if groupWidth == 4 && !colon {
                    words = true
                    var index = 0
                    while index + 1 < lineBytes.count {
                        swapped += [lineBytes[index + 1], lineBytes[index]]
                        index += 2
                    }
                    if index < lineBytes.count { swapped.append(lineBytes[index]) }
                }
            }
        }
        guard plain.count >= 16 else { return [] }
        return words ? [("dump", plain), ("dump-words", swapped)] : [("dump", plain)]
    }

    /// One dump line's bytes, the width of its hex groups and whether its offset ends in a
    /// colon (xxd); nil for a line that is not one.
    private static func dumpLine(_ line: ArraySlice<UInt8>) -> (bytes: [UInt8], groupWidth: Int?, colon: Bool)? {
        // Cheap test first: an offset of 4 or more hex digits after any spaces.
        var first = line.startIndex
        while first < line.endIndex && line[first] == 0x20 { first += 1 }
        guard line.endIndex - first >= 5, isHexByte(line[first]), isHexByte(line[first + 3]) else { return nil }
        var rest = line.drop { $0 == 0x20 }
        let offset = rest.prefix { isHexByte($0) }
        guard offset.count >= 4 else { return nil }
        rest = rest.dropFirst(offset.count)
        let colon = rest.first == 0x3A
        if colon { rest = rest.dropFirst() }
        guard rest.first == 0x20 else { return nil }
        var lineBytes: [UInt8] = []
        var groupWidth: Int?
        // Segments between runs of two or more spaces; hex groups until the first that is not.
        var segments: [ArraySlice<UInt8>] = []
        var current = rest.startIndex
        var k = rest.startIndex
        while k < rest.endIndex {
            if rest[k] == 0x20, k + 1 < rest.endIndex, rest[k + 1] == 0x20 {
                segments.append(rest[current..<k])
                while k < rest.endIndex && rest[k] == 0x20 { k += 1 }
                current = k
            } else {
                k += 1
            }
        }
        segments.append(rest[current..<rest.endIndex])
        segmentLoop: for segment in segments {
            let groups = segment.split(separator: 0x20)
            guard !groups.isEmpty else { continue }
            for group in groups {
                guard group.count % 2 == 0, group.count <= 8, group.allSatisfy(isHexByte),
                    groupWidth == nil || group.count <= groupWidth!
                else { break segmentLoop }
                if groupWidth == nil { groupWidth = group.count }
                var g = group.startIndex
                while g < group.endIndex {
                    lineBytes.append(hexValue(group[g])! << 4 | hexValue(group[g + 1])!)
                    g += 2
                }
            }
        }
        return lineBytes.isEmpty ? nil : (lineBytes, groupWidth, colon)
    }

    /// The text of an XML, SVG or HTML document in the text regions: tags and white space
    /// removed, entities decoded (so a value printed over several `<text>` lines reads as
    /// one), the regions end to end. Nil when they hold fewer than four tags.
    static func markupText(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [UInt8]? {
        let regions = regions ?? textRegions(bytes)
        // The `<` found with memchr: most text (a log, a JSON file) holds none.
        let tags = bytes.withUnsafeBufferPointer { b in
            var tags = 0
            for region in regions {
                let end = max(region.lowerBound, region.upperBound - 1)
                var i = index(of: 0x3C, in: b, from: region.lowerBound, to: end)
                while i < end {
                    let next = b[i + 1]
                    if next == 0x2F || (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) { tags += 1 }
                    if tags >= 4 { return tags }
                    i = index(of: 0x3C, in: b, from: i + 1, to: end)
                }
            }
            return tags
        }
        guard tags >= 4 else { return nil }
        var text: [UInt8] = []
        for region in regions {
            var inTag = false
            for b in bytes[region] {
                if inTag {
                    if b == 0x3E { inTag = false }
                } else if b == 0x3C {
                    inTag = true
                } else if b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                    text.append(b)
                }
            }
        }
        // The regions are well-formed UTF-8; the entities, left to right (each replaced by one
        // character that starts no other: the same as replacing them in turn).
        guard text.contains(0x26) else { return text }
        let entities: [([UInt8], UInt8)] = [
            (Array("&lt;".utf8), 0x3C), (Array("&gt;".utf8), 0x3E), (Array("&quot;".utf8), 0x22),
            (Array("&apos;".utf8), 0x27), (Array("&#39;".utf8), 0x27), (Array("&amp;".utf8), 0x26),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        scan: while i < text.count {
            if text[i] == 0x26 {
                for (entity, value) in entities
                where i + entity.count <= text.count && text[i..<(i + entity.count)].elementsEqual(entity) {
                    out.append(value)
                    i += entity.count
                    continue scan
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    /// The text regions with JSON and C escapes decoded (`\u0041`, surrogate pairs, `\x41`,
    /// `\n`, `\b`...), end to end; a `\u` escape as the UTF-8 of its character, so a binary
    /// value written as a latin-1 string (`\u009b`) is found by its "latin-1 as UTF-8" needle. Nil when fewer than four escapes decode.
    static func unescaped(_ bytes: [UInt8], regions: [Range<Int>]? = nil) -> [UInt8]? {
        let regions = regions ?? textRegions(bytes)
        guard escapeCount(bytes, regions, atLeast: 4) else { return nil }
        var out: [UInt8] = []
        var count = 0
        func append(_ scalar: UInt32) {
            if let s = Unicode.Scalar(scalar) { out += Array(String(Character(s)).utf8) }
        }
        // JSON's and C's one-letter escapes (`\b` and `\f` are JSON's too, `\'` Python's repr).
        let simple: [UInt8: UInt8] = [
            0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09, 0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C,
            0x27: 0x27, 0x61: 0x07, 0x76: 0x0B,
        ]
        for region in regions {
            var pendingHigh: UInt32?
            let end = region.upperBound
            func hex(_ from: Int, _ n: Int) -> UInt32? {
                guard from + n <= end else { return nil }
                var v: UInt32 = 0
                for k in from..<(from + n) {
                    guard let d = hexValue(bytes[k]) else { return nil }
                    v = v << 4 | UInt32(d)
                }
                return v
            }
            var i = region.lowerBound
            while i < end {
                guard bytes[i] == 0x5C, i + 1 < end else {
                    out.append(bytes[i])
                    i += 1
                    continue
                }
                let kind = bytes[i + 1]
                if kind == 0x75, let unit = hex(i + 2, 4) {
                    count += 1
                    i += 6
                    if unit >= 0xD800 && unit < 0xDC00 {
                        pendingHigh = unit
                        continue
                    }
                    if unit >= 0xDC00 && unit < 0xE000, let high = pendingHigh {
                        append(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                    } else {
                        append(unit)
                    }
                    pendingHigh = nil
                } else if kind == 0x78, let byte = hex(i + 2, 2) {
                    count += 1
                    out.append(UInt8(byte))
                    i += 4
                } else if let value = simple[kind] {
                    out.append(value)
                    i += 2
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
        }
        return count >= 4 ? out : nil
    }

    /// Whether ``unescaped(_:regions:)`` decodes at least `minimum` `\\u` and `\\x` escapes in
    /// `regions` of `bytes` (the same steps over each backslash, without building the text).
    private static func escapeCount(_ bytes: [UInt8], _ regions: [Range<Int>], atLeast minimum: Int) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var count = 0
            for region in regions {
                let end = region.upperBound
                func hex(_ from: Int, _ n: Int) -> Bool {
                    guard from + n <= end else { return false }
                    for k in from..<(from + n) where !isHexByte(b[k]) { return false }
                    return true
                }
                var i = region.lowerBound
                while i < end {
                    let at = index(of: 0x5C, in: b, from: i, to: end)
                    guard at + 1 < end else { break }
                    switch b[at + 1] {
                    case 0x75 where hex(at + 2, 4):
                        count += 1
                        i = at + 6
                    case 0x78 where hex(at + 2, 2):
                        count += 1
                        i = at + 4
                    case 0x6E, 0x72, 0x74, 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x27, 0x61, 0x76: i = at + 2
                    default: i = at + 1
                    }
                    if count >= minimum { return true }
                }
            }
            return false
        }
    }

    /// UTF-16 or UTF-32 text (by its byte-order mark, or by where its zero bytes fall) as UTF-8.
    static func transcoded(_ bytes: [UInt8]) -> (String, [UInt8])? {
        guard bytes.count >= 16 else { return nil }
        let n = min(bytes.count, 1 << 16)
        // Without a byte-order mark (which starts FF, FE or 00), every form below needs zero
        // bytes in at least 4 in 10 of the first `n` (`mostly(_, of: n / 2)` is the least any
        // asks): most sources (decoded keys, random bytes, ASCII) are told apart here, with no copy.
        if bytes[0] != 0xFF && bytes[0] != 0xFE && bytes[0] != 0 {
            let count = bytes.withUnsafeBufferPointer { b in
                var count = 0
                for i in 0..<n where b[i] == 0 { count += 1 }
                return count
            }
            if count * 10 < n / 2 * 8 { return nil }
        }
        func starts(_ mark: [UInt8]) -> Bool { bytes.prefix(mark.count).elementsEqual(mark) }
        var zeros = [0, 0, 0, 0]
        for (i, b) in bytes.prefix(1 << 16).enumerated() where b == 0 { zeros[i % 4] += 1 }
        func mostly(_ count: Int, of total: Int) -> Bool { count * 10 >= total * 8 }
        func rarely(_ count: Int, of total: Int) -> Bool { count * 10 <= total * 2 }
        let name: String
        if starts([0xFF, 0xFE, 0, 0]) || starts([0, 0, 0xFE, 0xFF]) {
            name = starts([0xFF, 0xFE]) ? "UTF-32LE" : "UTF-32BE"
        } else if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
            name = starts([0xFF, 0xFE]) ? "UTF-16LE" : "UTF-16BE"
        } else if mostly(zeros[1] + zeros[2] + zeros[3], of: n * 3 / 4), rarely(zeros[0], of: n / 4) {
            name = "UTF-32LE"
        } else if mostly(zeros[0] + zeros[1] + zeros[2], of: n * 3 / 4), rarely(zeros[3], of: n / 4) {
            name = "UTF-32BE"
        } else if mostly(zeros[1] + zeros[3], of: n / 2), rarely(zeros[0] + zeros[2], of: n / 2) {
            name = "UTF-16LE"
        } else if mostly(zeros[0] + zeros[2], of: n / 2), rarely(zeros[1] + zeros[3], of: n / 2) {
            name = "UTF-16BE"
        } else {
            return nil
        }
        let little = name.hasSuffix("LE")
        var text = ""
        if name.hasPrefix("UTF-32") {
            var i = 0
            while i + 3 < bytes.count {
                let v =
                    little
                    ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3])
                        << 24
                    : UInt32(bytes[i + 3]) | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i])
                        << 24
                text.unicodeScalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                i += 4
            }
        } else {
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 0
            while i + 1 < bytes.count {
                units.append(
                    little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i + 1]) | UInt16(bytes[i]) << 8
                )
                i += 2
            }
            text = String(decoding: units, as: UTF16.self)
        }
        return (name, Array(text.utf8))
    }
}
