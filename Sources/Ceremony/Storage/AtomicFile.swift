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

    /// Writes `data` to `url` atomically with `mode` (umask does not apply).
    /// - Throws: ``CeremonyError/writeFailed(path:reason:)``.
    package static func write(_ data: some ContiguousBytes, to url: URL, mode: Mode) throws(CeremonyError) {
        let path = url.path
        removeStaleTemporaries(of: url)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
            .path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode.rawValue)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: lastError()) }
        var failure: String?
        if fchmod(descriptor, mode.rawValue) != 0 { failure = lastError() }
        if failure == nil {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = lastError()
                        return
                    }
                    offset += n
                }
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = lastError() }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = lastError() }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
        syncFolder(of: url)
    }

    /// Overwrites a file with zeros, fsyncs, and removes it. A best effort on
    /// journaling and copy-on-write file systems, where old blocks may survive:
    /// the retention statement says so.
    ///
    /// Never through a link: a symbolic link is removed itself (its target is not
    /// touched), and only a regular file is overwritten (a FIFO, device or socket
    /// planted in its place is unlinked, never opened for writing).
    package static func destroy(_ url: URL) throws(CeremonyError) {
        let path = url.path
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if descriptor >= 0 {
            var info = stat()
            if fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size > 0 {
                let zeros = [UInt8](repeating: 0, count: Int(info.st_size))
                _ = zeros.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
                fsync(descriptor)
            }
            close(descriptor)
        }
        guard unlink(path) == 0 || errno == ENOENT else { throw .writeFailed(path: path, reason: lastError()) }
        syncFolder(of: url)
    }

    /// Removes temporary files a killed process left in `folder`.
    package static func removeStaleTemporaries(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? destroy(folder.appendingPathComponent(name))
        }
    }

    /// Removes the temporaries of `url` (`.NAME.PID.RANDOM.tmp`) that a killed
    /// writer left, so a file rewritten after a crash leaves no stale copy
    /// behind (it may hold secrets: labels, card faces). Skips any whose
    /// process still runs.
    static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).dropLast(".tmp".count).split(
                separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil, pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? destroy(folder.appendingPathComponent(name))
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
    package static func makePrivateFolder(_ url: URL) throws(CeremonyError) {
        try makeFolder(url)
        try checkPrivateFolder(url, tighten: true)
    }

    /// Refuses a private folder that is a link, is not a folder, belongs to another
    /// user or is writable by group or others; `tighten` (at init and when a site
    /// makes its own folders) instead sets one of ours to 0700.
    package static func checkPrivateFolder(_ url: URL, tighten: Bool = false) throws(CeremonyError) {
        let path = url.standardizedFileURL.path
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .readFailed(path: path, reason: lastError()) }
        guard info.st_mode & S_IFMT != S_IFLNK else {
            throw .refusedBundle(file: path, reason: "is a symbolic link: a site folder must be a real folder")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .refusedBundle(file: path, reason: "is not a folder") }
        guard info.st_uid == geteuid() else {
            throw .refusedBundle(file: path, reason: "belongs to another user (uid \(info.st_uid))")
        }
        if tighten && info.st_mode & 0o077 != 0 {
            guard chmod(path, 0o700) == 0 else {
                throw .writeFailed(path: path, reason: "cannot set mode 0700: \(lastError())")
            }
        } else if info.st_mode & 0o022 != 0 {
            throw .refusedBundle(
                file: path,
                reason: "others can write to it (mode \(String(info.st_mode & 0o777, radix: 8))): it must be 0700")
        }
    }

    private static func syncFolder(of url: URL) {
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
