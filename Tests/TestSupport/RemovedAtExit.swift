import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Files and folders the tests make in the temporary folder, removed when the test
/// process exits: what a shared fixture (a `static let`, never released) or a test that
/// stopped early would otherwise leave behind.
///
/// A test that removes its own files (with `defer` or `deinit`) may still register them:
/// removing a path that is already gone does nothing, and ``forget(_:)`` drops it from
/// the list. Nothing is removed when the process dies on a signal.
package enum RemovedAtExit {
    /// The registered paths, and whether the exit handler is installed.
    private static let state = Mutex<(paths: Set<String>, installed: Bool)>(([], false))

    /// Removes `url` (and everything in it) when the process exits.
    package static func register(_ url: URL) {
        let install = state.withLock { state in
            state.paths.insert(url.path)
            defer { state.installed = true }
            return !state.installed
        }
        if install { atexit { RemovedAtExit.removeAll() } }
    }

    /// Drops `url` from the list: it was removed already.
    package static func forget(_ url: URL) {
        _ = state.withLock { $0.paths.remove(url.path) }
    }

    /// The paths still registered (for the tests of this type).
    package static var registered: Set<String> { state.withLock { $0.paths } }

    /// Removes every registered path; the exit handler.
    static func removeAll() {
        let paths = state.withLock { state in
            defer { state.paths = [] }
            return state.paths
        }
        for path in paths { remove(URL(fileURLWithPath: path)) }
    }

    /// Removes `url` and everything in it, through folder descriptors and by each entry's
    /// bytes: also a tree deeper than PATH_MAX, which `FileManager.removeItem` leaves behind,
    /// and names that are not UTF-8 (the audit's blind-spot faults make both). Links are
    /// removed, never followed.
    package static func remove(_ url: URL) {
        let parent = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { return }
        remove(Array(url.lastPathComponent.utf8CString), in: parent)
        close(parent)
    }

    /// Removes entry `name` (NUL-terminated bytes) of the folder open at `parent`.
    private static func remove(_ name: [CChar], in parent: Int32) {
        if unlinkat(parent, name, 0) == 0 || errno == ENOENT { return }
        let folder = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return }
        guard let stream = fdopendir(folder) else {
            close(folder)
            return
        }
        var names: [[CChar]] = []
        while let entry = readdir(stream) {
            let child = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if child != Array(".".utf8) && child != Array("..".utf8) {
                names.append(child.map { CChar(bitPattern: $0) } + [0])
            }
        }
        for child in names { remove(child, in: dirfd(stream)) }
        closedir(stream)
        unlinkat(parent, name, AT_REMOVEDIR)
    }
}
