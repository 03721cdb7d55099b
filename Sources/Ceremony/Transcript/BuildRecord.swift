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
        /// The digest being computed on another thread (``digestInBackground()``).
        case computing(tool: String, digest: BackgroundWork<PayloadDigest?, Never>)
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
        return state.withLock { settle(&$0) }
    }

    /// The record `state` stands for, hashing the executable now if still pending or
    /// waiting for the thread hashing it (which takes no lock), then recorded.
    private static func settle(_ state: inout State) -> BuildRecord? {
        let digest: PayloadDigest?
        let tool: String
        switch state {
        case .none: return nil
        case .recorded(let record): return record
        case .pending(let pending):
            (tool, digest) = (pending, executableDigest())
        case .computing(let computing, let work):
            (tool, digest) = (computing, work.wait())
        }
        let record = digest.map { BuildRecord(tool: tool, version: ToolkitVersion.current, executableSha256: $0) }
        state = .recorded(record)
        return record
    }

    /// Starts hashing the running executable on another thread, if a payload will
    /// record it and nothing has yet: a command that signs a payload late (key-site
    /// mint, after its cards) calls it first, so the digest (a few milliseconds for
    /// a 10 MB executable) is ready by then instead of computed on the main thread.
    ///
    /// Its caller must ``waitForDigest()`` before the process may exit, also when it
    /// throws: OpenSSL cleans up at exit, under a thread still hashing.
    package static func digestInBackground() {
        state.withLock { state in
            guard case .pending(let tool) = state else { return }
            state = .computing(tool: tool, digest: BackgroundWork { executableDigest() })
        }
    }

    /// Waits until a digest started by ``digestInBackground()`` is done, and records it.
    package static func waitForDigest() {
        state.withLock { state in
            if case .computing = state { _ = settle(&state) }
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
