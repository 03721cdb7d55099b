import Foundation
import PatternSearch

/// `BENCH_ONLY=sampled NEEDLES [MIB] [RUNS]`: the sampled gram filter (PatternSearch's
/// ``SampledFilter``) against Hyperscan's block scan of every byte, in one process, by CPU
/// time of this thread, the two scans alternating run by run. NEEDLES is the share-search
/// bench's needle file (one literal a line in hex, ` i` after a caseless one); the data are
/// MIB MiB (256 unless told) of random bytes and of the bench's base64- and hex-dense text.
/// Each table size in `BENCH_SAMPLED_LOGS` (pairs `first,second` of log2 bits, spaces between;
/// `20,20` unless told) is measured: the filter alone (its candidates counted), the sampled
/// scan (filter and Hyperscan over the candidate ranges), and its false-candidate rate.
/// Prints one line a measurement and checks that both scans find the same matches.
enum SampledBench {
    /// CPU seconds of this thread taken by `body`.
    static func cpu(_ body: () throws -> Void) rethrows -> Double {
        let start = threadCPU()
        try body()
        return threadCPU() - start
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let path = arguments.first, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            FileHandle.standardError.write(Data("sampled: NEEDLES [MIB] [RUNS]\n".utf8))
            return 64
        }
        let mebibytes = arguments.count > 1 ? Int(arguments[1]) ?? 256 : 256
        let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
        let logs = (ProcessInfo.processInfo.environment["BENCH_SAMPLED_LOGS"] ?? "20,20").split(separator: " ")
            .compactMap { pair -> (Int, Int)? in
                let parts = pair.split(separator: ",").compactMap { Int($0) }
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ") }
        let literals = lines.compactMap { $0.first.flatMap { [UInt8](hexString: $0) } }
        let caseless = lines.map { $0.count == 2 && $0[1] == "i" }
        do {
            let set = try LiteralSet(literals, caseless: caseless)
            let scanner = try LiteralScanner(set)
            var filler = SearchBench.Filler()
            let data: [(String, [UInt8])] = [
                ("random", filler.bytes(mebibytes << 20)),
                ("dense", SearchBench.denseText(mebibytes << 20)),
            ]
            print(
                "needles \(literals.count), shortest \(literals.map(\.count).min() ?? 0), longest \(set.longest)")
            for (log1, log2) in logs {
                guard let filter = SampledFilter(set, firstLog: log1, secondLog: log2) else {
                    print("no filter: a literal shorter than \(SampledFilter.shortestLiteral) bytes")
                    return 1
                }
                for (name, bytes) in data {
                    let count = Double(bytes.count)
                    let samples = Double((bytes.count - 8) / filter.stride + 1)
                    var whole: [Double] = []
                    var sampled: [Double] = []
                    var alone: [Double] = []
                    var matches = (whole: 0, sampled: 0)
                    var candidates = 0
                    try bytes.withUnsafeBytes { raw in
                        for _ in 0..<runs {
                            var found = 0
                            whole.append(try cpu { try scanner.scanBlock(raw) { _ in found += 1 } })
                            matches.whole = found
                            found = 0
                            sampled.append(try cpu { try scanner.scanSampled(raw, filter: filter) { _ in found += 1 } })
                            matches.sampled = found
                            alone.append(cpu { candidates = filter.candidateCount(raw) })
                        }
                    }
                    func ns(_ seconds: [Double]) -> String {
                        let perByte = seconds.map { $0 * 1e9 / count }.sorted()
                        return "\(format(perByte[perByte.count / 2], 4)) (\(format(perByte[0], 4))–"
                            + "\(format(perByte[perByte.count - 1], 4)))"
                    }
                    let ratios = zip(sampled, whole).map { $0 / $1 }.sorted()
                    print(
                        "\(name) \(bytes.count >> 20) MiB, bitmaps 2^\(log1)+2^\(log2), stride \(filter.stride): "
                            + "hyperscan \(ns(whole)) ns/B, sampled \(ns(sampled)) ns/B, filter alone \(ns(alone)) ns/B, "
                            + "sampled/hyperscan \(format(ratios[ratios.count / 2], 3)) (same-run median), "
                            + "candidates \(candidates) of \(Int(samples)) samples (\(format(Double(candidates) / samples, 6))), "
                            + "matches \(matches.whole)/\(matches.sampled)")
                    guard matches.whole == matches.sampled else {
                        print("MISMATCH: hyperscan \(matches.whole) matches, sampled \(matches.sampled)")
                        return 1
                    }
                }
            }
        } catch {
            FileHandle.standardError.write(Data("sampled: \(error)\n".utf8))
            return 1
        }
        return 0
    }
}
