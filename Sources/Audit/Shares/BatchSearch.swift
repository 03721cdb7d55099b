import PatternSearch

/// Sources searched together: each one's own bytes and decoded runs laid end to end in one
/// ``DecodedBatch``, searched with one Hyperscan block scan every ``flushSize`` bytes, so that
/// a file's thousands of small derived sources cost one scan, not one each.
final class BatchSearch {
    /// Bytes gathered before a scan.
    static let flushSize = 8 << 20

    private let engine: ShareSearch.Engine
    private let scanner: LiteralScanner
    private var batch = DecodedBatch()
    /// The sources gathered since the last scan, by index in the batch, each named as its
    /// parent and its step (the whole name is built for those with a hit only).
    private var displays: [Label] = []
    /// Each source's needles found so far: needle index to first offset.
    private var found: [[Int: Int]] = []
    /// Hits of sources already scanned: display, needle, offset.
    private(set) var hits: [(display: String, needle: Int, offset: Int)] = []

    init(_ engine: ShareSearch.Engine, _ scanner: LiteralScanner) {
        self.engine = engine
        self.scanner = scanner
    }

    /// The hits found so far, taken (none are left): a batch kept for a file's next window
    /// gives each hit once.
    func takeHits() -> [(display: String, needle: Int, offset: Int)] {
        defer { hits = [] }
        return hits
    }

    /// Adds one derived source as `ShareSearch.scan(_:file:)` searches it: its bytes, and (up
    /// to ``ShareSearch/decodeLimit``) its decoded runs and those of its lines joined, from its
    /// plan (``Derived/plan``).
    func add(_ derived: Derived) throws(PatternSearchError) {
        let bytes = derived.bytes
        if bytes.count >= Self.flushSize {
            // A big source is scanned where it is (a stream of its own), not copied into the batch.
            try flush()
            var own: [Int: Int] = [:]
            ShareSearch.note(try scanner.matches(in: bytes), engine, into: &own)
            for (needle, offset) in own { hits.append((derived.display, needle, offset)) }
            guard bytes.count <= ShareSearch.decodeLimit else { return }
            displays.append(Label(parent: derived.parent, name: derived.name))
            found.append([:])
            Decoding.decodeAllRuns(derived.plan, into: &batch, source: 0)
            try flush()
            return
        }
        let source = displays.count
        displays.append(Label(parent: derived.parent, name: derived.name))
        found.append([:])
        batch.appendRaw(bytes, source: source)
        if bytes.count <= ShareSearch.decodeLimit { Decoding.decodeAllRuns(derived.plan, into: &batch, source: source) }
        if batch.bytes.count >= Self.flushSize { try flush() }
    }

    /// Searches what was added since the last scan.
    func flush() throws(PatternSearchError) {
        defer {
            batch.removeAll()
            displays.removeAll(keepingCapacity: true)
            found.removeAll(keepingCapacity: true)
        }
        guard !batch.isEmpty else { return }
        try ShareSearch.note(scanner, engine, batch, into: &found)
        for (source, needles) in found.enumerated() where !needles.isEmpty {
            let display = displays[source].display
            for (needle, offset) in needles { hits.append((display, needle, offset)) }
        }
    }

    /// Adds a run of `parent` decoded from its first character that derives nothing
    /// (``Decoding/isLeaf(_:)``), as `ShareSearch.scan(_:file:)` would search the source
    /// `parent!decoded@at`: its bytes alone (it holds no run to decode), with no ``Derived``
    /// made for it.
    func addLeaf(parent: String, at: Int, _ bytes: [UInt8]) throws(PatternSearchError) {
        let source = displays.count
        displays.append(Label(parent: parent, name: "decoded", at: at))
        found.append([:])
        // Room for a whole batch at once: grown by doubling, its buffer is copied and its new
        // pages faulted in some four times over (the dense text's leaves are 17 MiB a window).
        if batch.isEmpty { batch.reserve(Self.flushSize + Decoding.leafLimit) }
        batch.appendRaw(bytes, source: source)
        if batch.bytes.count >= Self.flushSize { try flush() }
    }

    /// A source's name: `parent!name`, or `parent!name@at` for one named by its offset.
    private struct Label {
        let parent: String
        let name: String
        var at: Int?

        var display: String { at.map { "\(parent)!\(name)@\($0)" } ?? "\(parent)!\(name)" }
    }
}
