import Ceremony
import Foundation

/// Site A and site B through their executables.
struct SiteBench {
    var ceremonies: Ceremonies
    let configuration: Configuration

    /// Issues batch 1 of a fresh ceremony of `cards` cards, pinned to `cores`. Returns the issued ceremony.
    mutating func issue(cards: Int, cores: Int) throws -> (CeremonyLayout, ChildRun) {
        let layout = try ceremonies.proposed(cards: cards)
        let run = try ceremonies.run(
            "passphrase-site", ["issue", "--ceremony", layout.root.path, "--batch", "1"], cores: cores)
        guard run.standardOutput.contains("issued \(cards) cards") else {
            throw SpawnFailure(
                description: "passphrase-site issue did not report \(cards) cards: \(run.standardOutput)")
        }
        return (layout, run)
    }

    /// Mints batch 1 on a copy of an issued ceremony, pinned to `cores`, with the
    /// `key-site` in `binaries` when given (another build's), else this build's.
    mutating func mint(
        from issued: CeremonyLayout, cards: Int, cores: Int, binaries: URL? = nil
    ) throws -> (CeremonyLayout, ChildRun) {
        let layout = try ceremonies.copy(issued, "minted-\(cards)")
        let run = try ceremonies.run(
            "key-site", ["mint", "--ceremony", layout.root.path, "--batch", "1"], cores: cores, binaries: binaries)
        guard run.standardOutput.contains("minted \(cards) cards") else {
            throw SpawnFailure(description: "key-site mint did not report \(cards) cards: \(run.standardOutput)")
        }
        return (layout, run)
    }

    /// A site figure from its runs. For site A, `baselines` holds for each run
    /// the heavy-scrypt calls taken next to it (wall and CPU milliseconds), so the
    /// ratio to the bound compares figures measured under the same load.
    static func point(
        site: String, cores: Int, cards: Int, runs: [ChildRun], baselines: [(wall: [Double], cpu: [Double])]? = nil
    ) -> SitePoint {
        let seconds = Summary(runs.map(\.seconds), unit: "s")
        let rate = seconds.rate(work: Double(cards), unit: "cards/s")
        var ratio: Summary?
        var efficiency: Summary?
        if let baselines {
            ratio = Summary(
                zip(runs, baselines).map { run, baseline in
                    Double(cards) / run.seconds * Summary(baseline.wall, unit: "ms").median / 1000 / Double(cores)
                }, unit: "ratio")
            efficiency = Summary(
                zip(runs, baselines).map { run, baseline in
                    Double(cards) * Summary(baseline.cpu, unit: "ms").median / 1000 / run.cpuSeconds
                }, unit: "ratio")
        }
        return SitePoint(
            site: site, cores: cores, cards: cards, seconds: seconds, cardsPerSecond: rate,
            cardsPerSecondPerCore: rate.scaled(1 / Double(cores), unit: "cards/s/core"), ratioToBound: ratio,
            cpuEfficiency: efficiency, cpuSeconds: Summary(runs.map(\.cpuSeconds), unit: "s"),
            otherLoadCores: Summary(runs.map(\.otherLoadCores), unit: "cores"),
            peakMemoryMiB: Summary(runs.map(\.maxRSSMiB), unit: "MiB"))
    }
}
