import Containers
import Foundation
import Synchronization

/// A value handed to `concurrentPerform`'s threads, which the code using it keeps free of races.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One file's expansion, shared by the threads that expand it: the budget, the issues, whether
/// the budget ran out. Containers decode with the lock held (they take from the budget as they go).
final class ExpansionState: @unchecked Sendable {
    private let lock = NSLock()
    private var budget: Budget
    private var found: [DecodingIssue] = []
    /// Read for every source, by every thread: an atomic, not the lock.
    private let ran = Atomic<Bool>(false)

    init(_ budget: Budget) { self.budget = budget }

    var limit: Int { budget.limit }
    var exhausted: Bool { ran.load(ordering: .acquiring) }
    var issues: [DecodingIssue] { lock.withLock { found } }

    func take(_ count: Int) -> Bool { lock.withLock { budget.take(count) } }

    func withBudget(_ body: (inout Budget) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        try body(&budget)
    }

    /// Records why `display` stopped; a budget passed stops every further decoding of the file.
    func stop(_ display: String, _ error: Error) {
        lock.withLock {
            if case ContainerError.exceedsBudget = error { ran.store(true, ordering: .releasing) }
            found.append(DecodingIssue(display: display, reason: "\(error)"))
        }
    }
}

/// Bytes derived from a file: a container member, a table, or a decoded run.
struct Derived: Sendable {
    /// Where it came from, relative to the ceremony folder: `outer!inner`, one `!` per step.
    let display: String
    let bytes: [UInt8]
    /// How many steps from the file (1 for what the file itself holds).
    let depth: Int
}

extension Derived: ByteSource {
    /// The bytes in pieces of 1 MiB.
    func chunks(_ body: ([UInt8]) throws -> Bool) throws {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + (1 << 20))
            guard try body(Array(bytes[start..<end])) else { return }
            start = end
        }
    }
}

/// Why a file could not be decoded to its end: a finding, never a silent stop.
struct DecodingIssue: Sendable, Equatable {
    /// The source that stopped (a file, or `outer!inner`).
    let display: String
    let reason: String
}

extension Decoding {
    /// How deep and how much the decoders go for one file.
    struct Limits: Sendable {
        /// Steps of nesting below the file (a member of a member of ... counts one each).
        var depth = 4
        /// Output allowed per input byte, over every derived source of the file together.
        var ratio = 64
        /// Output always allowed, however small the file (a small honest archive may expand well).
        var floor = 16 << 20
        /// Output never allowed beyond, however large the file.
        var ceiling = 1 << 30
        /// The largest source ``Decoding/expand(source:limits:visit:)`` takes into memory to decode.
        var source = 256 << 20

        static let standard = Limits()

        /// The output allowed for a file of `count` bytes: `ratio` × `count`, within `floor` and `ceiling`.
        func budget(forInput count: Int) -> Budget {
            Budget(limit: min(ceiling, max(floor, count.multipliedReportingOverflow(by: ratio).partialValue)))
        }
    }

    /// Visits every source derived from `bytes` (the content of the file shown as `display`),
    /// depth first, each at most once per step:
    /// - archives and compressed streams (libarchive: gzip, bzip2, xz, lzma, zstd, lz4, zip,
    ///   7z, tar, cpio, ar), raw zlib streams (zlib), and SQLite databases (every table's cells,
    ///   text as UTF-8 whatever the database's encoding);
    /// - base64 and hex runs (decoded from their first character, lines joined), decimal and `0x`
    ///   byte lists, `xxd` and `hexdump` dumps, the text of XML, SVG and HTML (tags and white
    ///   space removed, entities decoded), JSON and C escapes, and UTF-16 and UTF-32 text.
    ///
    /// Each derived source is decoded again, up to `limits.depth` steps below the file.
    /// - Returns: the reasons decoding stopped short: a budget passed (a decompression bomb),
    ///   or a container that cannot be read (damaged, encrypted). The caller reports each.
    static func expand(
        _ bytes: [UInt8], display: String, limits: Limits = .standard, visit: (Derived) throws -> Void
    ) throws -> [DecodingIssue] {
        try expand(bytes, display: display, limits: limits, threads: 1) { _, derived in try visit(derived) }
    }

    /// ``expand(_:display:limits:visit:)`` on `threads` threads: the file's own sources
    /// (`top`, when given, is ``textDecodings(_:)`` of `bytes`, computed beforehand) are
    /// shared out, each searched (`visit`, with the thread's index) and expanded on one thread; a
    /// derived source of more than two `piece`s (when not 0) is decoded on every thread itself.
    /// The budget is one for the whole file, taken in turn; which source stops first when it
    /// runs out may differ between runs, that it ran out does not.
    static func expand(
        _ bytes: [UInt8], display: String, limits: Limits = .standard, threads: Int, piece: Int = 0,
        top: [(String, [UInt8])]? = nil, visit: (_ thread: Int, Derived) throws -> Void
    ) throws -> [DecodingIssue] {
        let state = ExpansionState(limits.budget(forInput: bytes.count))
        // The sources derived from `bytes` at `depth`, their budget taken (containers first, then text).
        func children(
            _ bytes: [UInt8], _ display: String, _ depth: Int, text: [(String, [UInt8])]?
        ) -> [(
            String, [UInt8]
        )] {
            guard depth < limits.depth, !state.exhausted else { return [] }
            var children: [(String, [UInt8])] = []
            // Whether there is a container at all is asked without the lock (most sources hold none).
            let sqlite = Containers.looksLikeSQLite(bytes)
            let archive = !sqlite && Containers.looksLikeArchive(bytes)
            let zlib = Containers.zlibCandidates(bytes)
            if sqlite || archive || !zlib.isEmpty {
                do {
                    try state.withBudget { budget in
                        if sqlite {
                            try Containers.sqliteTables(bytes, budget: &budget) { children.append(($0, $1)) }
                        } else if archive {
                            _ = try Containers.archiveMembers(bytes, budget: &budget) { children.append(($0, $1)) }
                        }
                        for offset in zlib {
                            guard
                                let (content, complete) = try Containers.inflateZlib(
                                    bytes, at: offset, budget: &budget),
                                complete || content.count >= 64
                            else { continue }
                            children.append(("zlib@\(offset)", content))
                        }
                    }
                } catch {
                    state.stop(display, error)
                }
            }
            // A big derived source is decoded on every thread too (its siblings may be done long before).
            for (name, content) in text ?? textDecodings(bytes, threads: threads, piece: piece) {
                guard !state.exhausted else { break }
                guard state.take(content.count) else {
                    state.stop(display, ContainerError.exceedsBudget(limit: state.limit))
                    break
                }
                children.append((name, content))
            }
            return children.filter { !$0.1.isEmpty }
        }
        func derive(_ bytes: [UInt8], _ display: String, _ depth: Int, _ thread: Int) throws {
            for (name, content) in children(bytes, display, depth, text: nil) {
                let child = Derived(display: "\(display)!\(name)", bytes: content, depth: depth + 1)
                try visit(thread, child)
                try derive(content, child.display, depth + 1, thread)
            }
        }
        let first = children(bytes, display, 0, text: top)
        if threads <= 1 || first.count < 2 {
            for (name, content) in first {
                let child = Derived(display: "\(display)!\(name)", bytes: content, depth: 1)
                try visit(0, child)
                try derive(content, child.display, 1, 0)
            }
            return state.issues
        }
        // The file's own sources in turn to whichever thread is free, a few at a time.
        let next = Locked(0)
        let failure = Locked<Error?>(nil)
        let step = max(1, min(256, first.count / (threads * 8)))
        withoutActuallyEscaping(derive) { derive in
            withoutActuallyEscaping(visit) { visit in
                // Each thread visits only its own sources; `visit` keeps one batch per thread.
                let work = Unchecked { (thread: Int, name: String, content: [UInt8]) throws in
                    let child = Derived(display: "\(display)!\(name)", bytes: content, depth: 1)
                    try visit(thread, child)
                    try derive(content, child.display, 1, thread)
                }
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    while failure.update({ $0 == nil }) {
                        let from = next.update { value -> Int in
                            defer { value += step }
                            return value
                        }
                        guard from < first.count else { return }
                        do {
                            for (name, content) in first[from..<min(first.count, from + step)] {
                                try work.value(thread, name, content)
                            }
                        } catch {
                            failure.update { $0 = $0 ?? error }
                        }
                    }
                }
            }
        }
        if let error = failure.update({ $0 }) { throw error }
        return state.issues
    }

    /// ``expand(_:display:limits:visit:)`` for a streamed source (what a streaming search
    /// calls after it has searched `source` itself, handing each derived source back to its
    /// `scan(source:)`). The source is read into memory, up to `limits.source` bytes: a larger
    /// one is searched as bytes only, and that is an issue too.
    static func expand(
        source: ByteSource, limits: Limits = .standard, visit: (ByteSource) throws -> Void
    ) throws -> [DecodingIssue] {
        var bytes: [UInt8] = []
        var tooLarge = false
        try source.chunks { chunk in
            guard bytes.count + chunk.count <= limits.source else {
                tooLarge = true
                return false
            }
            bytes += chunk
            return true
        }
        if tooLarge {
            return [
                DecodingIssue(
                    display: source.display,
                    reason: "it is larger than \(limits.source) bytes: searched as bytes, not decoded")
            ]
        }
        return try expand(bytes, display: source.display, limits: limits) { try visit($0) }
    }

    /// The text decoders' output for one source, each named for its decoder (and offset).
    static func textDecodings(_ bytes: [UInt8]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        for (offset, run) in primaryRuns(bytes) { out.append(("decoded@\(offset)", run)) }
        if let unwrapped = unwrapped(bytes) {
            for (offset, run) in primaryRuns(unwrapped.bytes, crossing: unwrapped.joins) where run.count >= 48 {
                out.append(("unwrapped@\(offset)", run))
            }
        }
        out += byteLists(bytes).map { ("bytes@\($0.0)", $0.1) }
        out += hexDumps(bytes)
        if let text = markupText(bytes) { out.append(("text", text)) }
        if let text = unescaped(bytes) { out.append(("unescaped", text)) }
        if let (name, text) = transcoded(bytes) { out.append((name, text)) }
        return out
    }

    /// ``textDecodings(_:)`` on `threads` threads when `bytes` holds more than two pieces: the
    /// runs of the bytes and of their joined lines piece by piece (each run by the piece it
    /// starts in), the other decoders side by side; the same list, in the same order.
    static func textDecodings(_ bytes: [UInt8], threads: Int, piece: Int) -> [(String, [UInt8])] {
        guard threads > 1, piece > 0, bytes.count > 2 * piece else { return textDecodings(bytes) }
        let joined = unwrapped(bytes)
        func pieces(_ count: Int) -> [Range<Int>] {
            stride(from: 0, to: count, by: piece).map { $0..<min(count, $0 + piece) }
        }
        enum Task {
            case primary(Range<Int>)
            case primaryJoined(Range<Int>)
            case byteLists, hexDumps, markup, unescaped, transcoded
        }
        var tasks = pieces(bytes.count).map(Task.primary)
        if let joined { tasks += pieces(joined.bytes.count).map(Task.primaryJoined) }
        tasks += [.byteLists, .hexDumps, .markup, .unescaped, .transcoded]
        let work = tasks
        let slots = Locked<[Int: [(String, [UInt8])]]>([:])
        let next = Locked(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let index = next.update { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < work.count else { return }
                let out: [(String, [UInt8])]
                switch work[index] {
                case .primary(let range):
                    out = primaryRuns(bytes, in: range).map { ("decoded@\($0.0)", $0.1) }
                case .primaryJoined(let range):
                    out = primaryRuns(joined!.bytes, crossing: joined!.joins, in: range)
                        .filter { $0.1.count >= 48 }.map { ("unwrapped@\($0.0)", $0.1) }
                case .byteLists: out = byteLists(bytes).map { ("bytes@\($0.0)", $0.1) }
                case .hexDumps: out = hexDumps(bytes)
                case .markup: out = markupText(bytes).map { [("text", $0)] } ?? []
                case .unescaped: out = unescaped(bytes).map { [("unescaped", $0)] } ?? []
                case .transcoded: out = transcoded(bytes).map { [$0] } ?? []
                }
                if !out.isEmpty { slots.update { $0[index] = out } }
            }
        }
        let filled = slots.update { $0 }
        return work.indices.flatMap { filled[$0] ?? [] }
    }

    /// Base64 and hex runs decoded from their first character (the decodings nested content starts at).
    static func primaryRuns(
        _ bytes: [UInt8], crossing joins: [Int]? = nil, in range: Range<Int>? = nil
    ) -> [(Int, [UInt8])] {
        var batch = DecodedBatch()
        forEachRun(bytes, minimum: 24, crossing: joins, in: range) { start, run, allHex in
            if allHex && run.count % 2 == 0 {
                batch.append(start) { appendHex(run, to: &$0) }
            } else {
                // The run ends before any `=`: a partial last group is decoded, a lone character dropped.
                batch.append(start) { appendBase64(run.count % 4 == 1 ? run.dropLast() : run, to: &$0) }
            }
        }
        return batch.runs
    }

    /// Runs of 8 or more byte values written as numbers: decimal (`12, 255, 3`, `[12,255,3]`,
    /// one per line) or `0x` hex (`0x0c, 0xff`), between any of `, ; [ ] ( ) { }` and white space.
    static func byteLists(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        bytes.withUnsafeBufferPointer { b in
            let separators = listSeparators
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
            let count = b.count
            var i = 0
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
            flush()
            return out
        }
    }

    /// The separators of ``byteLists(_:)``: white space and `, ; [ ] ( ) { }`.
    private static let listSeparators: [Bool] = (0..<256).map { b in
        [0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x3B, 0x5B, 0x5D, 0x28, 0x29, 0x7B, 0x7D].contains(b)
    }

    /// The bytes of `xxd` and `hexdump -C` dumps (an offset, then hex groups, then the ASCII
    /// column), lines in order; for 4-digit groups without xxd's colon (`hexdump`, `od -x`),
    /// also with each group's two bytes swapped (those tools print little-endian words).
    static func hexDumps(_ bytes: [UInt8]) -> [(String, [UInt8])] {
        var plain: [UInt8] = []
        var swapped: [UInt8] = []
        var words = false
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            // Cheap test first: an offset of 4 or more hex digits after any spaces.
            var first = line.startIndex
            while first < line.endIndex && line[first] == 0x20 { first += 1 }
            guard line.endIndex - first >= 5, isHexByte(line[first]), isHexByte(line[first + 3]) else { continue }
            var rest = line.drop { $0 == 0x20 }
            let offset = rest.prefix { isHexByte($0) }
            guard offset.count >= 4 else { continue }
            rest = rest.dropFirst(offset.count)
            let colon = rest.first == 0x3A
            if colon { rest = rest.dropFirst() }
            guard rest.first == 0x20 else { continue }
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
            guard !lineBytes.isEmpty else { continue }
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
        guard plain.count >= 16 else { return [] }
        return words ? [("dump", plain), ("dump-words", swapped)] : [("dump", plain)]
    }

    /// The text of an XML, SVG or HTML document: tags and white space removed, entities
    /// decoded (so a value printed over several `<text>` lines reads as one). Nil when the
    /// bytes hold fewer than four tags.
    static func markupText(_ bytes: [UInt8]) -> [UInt8]? {
        var tags = 0
        for i in 0..<max(0, bytes.count - 1) where bytes[i] == 0x3C {
            let next = bytes[i + 1]
            if next == 0x2F || (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) { tags += 1 }
            if tags >= 4 { break }
        }
        guard tags >= 4 else { return nil }
        var text: [UInt8] = []
        var inTag = false
        for b in bytes {
            if inTag {
                if b == 0x3E { inTag = false }
            } else if b == 0x3C {
                inTag = true
            } else if b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                text.append(b)
            }
        }
        // Invalid UTF-8 becomes U+FFFD, as a String would have it; then the entities, left to right
        // (each replaced by one character that starts no other: the same as replacing them in turn).
        let valid = Array(String(decoding: text, as: UTF8.self).utf8)
        guard valid.contains(0x26) else { return valid }
        let entities: [([UInt8], UInt8)] = [
            (Array("&lt;".utf8), 0x3C), (Array("&gt;".utf8), 0x3E), (Array("&quot;".utf8), 0x22),
            (Array("&apos;".utf8), 0x27), (Array("&#39;".utf8), 0x27), (Array("&amp;".utf8), 0x26),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(valid.count)
        var i = 0
        scan: while i < valid.count {
            if valid[i] == 0x26 {
                for (entity, value) in entities
                where i + entity.count <= valid.count && valid[i..<(i + entity.count)].elementsEqual(entity) {
                    out.append(value)
                    i += entity.count
                    continue scan
                }
            }
            out.append(valid[i])
            i += 1
        }
        return out
    }

    /// The bytes with JSON and C escapes decoded (`\u0041`, surrogate pairs, `\x41`, `\n`...).
    /// Nil when fewer than four escapes decode.
    static func unescaped(_ bytes: [UInt8]) -> [UInt8]? {
        guard escapeCount(bytes, atLeast: 4) else { return nil }
        var out: [UInt8] = []
        var count = 0
        var pendingHigh: UInt32?
        var i = 0
        func hex(_ from: Int, _ n: Int) -> UInt32? {
            guard from + n <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in from..<(from + n) {
                guard let d = hexValue(bytes[k]) else { return nil }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        func append(_ scalar: UInt32) {
            if let s = Unicode.Scalar(scalar) { out += Array(String(Character(s)).utf8) }
        }
        while i < bytes.count {
            guard bytes[i] == 0x5C, i + 1 < bytes.count else {
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
            } else {
                let simple: [UInt8: UInt8] = [0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09, 0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F]
                if let value = simple[kind] {
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

    /// Whether ``unescaped(_:)`` decodes at least `minimum` `\\u` and `\\x` escapes in `bytes`
    /// (the same steps over each backslash, without building the text).
    private static func escapeCount(_ bytes: [UInt8], atLeast minimum: Int) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            func hex(_ from: Int, _ n: Int) -> Bool {
                guard from + n <= b.count else { return false }
                for k in from..<(from + n) where !isHexByte(b[k]) { return false }
                return true
            }
            var count = 0
            var i = 0
            while let at = b[i...].firstIndex(of: 0x5C) {
                guard at + 1 < b.count else { return false }
                switch b[at + 1] {
                case 0x75 where hex(at + 2, 4):
                    count += 1
                    i = at + 6
                case 0x78 where hex(at + 2, 2):
                    count += 1
                    i = at + 4
                case 0x6E, 0x72, 0x74, 0x22, 0x5C, 0x2F: i = at + 2
                default: i = at + 1
                }
                if count >= minimum { return true }
                if i >= b.count { return false }
            }
            return false
        }
    }

    /// UTF-16 or UTF-32 text (by its byte-order mark, or by where its zero bytes fall) as UTF-8.
    static func transcoded(_ bytes: [UInt8]) -> (String, [UInt8])? {
        guard bytes.count >= 16 else { return nil }
        func starts(_ mark: [UInt8]) -> Bool { bytes.prefix(mark.count).elementsEqual(mark) }
        var zeros = [0, 0, 0, 0]
        for (i, b) in bytes.prefix(1 << 16).enumerated() where b == 0 { zeros[i % 4] += 1 }
        let n = min(bytes.count, 1 << 16)
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
