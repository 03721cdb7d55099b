// The outside programs the kept forms are written with: python3 and tools on PATH (od, tr, xxd, zstd...).
import Ceremony
import Foundation

extension Injector {
    /// Runs a Python 3 script with `arguments` and `input` on its stdin, and returns its stdout.
    func python(_ script: String, arguments: [String] = [], input: [UInt8]) throws -> [UInt8] {
        try tool("python3", ["-c", script] + arguments, input: input)
    }

    /// Runs a tool found on PATH with `input` on its stdin, and returns its stdout.
    func tool(_ name: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Write on another thread: a tool may fill its stdout pipe before it has read all its input.
        let handle = stdin.fileHandleForWriting
        let data = Data(input)
        let writer = Thread {
            handle.write(data)
            try? handle.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CeremonyError(.failed, "\(name) failed") }
        return Array(output)
    }
}
