import CSalsa
import Foundation
import Testing

/// `csalsa_prepare_workspace`: a fresh workspace is locked in memory page by page as it is
/// first written, not faulted in whole by the call. A plain `mlock` faulted and zeroed the
/// whole workspace while holding the process's memory-map lock, so the second lane thread
/// of `bip38 confirm` could not even map its own workspace until the first had its 64 MiB
/// (Docs/Performance.md, "`bip38 confirm` and `decrypt`").
@Suite struct WorkspaceLockTests {
    /// A field of /proc/self/status in KiB (`VmRSS`, `VmLck`).
    static func statusKiB(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
    }

    @Test("a prepared workspace is not faulted in by the call, and is locked once written")
    func lockedOnFault() throws {
        let bytes = 6 << 20
        let map = try #require(
            mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "mmap")
        try #require(map != MAP_FAILED)
        defer { munmap(map, bytes) }
        let lockedBefore = try Self.statusKiB("VmLck")
        let residentBefore = try Self.statusKiB("VmRSS")
        let locked = csalsa_prepare_workspace(map, bytes)
        let residentPrepared = try Self.statusKiB("VmRSS")
        // Other threads of the test process allocate too, so allow a margin well under 6 MiB.
        #expect(residentPrepared - residentBefore < 3 << 10, "the call faulted the workspace in")
        memset(map, 0x5A, bytes)
        if locked == 1 {
            #expect(try Self.statusKiB("VmLck") - lockedBefore >= (bytes >> 10) - 2048)
        } else {
            // Not allowed to lock (RLIMIT_MEMLOCK below 6 MiB, no CAP_IPC_LOCK): nothing is locked.
            #expect(try Self.statusKiB("VmLck") - lockedBefore < 2048)
        }
    }
}
