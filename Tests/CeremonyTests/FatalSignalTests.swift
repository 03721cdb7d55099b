import Ceremony
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fatal signal ends a tool that holds secrets at once: one fixed line on
/// stderr, exit status 128 + signal, no backtrace (the Swift runtime's
/// backtracer prints 16 bytes of memory at each register), no core file, and
/// for a site no bundle. And every such tool (`bip38`, `ceremony-audit`, the
/// sites) runs with core dumps off (ProcessHardening).
@Suite("Fatal signals end a hardened tool at once", .serialized)
struct FatalSignalTests {
    static let signals: [(Int32, String)] = [
        (SIGQUIT, "SIGQUIT"), (SIGABRT, "SIGABRT"), (SIGBUS, "SIGBUS"), (SIGILL, "SIGILL"), (SIGSEGV, "SIGSEGV"),
        (SIGFPE, "SIGFPE"), (SIGTRAP, "SIGTRAP"),
    ]

    /// "soft hard" of the core file size limit in /proc/PID/limits, or nil.
    static func coreLimit(_ pid: Int32) -> String? {
        let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
        return limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2).joined(separator: " ")
        }
    }

    /// Waits until `process` shows its core limit at "0 0" (ProcessHardening
    /// installs the signal handlers before it sets the limit); false if it never does.
    static func waitUntilHardened(_ process: Process, seconds: Int = 30) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline {
            if coreLimit(process.processIdentifier) == "0 0" { return true }
            usleep(2_000)
        }
        return false
    }

    /// Files named core or core.* under `folder`.
    static func coreFiles(_ folder: URL) -> [String] {
        let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return names.filter {
            let name = ($0 as NSString).lastPathComponent
            return name == "core" || name.hasPrefix("core.")
        }
    }

    static func expectEndedCleanly(
        _ process: Process, signal: Int32, name: String, tool: String, stderr: String
    ) {
        let bySignal = process.terminationReason == .uncaughtSignal && process.terminationStatus == signal
        let byExit = process.terminationReason == .exit && process.terminationStatus == 128 + signal
        #expect(bySignal || byExit, "\(name): reason \(process.terminationReason), status \(process.terminationStatus)")
        for marker in ["Thread 0 crashed", "Registers", "Backtrace", "backtrace", "0x0000", "Crash"] {
            #expect(!stderr.contains(marker), "\(name): stderr shows \(marker): \(stderr)")
        }
        let lines = ProcessResult.withoutMemoryLockWarning(stderr).split(separator: "\n")
        #expect(
            lines == ["\(tool): fatal signal \(signal): ended at once, nothing written, no memory dump"],
            "\(name): \(stderr)")
    }

    @Test("SIGQUIT, SIGABRT, SIGBUS, SIGILL, SIGSEGV, SIGFPE, SIGTRAP sent to issue: exit 128+sig, no dump, no bundle")
    func siteEndsWithoutDumpOrBundle() throws {
        for (signal, name) in Self.signals {
            let test = try TestCeremony(cards: 64, batchSize: 64)
            let process = try Tools.start("passphrase-site", ["issue", "--ceremony", test.path, "--batch", "1"])
            #expect(Self.waitUntilHardened(process), "\(name): passphrase-site never showed core dumps off")
            usleep(300_000)  // well into the batch's scrypts
            #expect(process.isRunning, "\(name): issue of 64 cards ended before the signal")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let stderr = String(
                decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            Self.expectEndedCleanly(process, signal: signal, name: name, tool: "passphrase-site", stderr: stderr)
            let bundle = test.root.appendingPathComponent("transfer/batch-0001.intermediate.json")
            #expect(!FileManager.default.fileExists(atPath: bundle.path), "\(name): the bundle was written")
            #expect(Self.coreFiles(test.root).isEmpty, "\(name): core file in the ceremony")
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            #expect(
                !FileManager.default.fileExists(atPath: here.appendingPathComponent("core").path)
                    && !FileManager.default.fileExists(
                        atPath: here.appendingPathComponent("core.\(process.processIdentifier)").path),
                "\(name): core file in the working folder")
        }
    }

    @Test("bip38 waiting for its passphrase has core dumps off, and SIGABRT or SIGSEGV ends it with one line")
    func bip38IsHardened() throws {
        for (signal, name) in [(SIGABRT, "SIGABRT"), (SIGSEGV, "SIGSEGV")] {
            let process = Process()
            process.executableURL = BuildFolder.executable("bip38")
            process.arguments = [
                "decrypt", "6PRVWUbkzzsbcVac2qwfssoUJAN1Xhrg6bNk8J7Nzm5H7kxEbn2Nh2ZoGg", "--passphrase-file", "-",
            ]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            #expect(Self.waitUntilHardened(process), "bip38 never showed core dumps off")
            if getuid() != 0 {
                // Not dumpable: /proc/PID belongs to root.
                let owner =
                    try FileManager.default.attributesOfItem(atPath: "/proc/\(process.processIdentifier)/status")[
                        .ownerAccountID] as? Int
                #expect(owner == 0, "bip38 is still dumpable")
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            let stderr = String(
                decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            Self.expectEndedCleanly(process, signal: signal, name: name, tool: "bip38", stderr: stderr)
        }
    }

    @Test("ceremony-audit, which rebuilds every card's secrets, runs with core dumps off")
    func auditIsHardened() throws {
        let test = try TestCeremony(cards: 4, batchSize: 4)
        try test.runAll()
        // No sample: this ceremony made no auditor commitment, so a sample would fail K1 (steerable).
        let process = try Tools.start("ceremony-audit", [test.path, "--no-countersign", "--sample", "0"])
        let hardened = Self.waitUntilHardened(process)
        process.waitUntilExit()
        let stderr = String(
            decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(hardened, "ceremony-audit never showed core dumps off while it ran")
        #expect(process.terminationStatus == 0, "\(stderr)")
    }
}
