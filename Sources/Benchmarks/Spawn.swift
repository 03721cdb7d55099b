import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One finished child process: wall time (spawn to reap), exit status and peak memory.
struct ChildRun: Sendable {
    let seconds: Double
    let status: Int32
    /// The child's peak resident set in KiB, from GNU time's %M (see
    /// ``Spawn/run(_:expecting:scratch:)``), or 0 when GNU time is missing.
    let maxRSSKiB: Int
    /// User plus system CPU time of the child, in seconds.
    let cpuSeconds: Double
    /// CPU the rest of the machine used meanwhile (all busy time in /proc/stat
    /// less the child's), in cores: other people's load on a shared machine.
    let otherLoadCores: Double
    let standardOutput: String
    let standardError: String

    var maxRSSMiB: Double { Double(maxRSSKiB) / 1024 }
}

struct SpawnFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs executables as a user would (a whole process each), timed from spawn
/// to reap, with `wait4` for CPU time.
///
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`, Debian package
/// `time`), which forks from its own small process: the `ru_maxrss` that
/// `wait4` reports for a child started with `posix_spawn` is not the child's,
/// because glibc starts it with `CLONE_VM` and the child's high-water mark
/// then includes this benchmark's own memory until `exec`.
enum Spawn {
    /// GNU time, when it is installed and understands `-f %M -o FILE`.
    static let gnuTime: String? = {
        let path = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        let scratch = FileManager.default.temporaryDirectory
        guard let run = try? plain([path, "-f", "%M", "-o", "/dev/null", "true"], expecting: [0], scratch: scratch)
        else { return nil }
        return run.status == 0 ? path : nil
    }()

    /// Runs `arguments` (the first is looked up on PATH) with stdin from /dev/null,
    /// under GNU time for the peak memory when it is there (about 1 ms more per run).
    /// - Parameter expecting: the exit statuses that count as success.
    static func run(_ arguments: [String], expecting: Set<Int32> = [0], scratch: URL) throws -> ChildRun {
        guard let time = gnuTime else { return try plain(arguments, expecting: expecting, scratch: scratch) }
        let memoryFile = scratch.appendingPathComponent("child.maxrss").path
        let run = try plain([time, "-f", "%M", "-o", memoryFile] + arguments, expecting: expecting, scratch: scratch)
        // GNU time writes "Command exited with non-zero status N" first when the command fails.
        let text = (try? String(contentsOfFile: memoryFile, encoding: .utf8)) ?? ""
        let kib = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return ChildRun(
            seconds: run.seconds, status: run.status, maxRSSKiB: kib, cpuSeconds: run.cpuSeconds,
            otherLoadCores: run.otherLoadCores, standardOutput: run.standardOutput, standardError: run.standardError)
    }

    /// Runs `arguments` directly (peak memory not known: reported as 0).
    static func plain(_ arguments: [String], expecting: Set<Int32>, scratch: URL) throws -> ChildRun {
        let outPath = scratch.appendingPathComponent("child.stdout").path
        let errPath = scratch.appendingPathComponent("child.stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let busyBefore = busyCPUSeconds()
        let start = now()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw SpawnFailure(description: "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw SpawnFailure(description: "wait4 failed for \(arguments[0])") }
        }
        let seconds = now() - start
        let busy = busyCPUSeconds() - busyBefore
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let cpu =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        // Exited normally when the low seven bits are zero; the code is in the next byte.
        let exitStatus: Int32 = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard expecting.contains(exitStatus) else {
            throw SpawnFailure(
                description:
                    "\(arguments.joined(separator: " ")) exited \(exitStatus): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return ChildRun(
            seconds: seconds, status: exitStatus, maxRSSKiB: 0,
            cpuSeconds: cpu, otherLoadCores: max(0, busy - cpu) / seconds,
            standardOutput: output,
            standardError: errors)
    }

    /// Busy CPU time of the whole machine since boot (/proc/stat: user, nice,
    /// system, irq, softirq, steal), in seconds; 0 where /proc/stat is missing.
    static func busyCPUSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return 0 }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticks
    }

    /// Whether `name` is an executable on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
