internal import CProcessControl

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide protections for the executables that hold card secrets
/// (`passphrase-site`, `key-site`, `card-print`, `ceremony-audit`, `bip38`):
/// the first thing their `main` does.
///
/// - Fatal signals end the process at once: SIGQUIT, SIGABRT, SIGBUS, SIGILL,
///   SIGSEGV, SIGFPE and SIGTRAP run a C handler (CProcessControl's shim) that
///   writes one fixed line and calls `_exit(128 + signal)`. It replaces the
///   Swift runtime's backtracer, which prints 16 bytes of memory at each
///   register (secrets, as like as not) and, for a signal sent from outside,
///   lets the process carry on and write its bundle. A trap (a failed
///   precondition) still prints Swift's "Fatal error" message first.
/// - Core dumps off: `RLIMIT_CORE` 0 (soft and hard, so no child can raise it)
///   and `PR_SET_DUMPABLE` 0, which also stops a `core_pattern` pipe handler
///   and keeps other processes of the same user from reading the memory
///   (ptrace, `/proc/PID/mem`).
/// - Memory locked: `mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)`, so no
///   page holding a passphrase, seedb or key is written to swap. Locking the
///   whole process, not each ``SecretBytes``, because locks do not nest: the
///   `munlock` of one small buffer would unlock a page other secrets share.
///   Only tried where nothing can run out: with `RLIMIT_MEMLOCK` unlimited or
///   `CAP_IPC_LOCK` (root). Under a finite limit `MCL_FUTURE` would make a
///   later allocation fail once the limit is reached, a crash in the middle
///   of a batch; there the process runs unlocked, and says so when swap is
///   active (with no swap device or file in /proc/swaps no page can be
///   swapped out, so there is nothing to warn about).
///
/// Nothing here is fatal: each protection the system refuses becomes one
/// warning line for the tool to print.
package enum ProcessHardening {
    /// What was applied, and a warning for each protection that was not.
    package struct Outcome: Sendable, Equatable {
        package var fatalSignalsHandled = false
        package var coreDumpsDisabled = false
        package var notDumpable = false
        package var memoryLocked = false
        /// Whether /proc/swaps lists an active swap area (checked when memory could not be locked).
        package var swapActive = false
        /// One line each: what is missing, what it means, how to get it.
        package var warnings: [String] = []
    }

    /// Applies every protection it can; call once, first thing in `main`.
    /// `tool` begins the line the fatal-signal handler writes.
    @discardableResult
    package static func apply(tool: String) -> Outcome {
        var outcome = Outcome()
        // First, so that once /proc shows the core limit at 0 the handlers are in place.
        if unsafe cprocesscontrol_install_fatal_signal_handlers(tool) == 0 {
            outcome.fatalSignalsHandled = true
        } else {
            outcome.warnings.append(
                "fatal-signal handlers not installed (sigaction: \(lastError())): a crash may print memory on stderr")
        }
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        if unsafe setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) == 0 {
            outcome.coreDumpsDisabled = true
        } else {
            outcome.warnings.append(
                "core dumps not disabled (setrlimit: \(lastError())): a crash may write secrets to disk")
        }
        if cprocesscontrol_set_not_dumpable() == 0 {
            outcome.notDumpable = true
        } else {
            outcome.warnings.append("process still dumpable (prctl: \(lastError())): a crash may write secrets to disk")
        }
        var memlock = rlimit()
        let unlimited =
            unsafe getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &memlock) == 0
            && memlock.rlim_cur == rlim_t.max
        if unlimited || hasIPCLockCapability() {
            var status = mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)
            if status != 0 && errno == EINVAL { status = mlockall(MCL_CURRENT | MCL_FUTURE) }  // before Linux 4.4
            if status == 0 {
                outcome.memoryLocked = true
            } else {
                outcome.warnings.append("memory not locked (mlockall: \(lastError())): secrets may be written to swap")
            }
        } else {
            outcome.swapActive = swapActive()
            if outcome.swapActive {
                outcome.warnings.append(
                    "memory not locked: RLIMIT_MEMLOCK is \(memlock.rlim_cur / 1024) KiB (run with `ulimit -l unlimited` or CAP_IPC_LOCK to lock it): secrets may be written to swap"
                )
            }
        }
        return outcome
    }

    /// Whether a swap area is in use: /proc/swaps has a line besides its header.
    /// Unreadable counts as active, so the warning errs on the side of showing.
    static func swapActive() -> Bool {
        guard let text = readProcFile("/proc/swaps") else { return true }
        return text.split(separator: "\n").dropFirst().contains { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Whether the effective capabilities hold CAP_IPC_LOCK (bit 14 of CapEff in /proc/self/status).
    static func hasIPCLockCapability() -> Bool {
        guard let text = readProcFile("/proc/self/status") else { return false }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(
                line.dropFirst("CapEff:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }), radix: 16)
        else { return false }
        let capIPCLock: UInt64 = 14
        return mask & (1 << capIPCLock) != 0
    }

    /// The first 8 KiB of a /proc file, or nil when it cannot be opened.
    private static func readProcFile(_ path: String) -> String? {
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var total = 0
        while total < buffer.count {
            let n = unsafe buffer.withUnsafeMutableBytes {
                unsafe read(descriptor, $0.baseAddress! + total, $0.count - total)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            total += n
        }
        return String(decoding: buffer[0..<total], as: UTF8.self)
    }

    private static func lastError() -> String { unsafe String(cString: strerror(errno)) }
}
