import BIP38
import Ceremony
import CryptoCore
import Foundation
import PatternSearch

#if canImport(Glibc)
import Glibc
#endif

/// Finds card secrets in files, in any encoding it can recognise: raw bytes,
/// hex (either case), base64, text (inside JSON, logs, SQLite pages), and
/// values nested in base64 or hex runs, which it decodes and searches again.
///
/// Every needle is a literal of one Hyperscan database (`PatternSearch`), searched
/// in one streaming pass: a file is read in chunks of ``FileSource/chunkSize`` with
/// no size limit, and a needle split across two chunks is found through the stream
/// state. Each file then gets its deep pass (FilePass.swift): its decoded runs and
/// everything ``Decoding`` derives from it, searched in memory; a file over 33 MiB is
/// decoded one 32 MiB window at a time (``windowSize``). The raw-only search of a file over
/// ``decodeLimit`` cuts it into ranges of ``rangeSize`` (each read with the longest
/// needle's length of overlap), so one big file also uses every core.
///
/// This file holds the search of one source; a folder's walk and workers are in
/// ShareSearch+Folder.swift.
struct ShareSearch: Sendable {
    let needles: [Needle]
    let engine: Result<Engine, PatternSearchError>?
    /// The needles of values XORed with one byte (``Needle/differenceOf``), searched in each
    /// file's byte differences (``DifferenceScanner``) by the deep pass; nil when there are none
    /// or Hyperscan refused them (then ``engine`` holds the refusal).
    let differences: Engine?
    /// Both sets' sampled filter in one (``SampledPairFilter``): how the deep pass streams a
    /// file's bytes and their differences in one pass; nil when either set has a literal too
    /// short for a filter (then each is streamed on its own).
    let pairFilter: SampledPairFilter?
    /// The piece of a big file one thread decodes at a time (lowered by tests).
    var pieceSize = ShareSearch.defaultPieceSize

    /// Files up to this size are also held in memory and searched through their decoded runs.
    static let decodeLimit = 64 << 20
    /// The range of a bigger file one worker searches at a time.
    static let rangeSize = 32 << 20
    /// At most this many bytes of files are held for decoding at once, over all workers.
    static let decodeBudget = 512 << 20
    /// What one held byte costs while its decoded runs are searched (the file, its copy
    /// without line breaks, ``Decoding``'s strings and decoded runs), for the budget.
    /// Measured: 64 MiB of MIME base64 peaks at 9.3 × its size, of one-line base64 at 6.7 ×.
    static let decodeCost = 10

    /// The needles' distinct byte strings, compiled once; a literal's index maps to its needles.
    struct Engine: Sendable {
        let set: LiteralSet
        let needlesOf: [[Int]]
        /// The set's sampled prefilter (nil when a literal is too short for one): what a raw
        /// stream (``SampledStream``) reads a file's bytes through.
        var filter: SampledFilter?
    }

    init(cards: [AuditedCard]) {
        self.init(needles: NeedleForms.needles(for: cards))
    }

    init(needles: [Needle]) {
        self.needles = needles
        let (engine, differences) = Self.engines(needles)
        self.engine = engine
        self.differences = differences
        if case .success(let plain) = engine, let differences {
            pairFilter = SampledPairFilter(plain: plain.set, masked: differences.set)
        } else {
            pairFilter = nil
        }
    }

    /// The plain needles' engine, and the difference needles' (``Needle/differenceOf``).
    private static func engines(
        _ needles: [Needle]
    ) -> (Result<Engine, PatternSearchError>?, Engine?) {
        let plain = compile(needles) { $0.differenceOf == nil }
        let masked = compile(needles) { $0.differenceOf != nil }
        if case .failure(let error) = masked { return (.failure(error), nil) }
        return (plain, try? masked?.get())
    }

    /// The engine of the needles `included` picks (each keeps its index in `needles`).
    private static func compile(
        _ needles: [Needle], _ included: (Needle) -> Bool
    ) -> Result<Engine, PatternSearchError>? {
        // A caseless needle is keyed by its lower-case bytes: one literal for every case.
        struct Key: Hashable {
            let bytes: [UInt8]
            let caseless: Bool
        }
        var literalOf: [Key: Int] = [:]
        var literals: [[UInt8]] = []
        var caseless: [Bool] = []
        var needlesOf: [[Int]] = []
        for (index, needle) in needles.enumerated() where !needle.bytes.isEmpty && included(needle) {
            let key = Key(
                bytes: needle.caseless ? needle.bytes.map(asciiLower) : needle.bytes, caseless: needle.caseless)
            if let literal = literalOf[key] {
                needlesOf[literal].append(index)
            } else {
                literalOf[key] = literals.count
                literals.append(needle.bytes)
                caseless.append(needle.caseless)
                needlesOf.append([index])
            }
        }
        guard !literals.isEmpty else { return nil }
        do throws(PatternSearchError) {
            let set = try LiteralSet(literals, caseless: caseless)
            return .success(Engine(set: set, needlesOf: needlesOf, filter: SampledFilter(set)))
        } catch { return .failure(error) }
    }

    /// Why the search cannot run (Hyperscan refused the needles), or nil.
    var failure: String? {
        if case .failure(let error) = engine { return error.description }
        return nil
    }

    // MARK: One source

    /// Every needle found in `source`, streamed: raw, and through its decoded runs
    /// when it is no bigger than ``decodeLimit``. Each needle is reported once, at
    /// the first offset found (for a decoded run, the offset of the run).
    /// - Throws: what `source` throws, or ``PatternSearchError`` when Hyperscan fails.
    func scan(source: any ByteSource) throws -> [Hit] {
        guard let engine else { return [] }
        let scanner = try LiteralScanner(try engine.get().set)
        let found = try search(source, scanner, base: 0, before: nil, keep: Self.decodeLimit)
        return hits(found, file: source.display)
    }

    /// Needle index to first offset, for one source (or one range of a file starting at `base`).
    /// - Parameters:
    ///   - before: matches starting at or past this file offset are left to the next range;
    ///   - keep: the source is held for decoding while it is no bigger than this (0: never).
    func search(
        _ source: any ByteSource, _ scanner: LiteralScanner, base: Int, before: Int?, keep: Int
    ) throws -> [Int: Int] {
        guard case .success(let engine) = engine else { return [:] }
        var found: [Int: Int] = [:]
        func note(_ matches: [LiteralMatch], at offset: Int?) {
            for match in matches {
                let start = base + match.end - engine.set.literals[match.literal].count
                if let before, start >= before { continue }
                for needle in engine.needlesOf[match.literal] {
                    let at = offset ?? start
                    if found[needle].map({ at < $0 }) ?? true { found[needle] = at }
                }
            }
        }
        let raw = SampledStream(scanner, filter: engine.filter)
        try raw.begin()
        var held: [UInt8]? = keep > 0 ? [] : nil
        try source.chunks { chunk in
            try raw.feed(chunk)
            note(raw.take(), at: nil)
            if held != nil {
                if held!.count + chunk.count > keep { held = nil } else { held!.append(contentsOf: chunk) }
            }
            return true
        }
        guard let bytes = held else { return found }
        // Every decoded run end to end, searched in one call: a match counts inside one run only.
        var batch = DecodedBatch()
        // Base64 and hex are often wrapped across lines (MIME, PEM, hexdump -p): the lines joined are decoded too.
        Decoding.decodeAllRuns(bytes, into: &batch)
        guard !batch.isEmpty else { return found }
        // Every match, not each literal's first: the first may cross two runs' join, and not count.
        var decoded: [[Int: Int]] = [[:]]
        try Self.note(scanner, engine, batch, into: &decoded)
        return found.merging(decoded[0]) { min($0, $1) }
    }

    func hits(_ found: [Int: Int], file: String) -> [Hit] {
        found.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { needle, offset in
            let n = needles[needle]
            return Hit(serial: n.serial, share: n.share, name: n.name, file: file, offset: offset)
        }
    }
}

extension ShareSearch {
    /// Every hit in a value held in memory, raw and through its decoded runs.
    func scan(_ bytes: [UInt8], file: String) -> [Hit] {
        // A held source throws only what the engine throws; an engine that cannot run finds nothing here
        // and is reported once for the whole search (``failure``).
        (try? scan(source: HeldBytes(display: file, bytes: bytes))) ?? []
    }
}
