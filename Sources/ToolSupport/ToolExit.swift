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

    /// Ends with `object` as one line of JSON on stderr and exit status `status` (`--json`).
    package static func failJSON(_ object: JSONValue, status: Int32) -> Never {
        FileHandle.standardError.write(Data((object.line + "\n").utf8))
        exit(status)
    }

    /// Prints a line on stderr (progress notes, fingerprints people compare aloud).
    package static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Applies ``ProcessHardening`` (no core dumps, fatal signals end the process
    /// at once, memory locked where the system allows) and prints one `tool: warning: ...` line on stderr for
    /// each protection the system refused. The first call in a site executable's `main`.
    /// With `json`, each warning is a JSON object `{"tool": ..., "warning": ...}` on its own line instead.
    package static func harden(_ tool: String, json: Bool = false) {
        for warning in ProcessHardening.apply(tool: tool).warnings {
            note(
                json
                    ? (["tool": .string(tool), "warning": .string(warning)] as JSONValue).line
                    : "\(tool): warning: \(warning)")
        }
    }
}
