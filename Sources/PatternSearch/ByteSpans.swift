internal import CSpans

/// Where a buffer's base64 runs, text and line-wrapped base64 lie: the share search's first
/// look at every source, through this package's C kernel (Sources/CKernels/CSpans), which
/// classifies 64 bytes at a time with vector compares.
///
/// Random bytes (a key, a compressed file, a disk image) hold almost no span of 16 bytes, so
/// the decoders that read only spans cost one pass of the kernel over them, and no branch
/// per byte.
package enum ByteSpans {
    /// What a span is made of.
    package enum Kind: Sendable, Hashable {
        /// A maximal run of base64-alphabet bytes (`A-Z a-z 0-9 + / - _`); its `extra` is 1
        /// when every byte is a hex digit, else 0.
        case base64
        /// A maximal run of bytes that may be text: printable ASCII, tab, `\n \v \f \r`, and
        /// the bytes 80–FF that a well-formed UTF-8 sequence could hold where they stand. A
        /// superset of text: every well-formed text region lies inside one such span, and a
        /// span's edges never cut a sequence. Its `extra` is 0.
        case text
        /// A maximal run of base64-alphabet bytes and line breaks (`\n`, `\r`) that holds a
        /// join, a base64 byte right after a line break: where line breaks cut base64. Its
        /// `extra` is the number of line breaks between the range's start (the start of
        /// `bytes` without a range) and the span's start.
        case wrapped
    }

    /// A set of kinds to find in one pass.
    package struct Kinds: OptionSet, Sendable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }
        package static let base64 = Kinds(rawValue: UInt32(CSPANS_BASE64))
        package static let text = Kinds(rawValue: UInt32(CSPANS_TEXT))
        package static let wrapped = Kinds(rawValue: UInt32(CSPANS_WRAPPED))
        /// Every kind.
        package static let all = Kinds(rawValue: UInt32(CSPANS_BASE64 | CSPANS_TEXT | CSPANS_WRAPPED))
    }

    /// Calls `body` with every span of `kinds` at least `minimum` (1 or more) bytes long, in
    /// order of their ends: its kind, its range in `bytes`, and its `extra` (``Kind``). With
    /// `range`, only the spans that start in it, each read to its end (past the range when it
    /// goes on), and none that starts before it: consecutive ranges give every span once.
    /// - Returns: the number of line breaks (`\n`, `\r`) in the range (or in `bytes`).
    @discardableResult
    package static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, kinds: Kinds, minimum: Int, in range: Range<Int>? = nil,
        _ body: (_ kind: Kind, _ span: Range<Int>, _ extra: Int) -> Void
    ) -> Int {
        let lines = unsafe scan(bytes, kinds: kinds, minimum: minimum, in: range, kernel: nil, body)
        guard let lines else { preconditionFailure("cspans_scan refused arguments ByteSpans checked") }
        return lines
    }

    /// ``scan(_:kinds:minimum:in:_:)`` with the code path named `kernel` (one of
    /// ``kernels``) instead of this CPU's own: for tests that check every path against the
    /// others. Nil, and nothing called, when this CPU cannot run it; else the line breaks in
    /// the range.
    package static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, kinds: Kinds, minimum: Int, in range: Range<Int>? = nil,
        kernel: String?, _ body: (_ kind: Kind, _ span: Range<Int>, _ extra: Int) -> Void
    ) -> Int? {
        let begin = max(0, range?.lowerBound ?? 0)
        let stop = min(bytes.count, range?.upperBound ?? bytes.count)
        guard minimum > 0, begin < stop, let base = bytes.baseAddress else {
            return kernel.map { kernels.contains($0) } ?? true ? 0 : nil
        }
        return withoutActuallyEscaping(body) { body in
            var context = Context(body: body)
            var lines = 0
            let status = unsafe withUnsafeMutablePointer(to: &context) { pointer in
                unsafe cspans_scan_with(
                    kernel, base, bytes.count, begin, stop, kinds.rawValue, minimum, emitSpan,
                    UnsafeMutableRawPointer(pointer), &lines)
            }
            return status == 0 ? lines : nil
        }
    }

    /// The code paths this CPU can run, this CPU's own (``kernelName``) first.
    package static let kernels: [String] = {
        let probe: [UInt8] = [0x41]
        let others = ["avx2", "sse2", "portable"].filter { name in
            guard name != kernelName else { return false }
            return unsafe probe.withUnsafeBufferPointer { bytes in
                unsafe cspans_scan_with(name, bytes.baseAddress, 1, 0, 1, 1, 1, emitSpan, nil, nil) == 0
            }
        }
        return [kernelName] + others
    }()

    /// The name of the kernel this CPU runs: "avx2", "sse2" or "portable".
    package static var kernelName: String { unsafe String(cString: cspans_kernel_name()) }

    /// What the C callback reaches through its context pointer.
    fileprivate struct Context {
        let body: (Kind, Range<Int>, Int) -> Void
    }
}

/// The kernel's callback: one span to the Swift closure behind `context`.
private func emitSpan(_ context: UnsafeMutableRawPointer?, _ kind: Int32, _ start: Int, _ end: Int, _ extra: Int) {
    guard let context = unsafe context else { return }
    let body = unsafe context.assumingMemoryBound(to: ByteSpans.Context.self).pointee.body
    let kind: ByteSpans.Kind =
        switch Int(kind) {
        case Int(CSPANS_BASE64): .base64
        case Int(CSPANS_TEXT): .text
        default: .wrapped
        }
    body(kind, start..<end, extra)
}
