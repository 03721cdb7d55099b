internal import CHyperscan

/// A compiled set of literals: a Hyperscan streaming database, read-only once built
/// and so shared by every thread (Hyperscan documents databases as thread safe).
@safe package final class LiteralSet: @unchecked Sendable {
    /// The literals, in the order given.
    package let literals: [[UInt8]]
    /// The longest literal's length: the overlap a reader of separate ranges needs.
    package let longest: Int
    fileprivate let database: OpaquePointer
    /// The same literals for block scans reporting every match (``LiteralScanner/scanBlock(_:_:)``).
    fileprivate let blockDatabase: OpaquePointer

    /// Compiles `literals` (each non-empty; duplicates allowed) for streaming search.
    ///
    /// Each literal is compiled as bytes, not as a regular expression, with
    /// `HS_FLAG_SINGLEMATCH`: a stream reports each literal at most once, at its
    /// first end offset. A literal whose `caseless` entry is true also matches with any of
    /// its ASCII letters in the other case (`HS_FLAG_CASELESS`); other bytes match exactly.
    /// - Throws: ``PatternSearchError`` when a literal is empty, `caseless` is not one flag a
    ///   literal, or Hyperscan refuses the set (on a CPU without SSSE3, for one).
    package init(_ literals: [[UInt8]], caseless: [Bool]? = nil) throws(PatternSearchError) {
        guard !literals.isEmpty, literals.allSatisfy({ !$0.isEmpty }) else {
            throw PatternSearchError(call: "hs_compile_lit_multi", cause: "an empty set or an empty literal")
        }
        let caseless = caseless ?? [Bool](repeating: false, count: literals.count)
        guard caseless.count == literals.count else {
            throw PatternSearchError(call: "hs_compile_lit_multi", cause: "not one caseless flag a literal")
        }
        self.literals = literals
        longest = literals.map(\.count).max() ?? 0
        let ids = (0..<literals.count).map { UInt32($0) }
        let lengths = literals.map(\.count)
        // The literals end to end in one buffer; Hyperscan copies them while compiling.
        let joined = literals.flatMap { $0 }.map { CChar(bitPattern: $0) }
        var starts: [Int] = []
        var at = 0
        for literal in literals {
            starts.append(at)
            at += literal.count
        }
        func compile(_ flag: UInt32, _ mode: UInt32) throws(PatternSearchError) -> OpaquePointer {
            var database: OpaquePointer?
            var failure: UnsafeMutablePointer<hs_compile_error_t>?
            let flags = caseless.map { $0 ? flag | UInt32(HS_FLAG_CASELESS) : flag }
            let status = unsafe joined.withUnsafeBufferPointer { buffer in
                let pointers: [UnsafePointer<CChar>?] = unsafe starts.map { unsafe buffer.baseAddress! + $0 }
                return unsafe hs_compile_lit_multi(
                    pointers, flags, ids, lengths, UInt32(literals.count), mode, nil, &database, &failure)
            }
            guard status == HS_SUCCESS, let database = unsafe database else {
                var cause = "status \(status)"
                if let failure = unsafe failure {
                    if let message = unsafe failure.pointee.message { cause = unsafe String(cString: message) }
                    unsafe hs_free_compile_error(failure)
                }
                throw PatternSearchError(call: "hs_compile_lit_multi", cause: cause)
            }
            return unsafe database
        }
        let stream = unsafe try compile(UInt32(HS_FLAG_SINGLEMATCH), UInt32(HS_MODE_STREAM))
        do {
            unsafe blockDatabase = try compile(0, UInt32(HS_MODE_BLOCK))
        } catch {
            unsafe hs_free_database(stream)
            throw error
        }
        unsafe database = stream
    }

    deinit {
        unsafe hs_free_database(database)
        unsafe hs_free_database(blockDatabase)
    }
}

/// One thread's scanner: its own Hyperscan scratch and one open stream at a time.
/// Not for sharing between threads; make one per thread from the shared ``LiteralSet``.
@safe package final class LiteralScanner {
    package let set: LiteralSet
    private let scratch: OpaquePointer
    private var stream: OpaquePointer?
    /// Matches of the stream being fed, collected by the match callback.
    fileprivate var found: [LiteralMatch] = []
    /// Where a block scan hands each match, while it runs.
    fileprivate var sink: ((LiteralMatch) -> Void)?

    /// - Throws: ``PatternSearchError`` when Hyperscan cannot allocate the scratch space.
    package init(_ set: LiteralSet) throws(PatternSearchError) {
        self.set = set
        var scratch: OpaquePointer?
        // One scratch for both databases: the second call grows it to fit.
        var status = unsafe hs_alloc_scratch(set.database, &scratch)
        if status == HS_SUCCESS { status = unsafe hs_alloc_scratch(set.blockDatabase, &scratch) }
        guard status == HS_SUCCESS, let scratch = unsafe scratch else {
            if let scratch = unsafe scratch { unsafe hs_free_scratch(scratch) }
            throw PatternSearchError(call: "hs_alloc_scratch", cause: "status \(status)")
        }
        unsafe self.scratch = scratch
    }

    deinit {
        if let stream = unsafe stream { unsafe hs_close_stream(stream, scratch, nil, nil) }
        unsafe hs_free_scratch(scratch)
    }

    /// Starts a new stream: offsets count from 0 again and every literal may match once more.
    /// - Throws: ``PatternSearchError`` when Hyperscan cannot open or reset the stream.
    package func begin() throws(PatternSearchError) {
        found.removeAll(keepingCapacity: true)
        if let stream = unsafe stream {
            let status = unsafe hs_reset_stream(stream, 0, scratch, nil, nil)
            guard status == HS_SUCCESS else {
                throw PatternSearchError(call: "hs_reset_stream", cause: "status \(status)")
            }
            return
        }
        var opened: OpaquePointer?
        let status = unsafe hs_open_stream(set.database, 0, &opened)
        guard status == HS_SUCCESS, let opened = unsafe opened else {
            throw PatternSearchError(call: "hs_open_stream", cause: "status \(status)")
        }
        unsafe stream = opened
    }

    /// Feeds the next piece of the stream; its matches are kept until ``take()``.
    /// - Throws: ``PatternSearchError`` when no stream was begun or Hyperscan fails.
    package func feed(_ bytes: [UInt8]) throws(PatternSearchError) { try feed(bytes[...]) }

    /// ``feed(_:)`` of a slice, read in place (a window's own bytes, not copied out first).
    package func feed(_ bytes: ArraySlice<UInt8>) throws(PatternSearchError) {
        guard let stream = unsafe stream else { throw PatternSearchError(call: "hs_scan_stream", cause: "no stream") }
        let context = unsafe Unmanaged.passUnretained(self).toOpaque()
        let status = unsafe bytes.withUnsafeBytes { raw in
            var total = 0
            // hs_scan_stream takes an unsigned int length: pieces over 1 GiB go in parts.
            while total < raw.count {
                let count = min(raw.count - total, 1 << 30)
                let status = unsafe hs_scan_stream(
                    stream, raw.baseAddress!.advanced(by: total).assumingMemoryBound(to: CChar.self), UInt32(count), 0,
                    scratch, onMatch, context)
                guard status == HS_SUCCESS else { return status }
                total += count
            }
            return HS_SUCCESS
        }
        guard status == HS_SUCCESS else { throw PatternSearchError(call: "hs_scan_stream", cause: "status \(status)") }
    }

    /// The matches found since ``begin()`` or the last `take()`, in the order Hyperscan reported them.
    package func take() -> [LiteralMatch] {
        defer { found.removeAll(keepingCapacity: true) }
        return found
    }

    /// Every match of `bytes` searched alone, as a stream of its own.
    package func matches(in bytes: [UInt8]) throws(PatternSearchError) -> [LiteralMatch] {
        try begin()
        try feed(bytes)
        return take()
    }
}

extension LiteralScanner {
    /// Scans `bytes` as one block, apart from any stream, calling `body` with every match
    /// in order of its end (every occurrence of every literal, not only the first).
    /// - Throws: ``PatternSearchError`` when `bytes` is 4 GiB or more or Hyperscan fails.
    package func scanBlock(_ bytes: [UInt8], _ body: (LiteralMatch) -> Void) throws(PatternSearchError) {
        let status = unsafe bytes.withUnsafeBytes { raw in unsafe blockScan(raw, body) }
        try Self.check(status)
    }

    /// ``scanBlock(_:_:)`` of bytes read in place (a piece of a mapped file or of a larger
    /// buffer, not copied): each match's `end` is an offset into `bytes`.
    /// - Throws: ``PatternSearchError`` when `bytes` is 4 GiB or more or Hyperscan fails.
    package func scanBlock(_ bytes: UnsafeRawBufferPointer, _ body: (LiteralMatch) -> Void) throws(PatternSearchError) {
        try Self.check(unsafe blockScan(bytes, body))
    }

    /// Hyperscan's block scan of `bytes` (nil when they are 4 GiB or more), matches to `body`.
    private func blockScan(_ bytes: UnsafeRawBufferPointer, _ body: (LiteralMatch) -> Void) -> hs_error_t? {
        guard bytes.count < Int(UInt32.max) else { return nil }
        guard let base = bytes.baseAddress, unsafe !bytes.isEmpty else { return HS_SUCCESS }
        let context = unsafe Unmanaged.passUnretained(self).toOpaque()
        return withoutActuallyEscaping(body) { body in
            sink = body
            defer { sink = nil }
            return unsafe hs_scan(
                set.blockDatabase, base.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0, scratch, onMatch,
                context)
        }
    }

    /// Throws for a block scan's status: nil (a block too large) or a Hyperscan failure.
    private static func check(_ status: hs_error_t?) throws(PatternSearchError) {
        guard let status else { throw PatternSearchError(call: "hs_scan", cause: "a block of 4 GiB or more") }
        guard status == HS_SUCCESS else { throw PatternSearchError(call: "hs_scan", cause: "status \(status)") }
    }
}

/// Hyperscan's match callback: records the match in the scanner passed as context (or hands it
/// to the block scan's sink) and goes on.
private func onMatch(
    _ id: UInt32, _ from: UInt64, _ to: UInt64, _ flags: UInt32, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    let scanner = unsafe Unmanaged<LiteralScanner>.fromOpaque(context!).takeUnretainedValue()
    let match = LiteralMatch(literal: Int(id), end: Int(to))
    if let sink = scanner.sink { sink(match) } else { scanner.found.append(match) }
    return 0
}
