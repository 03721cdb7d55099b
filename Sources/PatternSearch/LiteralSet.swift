/// Multi-literal search for the audit: many byte strings found at once in a stream,
/// through Intel's Hyperscan (`LiteralSet+Hyperscan.swift` makes every C call).
///
/// A ``LiteralSet`` is compiled once and shared by every thread; each thread scans
/// with its own ``LiteralScanner`` (Hyperscan's scratch space and stream state are
/// per thread). A stream is fed in consecutive pieces of any size: a literal split
/// across two pieces is still found, because the stream state carries it over.

/// Why a literal set could not be compiled or scanned (never a secret: the literals are not shown).
package struct PatternSearchError: Error, CustomStringConvertible, Sendable {
    /// The Hyperscan call that failed.
    package let call: String
    /// Hyperscan's status code, or its compile message.
    package let cause: String

    package var description: String { "\(call) failed: \(cause)" }
}

/// One match: which literal (its index in the set) and where it ends in the stream
/// (the offset just past its last byte; it starts at `end - length`).
package struct LiteralMatch: Sendable, Hashable {
    package let literal: Int
    package let end: Int
}
