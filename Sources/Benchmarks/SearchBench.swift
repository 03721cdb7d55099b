import Audit
import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The share search's figures (issue 15 item 7), in the same run: the plain read rate
/// (`cat` from cache), our search on 1 and all cores (a child process each, for its
/// peak memory), and `grep -F -f` on the same needles as a yardstick; over a 256 MiB
/// random file and a 64 MiB base64- and hex-dense text file (both targets). The search is
/// what the audit pays per file (`ShareSearch.search`: one read, the raw bytes, the decoded
/// runs, and every source the decoders derive, containers and text forms, searched too);
/// the random file is also searched raw only, as the plain search (no decoders) reads it.
///
/// `BENCH_ONLY=search` runs these alone; the search child is this executable run
/// with `BENCH_ONLY=search-child NEEDLES FOLDER WORKERS [raw]`.
enum SearchBench {
    static let randomSize = 256 << 20
    static let denseSize = 64 << 20
    static let cards = 64

    /// One data file's figures.
    struct Point: Codable, Sendable {
        let data: String
        let mebibytes: Double
        let catMiBPerSecond: Summary
        let grepMiBPerSecond: Summary
        /// Our search rate (walk and search, needles compiled beforehand) per core count.
        let searchMiBPerSecond: [Int: Summary]
        /// Our search's MiB per CPU second (all its threads), per core count: its cost on a busy machine.
        let searchMiBPerCPUSecond: [Int: Summary]
        /// The search child's whole run (process start, compile, search) per core count, in seconds.
        let childSeconds: [Int: Summary]
        let peakMemoryMiB: Double
        let hits: Int
        let grepNeedles: Int
    }

    struct Figures: Codable, Sendable {
        let needles: Int
        let compileMilliseconds: Double
        let points: [Point]
        let targets: [TargetCheck]
    }

    // MARK: Needles and data

    /// A 64-card needle set shaped as the audit's (NeedleForms): each card's passphrase
    /// (caseless), WIF and encrypted key as text, its 32-byte values and the raw encrypted key
    /// as raw bytes, caseless hex and base64 (less its last 4 characters), from random values.
    static func needles() -> [(bytes: [UInt8], caseless: Bool, difference: UInt8?)] {
        var random = SystemRandomNumberGenerator()
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        func text(_ count: Int, _ alphabet: String) -> [UInt8] {
            let letters = Array(alphabet.utf8)
            return (0..<count).map { _ in letters.randomElement(using: &random)! }
        }
        let base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
        var out: [(bytes: [UInt8], caseless: Bool, difference: UInt8?)] = []
        func forms(_ raw: [UInt8], binary: Bool, caseless: Bool = false) {
            out.append((raw, caseless, nil))
            let base64 = Array(Data(raw).base64EncodedString().utf8)
            out.append((Array(base64.prefix(max(8, base64.count - 4))), false, nil))
            if binary { out.append((Array(raw.hex.utf8), true, nil)) }
            // The value XORed with one byte: its byte differences, searched in the file's.
            out.append(((1..<raw.count).map { raw[$0 - 1] ^ raw[$0] }, false, raw[0]))
        }
        for _ in 0..<cards {
            forms(text(24, "abcdefghijkmnpqrstuvwxyz23456789-"), binary: false, caseless: true)
            for _ in 0..<5 { forms(bytes(32), binary: true) }  // prefactor, passfactor, private key, factorb, seedb
            forms(Array("K".utf8) + text(51, base58), binary: false)  // WIF
            forms(Array("6P".utf8) + text(56, base58), binary: false)  // encrypted key
            forms(bytes(39), binary: true)  // raw encrypted key
        }
        return out
    }

    /// Fast non-cryptographic filler (xorshift64*): the data need only be incompressible-looking.
    struct Filler {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(getpid())
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func bytes(_ count: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            out.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for i in 0..<words.count { words[i] = next() }
            }
            for i in (count / 8 * 8)..<count { out[i] = UInt8(truncatingIfNeeded: next()) }
            return out
        }
    }

    /// Log lines dense in hex digests and base64 blobs, and MIME-wrapped base64 blocks.
    static func denseText(_ size: Int) -> [UInt8] {
        var filler = Filler()
        var out: [UInt8] = []
        out.reserveCapacity(size + 4096)
        var line = 0
        while out.count < size {
            if line % 50 == 49 {
                let block = Data(filler.bytes(57 * 20)).base64EncodedString(options: [.lineLength76Characters])
                out += Array(block.utf8) + [0x0A]
            } else {
                let digest = filler.bytes(32).hex
                let blob = Data(filler.bytes(48)).base64EncodedString()
                out += Array("2025-11-24T12:00:\(line % 60)Z INFO sha256=\(digest) blob=\(blob) status=ok\n".utf8)
            }
            line += 1
        }
        return Array(out.prefix(size))
    }

    // MARK: The child

    /// `BENCH_ONLY=search-child NEEDLES FOLDER WORKERS`: one search, its figures as one JSON line.
    static func child(_ arguments: [String]) -> Int32 {
        guard arguments.count == 3 || (arguments.count == 4 && arguments[3] == "raw"), let workers = Int(arguments[2]),
            let text = try? String(contentsOfFile: arguments[0], encoding: .utf8)
        else {
            FileHandle.standardError.write(Data("search-child: NEEDLES FOLDER WORKERS [raw]\n".utf8))
            return 64
        }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ") }
        let literals = lines.compactMap { $0.first.flatMap { [UInt8](hexString: $0) } }
        let outcome = ShareSearchBench.run(
            literals: literals, caseless: lines.map { $0.dropFirst().contains("i") },
            differences: lines.map { line in
                line.dropFirst().first { $0.hasPrefix("x=") }.flatMap { UInt8($0.dropFirst(2), radix: 16) }
            },
            folder: URL(fileURLWithPath: arguments[1]), workers: workers,
            deep: arguments.count == 3)
        if let failure = outcome.failure {
            FileHandle.standardError.write(Data("search-child: \(failure)\n".utf8))
            return 1
        }
        print(
            "{\"hits\":\(outcome.hits),\"skipped\":\(outcome.skipped),\"compile\":\(outcome.compileSeconds),\"search\":\(outcome.searchSeconds),\"cpu\":\(outcome.searchCPUSeconds)}"
        )
        return 0
    }

    // MARK: Measuring

    static func note(_ line: String) { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }

    static func measure(configuration c: Configuration, scratch: URL, runs: Int) throws -> Figures {
        let root = scratch.appendingPathComponent("share-search")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !c.keep { try? FileManager.default.removeItem(at: root) } }
        let literals = needles()
        let needleFile = root.appendingPathComponent("needles.hex")
        // One literal a line in hex, followed by ` i` when it is caseless, and by ` x=HH` when it
        // is a value's byte differences (HH its first byte).
        try Data(
            literals.map { literal in
                literal.bytes.hex + (literal.caseless ? " i" : "")
                    + (literal.difference.map { " x=" + [$0].hex } ?? "")
            }.joined(separator: "\n").utf8
        )
        .write(to: needleFile)
        // grep reads one pattern a line: needles holding a line break are left out of its list,
        // and a caseless one is given in lower and upper case (grep -i would fold them all).
        let grepLiterals = literals.filter { $0.difference == nil }.flatMap { literal -> [[UInt8]] in
            guard literal.caseless else { return [literal.bytes] }
            let text = String(decoding: literal.bytes, as: UTF8.self)
            return [Array(text.lowercased().utf8), Array(text.uppercased().utf8)]
        }
        .filter { !$0.contains(0x0A) }
        let grepFile = root.appendingPathComponent("needles.grep")
        try Data(grepLiterals.map { Data($0) + Data([0x0A]) }.reduce(Data(), +)).write(to: grepFile)

        var filler = Filler()
        // The audit's whole pass per file; the random file raw only too (the plain search).
        let randomBytes = filler.bytes(randomSize)
        let data: [(String, String, [UInt8], Bool)] = [
            ("random", "random bytes, the audit's whole pass", randomBytes, false),
            ("dense", "base64- and hex-dense text, the audit's whole pass", denseText(denseSize), false),
            ("random", "random bytes, raw only (the plain search)", randomBytes, true),
        ]
        var points: [Point] = []
        var compile: [Double] = []
        for (name, label, bytes, raw) in data {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("\(name).bin")
            try Data(bytes).write(to: file)
            let mebibytes = Double(bytes.count) / Double(1 << 20)
            func shell(_ command: String) throws -> Double {
                try Spawn.plain(["/bin/sh", "-c", command], expecting: [0, 1], scratch: root).seconds
            }
            _ = try shell("cat '\(file.path)' > /dev/null")  // into the page cache
            var cat: [Double] = []
            var grep: [Double] = []
            var search: [Int: [Double]] = [:]
            var child: [Int: [Double]] = [:]
            var cpu: [Int: [Double]] = [:]
            var peak = 0.0
            var hits = 0
            for run in 0..<runs {
                note("share search: \(label), run \(run + 1)/\(runs)")
                cat.append(try shell("cat '\(file.path)' > /dev/null"))
                grep.append(try shell("LC_ALL=C grep -F -a -c -f '\(grepFile.path)' '\(file.path)' > /dev/null"))
                for k in c.coreCounts {
                    let arguments =
                        c.pinned(k) + [
                            "/usr/bin/env", "BENCH_ONLY=search-child", c.binary("Benchmarks"), needleFile.path,
                            folder.path, "\(k)",
                        ] + (raw ? ["raw"] : [])
                    let result = try Spawn.run(arguments, scratch: root)
                    let fields =
                        try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                    guard let seconds = fields?["search"] as? Double, let found = fields?["hits"] as? Int else {
                        throw SpawnFailure(description: "search child printed \(result.standardOutput)")
                    }
                    search[k, default: []].append(seconds)
                    cpu[k, default: []].append(max((fields?["cpu"] as? Double) ?? seconds, 1e-6))
                    child[k, default: []].append(result.seconds)
                    compile.append((fields?["compile"] as? Double) ?? 0)
                    peak = max(peak, result.maxRSSMiB)
                    hits = found
                }
                // A search slower than 5 s is measured once: its figure is far from any target.
                if search.values.contains(where: { $0.contains { $0 > 5 } }) { break }
            }
            points.append(
                Point(
                    data: label, mebibytes: mebibytes,
                    catMiBPerSecond: Summary(cat, unit: "s").rate(work: mebibytes, unit: "MiB/s"),
                    grepMiBPerSecond: Summary(grep, unit: "s").rate(work: mebibytes, unit: "MiB/s"),
                    searchMiBPerSecond: search.mapValues {
                        Summary($0, unit: "s").rate(work: mebibytes, unit: "MiB/s")
                    },
                    searchMiBPerCPUSecond: cpu.mapValues {
                        Summary($0, unit: "s").rate(work: mebibytes, unit: "MiB/CPU s")
                    },
                    childSeconds: child.mapValues { Summary($0, unit: "s") }, peakMemoryMiB: peak, hits: hits,
                    grepNeedles: grepLiterals.count))
            if !c.keep { try? FileManager.default.removeItem(at: file) }
        }

        let all = c.cores
        let random = points[0]
        let dense = points[1]
        let rawOnly = points[2]
        let rawRatio = rawOnly.searchMiBPerSecond[all]!.median / rawOnly.catMiBPerSecond.median
        let randomRate = random.searchMiBPerSecond[all]!.median
        let ratio = randomRate / random.catMiBPerSecond.median
        let denseRate = dense.searchMiBPerSecond[all]!.median
        let peak = points.map(\.peakMemoryMiB).max() ?? 0
        let targets = [
            TargetCheck(
                name: "search_random_vs_cat@\(all)", target: "≥ 0.5 × cat", measured: "× " + format(ratio, 3),
                met: ratio >= 0.5),
            TargetCheck(
                name: "search_random_mib_s@\(all)", target: "≥ 400 MiB/s", measured: format(randomRate, 0),
                met: randomRate >= 400 && all >= 2),
            TargetCheck(
                name: "search_dense_mib_s@\(all)", target: "≥ 50 MiB/s", measured: format(denseRate, 0),
                met: denseRate >= 50),
            TargetCheck(
                name: "search_random_raw_vs_cat@\(all)", target: "≥ 0.5 × cat (the plain search)",
                measured: "× " + format(rawRatio, 3), met: rawRatio >= 0.5),
            TargetCheck(
                name: "search_peak_mib", target: "< 1024 MiB",
                measured: Spawn.gnuTime == nil ? "not measured (GNU time missing)" : format(peak, 0),
                met: Spawn.gnuTime != nil && peak < 1024),
        ]
        return Figures(
            needles: literals.count, compileMilliseconds: Summary(compile, unit: "s").median * 1000, points: points,
            targets: targets)
    }

    /// Measures, prints the table and writes it with the figures beside `configuration.output`
    /// (bench/share-search.json); returns the targets for the run's own table.
    @discardableResult
    static func run(configuration c: Configuration) throws -> [TargetCheck] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bip38-search-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { if !c.keep { try? FileManager.default.removeItem(at: scratch) } }
        let figures = try measure(configuration: c, scratch: scratch, runs: c.runs)
        let table = render(figures)
        print(table)
        let output = c.output.deletingLastPathComponent().appendingPathComponent("share-search.json")
        try FileManager.default.createDirectory(
            at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var json = try encoder.encode(figures)
        json.append(Data("\n".utf8))
        try json.write(to: output)
        note("wrote \(output.path)")
        return figures.targets
    }

    /// The figures as a Markdown table, each target with whether it was met.
    static func render(_ f: Figures) -> String {
        var lines = [
            "Share search: \(f.needles) needles (a \(cards)-card set), compiled in \(format(f.compileMilliseconds, 1)) ms.",
            "",
            "| data | MiB | cat | grep -F -f | search, by cores | search per CPU second, by cores | search child, by cores (s) | peak MiB | hits |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for p in f.points {
            let rates = p.searchMiBPerSecond.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text(0))" }
            let perCPU = p.searchMiBPerCPUSecond.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text(0))" }
            let child = p.childSeconds.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text(2))" }
            lines.append(
                "| \(p.data) | \(format(p.mebibytes, 0)) | \(p.catMiBPerSecond.text(0)) | \(p.grepMiBPerSecond.text(0)) (\(p.grepNeedles) needles) | \(rates.joined(separator: "; ")) | \(perCPU.joined(separator: "; ")) | \(child.joined(separator: "; ")) | \(format(p.peakMemoryMiB, 0)) | \(p.hits) |"
            )
        }
        lines += ["", "| target | measured | wanted | met |", "|---|---|---|---|"]
        for t in f.targets { lines.append("| \(t.name) | \(t.measured) | \(t.target) | \(t.met ? "yes" : "**no**") |") }
        return lines.joined(separator: "\n")
    }
}
