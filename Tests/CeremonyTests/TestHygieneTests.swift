import Foundation
import TestSupport
import Testing

/// The tests' temporary folders are removed: when released, or at exit for one that never
/// is (a shared fixture held by a `static let`), so a test run leaves nothing in the temporary folder.
@Suite struct TestHygiene {
    @Test("a temporary folder is registered for removal at exit until it is released, then removed and dropped")
    func temporaryFolderIsRemoved() throws {
        var folder: TemporaryFolder? = try TemporaryFolder(prefix: "test-hygiene")
        let path = try #require(folder?.url.path)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("file"))
        #expect(RemovedAtExit.registered.contains(path))
        folder = nil
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!RemovedAtExit.registered.contains(path))
    }

    @Test("removal goes below PATH_MAX and through names that are not UTF-8, as the blind-spot faults leave them")
    func deepAndNonUTF8TreesAreRemoved() throws {
        let folder = try TemporaryFolder(prefix: "test-hygiene")
        let root = folder.url.appendingPathComponent("tree")
        // 50 folders of 100 characters: a path of over 5000 bytes, past PATH_MAX (4096).
        var parent = open(folder.url.path, O_RDONLY | O_DIRECTORY)
        try #require(parent >= 0)
        for name in ["tree"] + Array(repeating: String(repeating: "d", count: 100), count: 50) {
            #expect(mkdirat(parent, name, 0o700) == 0)
            let child = openat(parent, name, O_RDONLY | O_DIRECTORY)
            close(parent)
            parent = child
            try #require(parent >= 0)
        }
        let file = openat(parent, "seedb.hex", O_WRONLY | O_CREAT, 0o600)
        #expect(file >= 0)
        close(file)
        close(parent)
        let notUTF8: [CChar] = [0x6B, CChar(bitPattern: 0xFF), 0x2E, 0x74, 0x78, 0x74, 0]
        let top = open(root.path, O_RDONLY | O_DIRECTORY)
        let odd = openat(top, notUTF8, O_WRONLY | O_CREAT, 0o600)
        #expect(odd >= 0)
        close(odd)
        close(top)
        // FileManager cannot remove this tree.
        #expect((try? FileManager.default.removeItem(at: root)) == nil)
        RemovedAtExit.remove(root)
        var info = stat()
        #expect(lstat(root.path, &info) != 0 && errno == ENOENT, "the tree is still there")
    }
}
