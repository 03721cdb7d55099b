import Ceremony
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// For `make bench` (Sources/Benchmarks/SearchBench.swift): the folder search over plain
/// literals, without cards, so the benchmark measures the very code the audit runs per file.
package enum ShareSearchBench {
    /// What one search found and what it cost.
    package struct Outcome: Sendable {
        /// Distinct (file, literal) hits.
        package let hits: Int
        /// Files not searched.
        package let skipped: Int
        /// Compiling the literals (Hyperscan), in seconds.
        package let compileSeconds: Double
        /// Walking and searching the folder, in seconds.
        package let searchSeconds: Double
        /// The CPU time of all threads meanwhile, in seconds: the cost, whatever else the machine runs.
        package let searchCPUSeconds: Double
        /// Why the search could not run, or nil.
        package let failure: String?
    }

    /// Searches every file below `folder` for `literals` on `workers` threads: with `deep`, as the
    /// audit does (``ShareSearch/search(folder:layout:workers:deep:)``: each file read once and
    /// searched raw, through its decoded runs and through every source derived from it); without,
    /// raw and through decoded runs only (the plain search, ``ShareSearch/scan(folder:layout:skipped:workers:)``).
    /// A literal whose `caseless` entry is true matches in any ASCII case (as the audit's hex,
    /// base32 and passphrase needles do); one with a `differences` entry is a value's byte
    /// differences (``Needle/differenceOf``, that value's first byte), searched in each file's.
    package static func run(
        literals: [[UInt8]], caseless: [Bool]? = nil, differences: [UInt8?]? = nil, folder: URL, workers: Int,
        deep: Bool = true
    ) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let needles = literals.enumerated().map { index, bytes in
            Needle(
                serial: Serial(lot: 1, sequence: index + 1), share: .two, name: "literal \(index)", bytes: bytes,
                caseless: caseless?[index] ?? false, differenceOf: differences?[index] ?? nil)
        }
        let search = ShareSearch(needles: needles)
        let compiled = clock.now
        let cpuBefore = processCPUSeconds()
        let result = search.search(folder: folder, layout: CeremonyLayout(root: folder), workers: workers, deep: deep)
        let done = clock.now
        let cpu = processCPUSeconds() - cpuBefore
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        return Outcome(
            hits: result.hits.count + result.derived.count, skipped: result.skipped.count,
            compileSeconds: seconds(compiled - started),
            searchSeconds: seconds(done - compiled), searchCPUSeconds: cpu, failure: search.failure)
    }

    /// User and system time of every thread of this process so far.
    private static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
