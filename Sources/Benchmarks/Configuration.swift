import Foundation

/// What `make bench` measures, from environment variables (the Makefile passes them through).
///
///     BENCH_CARDS=64        cards in the batch every figure is measured on (at least 64)
///     BENCH_RUNS=3          runs of each whole-process figure (median, min, max)
///     BENCH_SCRYPT_RUNS=7   runs of the single-call scrypt baseline
///     BENCH_FULL=1          add the card-count scaling points (BENCH_SIZES, default 512,4096);
///                           4096 cards cost 4096 heavy scrypts / cores (~9 min on 2 idle cores)
///     BENCH_SIZES=512,4096  the extra batch sizes when BENCH_FULL=1
///     BENCH_OUT=bench/results.json
///     BENCH_BIN=dir         where the release executables are (default: next to this one)
///     BENCH_KEEP=1          keep the temporary ceremony folders and the share search's data
///     BENCH_ONLY=sites      every figure but the audit and the share search
///     BENCH_ONLY=site       site B alone (SiteBOnlyBench.swift), printed, no file written;
///                           BENCH_BASELINE_BIN=dir adds that build's key-site, alternating
///     BENCH_ONLY=scrypt     the two scrypt implementations alone; search: the share search
///     BENCH_ONLY=sampled NEEDLES [MIB] [RUNS]  the sampled gram filter against Hyperscan
///                           (SampledBench.swift; BENCH_SAMPLED_LOGS="20,22 18,21" the table sizes)
struct Configuration: Sendable {
    var cards = 64
    var runs = 3
    var scryptRuns = 7
    var extraSizes: [Int] = []
    var output = URL(fileURLWithPath: "bench/results.json")
    var binaries: URL
    var keep = false
    /// BENCH_ONLY=sites: scrypt, the floor, both sites and the card processes; no audit, no share search.
    var sitesOnly = false
    /// Core counts the site figures are measured on: 1, 2, 4, ... and all the machine has.
    var coreCounts: [Int]
    /// taskset (util-linux), to pin a process to fewer cores; nil when missing.
    var taskset: String?

    static func fromEnvironment() -> Configuration {
        let env = ProcessInfo.processInfo.environment
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var counts: [Int] = []
        var k = 1
        while k < cores {
            counts.append(k)
            k *= 2
        }
        counts.append(cores)
        let taskset = Spawn.onPath("taskset")
        var configuration = Configuration(
            binaries: env["BENCH_BIN"].map { URL(fileURLWithPath: $0) } ?? own,
            coreCounts: taskset == nil ? [cores] : counts, taskset: taskset)
        if let cards = env["BENCH_CARDS"].flatMap(Int.init) { configuration.cards = max(64, min(cards, 4096)) }
        if let runs = env["BENCH_RUNS"].flatMap(Int.init) { configuration.runs = max(1, runs) }
        if let runs = env["BENCH_SCRYPT_RUNS"].flatMap(Int.init) { configuration.scryptRuns = max(3, runs) }
        if env["BENCH_FULL"] == "1" {
            let sizes = (env["BENCH_SIZES"] ?? "512,4096").split(separator: ",").compactMap { Int($0) }
            configuration.extraSizes = sizes.filter { $0 > configuration.cards && $0 <= 4096 }
        }
        if let out = env["BENCH_OUT"], !out.isEmpty { configuration.output = URL(fileURLWithPath: out) }
        configuration.keep = env["BENCH_KEEP"] == "1"
        configuration.sitesOnly = env["BENCH_ONLY"] == "sites"
        return configuration
    }

    var cores: Int { coreCounts.last! }

    func binary(_ name: String) -> String { binaries.appendingPathComponent(name).path }

    /// The command prefix that limits a process to the first `cores` CPUs (none for all cores).
    func pinned(_ cores: Int) -> [String] {
        guard cores < self.cores, let taskset else { return [] }
        return [taskset, "-c", cores == 1 ? "0" : "0-\(cores - 1)"]
    }
}

extension Machine {
    /// This machine, read from /proc/cpuinfo, uname and the process info.
    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
        let hypervisor = cpuinfo.contains(" hypervisor") ? " (virtual machine)" : ""
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if compiler(>=6.3)
        let swift = "Swift 6.3 or later, release build"
        #else
        let swift = "Swift before 6.3, release build"
        #endif
        let formatter = ISO8601DateFormatter()
        return Machine(
            cpu: (model ?? "unknown CPU") + hypervisor, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) * 10).rounded() / 10,
            kernel: "Linux " + release, swift: swift, date: formatter.string(from: Date()))
    }
}
