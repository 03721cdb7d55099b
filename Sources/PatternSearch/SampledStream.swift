/// A stream of pieces searched through a ``SampledFilter`` where the set has one, else through
/// Hyperscan's own stream: the same begin, feed and take as a ``LiteralScanner``'s stream, and
/// every occurrence that ends in the stream, each once, at its stream offset.
///
/// With a filter, each piece is scanned in place (``LiteralScanner/scanSampled(_:filter:_:)``)
/// for what lies wholly inside it; what crosses from the pieces before into it is found in a
/// small block of its own, the last `longest - 1` bytes before the piece and as many of the
/// piece's first (the only matches taken from it are those that cross the join). So a literal
/// split across pieces is found, as Hyperscan's stream state finds it. Unlike the stream, which
/// reports each literal once (`HS_FLAG_SINGLEMATCH`), every occurrence is reported; callers
/// keep each literal's first.
package final class SampledStream {
    package let scanner: LiteralScanner
    package let filter: SampledFilter?
    /// The last `longest - 1` bytes fed (with a filter), for the next piece's join.
    private var carry: [UInt8] = []
    /// The stream offset of the next piece's first byte.
    private var offset = 0
    private var found: [LiteralMatch] = []

    /// A stream over `scanner` (its set's filter, when given, made from the same set).
    package init(_ scanner: LiteralScanner, filter: SampledFilter?) {
        precondition(filter.map { $0.set === scanner.set } ?? true, "a sampled filter of another set")
        self.scanner = scanner
        self.filter = filter
    }

    /// Starts a new stream: offsets count from 0 again.
    package func begin() throws(PatternSearchError) {
        carry.removeAll(keepingCapacity: true)
        offset = 0
        found.removeAll(keepingCapacity: true)
        if filter == nil { try scanner.begin() }
    }

    /// Feeds the next piece; its matches are kept until ``take()``.
    package func feed(_ bytes: ArraySlice<UInt8>) throws(PatternSearchError) {
        guard let filter else { return try scanner.feed(bytes) }
        guard !bytes.isEmpty else { return }
        let keep = scanner.set.longest - 1
        let literals = scanner.set.literals
        if !carry.isEmpty {
            // What crosses the join: starts in the carry, ends in this piece.
            let edge = carry + bytes[bytes.startIndex..<min(bytes.endIndex, bytes.startIndex + keep)]
            let join = carry.count
            let base = offset - join
            try scanner.scanBlock(edge) { match in
                guard match.end > join && match.end - literals[match.literal].count < join else { return }
                found.append(LiteralMatch(literal: match.literal, end: base + match.end))
            }
        }
        let base = offset
        let failure: PatternSearchError? = unsafe bytes.withUnsafeBytes { raw in
            do throws(PatternSearchError) {
                try unsafe scanner.scanSampled(raw, filter: filter) { match in
                    found.append(LiteralMatch(literal: match.literal, end: base + match.end))
                }
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
        offset += bytes.count
        carry.keepLast(keep, after: bytes)
    }

    /// ``feed(_:)`` of a whole array.
    package func feed(_ bytes: [UInt8]) throws(PatternSearchError) { try feed(bytes[...]) }

    /// The matches found since ``begin()`` or the last `take()`.
    package func take() -> [LiteralMatch] {
        guard filter != nil else { return scanner.take() }
        defer { found.removeAll(keepingCapacity: true) }
        return found
    }
}

extension [UInt8] {
    /// The last `keep` bytes of `self` followed by `bytes`, in place: a stream's carry for its
    /// next join. By index (a slice's `suffix(_:)` would walk the whole piece).
    mutating func keepLast(_ keep: Int, after bytes: ArraySlice<UInt8>) {
        if bytes.count >= keep {
            removeAll(keepingCapacity: true)
            self += bytes[(bytes.endIndex - keep)...]
        } else {
            self += bytes
            removeFirst(Swift.max(0, count - keep))
        }
    }
}
