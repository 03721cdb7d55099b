import Foundation

/// The cores this process may run on: its CPU affinity (`taskset`, a cgroup
/// cpuset) from the mask in /proc/self/status where there is one, else every
/// active processor. Read once per process.
package func availableCores() -> Int { affinityCores }

private let affinityCores: Int = {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
    {
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && !$0.isWhitespace }
        let count = mask.compactMap { $0.hexDigitValue }.reduce(0) { $0 + $1.nonzeroBitCount }
        if count > 0 { return count }
    }
    return ProcessInfo.processInfo.activeProcessorCount
}()
