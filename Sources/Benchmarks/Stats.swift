import Foundation

/// A set of timings (or rates) from repeated runs, reduced to median, min and max.
struct Summary: Codable, Sendable {
    let median: Double
    let min: Double
    let max: Double
    let runs: Int
    let unit: String

    init(_ values: [Double], unit: String) {
        precondition(!values.isEmpty, "a summary needs at least one value")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
        runs = values.count
        self.unit = unit
    }

    /// The same runs as a rate: `work / value` for each, so min and max swap.
    func rate(work: Double, unit: String) -> Summary {
        Summary(unit: unit, median: work / median, min: work / max, max: work / min, runs: runs)
    }

    /// Every figure scaled by `factor` (a positive constant).
    func scaled(_ factor: Double, unit: String) -> Summary {
        Summary(unit: unit, median: median * factor, min: min * factor, max: max * factor, runs: runs)
    }

    private init(unit: String, median: Double, min: Double, max: Double, runs: Int) {
        self.median = median
        self.min = min
        self.max = max
        self.runs = runs
        self.unit = unit
    }

    /// "412.3 (405.1–431.0)" with `digits` decimals.
    func text(_ digits: Int = 1) -> String {
        if runs == 1 { return format(median, digits) }
        return "\(format(median, digits)) (\(format(min, digits))–\(format(max, digits)))"
    }
}

func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// Monotonic wall-clock time in seconds.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// CPU time of the calling thread in seconds.
func threadCPU() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Seconds taken by `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}
