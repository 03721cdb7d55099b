import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: a file is either absent or complete.
///
/// Each write goes to a temporary file in the same folder (created with its
/// final mode, so a secret file is never readable by others even briefly),
/// is fsynced, renamed over the target, and the folder is fsynced.
package enum AtomicFile {
    package enum Mode: mode_t, Sendable {
        /// Public files: bundles, ledgers, manifests.
        case shared = 0o644
        /// Secret files: signing keys, passphrase journals, label and key spools.
        case secret = 0o600
    }

    /// Writes `data` to `url` atomically with `mode` (umask does not apply), through
    /// the folder's descriptor (``DirectoryHandle/write(_:to:mode:)``). A secret file
    /// is never written into a folder that is a link.
    /// - Throws: ``CeremonyError/writeFailed(path:reason:)`` with the system's cause.
    package static func write(_ data: some ContiguousBytes, to url: URL, mode: Mode) throws(CeremonyError) {
        try folder(of: url, mode: mode).write(data, to: url.lastPathComponent, mode: mode)
    }

    /// Overwrites a file with zeros, fsyncs, and removes it. A best effort on
    /// journaling and copy-on-write file systems, where old blocks may survive:
    /// the retention statement says so.
    ///
    /// Never through a link: a symbolic link is removed itself (its target is not
    /// touched), and only a regular file is overwritten (a FIFO, device or socket
    /// planted in its place is unlinked, never opened for writing).
    package static func destroy(_ url: URL) throws(CeremonyError) {
        let folder: DirectoryHandle
        do { folder = try DirectoryHandle.open(url.deletingLastPathComponent(), policy: .real) } catch
            where
            error.code == .missingFile
        { return }
        try folder.destroy(url.lastPathComponent)
    }

    /// Removes temporary files a killed process left in `folder`.
    package static func removeStaleTemporaries(in folder: URL) {
        (try? DirectoryHandle.open(folder, policy: .real))?.removeStaleTemporaries()
    }

    /// The folder `url` is written in: a real folder (not a link) for a secret file,
    /// any folder for a shared one. A folder that cannot be opened is a refusal to
    /// write `url`, naming the cause.
    private static func folder(of url: URL, mode: Mode) throws(CeremonyError) -> DirectoryHandle {
        do {
            return try DirectoryHandle.open(
                url.deletingLastPathComponent(), policy: mode == .secret ? .real : .followed)
        } catch {
            guard error.code == .missingFile || error.code == .readFailed else { throw error }
            let cause = error.code == .missingFile ? String(cString: strerror(ENOENT)) : error.message
            throw .writeFailed(
                path: url.path, reason: cause.hasPrefix("cannot read: ") ? String(cause.dropFirst(13)) : cause)
        }
    }

    /// Makes a folder (and parents) with `mode` if it is missing. The refusal
    /// names the folder and the system's cause (`Read-only file system`,
    /// `Permission denied`, `No space left on device`).
    package static func makeFolder(_ url: URL, mode: mode_t = 0o700) throws(CeremonyError) {
        let path = url.standardizedFileURL.path
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw .writeFailed(path: path, reason: "not a folder") }
            return
        }
        guard errno == ENOENT else { throw .writeFailed(path: path, reason: "cannot create folder: \(lastError())") }
        let parent = url.standardizedFileURL.deletingLastPathComponent()
        if parent.path != path { try makeFolder(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else {
            throw .writeFailed(path: path, reason: "cannot create folder: \(lastError())")
        }
        // mkdir's mode is masked by the umask: set it exactly.
        guard chmod(path, mode) == 0 else {
            throw .writeFailed(path: path, reason: "cannot set its mode: \(lastError())")
        }
    }

    /// A site's own folder (its key, journal, ledger): a real folder, not a link,
    /// owned by this user and writable by nobody else. A missing one is made 0700;
    /// one of ours with a looser mode is tightened to 0700; anything else is refused.
    @discardableResult
    package static func makePrivateFolder(_ url: URL) throws(CeremonyError) -> DirectoryHandle {
        try DirectoryHandle.open(url, policy: .tightened, create: 0o700)
    }

    /// Refuses a private folder that is a link, is not a folder, belongs to another
    /// user or is writable by group or others; `tighten` (at init and when a site
    /// makes its own folders) instead sets one of ours to 0700.
    /// - Returns: the folder, opened and checked (``DirectoryHandle``).
    @discardableResult
    package static func checkPrivateFolder(
        _ url: URL, tighten: Bool = false
    ) throws(CeremonyError) -> DirectoryHandle {
        try DirectoryHandle.open(url, policy: tighten ? .tightened : .private)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
