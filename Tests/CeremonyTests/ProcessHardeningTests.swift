import Ceremony
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The site executables harden themselves first thing (ProcessHardening):
/// no core dumps (RLIMIT_CORE 0, soft and hard), memory locked where the
/// system allows, one warning line on stderr where it does not. Checked from
/// outside, in /proc, while `issue` runs.
@Suite struct ProcessHardeningTests {
    @Test("a running site has core dumps off and, where allowed, its memory locked")
    func runningSiteIsHardened() throws {
        let test = try TestCeremony(cards: 8, batchSize: 8)
        let process = try Tools.start("passphrase-site", ["issue", "--ceremony", test.path, "--batch", "1"])
        let pid = process.processIdentifier
        var coreLimit: String?
        var lockedKiB = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if status.contains("Name:\tpassphrase-site") {
                let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
                coreLimit = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map {
                    $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2).joined(
                        separator: " ")
                }
                lockedKiB =
                    status.split(separator: "\n").first { $0.hasPrefix("VmLck:") }
                    .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
                    ?? 0
                if coreLimit == "0 0" && lockedKiB > 0 { break }
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let stderr = String(
            decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(coreLimit == "0 0", "core file size limit (soft hard) seen in /proc: \(coreLimit ?? "never")")
        if getuid() == 0 {
            // Root holds CAP_IPC_LOCK (here, and in CI under sudo): the whole process is locked.
            #expect(lockedKiB > 0, "no locked memory seen in /proc/\(pid)/status")
        }
        let swaps = (try? String(contentsOfFile: "/proc/swaps", encoding: .utf8)) ?? "header\nunreadable"
        let swapActive = swaps.split(separator: "\n").count > 1
        if lockedKiB > 0 || !swapActive {
            // Locked, or nothing to swap to: nothing to warn about.
            #expect(stderr.isEmpty, "\(stderr)")
        } else {
            #expect(stderr.contains("passphrase-site: warning: memory not locked"), "\(stderr)")
        }
    }
}
