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
    /// With `--json` on the command line, every error (a refusal, a usage error) is
    /// one JSON object on stderr instead (``JSONOption``), with the same exit status.
    package static func runCeremonyTool(_ tool: String, harden: Bool) {
        runTool(tool, harden: harden, json: JSONOption.requested) { ($0 as? CeremonyError)?.description }
    }

    /// The `main` of any of the package's tools: hardens the process first when
    /// `harden` (one `tool: warning: ...` line per protection refused), names the
    /// executable for the payloads' build records (``Provenance``), then parses
    /// and runs. An error `refusal` words ends as one line `tool: cause` and exit 1;
    /// any other as ArgumentParser ends it (a usage error, exit 64). With `json`,
    /// warnings and the error are JSON objects on stderr, one a line.
    package static func runTool(
        _ tool: String, harden: Bool, json: Bool = false, refusal: (any Error) -> String? = { _ in nil }
    ) {
        if harden { ToolExit.harden(tool, json: json) }
        Provenance.recordExecutable(tool: tool)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if json { failJSON(error) }
            if let cause = refusal(error) { ToolExit.fail(tool, cause) }
            exit(withError: error)
        }
    }

    /// Ends with `error` as one JSON object on stderr, with the exit status it has without `--json`
    /// (`--help` and `--version` print as usual).
    private static func failJSON(_ error: any Error) {
        if let refusal = error as? CeremonyError {
            ToolExit.failJSON(
                JSONOption.errorObject(
                    code: refusal.code.rawValue, file: refusal.file, card: refusal.serial?.description,
                    message: refusal.message), status: 1)
        }
        let status = exitCode(for: error)
        let text = message(for: error)
        guard status != .success, !text.isEmpty else { return }
        let code = status == .validationFailure ? "usage" : "failed"
        ToolExit.failJSON(
            JSONOption.errorObject(code: code, file: nil, card: nil, message: text), status: status.rawValue)
    }
}

/// The line `close` prints: both sites' keys as the manifest names them, in the
/// short form computed from each public key, to compare with what was read aloud at `init`.
package func keysLine(_ manifest: ManifestBody) -> String {
    "keys: site A \(manifest.siteA.shortForm), site B \(manifest.siteB.shortForm)"
}

/// `--pin-file PATH`: the PIN of the site's PKCS#11 token, for a site whose key is there
/// (recorded at `init`); without it the site asks on the terminal, echo off. Never argv.
package struct PINOption: ParsableArguments {
    @Option(
        name: .customLong("pin-file"),
        help: ArgumentHelp(
            "The PIN of the site's PKCS#11 token, when its key is kept there (- for standard input; default: ask on the terminal).",
            valueName: "path"))
    package var file: String?

    package init() {}

    package var source: PINSource { PINSource(file: file) }
}

/// `init`'s choice of where the site's key lives: a seed file (the default), or a new key
/// pair made in a PKCS#11 token (`--pkcs11-module PATH --token-label LABEL`), recorded in the site folder.
package struct TokenOptions: ParsableArguments {
    @Option(
        name: .customLong("pkcs11-module"),
        help: ArgumentHelp(
            "Make the key in a PKCS#11 token instead of a seed file: the module's absolute path (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so).",
            valueName: "path"))
    package var module: String?
    @Option(
        name: .customLong("token-label"),
        help: ArgumentHelp("The label of the token to make the key in (with --pkcs11-module).", valueName: "label"))
    package var token: String?
    @OptionGroup package var pin: PINOption

    package init() {}

    package func validate() throws {
        guard (module == nil) == (token == nil) else {
            throw ValidationError("--pkcs11-module and --token-label go together")
        }
        if pin.file != nil && module == nil { throw ValidationError("--pin-file at init needs --pkcs11-module") }
    }

    /// The token to make the key in, or nil for a seed file.
    package var choice: TokenChoice? {
        guard let module, let token else { return nil }
        return TokenChoice(module: module, token: token, pin: pin.source)
    }
}
