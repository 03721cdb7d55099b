import Foundation
import TestSupport

/// Runs the built `bip38` executable (TestSupport's `ProcessRunner`, which finds it in the build folder).
enum ToolRunner {
    typealias Result = ProcessResult

    /// Runs `name arguments...` with `input` on standard input (empty when nil), and waits.
    static func run(_ name: String, _ arguments: [String], input: String? = nil) throws -> Result {
        try ProcessRunner.run(built: name, arguments, input: input.map { Data($0.utf8) }).withoutMemoryLockWarning
    }

    static func bip38(_ arguments: String..., input: String? = nil) throws -> Result {
        try run("bip38", arguments, input: input)
    }
}

extension TemporaryFolder {
    /// A private temporary folder for secret files (`bip38-tests-...`), removed when released.
    convenience init() throws { try self.init(prefix: "bip38-tests") }
}
