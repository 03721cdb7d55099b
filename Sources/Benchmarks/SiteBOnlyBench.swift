import BIP38
import Ceremony
import CryptoCore
import Foundation

/// `BENCH_ONLY=site`: site B alone, quickly (no file written).
///
/// Whole `key-site mint` processes of a `BENCH_CARDS` batch (256 for issue 20's
/// target) on 1 and all cores, `BENCH_RUNS` runs each; with `BENCH_BASELINE_BIN`
/// (the folder of another build's release executables, e.g. the last commit's;
/// several separated by `:`) each of those builds' `key-site` minting copies of
/// the same issued batch too, run for run with this one's (the order turned
/// round every run), so old and new are measured under the same load. Then, in-process on one thread, the light scrypt and the card's whole
/// compute one card at a time and batched across cards, alternating round by round.
enum SiteBOnlyBench {
    static func note(_ line: String) { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }

    static func run(configuration: Configuration) throws {
        let cards = configuration.cards
        let baselines = (ProcessInfo.processInfo.environment["BENCH_BASELINE_BIN"] ?? "").split(separator: ":").map {
            URL(fileURLWithPath: String($0))
        }
        let builds: [(label: String, binaries: URL?)] =
            [("this build", nil)] + baselines.map { ("baseline \($0.path)", $0) }
        let ceremonies = try Ceremonies(configuration: configuration)
        defer { ceremonies.remove() }
        var bench = SiteBench(ceremonies: ceremonies, configuration: configuration)
        note("site A: issue \(cards) cards on \(configuration.cores) cores (once)")
        let (issued, _) = try bench.issue(cards: cards, cores: configuration.cores)

        var runs: [String: [ChildRun]] = [:]
        for round in 0..<configuration.runs {
            for k in configuration.coreCounts {
                // Alternate which build goes first, so a drifting load favours neither.
                for build in round % 2 == 0 ? builds : builds.reversed() {
                    let (layout, run) = try bench.mint(from: issued, cards: cards, cores: k, binaries: build.binaries)
                    runs["\(build.label)/\(k)", default: []].append(run)
                    try? FileManager.default.removeItem(at: layout.root)
                    note(
                        String(
                            format: "site B mint %d cards on %d core(s), %@, run %d: %.1f ms, %.0f cards/s/core", cards,
                            k, build.label, round + 1, run.seconds * 1000, Double(cards) / run.seconds / Double(k)))
                }
            }
        }
        print("key-site mint of \(cards) cards, whole process, \(configuration.runs) runs (median (min–max)):")
        for k in configuration.coreCounts {
            var medians: [Double] = []
            for build in builds {
                let point = SiteBench.point(site: "B", cores: k, cards: cards, runs: runs["\(build.label)/\(k)"]!)
                medians.append(point.seconds.median)
                print(
                    "  \(k) core(s), \(build.label): \(point.seconds.scaled(1000, unit: "ms").text()) ms, \(point.cardsPerSecondPerCore.text(0)) cards/s/core, CPU \(point.cpuSeconds.scaled(1000, unit: "ms").text()) ms, other load \(point.otherLoadCores.text(2)) cores"
                )
            }
            for (build, median) in zip(builds, medians).dropFirst() {
                print("  \(k) core(s): this build takes × \(format(medians[0] / median, 3)) the time of \(build.label)")
            }
        }
        try inProcess(rounds: max(5, configuration.scryptRuns))
    }

    /// Per card on one thread: the light scrypt alone (one call, then a batch of the
    /// kernel's width) and the whole key generation (`generateKey`, then
    /// `prepareKey` + `PreparedKey.finish` over the same width), alternating
    /// (``CardCosts/siteBCompute(code:cards:rounds:eachRound:)``), with libsodium's
    /// light scrypt and a check that both paths make the same keys each round.
    static func inProcess(rounds: Int) throws {
        let width = Scrypt.kernel.lanesAtOnce
        let passphrase = try CardCosts.randomPassphrase()
        let code = try IntermediateCode.make(
            passphrase: passphrase, lotSequence: try LotSequence(lot: 1, sequence: 0)
        ).intermediateCode
        let cards = 40 * width
        let password = code.passpoint.compressed
        let salt = SystemRandom.bytes(count: 12)
        let seeds = (0..<width).map { _ in SystemRandom.secretBytes(count: 24) }
        var libsodium: [Double] = []
        var agrees = true
        let compute = try CardCosts.siteBCompute(code: code, cards: cards, rounds: rounds) {
            libsodium += try CardCosts.perCall(iterations: cards, rounds: 1) {
                _ = try Scrypt.deriveWithLibsodium(
                    password: password, salt: salt, parameters: .bip38Passpoint, length: 64)
            }
            let reference = try seeds.map { try code.generateKey(seedb: $0, format: .compressed, network: .mainnet) }
            let together = try PreparedKey.finish(
                seeds.map { try code.prepareKey(seedb: $0, format: .compressed, network: .mainnet) })
            agrees = agrees && reference.map(\.encryptedKey) == together.map(\.encryptedKey)
        }
        let s = Summary(compute.scrypt, unit: "µs")
        let m = Summary(compute.scryptBatched, unit: "µs")
        let l = Summary(libsodium, unit: "µs")
        let a = Summary(compute.whole, unit: "µs")
        let b = Summary(compute.batched, unit: "µs")
        print("in-process, one thread, per card (\(Scrypt.kernel.name), batches of \(width), \(rounds) rounds):")
        print(
            "  scrypt(1024,1,1): libsodium \(l.text()) µs, one call \(s.text()) µs, batched \(m.text()) µs: batched × \(format(m.median / s.median, 3)) one call, × \(format(m.median / l.median, 3)) libsodium"
        )
        print(
            "  key generation: generateKey \(a.text()) µs (\(a.rate(work: 1e6, unit: "cards/s").text(0)) cards/s), batched \(b.text()) µs (\(b.rate(work: 1e6, unit: "cards/s").text(0)) cards/s): × \(format(b.median / a.median, 3)); same keys \(agrees)"
        )
    }
}
