import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A full disk: each step of a batch (issue, mint, verify, seal) run through
/// the executables on a small tmpfs filled so that every write the step makes
/// meets a full disk once, in order, until the step completes. Every
/// refusal is one line naming the file and "No space left on device"; after
/// it there is no half-written bundle, record or spool and no temporary file;
/// when space is freed the step completes, with every serial of the batch
/// exactly once and the cards made before the failure unchanged (no re-keying).
///
/// Needs root to mount the tmpfs (as `make test` runs in CI); skipped otherwise.
@Suite(
    "A full disk: refused in one line, nothing half-written, completes when space is freed", .serialized,
    .enabled(if: SmallDisk.canMount, "mounting a tmpfs needs root"))
struct FullDiskTests {
    @Test func everyStepOfABatchOnAFullDisk() throws {
        let disk = try SmallDisk(megabytes: 2)
        defer { disk.unmount() }
        let root = disk.root.appendingPathComponent("ceremony")
        let layout = CeremonyLayout(root: root)
        let path = root.path
        for step in [["passphrase-site", "init"], ["key-site", "init"]] {
            try expectSuccess(Tools.run(step[0], [step[1], "--ceremony", path]))
        }
        try expectSuccess(
            Tools.run("passphrase-site", ["propose", "--ceremony", path, "--cards", "2", "--batch-size", "2"]))
        try expectSuccess(Tools.run("key-site", ["endorse", "--ceremony", path]))
        let serials = try Transcript.load(layout).body.serials(batch: 1)

        // issue: journal records, then the label spool, then the bundle.
        let journal = layout.site(.siteA).appendingPathComponent("work/batch-0001")
        var journalSeen: [String: Data] = [:]
        let issueFailures = try fillAndRetry(
            disk, layout, "passphrase-site", ["issue", "--ceremony", path, "--batch", "1"]
        ) {
            // A card journaled by a failed run is kept, byte for byte: never re-keyed.
            for (name, data) in journalSeen {
                #expect(
                    FileManager.default.contents(atPath: journal.appendingPathComponent(name).path) == data,
                    "\(name) changed")
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: journal.path)) ?? [] {
                let records = try SecretRecord.read(journal.appendingPathComponent(name))
                #expect(records.count == 1 && records[0].fields.count == 4, "\(name) is not a complete journal record")
                journalSeen[name] = FileManager.default.contents(atPath: journal.appendingPathComponent(name).path)
            }
            #expect(
                !FileManager.default.fileExists(atPath: layout.intermediateBatch(1).path),
                "a bundle after a failed issue")
        }
        // Every kind of write of issue met the full disk: a card's journal record (which of the cards,
        // written in parallel, is reported first varies), the labels, the site's ledger, the bundle.
        let journalFiles = Set(serials.map { "site-a/work/batch-0001/card-\($0).rec" })
        #expect(
            issueFailures.isSubset(
                of: journalFiles.union([
                    "printed/site-a/batch-0001.labels", "site-a/ledger.json", "transfer/batch-0001.intermediate.json",
                ])))
        #expect(
            issueFailures.isSuperset(of: [
                "printed/site-a/batch-0001.labels", "site-a/ledger.json", "transfer/batch-0001.intermediate.json",
            ]))
        #expect(!issueFailures.isDisjoint(with: journalFiles), "\(issueFailures.sorted())")
        let ceremony = try Transcript.load(layout)
        let (issued, _) = try ceremony.open(
            layout.intermediateBatch(1), kind: .intermediateBatch, signer: .siteA, batch: 1,
            as: IntermediateBatchBody.self)
        #expect(issued.payload.body.cards.map(\.serial) == serials)
        #expect(try SecretRecord.read(layout.labels(1)).compactMap { $0.text("serial") } == serials.map(\.description))
        for (name, data) in journalSeen {
            #expect(
                FileManager.default.contents(atPath: journal.appendingPathComponent(name).path) == data,
                "\(name) re-keyed")
        }

        // mint: the face spool (the commit point), the key batch, the retention statement.
        let mintFailures = try fillAndRetry(disk, layout, "key-site", ["mint", "--ceremony", path, "--batch", "1"]) {
            #expect(!FileManager.default.fileExists(atPath: layout.retention(.siteB, batch: 1).path))
        }
        #expect(
            mintFailures
                == [
                    "printed/site-b/batch-0001.faces.json", "transfer/batch-0001.keys.json", "site-b/ledger.json",
                    "transfer/batch-0001.retention-site-b.json",
                ],
            "\(mintFailures.sorted())")
        let (minted, _) = try ceremony.open(
            layout.keyBatch(1), kind: .keyBatch, signer: .siteB, batch: 1, as: KeyBatchBody.self)
        #expect(minted.payload.body.cards.map(\.serial) == serials)
        #expect(try CardFace.readSpool(layout.faces(1)).map(\.address) == minted.payload.body.cards.map(\.address))

        // verify, then seal (which frees the journal's pages before it writes).
        let verifyFailures = try fillAndRetry(
            disk, layout, "passphrase-site", ["verify", "--ceremony", path, "--batch", "1"]
        ) {}
        #expect(
            verifyFailures == ["site-a/ledger.json", "transfer/batch-0001.confirmation.json"],
            "\(verifyFailures.sorted())")
        // seal overwrites and removes the journal before it writes its statement, which then fits
        // in the pages the journal freed: it completes even on a full disk.
        #expect(
            try fillAndRetry(disk, layout, "passphrase-site", ["seal", "--ceremony", path, "--batch", "1"]) {} == [])
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: journal.path)) ?? []).isEmpty)
        let transcript = try Transcript.load(layout).entries()
        #expect(transcript.count == 5)
        for entry in transcript { try Transcript.load(layout).checkChain(entry, within: transcript) }
    }

    /// Runs `command` on a full disk until it succeeds. Each run gets 0 pages
    /// free; once it fails at the same write twice, 1 page, which lets that
    /// write through and makes the next one fail. So every write of the step
    /// meets a full disk once, in order. After each refusal: one line naming
    /// ENOSPC and the file, no temporary file, every bundle complete, and `check`.
    /// - Returns: the files whose write met the full disk.
    func fillAndRetry(
        _ disk: SmallDisk, _ layout: CeremonyLayout, _ tool: String, _ arguments: [String], check: () throws -> Void
    ) throws -> Set<String> {
        var failedAt: [String] = []
        for _ in 0..<40 {
            let pages = failedAt.count >= 2 && failedAt[failedAt.count - 1] == failedAt[failedAt.count - 2] ? 1 : 0
            try disk.fill(leavingPages: pages)
            let result = try Tools.run(tool, arguments)
            disk.unfill()
            if result.status == 0 { return Set(failedAt) }
            let lines = result.stderr.split(separator: "\n")
            #expect(
                result.status == 1 && lines.count == 1,
                "\(tool) \(arguments[0]) with \(pages) page(s) free: \(result.stderr)")
            let prefix = "\(tool): \(layout.root.path)/"
            let suffix = ": cannot write: No space left on device\n"
            guard result.stderr.hasPrefix(prefix), result.stderr.hasSuffix(suffix) else {
                Issue.record("\(tool) \(arguments[0]): not a full-disk refusal naming its file: \(result.stderr)")
                break
            }
            failedAt.append(String(result.stderr.dropFirst(prefix.count).dropLast(suffix.count)))
            #expect(temporaries(layout.root).isEmpty, "left behind: \(temporaries(layout.root))")
            for file in try FileManager.default.contentsOfDirectory(atPath: layout.transfer.path)
            where file.hasSuffix(".json") {
                #expect(throws: Never.self, "\(file) is not a complete, signed bundle") {
                    _ = try Envelope(json: try Data(contentsOf: layout.transfer.appendingPathComponent(file)))
                }
            }
            try check()
        }
        try expectSuccess(Tools.run(tool, arguments))
        return Set(failedAt)
    }

    /// Temporary files anywhere below `root`.
    func temporaries(_ root: URL) -> [String] {
        (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix(".tmp")
        }
    }
}

/// A tmpfs of a few megabytes, mounted on a fresh temporary folder, and a
/// filler file that leaves a chosen number of pages free.
final class SmallDisk {
    let root: URL
    private var filler: URL { root.appendingPathComponent("filler") }
    private var mounted = true

    static let canMount: Bool = {
        guard getuid() == 0, let disk = try? SmallDisk(megabytes: 1) else { return false }
        disk.unmount()
        return true
    }()

    init(megabytes: Int) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("full-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let result = try Self.command(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", root.path])
        guard result == 0 else {
            try? FileManager.default.removeItem(at: root)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    deinit { unmount() }

    /// Unmounts and removes the mount point (idempotent).
    func unmount() {
        guard mounted else { return }
        mounted = false
        _ = try? Self.command("/bin/umount", [root.path])
        try? FileManager.default.removeItem(at: root)
    }

    /// Free pages (4 KiB blocks) on the disk.
    var freePages: Int {
        var info = statvfs()
        guard statvfs(root.path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize) / 4096
    }

    /// Writes a filler so that `pages` pages stay free.
    func fill(leavingPages pages: Int) throws {
        unfill()
        let size = max(0, freePages - pages) * 4096
        _ = FileManager.default.createFile(atPath: filler.path, contents: Data(count: size))
        #expect(freePages == pages, "filler left \(freePages) pages, wanted \(pages)")
    }

    func unfill() { try? FileManager.default.removeItem(at: filler) }

    private static func command(_ path: String, _ arguments: [String]) throws -> Int32 {
        try ProcessRunner.run(URL(fileURLWithPath: path), arguments).status
    }
}
