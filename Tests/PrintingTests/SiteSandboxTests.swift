import Foundation
import TestSupport
import Testing

/// The sandbox each party of the mock ceremony runs in (Ceremony/lib/isolation.sh), driven
/// through bash as `Ceremony/run-ceremony.sh` drives it.
@Suite struct SiteSandbox {
    static let lib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Ceremony")

    /// Runs `script` after sourcing the isolation and medium functions, for a ceremony at `folder`.
    func shell(_ folder: URL, _ script: String) throws -> ProcessResult {
        let prelude = """
            set -euo pipefail
            here='\(Self.lib.path)'; BIN='\(BuildFolder.url.path)'; D='\(folder.path)'; AUD="$D.auditor"
            MEDIUM=1; MEDIUM_IMAGE="$D.medium/medium.img"
            source "$here/lib/isolation.sh"; source "$here/lib/medium.sh"
            isolation_detect
            """
        return try ProcessRunner.run(onPath: "bash", ["-c", prelude + "\n" + script])
    }

    /// A ceremony folder with both sites initialised, each in its sandbox; nil (with the
    /// reason recorded) when this machine cannot make a sandbox at all.
    func initialised(_ work: TemporaryFolder) throws -> URL? {
        let folder = work.url.appendingPathComponent("ceremony")
        let made = try shell(
            folder,
            """
            echo "$ISOLATION"; [ "$ISOLATION" = sandbox ] || { echo "$isolation"; exit 0; }
            mkdir -p "$D"; medium_new
            isolated site-a "$BIN/passphrase-site" init --ceremony "$D" >/dev/null
            isolated site-b "$BIN/key-site" init --ceremony "$D" >/dev/null
            """)
        #expect(made.status == 0, "\(made.stderr)")
        guard made.stdout.hasPrefix("sandbox") else {
            // Skipped, with the reason: no user namespaces (or no bubblewrap) on this machine.
            print("SiteSandbox skipped: \(made.stdout)")
            return nil
        }
        return folder
    }

    @Test(
        "a site command reading the other site's folder fails inside its sandbox (skipped where no sandbox can be made)"
    )
    func otherSiteIsUnreadable() throws {
        let work = try TemporaryFolder(prefix: "sandbox-tests")
        defer { try? FileManager.default.removeItem(at: work.url.appendingPathComponent("ceremony.views")) }
        guard let folder = try initialised(work) else { return }
        let seedA = folder.appendingPathComponent("site-a/signing-key.seed").path
        // Outside the sandboxes both keys exist, and site A's label spool.
        #expect(FileManager.default.fileExists(atPath: seedA))
        let spools = folder.appendingPathComponent("printed/site-a")
        try FileManager.default.createDirectory(at: spools, withIntermediateDirectories: true)
        try Data("site A's labels\n".utf8).write(to: spools.appendingPathComponent("batch-0001.labels"))

        // Site A's own tools and files work in its sandbox (the control)...
        let own = try shell(folder, #"isolated site-a test -s "$D/site-a/signing-key.seed" && echo readable"#)
        #expect(own.stdout == "readable\n", "\(own.stderr)")
        // ... and from site B's sandbox, A's key, A's label spool and A's view are not there.
        for path in [
            "$D/site-a/signing-key.seed", "$D/printed/site-a/batch-0001.labels",
            "$D.views/site-a/transfer/site-a.declaration.json",
        ] {
            let read = try shell(folder, "isolated site-b cat \"\(path)\"")
            #expect(read.status != 0, "site B read \(path)")
            #expect(read.stderr.contains("No such file or directory"), "\(read.stderr)")
        }
        // A site A command run on site B's machine finds no site A folder to read.
        let command = try shell(folder, #"isolated site-b "$BIN/passphrase-site" close --ceremony "$D""#)
        #expect(command.status == 1, "\(command.stdout) \(command.stderr)")
        #expect(command.stderr.contains("site-a"), "\(command.stderr)")
        #expect(command.stderr.split(separator: "\n").count == 1, "\(command.stderr)")
    }

    @Test("a site's sandbox has no network but its own loopback (skipped where no sandbox can be made)")
    func noNetwork() throws {
        let work = try TemporaryFolder(prefix: "sandbox-tests")
        defer { try? FileManager.default.removeItem(at: work.url.appendingPathComponent("ceremony.views")) }
        guard let folder = try initialised(work) else { return }
        let devices = try shell(folder, #"isolated site-a cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"#)
        #expect(devices.status == 0, "\(devices.stderr)")
        #expect(devices.stdout == "lo\n")
    }

    @Test("the medium carries a view's new files to the other view, and the digests read aloud agree")
    func handOverCopiesTheView() throws {
        let work = try TemporaryFolder(prefix: "sandbox-tests")
        defer { try? FileManager.default.removeItem(at: work.url.appendingPathComponent("ceremony.views")) }
        guard let folder = try initialised(work) else { return }
        let result = try shell(
            folder, "handover site-a site-b; handover site-b site-a; handover site-a site-b; medium_files")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("site-a writes 1 file(s) onto the medium: transfer/site-a.declaration.json"))
        #expect(result.stdout.contains("site-b writes 1 file(s) onto the medium: transfer/site-b.declaration.json"))
        // Nothing changed since: the third trip carries nothing new.
        #expect(result.stdout.contains("site-a writes 0 file(s) onto the medium: nothing new"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("transfer/site-a.declaration.json\ntransfer/site-b.declaration.json\n"))
        for party in ["site-a", "site-b"] {
            for file in ["site-a.declaration.json", "site-b.declaration.json"] {
                let copy = work.url.appendingPathComponent("ceremony.views/\(party)/transfer/\(file)")
                let original = work.url.appendingPathComponent(
                    "ceremony.views/\(file.hasPrefix("site-a") ? "site-a" : "site-b")/transfer/\(file)")
                #expect(try Data(contentsOf: copy) == Data(contentsOf: original))
            }
        }
    }
}
