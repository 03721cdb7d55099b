import BIP38
import Foundation

if CommandLine.arguments.dropFirst().first == "--version" {
    print(ToolkitVersion.current)
    exit(0)
}

// `make bench`: builds in release, then runs this once. See Configuration.swift
// for the environment variables and bench/README.md for what each figure means.
let configuration = Configuration.fromEnvironment()
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "search-child" {
    exit(SearchBench.child(Array(CommandLine.arguments.dropFirst())))
}
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "sampled" {
    // The sampled gram filter against Hyperscan's scan of every byte (SampledBench.swift).
    exit(SampledBench.run(Array(CommandLine.arguments.dropFirst())))
}
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "search" {
    // The share search's figures only (SearchBench.swift), written to bench/share-search.json.
    do {
        try SearchBench.run(configuration: configuration)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
        exit(1)
    }
}
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "site" {
    // Site B alone, against another build's key-site with BENCH_BASELINE_BIN (SiteBOnlyBench.swift).
    do {
        try SiteBOnlyBench.run(configuration: configuration)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
        exit(1)
    }
}
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "scrypt" {
    // Quick look at the two scrypt implementations only (no ceremony, no file written).
    var log = BaselineLog()
    _ = log.take(2)
    let floor = ScryptBench.floor(runs: configuration.scryptRuns)
    print(
        "compute floor (\(floor.kernel), \(floor.lanesAtOnce) lanes at once): \(floor.salsaCoreNanoseconds.text(2)) ns per Salsa20/8 core (4 lanes: \(floor.salsaCoreNanosecondsFourLanes.text(2))), \(floor.heavyScryptMilliseconds.text()) ms per scrypt(16384,8,8) on one core"
    )
    for threads in 1...configuration.cores {
        let point = ScryptBench.lanes(threads: threads, runs: configuration.scryptRuns, baseline: &log)
        let ratio = floor.ratio(millisecondsPerCard: point.milliseconds.median, cores: threads)
        print(
            "lanes on \(threads) thread(s): \(point.milliseconds.text()) ms, × \(point.ratioToBaseline.text(3)) libsodium, \(format(ratio, 3)) × the floor on \(threads) core(s), agrees \(point.agreesWithLibsodium)"
        )
    }
    print("libsodium: \(Summary(log.allWall, unit: "ms").text()) ms")
    let light = ScryptBench.light(rounds: configuration.scryptRuns)
    print(
        "light scrypt(1024,1,1): libsodium \(light.libsodiumMicroseconds.text()) µs, lanes on 1 thread \(light.lanesMicroseconds.text()) µs, × \(light.ratio.text(3)), agrees \(light.agreesWithLibsodium)"
    )
    exit(0)
}
do {
    let results = try BenchRun(configuration: configuration).run()
    let table = Table.render(results)
    print(table)
    try FileManager.default.createDirectory(
        at: configuration.output.deletingLastPathComponent(), withIntermediateDirectories: true)
    try results.json(table: table).write(to: configuration.output)
    FileHandle.standardError.write(Data("bench: wrote \(configuration.output.path)\n".utf8))
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
