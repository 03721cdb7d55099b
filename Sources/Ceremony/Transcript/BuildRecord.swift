import BIP38
import CryptoCore
import Foundation
import Synchronization

/// The build that made a payload (Docs/Bundles.md, "The build field"): the tool,
/// the toolkit's version, and SHA-256 of the executable file that ran.
///
/// It is the signer's own statement: a dishonest site can run any program and
/// sign any record. The audit compares the records with each other and with the
/// digests it was told to expect (`ceremony-audit --expect-build`), so a site that
/// ran another build must sign a false record to hide it.
package struct BuildRecord: Codable, Sendable, Hashable {
    /// The executable's name: `passphrase-site`, `key-site`, `ceremony-audit`.
    package let tool: String
    /// ``ToolkitVersion/current`` of the build.
    package let version: String
    /// SHA-256 of the executable file (`/proc/self/exe`), as `sha256sum` prints it.
    package let executableSha256: PayloadDigest

    package init(tool: String, version: String, executableSha256: PayloadDigest) {
        self.tool = tool
        self.version = version
        self.executableSha256 = executableSha256
    }

    /// The tool that signs `signer`'s payloads in an honest ceremony.
    package static func tool(signing signer: Party) -> String {
        switch signer {
        case .siteA: "passphrase-site"
        case .siteB: "key-site"
        case .auditor: "ceremony-audit"
        }
    }
}

/// Where a payload's ``BuildRecord`` comes from: the running executable (an
/// executable's `main` calls ``recordExecutable(tool:)``), or, inside
/// ``simulated``, a function of the signer (the in-process mock ceremony plays
/// two sites in one process). A library user that records nothing writes payloads
/// without a build field.
package enum Provenance {
    private enum State {
        case none
        case pending(tool: String)
        case recorded(BuildRecord?)
    }

    private static let state = Mutex(State.none)

    /// The builds payloads record while set: by signer and kind (nil: no build field).
    @TaskLocal package static var simulated: (@Sendable (Party, PayloadKind) -> BuildRecord?)? = nil

    /// Names the running executable; its digest is computed once, when the first payload is made.
    package static func recordExecutable(tool: String) {
        state.withLock { $0 = .pending(tool: tool) }
    }

    /// The build a payload of `kind` signed by `signer` records now.
    package static func build(signer: Party, kind: PayloadKind) -> BuildRecord? {
        if let simulated { return simulated(signer, kind) }
        return state.withLock { state -> BuildRecord? in
            switch state {
            case .none: return nil
            case .recorded(let record): return record
            case .pending(let tool):
                let record = executableDigest().map {
                    BuildRecord(tool: tool, version: ToolkitVersion.current, executableSha256: $0)
                }
                state = .recorded(record)
                return record
            }
        }
    }

    /// SHA-256 of the running executable's file, read once through `/proc/self/exe`
    /// (mapped, not copied); nil where the system has no `/proc`.
    package static func executableDigest() -> PayloadDigest? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"), options: .alwaysMapped)
        else { return nil }
        return PayloadDigest(of: data)
    }
}
