import Ceremony
import Foundation
import TestSupport
import Testing

/// Files with secrets are created 0600 and the folders holding them 0700,
/// whatever the umask the sites run under: a permissive one (000) does not
/// open them up, a restrictive one (077) does not hide the public bundles
/// (0644) from the other site. Nothing anywhere is writable by group or others.
@Suite struct FileModeTests {
    @Test("modes do not depend on the umask", arguments: ["000", "077"])
    func modesIgnoreTheUmask(umask: String) throws {
        let test = try TestCeremony(setUp: false)
        let path = test.root.appendingPathComponent("c").path
        let layout = CeremonyLayout(path: path)
        /// Runs a site executable under `umask`.
        func site(_ tool: String, _ arguments: String...) throws {
            let script = "umask \(umask) && exec \"$0\" \"$@\""
            let result = try ProcessRunner.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", script, Tools.executable(tool).path] + arguments + ["--ceremony", path])
            #expect(result.status == 0, "\(tool) \(arguments) exited \(result.status): \(result.stderr)")
        }
        try site("passphrase-site", "init")
        try site("key-site", "init")
        try site("passphrase-site", "propose", "--cards", "2", "--batch-size", "2")
        try site("key-site", "endorse")
        try site("passphrase-site", "issue", "--batch", "1")
        try site("key-site", "mint", "--batch", "1")
        // While the batch is open, site A's journal holds the passphrases.
        let journal = layout.site(.siteA).appendingPathComponent("work/batch-0001")
        let records = try FileManager.default.contentsOfDirectory(atPath: journal.path)
        #expect(records.count == 2)
        var expected: [String: Int] = [
            "": 0o700, "ceremony.json": 0o644, "site-a": 0o700, "site-a/signing-key.seed": 0o600, "site-a/work": 0o700,
            "site-a/work/batch-0001": 0o700, "site-b": 0o700, "site-b/signing-key.seed": 0o600, "printed": 0o700,
            "printed/site-a": 0o700, "printed/site-a/batch-0001.labels": 0o600, "printed/site-b": 0o700,
            "printed/site-b/batch-0001.faces.json": 0o600, "transfer": 0o755,
            // Each site's lock (one writer at a time), which notes the PID and step of its holder.
            ".site-a.lock": 0o600, ".site-b.lock": 0o600,
            // Each site's batch ledger (public: states and bundle digests).
            "site-a/ledger.json": 0o644, "site-b/ledger.json": 0o644,
        ]
        for name in records { expected["site-a/work/batch-0001/\(name)"] = 0o600 }
        for name in try FileManager.default.contentsOfDirectory(atPath: layout.transfer.path) {
            expected["transfer/\(name)"] = 0o644
        }
        #expect(modes(below: layout.root) == expected)

        try site("passphrase-site", "verify", "--batch", "1")
        try site("passphrase-site", "seal", "--batch", "1")
        for (name, mode) in modes(below: layout.root) {
            #expect(mode & 0o022 == 0, "\(name) is writable by others: \(String(mode, radix: 8))")
            #expect(!name.hasSuffix(".tmp"), "\(name) left behind")
        }
    }

    /// Path (relative, "" for the root itself) → permission bits.
    func modes(below root: URL) -> [String: Int] {
        var out: [String: Int] = [:]
        let paths = [""] + ((FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String]) ?? [])
        for relative in paths {
            let full = relative.isEmpty ? root.path : root.path + "/" + relative
            out[relative] = (try? FileManager.default.attributesOfItem(atPath: full)[.posixPermissions] as? Int) ?? -1
        }
        return out
    }
}
