import Foundation

/// How the site executables end on a refusal: one line `tool: cause` on stderr, exit status 1.
public enum ToolExit {
    public static func fail(_ tool: String, _ error: CeremonyError) -> Never {
        FileHandle.standardError.write(Data("\(tool): \(error.description)\n".utf8))
        exit(1)
    }

    /// Prints a line on stderr (progress notes, fingerprints people compare aloud).
    public static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
