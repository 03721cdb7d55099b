import Ceremony
import CryptoCore
import Foundation

/// How the ceremony executables end and talk on stderr: a refusal is one line
/// `tool: cause` and exit status 1. Only executables call this: the libraries throw.
package enum ToolExit {
    package static func fail(_ tool: String, _ error: CeremonyError) -> Never { fail(tool, error.description) }

    package static func fail(_ tool: String, _ cause: String) -> Never {
        FileHandle.standardError.write(Data("\(tool): \(cause)\n".utf8))
        exit(1)
    }

    /// Prints a line on stderr (progress notes, fingerprints people compare aloud).
    package static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Applies ``ProcessHardening`` (no core dumps, fatal signals end the process
    /// at once, memory locked where the system allows) and prints one `tool: warning: ...` line on stderr for
    /// each protection the system refused. The first call in a site executable's `main`.
    package static func harden(_ tool: String) {
        for warning in ProcessHardening.apply(tool: tool).warnings { note("\(tool): warning: \(warning)") }
    }
}
