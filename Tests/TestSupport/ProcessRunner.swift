import Foundation
import Testing

/// The folder SwiftPM builds into (`.build/debug/`, or `.build/<triple>/debug/`):
/// every executable of the package and every target's resource bundle sit in it
/// side by side, so it is the folder holding this target's own bundle.
package enum BuildFolder {
    package static let url = Bundle.module.bundleURL.deletingLastPathComponent()

    /// A built executable of this package, by product name (`bip38`, `passphrase-site`, ...).
    package static func executable(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// What one run of a program left: its exit status and what it wrote.
package struct ProcessResult: Sendable, Equatable {
    package let status: Int32
    package let stdout: String
    package let stderr: String

    /// stdout parsed as one JSON object.
    package func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(stdout)")
    }

    /// The same result without the memory-lock warning in stderr. A site prints
    /// it as a non-root user on a machine with swap: it depends on the machine,
    /// not on the command (CeremonyTests' ProcessHardeningTests checks it).
    package var withoutMemoryLockWarning: ProcessResult {
        ProcessResult(status: status, stdout: stdout, stderr: Self.withoutMemoryLockWarning(stderr))
    }

    /// `text` without its memory-lock warning lines (as text, or as `--json` writes them).
    package static func withoutMemoryLockWarning(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains(": warning: memory not locked") && !$0.contains("\"warning\":\"memory not locked") }
            .joined(separator: "\n")
    }
}

/// Runs programs and captures what they write: the one process runner of the tests.
package enum ProcessRunner {
    /// Runs `executable arguments...` and waits. Standard input is `input` (then
    /// end of file), or empty when `input` is nil. `environment` is added to this
    /// process's environment (the child inherits it unchanged when empty).
    package static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        // stderr is drained on its own thread, so a program that writes much to
        // both (bash -x) cannot stall on a full pipe while stdout is read.
        let errors = PipeDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a built executable of this package (see `BuildFolder`).
    package static func run(
        built name: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) throws -> ProcessResult {
        try run(BuildFolder.executable(name), arguments, input: input, environment: environment)
    }

    /// Runs a program found on PATH (through `/usr/bin/env`), or at an absolute path.
    package static func run(
        onPath program: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
    ) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, input: input, environment: environment)
    }

    /// Starts a built executable without waiting (for kill tests): stdout and
    /// stderr are pipes (`process.standardOutput as! Pipe`), stdin is empty.
    package static func start(built name: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = BuildFolder.executable(name)
        process.arguments = arguments
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Reads a pipe to its end on a thread of its own (not one of the shared pools
/// the tests themselves block).
private final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
