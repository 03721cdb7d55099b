internal import CZlib

#if canImport(Glibc)
import Glibc
#endif

extension Containers {
    /// Offsets in `bytes` where a zlib stream may start: a deflate header with a 32 KiB window,
    /// no preset dictionary and a valid check (`78 01`, `78 5E`, `78 9C`, `78 DA`), every one.
    /// With `range`, only those that start in it (consecutive ranges give every offset once).
    package static func zlibCandidates(_ bytes: [UInt8], in range: Range<Int>? = nil) -> [Int] {
        var out: [Int] = []
        // A header is followed by at least one byte: none starts in the last two.
        pairPositions(bytes, in: range, firsts: [0x78], pairs: zlibPairs) { at in
            if at < bytes.count - 2 { out.append(at) }
        }
        return out
    }

    /// Whether `byte` after `78` makes a zlib header ``zlibCandidates(_:)`` tries: no preset
    /// dictionary and a valid check, at any of the four compression levels.
    static func isZlibCheck(_ byte: UInt8) -> Bool { byte == 0x01 || byte == 0x5E || byte == 0x9C || byte == 0xDA }

    /// The zlib streams in `bytes` that really inflate, tried at each of `candidates`
    /// (``zlibCandidates(_:)``), in order.
    ///
    /// A stream counts when it gives at least 64 bytes, or at least one and a clean end. A header
    /// that does neither is a decoy: its attempt stops at zlib's first error and takes nothing
    /// from `budget`, so decoy headers cannot hide a stream behind them. The streams that count
    /// are at most `maximum`, and what decoys may read in all is at most four times `bytes`
    /// plus 1 MiB, so the time is bounded too.
    ///
    /// `bytes` may be one part of something longer (a window of a big file): a stream that runs
    /// out of input at their end reads on through `more`, which gives the next piece of input
    /// after `bytes` (0 for the first) or nil when there is none (the end, or as far as the
    /// caller lets a stream read).
    /// - Parameter visit: called with each stream's offset and what it inflates to.
    /// - Returns: the streams that still ran out of input before their end: each one's offset
    ///   and the input it read (a stream cut where the bytes, and `more`, stop).
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` when the output would pass `budget`
    ///   (what was inflated up to the bound is visited first);
    ///   ``ContainerError/unreadable(_:)`` when a stream past `maximum` counts, or decoys read more
    ///   than their allowance.
    @discardableResult
    package static func zlibStreams(
        _ bytes: [UInt8], at candidates: [Int], maximum: Int = 256, budget: inout Budget,
        more: ((_ piece: Int) -> [UInt8]?)? = nil, visit: (_ offset: Int, _ content: [UInt8]) -> Void
    ) throws(ContainerError) -> [(offset: Int, read: Int)] {
        guard !candidates.isEmpty else { return [] }
        var reader = try ZlibReader()
        var streams = 0
        var decoyInput = 0
        var cut: [(offset: Int, read: Int)] = []
        let decoyAllowance = bytes.count.multipliedReportingOverflow(by: 4).partialValue + (1 << 20)
        for offset in candidates where offset < bytes.count {
            let attempt = try reader.inflate(bytes, at: offset, budget: &budget, more: more)
            guard attempt.counts else {
                decoyInput += attempt.read
                guard decoyInput <= decoyAllowance else {
                    throw .unreadable("its zlib headers pass \(decoyAllowance) bytes of trial inflation")
                }
                continue
            }
            streams += 1
            guard streams <= maximum else { throw .unreadable("it holds more than \(maximum) zlib streams") }
            visit(offset, attempt.content)
            if attempt.exceeded { throw .exceedsBudget(limit: budget.limit) }
            if attempt.truncated { cut.append((offset, attempt.read)) }
        }
        return cut
    }

    /// Inflates the zlib stream that starts at `offset` (zlib's inflate).
    /// - Returns: what it inflates to, and whether the stream ended cleanly; nil when not a
    ///   single byte comes out (not a zlib stream).
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` when the output would pass `budget`.
    package static func inflateZlib(
        _ bytes: [UInt8], at offset: Int, budget: inout Budget
    ) throws(ContainerError) -> (content: [UInt8], complete: Bool)? {
        guard offset < bytes.count else { return nil }
        var reader = try ZlibReader()
        let attempt = try reader.inflate(bytes, at: offset, budget: &budget, all: true)
        if attempt.exceeded { throw .exceedsBudget(limit: budget.limit) }
        return attempt.content.isEmpty ? nil : (attempt.content, attempt.complete)
    }
}

extension Containers {
    /// What a raw deflate stream (no zlib or gzip header, no magic: zlib's `wbits=-15`,
    /// Python's `zlib.compressobj(wbits=-15)`, a zip member's data) at the start of `bytes`
    /// inflates to, when it ends cleanly with 8 bytes or more. Only the start is tried (a stream
    /// without magic could begin anywhere; at every offset the trial would cost a pass of zlib
    /// a byte), and only a whole stream counts (random bytes often inflate for a while as fixed
    /// Huffman codes before an error; a stream cut short is missed). A first block of the
    /// reserved type, or a stored block whose length and its complement disagree, is no stream,
    /// without zlib. An attempt that does not count takes nothing from `budget`.
    /// - Throws: ``ContainerError/exceedsBudget(limit:)`` when the output would pass `budget`.
    package static func rawDeflate(_ bytes: [UInt8], budget: inout Budget) throws(ContainerError) -> [UInt8]? {
        guard bytes.count >= 2 else { return nil }
        switch (bytes[0] >> 1) & 3 {
        case 3: return nil
        case 0:
            guard bytes.count >= 5 else { return nil }
            let length = UInt16(bytes[1]) | UInt16(bytes[2]) << 8
            guard length == ~(UInt16(bytes[3]) | UInt16(bytes[4]) << 8) else { return nil }
        default: break
        }
        var reader = try ZlibReader(raw: true, chunk: 4 << 10)
        var trial = budget
        let attempt = try reader.inflate(bytes, at: 0, budget: &trial, all: true)
        if attempt.exceeded {
            budget = trial
            throw .exceedsBudget(limit: budget.limit)
        }
        guard attempt.complete && attempt.content.count >= 8 else { return nil }
        budget = trial
        return attempt.content
    }
}

/// One zlib inflate stream and its output buffer, reset for each attempt (one allocation for
/// thousands of candidate headers). The stream lives on the heap: zlib keeps its address.
@safe private struct ZlibReader: ~Copyable {
    /// What one attempt gave.
    struct Attempt {
        var content: [UInt8] = []
        /// The stream ended cleanly (its Adler-32 checked).
        var complete = false
        /// The budget ran out: `content` stops at it.
        var exceeded = false
        /// Input bytes zlib read.
        var read = 0
        /// The input ran out before the stream ended (nothing more came through `more`).
        var truncated = false
        /// A real stream: 64 bytes or more, or at least one and a clean end.
        var counts: Bool { content.count >= 64 || (complete && !content.isEmpty) }
    }

    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var chunk: [UInt8]

    /// A reader of zlib streams, or with `raw` of raw deflate streams (no header, no check),
    /// inflating `chunk` bytes at a time.
    /// - Throws: ``ContainerError/unreadable(_:)`` when zlib cannot set up a stream (no memory).
    init(raw: Bool = false, chunk size: Int = 1 << 16) throws(ContainerError) {
        chunk = [UInt8](repeating: 0, count: size)
        unsafe stream.initialize(to: z_stream())
        guard
            unsafe inflateInit2_(stream, raw ? -15 : 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            unsafe stream.deallocate()
            throw .unreadable("zlib cannot start an inflate stream")
        }
    }

    deinit {
        unsafe inflateEnd(stream)
        unsafe stream.deallocate()
    }

    /// Inflates from `offset` until the stream ends, fails or stops giving output; when it runs
    /// out of input first, it reads on through `more` (each piece in turn, until nil). Output is
    /// taken from `budget` only once the attempt counts (a decoy costs none), unless `all`.
    mutating func inflate(
        _ bytes: [UInt8], at offset: Int, budget: inout Budget, all: Bool = false,
        more: ((_ piece: Int) -> [UInt8]?)? = nil
    ) throws(ContainerError) -> Attempt {
        guard unsafe inflateReset(stream) == Z_OK else { throw .unreadable("zlib cannot reset its stream") }
        var attempt = Attempt()
        var charged = 0
        // Whether the input ran out before the stream ended (what more input could carry on).
        var starved = false
        /// Inflates all of `input` (or until the stream ends or fails), and says whether it ran out.
        func inflate(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
            unsafe stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            unsafe stream.pointee.avail_in = UInt32(clamping: input.count)
            while true {
                var status = Z_OK
                let produced = unsafe chunk.withUnsafeMutableBufferPointer { out -> Int in
                    unsafe stream.pointee.next_out = out.baseAddress
                    unsafe stream.pointee.avail_out = UInt32(out.count)
                    status = unsafe CZlib.inflate(stream, Z_NO_FLUSH)
                    return out.count - Int(unsafe stream.pointee.avail_out)
                }
                attempt.content += chunk.prefix(produced)
                attempt.complete = status == Z_STREAM_END
                if all || attempt.counts {
                    guard budget.take(attempt.content.count - charged) else {
                        attempt.content.removeLast(attempt.content.count - charged - budget.remaining)
                        _ = budget.take(budget.remaining)
                        attempt.exceeded = true
                        return false
                    }
                    charged = attempt.content.count
                }
                if status == Z_OK && produced > 0 { continue }
                // No output and no error: zlib wants input it does not have.
                let left = unsafe stream.pointee.avail_in
                return (status == Z_OK || status == Z_BUF_ERROR) && left == 0
            }
        }
        unsafe bytes.withUnsafeBufferPointer { input in
            starved = unsafe inflate(UnsafeBufferPointer(rebasing: input[offset...]))
        }
        var piece = 0
        while starved, let next = more?(piece), !next.isEmpty {
            piece += 1
            unsafe next.withUnsafeBufferPointer { input in starved = unsafe inflate(input) }
        }
        attempt.truncated = starved
        attempt.read = Int(unsafe stream.pointee.total_in)
        return attempt
    }
}
