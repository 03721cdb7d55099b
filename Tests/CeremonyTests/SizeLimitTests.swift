import Ceremony
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every file a site reads has a size limit, and what is not a regular file
/// (a FIFO, which would block, or a device like /dev/zero, which never ends)
/// is refused: one line naming the file, nothing changed. Oversized files are
/// sparse, so the tests cost no disk.
@Suite struct SizeLimitTests {
    @Test("oversized or non-regular files are refused in one line, changing nothing")
    func oversizedAndSpecialFiles() throws {
        let test = try TestCeremony(cards: 1, batchSize: 1)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let layout = test.layout
        func mint() throws -> Tools.Result { try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1") }

        // A bundle over the 64 MiB limit.
        let bundle = layout.intermediateBatch(1)
        let original = try Data(contentsOf: bundle)
        try sparse(bundle, size: BoundedFile.defaultLimit + 1)
        try expectRefusalChangingNothing(
            test, containing: "batch-0001.intermediate.json: larger than 67108864 bytes, refused"
        ) {
            try mint()
        }

        // A FIFO where the bundle should be: refused at once, not waited on.
        try FileManager.default.removeItem(at: bundle)
        #expect(mkfifo(bundle.path, 0o644) == 0)
        try expectRefusalChangingNothing(
            test, containing: "batch-0001.intermediate.json: cannot read: not a regular file"
        ) {
            try mint()
        }
        try FileManager.default.removeItem(at: bundle)
        try original.write(to: bundle)

        // An oversized manifest, and a signing key that is not 32 bytes.
        let manifest = try Data(contentsOf: layout.manifest)
        try sparse(layout.manifest, size: BoundedFile.defaultLimit + 1)
        try expectRefusalChangingNothing(test, containing: "ceremony.json: larger than 67108864 bytes, refused") {
            try mint()
        }
        try manifest.write(to: layout.manifest)
        let keyFile = layout.site(.siteB).appendingPathComponent(SiteIdentity.fileName)
        let key = try Data(contentsOf: keyFile)
        try (key + Data([0])).write(to: keyFile)
        try expectRefusalChangingNothing(test, containing: "unreadable signing key") { try mint() }
        try key.write(to: keyFile)

        // A journal record over its 16 MiB limit stops verify, naming the card's file.
        try expectSuccess(mint())
        let journal = layout.site(.siteA).appendingPathComponent("work/batch-0001")
        let record = journal.appendingPathComponent(
            try #require(FileManager.default.contentsOfDirectory(atPath: journal.path).first))
        let saved = try Data(contentsOf: record)
        try sparse(record, size: (16 << 20) + 1)
        try expectRefusalChangingNothing(test, containing: "larger than 16777216 bytes, refused") {
            try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
        }
        try saved.write(to: record)
        try expectSuccess(Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
    }

    /// Replaces `url` with a sparse file of `size` bytes.
    func sparse(_ url: URL, size: Int) throws {
        try? FileManager.default.removeItem(at: url)
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }
}
