import ArgumentParser
import Ceremony
import Foundation

/// `--ceremony DIR`: the ceremony folder every site tool works in.
package struct CeremonyOption: ParsableArguments {
    @Option(name: .customLong("ceremony"), help: ArgumentHelp("The ceremony folder.", valueName: "dir"))
    package var path = "."

    package init() {}

    package var layout: CeremonyLayout { CeremonyLayout(path: path) }
}

/// `--batch N`: the batch a site or printer command works on, checked once here.
package struct BatchOption: ParsableArguments {
    @Option(help: "The batch number (1-based; batch b is BIP38 lot first-lot + b - 1).")
    package var batch: Int

    package init() {}

    package func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be 1 or more") }
    }
}

extension ParsableCommand {
    /// The `main` of a ceremony tool: hardens the process first (no core dumps,
    /// memory locked where allowed) when `harden`, then parses and runs; a
    /// ``CeremonyError`` ends as one line `tool: cause` and exit 1, a usage error as exit 64.
    package static func runCeremonyTool(_ tool: String, harden: Bool) {
        runTool(tool, harden: harden) { ($0 as? CeremonyError)?.description }
    }

    /// The `main` of any of the package's tools: hardens the process first when
    /// `harden` (one `tool: warning: ...` line per protection refused), then parses
    /// and runs. An error `refusal` words ends as one line `tool: cause` and exit 1;
    /// any other as ArgumentParser ends it (a usage error, exit 64).
    package static func runTool(_ tool: String, harden: Bool, refusal: (any Error) -> String? = { _ in nil }) {
        if harden { ToolExit.harden(tool) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if let cause = refusal(error) { ToolExit.fail(tool, cause) }
            exit(withError: error)
        }
    }
}

/// The line `close` prints: both sites' keys as the manifest names them, in the
/// short form computed from each public key, to compare with what was read aloud at `init`.
package func keysLine(_ manifest: ManifestBody) -> String {
    "keys: site A \(manifest.siteA.shortForm), site B \(manifest.siteB.shortForm)"
}
