import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writing, replacing and removing files in a ``DirectoryHandle``'s folder: atomically,
/// fsynced, never through a link.
extension DirectoryHandle {
    /// Writes `data` to `name` atomically with `mode` (umask does not apply): a
    /// temporary made with `O_EXCL | O_NOFOLLOW`, fsynced, renamed over `name` with
    /// `renameat` (which replaces a link rather than following it), then the folder
    /// fsynced. A failed write removes its temporary.
    /// - Throws: `writeFailed` naming the file and the system's cause.
    package func write(_ data: some ContiguousBytes, to name: String, mode: AtomicFile.Mode) throws(CeremonyError) {
        let path = path(of: name)
        removeStaleTemporaries(of: name)
        let temporary = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let file = openat(
            descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode.rawValue)
        guard file >= 0 else { throw .writeFailed(path: path, reason: lastError()) }
        var failure: String?
        if fchmod(file, mode.rawValue) != 0 { failure = lastError() }
        if failure == nil { failure = Self.writeAll(data, to: file) }
        if failure == nil && fsync(file) != 0 { failure = lastError() }
        if close(file) != 0 && failure == nil { failure = lastError() }
        if failure == nil && renameat(descriptor, temporary, descriptor, name) != 0 { failure = lastError() }
        if let failure {
            unlinkat(descriptor, temporary, 0)
            throw .writeFailed(path: path, reason: failure)
        }
        fsync(descriptor)
    }

    /// Refuses, before anything is written, any of `names` that is there and is not a
    /// regular file: a link planted where the audit writes is named with its target and
    /// left as it is (``write(_:to:mode:)`` alone would replace it, silently).
    /// - Throws: `writeFailed` naming the file: `is a symbolic link to TARGET, not replaced`.
    package func checkReplaceable(_ names: [String]) throws(CeremonyError) {
        for name in names {
            guard let found = try info(name) else { continue }
            switch found.st_mode & S_IFMT {
            case S_IFREG: continue
            case S_IFLNK:
                throw .writeFailed(path: path(of: name), reason: "is a symbolic link\(linkTarget(name)), not replaced")
            default: throw .writeFailed(path: path(of: name), reason: "is not a regular file, not replaced")
            }
        }
    }

    /// Overwrites `name` with zeros, fsyncs it and removes it. A link is removed
    /// itself (its target never touched); a FIFO, device or socket is unlinked,
    /// never opened for writing. Missing is not an error.
    /// - Throws: `writeFailed` naming the file and the system's cause.
    package func destroy(_ name: String) throws(CeremonyError) {
        let path = path(of: name)
        guard let found = try info(name) else { return }
        if found.st_mode & S_IFMT == S_IFREG {
            // A regular file that cannot be opened to be overwritten is not removed either:
            // removing it unwritten would leave its blocks as they were, and say nothing.
            let file = openat(descriptor, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard file >= 0 else { throw .writeFailed(path: path, reason: "cannot overwrite: \(lastError())") }
            var info = stat()
            var failure: String?
            if fstat(file, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size > 0 {
                failure = Self.writeAll([UInt8](repeating: 0, count: Int(info.st_size)), to: file)
                if failure == nil && fsync(file) != 0 { failure = lastError() }
            }
            close(file)
            if let failure { throw .writeFailed(path: path, reason: "cannot overwrite: \(failure)") }
        }
        guard unlinkat(descriptor, name, 0) == 0 || errno == ENOENT else {
            throw .writeFailed(path: path, reason: lastError())
        }
        fsync(descriptor)
    }

    /// Removes the empty folder `name`.
    package func removeFolder(_ name: String) throws(CeremonyError) {
        guard unlinkat(descriptor, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
            throw .writeFailed(path: path(of: name), reason: lastError())
        }
        fsync(descriptor)
    }

    /// Removes every temporary (`.NAME.tmp`) a killed process left in the folder.
    package func removeStaleTemporaries() {
        for name in (try? names()) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? destroy(name)
        }
    }

    /// Removes the temporaries of `name` (`.NAME.PID.RANDOM.tmp`) that a killed
    /// writer left, so a file rewritten after a crash leaves no stale copy behind
    /// (it may hold secrets: labels, card faces). Skips any whose process still runs.
    package func removeStaleTemporaries(of name: String) {
        let prefix = ".\(name)."
        for entry in (try? names()) ?? [] where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
            let parts = entry.dropFirst(prefix.count).dropLast(".tmp".count).split(
                separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil, pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? destroy(entry)
        }
    }

    /// Writes all of `data` to `file`; the system's cause on failure.
    private static func writeAll(_ data: some ContiguousBytes, to file: Int32) -> String? {
        data.withUnsafeBytes { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(file, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return lastError()
                }
                offset += n
            }
            return nil
        }
    }
}
