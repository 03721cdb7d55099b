import Ceremony
import Foundation

/// `make bench`: every figure of issue 7 in one run on this machine.
struct BenchRun {
    let configuration: Configuration

    func note(_ line: String) { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }

    /// One site A run and the baseline calls taken just before and just after it.
    private struct Issued {
        let cores: Int
        let cards: Int
        let run: ChildRun
        let around: [Range<Int>]
    }

    func run() throws -> Results {
        let c = configuration
        let cards = c.cards
        note("\(c.cores) cores \(c.coreCounts), batch of \(cards) cards, \(c.runs) runs, extra sizes \(c.extraSizes)")
        if c.taskset == nil { note("taskset not found (util-linux): only the all-core figures") }
        let ceremonies = try Ceremonies(configuration: c)
        defer { ceremonies.remove() }
        var log = BaselineLog()

        note("scrypt(16384,8,8) baseline, \(c.scryptRuns) calls")
        _ = ScryptBench.calls(1)
        _ = log.take(c.scryptRuns)
        let concurrent = c.coreCounts.filter { $0 > 1 }.map { k in
            note("scrypt(16384,8,8) with \(k) threads at once")
            return ConcurrentScrypt(
                cores: k, perCallMilliseconds: Summary(ScryptBench.concurrent(cores: k, calls: 2), unit: "ms"))
        }
        note("compute floor: chained Salsa20/8 cores in the kernel this CPU runs")
        let floor = ScryptBench.floor(runs: c.scryptRuns)
        let lanes = c.coreCounts.map { k in
            note("scrypt(16384,8,8) lanes implementation on \(k) thread(s), next to libsodium calls")
            return ScryptBench.lanes(threads: k, runs: c.scryptRuns, baseline: &log)
        }
        note("scrypt(1024,1,1): libsodium and the lanes implementation on one thread, alternating")
        let light = ScryptBench.light(rounds: c.scryptRuns)
        note("process start: bip38 --help")
        let starts = try (0..<5).map { _ in try ceremonies.run("bip38", ["--help"]) }
        note("site A per-card costs in-process")
        let siteACosts = try CardCosts.siteA(scratch: ceremonies.scratch, runs: 3)

        var bench = SiteBench(ceremonies: ceremonies, configuration: c)
        var issued: [Issued] = []
        var issuedAll: [CeremonyLayout] = []
        for round in 0..<c.runs {
            // Alternate the order so a drifting machine does not favour one core count.
            for k in round % 2 == 0 ? c.coreCounts : c.coreCounts.reversed() {
                let before = log.take(2)
                note("site A: issue \(cards) cards on \(k) core(s), run \(round + 1)/\(c.runs)")
                let (layout, run) = try bench.issue(cards: cards, cores: k)
                issued.append(Issued(cores: k, cards: cards, run: run, around: [before, log.take(2)]))
                if k == c.cores { issuedAll.append(layout) }
                note(
                    String(
                        format: "  %.2f s, %.2f cards/s, peak %.0f MiB", run.seconds, Double(cards) / run.seconds,
                        run.maxRSSMiB))
            }
        }
        var mintedRuns: [Int: [ChildRun]] = [:]
        var minted: [CeremonyLayout] = []
        for round in 0..<c.runs {
            for k in c.coreCounts {
                note("site B: mint \(cards) cards on \(k) core(s), run \(round + 1)/\(c.runs)")
                let (layout, run) = try bench.mint(from: issuedAll[round % issuedAll.count], cards: cards, cores: k)
                mintedRuns[k, default: []].append(run)
                if k == c.cores { minted.append(layout) }
            }
        }
        note("site B split in-process")
        let split = try CardCosts.siteB(minted: minted[0], cards: cards, scratch: ceremonies.scratch)

        note("bip38 confirm / decrypt, one card, each next to a baseline call")
        let (face, passphraseFile) = try CardProcessBench.card(from: minted[0], scratch: ceremonies.scratch)
        let cardPoints = try c.coreCounts.reversed().map { k in
            try CardProcessBench.measure(
                face: face, passphraseFile: passphraseFile, cores: k, runs: max(5, c.runs),
                ceremonies: bench.ceremonies,
                baseline: &log)
        }
        try? FileManager.default.removeItem(atPath: passphraseFile)

        var audits: [AuditPoint] = []
        if !c.sitesOnly {
            note("audit: verify, seal and close the first ceremony, then audit it")
            let sealed = try bench.ceremonies.copy(minted[0], "sealed-\(cards)")
            try bench.ceremonies.finish(sealed)
            audits.append(
                try AuditBench.measure(
                    sealed: sealed, minted: sealed, cards: cards, runs: c.runs, ceremonies: &bench.ceremonies))
        }

        var extraB: [SitePoint] = []
        for size in c.extraSizes {
            let before = log.take(2)
            note("scaling: site A issue \(size) cards on \(c.cores) cores (one run)")
            let (layout, run) = try bench.issue(cards: size, cores: c.cores)
            note(String(format: "  %.1f s, %.2f cards/s", run.seconds, Double(size) / run.seconds))
            issued.append(Issued(cores: c.cores, cards: size, run: run, around: [before, log.take(2)]))
            var last: CeremonyLayout?
            for k in c.coreCounts {
                var runs: [ChildRun] = []
                for _ in 0..<c.runs {
                    note("scaling: site B mint \(size) cards on \(k) core(s)")
                    let (copy, run) = try bench.mint(from: layout, cards: size, cores: k)
                    runs.append(run)
                    if let previous = last { try? FileManager.default.removeItem(at: previous.root) }
                    last = copy
                }
                extraB.append(SiteBench.point(site: "B", cores: k, cards: size, runs: runs))
            }
            if !c.sitesOnly {
                note("scaling: audit share search over \(size) cards")
                audits.append(
                    try AuditBench.measure(
                        sealed: nil, minted: last!, cards: size, runs: c.runs, ceremonies: &bench.ceremonies))
            }
        }

        var searchTargets: [TargetCheck] = []
        if !c.sitesOnly {
            note("share search: random and dense text, cat and grep beside it (SearchBench.swift)")
            searchTargets = try SearchBench.run(configuration: c)
        }

        note("scrypt(16384,8,8) baseline again")
        _ = log.take(max(3, c.scryptRuns / 2))

        // Site A: each run against the baseline calls just before and just after it.
        var scaling: [SitePoint] = []
        let groups = Dictionary(grouping: issued.indices) { "\(issued[$0].cards)/\(issued[$0].cores)" }
        for indices in groups.values {
            let first = issued[indices[0]]
            scaling.append(
                SiteBench.point(
                    site: "A", cores: first.cores, cards: first.cards, runs: indices.map { issued[$0].run },
                    baselines: indices.map { (log.wall(issued[$0].around), log.cpu(issued[$0].around)) }))
        }
        for k in c.coreCounts {
            scaling.append(SiteBench.point(site: "B", cores: k, cards: cards, runs: mintedRuns[k]!))
        }
        scaling += extraB

        let baseline = Summary(log.allWall, unit: "ms")
        let siteA = scaling.first { $0.site == "A" && $0.cores == c.cores && $0.cards == cards }!
        let siteB = scaling.first { $0.site == "B" && $0.cores == c.cores && $0.cards == cards }!
        let cardAll = cardPoints.first { $0.cores == c.cores }!

        var targets: [TargetCheck] = []
        for p in scaling where p.site == "A" && p.cards == cards {
            // On one core the lanes kernel runs all 8 lanes side by side: the issue's 2.2.
            let ratio = p.ratioToBound!.median
            let wanted = p.cores == 1 ? 2.2 : 0.9
            targets.append(
                TargetCheck(
                    name: "site_a_ratio@\(p.cores)", target: "≥ \(format(wanted, 1))", measured: format(ratio, 3),
                    met: ratio >= wanted))
            let floorRatio = floor.ratio(millisecondsPerCard: 1000 / p.cardsPerSecond.median, cores: p.cores)
            targets.append(
                TargetCheck(
                    name: "site_a_floor@\(p.cores)", target: p.cores == 1 ? "≥ 0.6 × floor" : "",
                    measured: format(floorRatio, 3), met: p.cores != 1 || floorRatio >= 0.6))
        }
        let verifyRatio = cardAll.verifyRatio.median
        let decryptRatio = cardAll.decryptRatio.median
        targets.append(
            TargetCheck(
                name: "verify_ms", target: "≤ 1.1 × baseline", measured: "× " + format(verifyRatio, 3),
                met: verifyRatio <= 1.1))
        targets.append(
            TargetCheck(
                name: "decrypt_ms", target: "≤ 1.1 × baseline", measured: "× " + format(decryptRatio, 3),
                met: decryptRatio <= 1.1))
        let lanesAll = lanes.first { $0.threads == c.cores }!
        targets.append(
            TargetCheck(
                name: "stretch_lanes", target: "≈ 0.55 × baseline",
                measured: "× " + format(lanesAll.ratioToBaseline.median, 3),
                met: lanesAll.ratioToBaseline.median <= 0.6 && lanes.allSatisfy(\.agreesWithLibsodium)))
        let worstCard = max(verifyRatio, decryptRatio)
        targets.append(
            TargetCheck(
                name: "stretch_process", target: "≤ 0.35 × baseline (cores ≥ 2)",
                measured: "× " + format(worstCard, 3), met: c.cores >= 2 && worstCard <= 0.35))
        let bigB = scaling.filter { $0.site == "B" && $0.cores == c.cores }.max { $0.cards < $1.cards }!
        targets.append(
            TargetCheck(
                name: "site_b_process_per_core", target: "≥ 1500 cards/s/core",
                measured: format(bigB.cardsPerSecondPerCore.median, 0) + " at \(bigB.cards) cards",
                met: bigB.cardsPerSecondPerCore.median >= 1500))
        targets.append(
            TargetCheck(
                name: "site_b_compute_per_core", target: "≥ 1500 cards/s/core",
                measured: format(split.computeCardsPerSecondPerCore.median, 0),
                met: split.computeCardsPerSecondPerCore.median >= 1500))

        targets += searchTargets

        return Results(
            machine: Machine.current(),
            settings: Results.Settings(
                cards: cards, runs: c.runs, scryptRuns: c.scryptRuns, coreCounts: c.coreCounts,
                extraSizes: c.extraSizes,
                pinnedWith: c.taskset.map { "\($0) -c 0-(k-1)" } ?? "none (taskset missing)",
                memoryFrom: Spawn.gnuTime.map { "peak resident set from \($0) -f %M" }
                    ?? "not measured (GNU time missing: apt-get install time)"),
            scryptHeavyMs: baseline, scryptHeavyCpuMs: Summary(log.allCPU, unit: "ms"),
            scryptHeavyConcurrent: concurrent, computeFloor: floor, scryptLanes: lanes, scryptLight: light,
            processStartMs: Summary(starts.map { $0.seconds * 1000 }, unit: "ms"),
            processFloorMib: Summary(starts.map(\.maxRSSMiB), unit: "MiB"),
            siteACardsPerS: siteA.cardsPerSecond, siteABoundCardsPerS: Double(c.cores) * 1000 / baseline.median,
            siteARatio: siteA.ratioToBound!, siteACosts: siteACosts, siteBCardsPerS: siteB.cardsPerSecond,
            siteBSplit: split,
            verifyMs: cardAll.verifyMilliseconds, decryptMs: cardAll.decryptMilliseconds,
            verifyRatio: cardAll.verifyRatio,
            decryptRatio: cardAll.decryptRatio, cardProcesses: cardPoints, audit: audits, scaling: scaling,
            targets: targets)
    }
}
