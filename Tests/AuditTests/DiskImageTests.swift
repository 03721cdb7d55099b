import Audit
import Ceremony
import CryptoCore
import DiskImage
import FaultInjection
import Foundation
import TestSupport
import Testing

/// Builds ext4 images with e2fsprogs (`mkfs.ext4 -d`, `debugfs`) for the image tests.
enum Ext4 {
    /// e2fsprogs lives in /usr/sbin, which a test's PATH may lack.
    static func tool(_ name: String) -> URL {
        for folder in ["/usr/sbin", "/sbin", "/usr/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return URL(fileURLWithPath: "\(folder)/\(name)")
        }
        return URL(fileURLWithPath: "/usr/bin/env")
    }

    static func run(_ name: String, _ arguments: [String]) throws {
        let path = tool(name)
        let result = try ProcessRunner.run(path, (path.path == "/usr/bin/env" ? [name] : []) + arguments)
        #expect(result.status == 0, "\(name) \(arguments): \(result.stderr)")
    }

    /// An 8 MiB ext4 image of `files` (path inside the image: content), then `deleted` removed with debugfs.
    static func image(at url: URL, files: [String: [UInt8]], deleting deleted: [String] = []) throws {
        let staging = url.deletingLastPathComponent().appendingPathComponent("staging-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        for (path, content) in files {
            let file = staging.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content).write(to: file)
        }
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try run("mkfs.ext4", ["-q", "-d", staging.path, "-F", url.path, "8M"])
        for path in deleted { try run("debugfs", ["-w", "-R", "rm \(path)", url.path]) }
    }
}

/// Card 1's passphrase, as printed on its scratch label (site A's spool), and its serial.
func firstLabel(_ layout: CeremonyLayout) throws -> (serial: String, passphrase: [UInt8]) {
    let label = try #require(try ScratchLabel.readSpool(layout.labels(1)).first)
    return (label.serial.description, label.passphrase.revealedBytes())
}

@Suite struct DiskImageSearch {
    @Test("a passphrase copy deleted from an ext4 image is found, for its card, at site A, and named in the image")
    func deletedCopyIsFound() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let (serial, passphrase) = try firstLabel(folder.layout)
        let image = work.url.appendingPathComponent("site-a.img")
        try Ext4.image(
            at: image,
            files: ["notes/keep.txt": Array("kept: ".utf8) + passphrase + [0x0A], "readme": Array("hello\n".utf8)],
            deleting: ["/notes/keep.txt"])

        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .siteA, path: image)]))
        #expect(report.verdict == "fail")
        let hits = report.findings.filter { $0.check == .siteA && $0.serial == serial }
        let files = Set(hits.compactMap(\.file))
        // The raw bytes (its blocks are unallocated now) and the deleted file The Sleuth Kit lists.
        #expect(files == ["image:site-a", "image:site-a!/notes/keep.txt (deleted)"], "\(report.findings)")
        #expect(hits.allSatisfy { $0.message == "site A holds the passphrase (share 1): a retained key share" })
        #expect(hits.first { $0.file == "image:site-a!/notes/keep.txt (deleted)" }?.offset == 6)
        #expect(!report.findings.contains { $0.check == .siteB })
        let searched = try #require(report.images.first)
        #expect(report.images.count == 1)
        #expect(searched.name == "image:site-a" && searched.path == image.path && searched.bytes == 8 << 20)
        #expect(searched.fileSystem == "ext4" && searched.deletedNames == 1)
        #expect(report.markdown.contains("| `image:site-a` | `\(image.path)` | 8388608 | ext4 |"))
    }

    @Test("an image without a secret adds no finding, and the report lists it")
    func cleanImagePasses() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let image = work.url.appendingPathComponent("site-b.img")
        try Ext4.image(at: image, files: ["readme": Array("hello\n".utf8)], deleting: ["/readme"])
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .siteB, path: image)]))
        #expect(report.verdict == "pass")
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.images.map(\.name) == ["image:site-b"])
        #expect(report.images.first?.fileSystem == "ext4")
        #expect(report.images.first?.deletedNames == 1)
    }

    @Test("The Sleuth Kit lists the deleted file by name, as deleted, beside the live one")
    func deletedFileIsListed() throws {
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let url = work.url.appendingPathComponent("listed.img")
        try Ext4.image(
            at: url, files: ["notes/keep.txt": Array("x\n".utf8), "notes/live.txt": Array("y\n".utf8)],
            deleting: ["/notes/keep.txt"])
        let image = try DiskImage(path: url)
        #expect(image.summary == "ext4")
        #expect(image.size == 8 << 20)
        let entries = image.entries()
        let deleted = entries.filter { $0.parents == [Array("notes".utf8)] && $0.name == Array("keep.txt".utf8) }
        #expect(deleted.count == 1)
        #expect(deleted.first?.deleted == true)
        #expect(deleted.first?.path == "/notes/keep.txt")
        let live = try #require(entries.first { $0.name == Array("live.txt".utf8) })
        #expect(!live.deleted && live.kind == .file && live.size == 2)
        #expect(image.problems.isEmpty)
    }

    @Test("a file name that is a passphrase is a finding, and the report never shows the name")
    func nameIsAShare() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let (serial, passphrase) = try firstLabel(folder.layout)
        let name = String(decoding: passphrase, as: UTF8.self)
        let image = work.url.appendingPathComponent("named.img")
        try Ext4.image(at: image, files: ["\(name)/empty": []])
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .siteA, path: image)]))
        let named = report.findings.filter { $0.file == "image:site-a!/<withheld name> (a file name)" }
        #expect(named.map(\.serial) == [serial], "\(report.findings)")
        #expect(!report.markdown.contains(name))
        #expect(!String(decoding: report.json, as: UTF8.self).contains(name))
    }

    @Test("a raw image with no file system is searched across its chunk boundaries, at the right offset")
    func rawImageAcrossChunks() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let (serial, passphrase) = try firstLabel(folder.layout)
        var random = SeededRandom(seed: 15)
        var bytes = (0..<(5 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let at = (4 << 20) - 10
        bytes.replaceSubrange(at..<(at + passphrase.count), with: passphrase)
        let image = work.url.appendingPathComponent("raw.img")
        try Data(bytes).write(to: image)
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .medium, path: image)]))
        #expect(report.images.first?.fileSystem == "raw only")
        // A medium both sites used counts in both views.
        for check in [Check.siteA, .siteB] {
            let hit = report.findings.first { $0.check == check && $0.file == "image:medium" }
            #expect(hit?.serial == serial, "\(report.findings)")
            #expect(hit?.offset == at)
        }
    }

    @Test("a whole disk with a DOS partition table: the file system in partition 1 is walked")
    func partitionedDisk() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let (serial, passphrase) = try firstLabel(folder.layout)
        let partition = work.url.appendingPathComponent("p1.img")
        try Ext4.image(at: partition, files: ["keep.txt": passphrase])
        // An MBR with one Linux partition from sector 2048, then the file system there.
        var mbr = [UInt8](repeating: 0, count: 512)
        let sectors = UInt32((8 << 20) / 512)
        mbr[446 + 4] = 0x83
        for i in 0..<4 {
            mbr[446 + 8 + i] = UInt8((UInt32(2048) >> (8 * UInt32(i))) & 0xFF)
            mbr[446 + 12 + i] = UInt8((sectors >> (8 * UInt32(i))) & 0xFF)
        }
        mbr[510] = 0x55
        mbr[511] = 0xAA
        let disk = work.url.appendingPathComponent("disk.img")
        try Data(mbr + [UInt8](repeating: 0, count: 2048 * 512 - 512) + Data(contentsOf: partition)).write(to: disk)
        let image = try DiskImage(path: disk)
        #expect(image.fileSystems.map(\.offset) == [1 << 20])
        #expect(image.summary.hasSuffix("ext4 at byte 1048576"), "\(image.summary)")
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .siteB, path: disk)]))
        let files = Set(report.findings.filter { $0.check == .siteB && $0.serial == serial }.compactMap(\.file))
        let partitionNumber = try #require(image.fileSystems.first?.partition)
        #expect(files == ["image:site-b", "image:site-b!p\(partitionNumber)/keep.txt"], "\(report.findings)")
    }
}

@Suite struct DamagedDiskImages {
    @Test("a truncated or damaged ext4 image never traps: it is listed as far as it goes, and its raw bytes read whole")
    func damagedImagesAreRead() throws {
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let clean = work.url.appendingPathComponent("clean.img")
        try Ext4.image(
            at: clean, files: ["a/b/c.txt": Array("one\n".utf8), "d.txt": Array("two\n".utf8)], deleting: ["/d.txt"])
        let original = Array(try Data(contentsOf: clean))
        var random = SeededRandom(seed: 6)
        var variants: [[UInt8]] = [1024, 4096, 65536, 1 << 20].map { Array(original.prefix($0)) }
        for _ in 0..<24 {
            // Metadata lives in the first megabytes: superblock, group descriptors, bitmaps, inode table, directories.
            var bytes = original
            for _ in 0..<64 {
                bytes[Int.random(in: 0..<(2 << 20), using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
            variants.append(bytes)
        }
        var listed = 0
        for (index, bytes) in variants.enumerated() {
            let url = work.url.appendingPathComponent("damaged-\(index).img")
            try Data(bytes).write(to: url)
            let image = try DiskImage(path: url)
            var read = 0
            try image.readRaw(chunk: 1 << 16) { chunk in
                read += chunk.count
                return true
            }
            #expect(read == bytes.count)
            let entries = image.entries()
            for entry in entries where entry.kind == .file && entry.contentIsItsOwn {
                try? image.read(entry, chunk: 4096) { _ in true }
            }
            if !entries.isEmpty { listed += 1 }
        }
        // The truncations leave no file system to list; most bit-flipped images still list some names.
        #expect(listed > 0)
    }
}

@Suite struct DiskImageCommandLine {
    @Test("a missing image or a folder is refused in one line naming it, exit 1; a bad view is a usage error")
    func missingImageIsRefused() throws {
        let folder = try Folder(copying: Honest.folder)
        let missing = folder.url.deletingLastPathComponent().appendingPathComponent("no-such-\(UUID().uuidString).img")
        let result = try ProcessRunner.run(
            built: "ceremony-audit",
            [folder.url.path, "--sample", "0", "--no-countersign", "--image", "site-a=\(missing.path)"])
        #expect(result.status == 1)
        #expect(
            ProcessResult.withoutMemoryLockWarning(result.stderr)
                == "ceremony-audit: image site-a=\(missing.path): cannot read: no such file\n")
        let directory = try ProcessRunner.run(
            built: "ceremony-audit", [folder.url.path, "--no-countersign", "--image", "site-b=\(folder.url.path)"])
        #expect(directory.status == 1)
        #expect(
            ProcessResult.withoutMemoryLockWarning(directory.stderr)
                == "ceremony-audit: image site-b=\(folder.url.path): not a regular file or block device\n")
        let usage = try ProcessRunner.run(
            built: "ceremony-audit", [folder.url.path, "--no-countersign", "--image", "site-c=\(missing.path)"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--image site-c="))
    }

    @Test("ceremony-audit --image prints what it searched and fails on the deleted copy")
    func commandLineFindsCopy() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "disk-image-tests")
        let (_, passphrase) = try firstLabel(folder.layout)
        let image = work.url.appendingPathComponent("a.img")
        try Ext4.image(at: image, files: ["copy": passphrase], deleting: ["/copy"])
        let result = try ProcessRunner.run(
            built: "ceremony-audit",
            [folder.url.path, "--sample", "0", "--no-countersign", "--image", "site-a=\(image.path)"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("searched image:site-a: \(image.path), 8388608 bytes, ext4, "))
        #expect(result.stdout.contains("image:site-a!/copy (deleted): site A holds the passphrase"))
    }
}
