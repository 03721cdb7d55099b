import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Crash-safe file writes: a file is either absent or complete.
///
/// Each write goes to a temporary file in the same folder (created with its
/// final mode, so a secret file is never readable by others even briefly),
/// is fsynced, renamed over the target, and the folder is fsynced.
public enum AtomicFile {
    public enum Mode: mode_t, Sendable {
        /// Public files: bundles, ledgers, manifests.
        case shared = 0o644
        /// Secret files: signing keys, passphrase journals, label and key spools.
        case secret = 0o600
    }

    /// Writes `data` to `url` atomically with `mode` (umask does not apply).
    /// - Throws: ``StorageError/writeFailed(path:reason:)``.
    public static func write(_ data: some ContiguousBytes, to url: URL, mode: Mode) throws(StorageError) {
        let path = url.path
        removeStaleTemporaries(of: url)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
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
    public static func destroy(_ url: URL) throws(StorageError) {
        let path = url.path
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        if descriptor >= 0 {
            var info = stat()
            if fstat(descriptor, &info) == 0 && info.st_size > 0 {
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
    public static func removeStaleTemporaries(in folder: URL) {
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
            let parts = name.dropFirst(prefix.count).dropLast(".tmp".count).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil, pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? destroy(folder.appendingPathComponent(name))
        }
    }

    /// Makes a folder (and parents) with `mode` if it is missing.
    public static func makeFolder(_ url: URL, mode: mode_t = 0o700) throws(StorageError) {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw .writeFailed(path: url.path, reason: "cannot create folder")
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

/// Reading files with a size limit, so a hostile or runaway file cannot exhaust memory.
public enum BoundedFile {
    /// The default limit for bundles and manifests: 64 MiB.
    public static let defaultLimit = 64 << 20

    /// Reads `url`, refusing files over `limit` bytes and anything not a regular file.
    /// - Throws: ``StorageError/missing(path:)``, ``StorageError/tooLarge(path:limit:)``,
    ///   ``StorageError/readFailed(path:reason:)``.
    public static func read(_ url: URL, limit: Int = defaultLimit) throws(StorageError) -> Data {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .readFailed(path: path, reason: String(cString: strerror(errno)))
        }
        // A FIFO or device has no size to check and may never end (/dev/zero): refused.
        guard info.st_mode & S_IFMT == S_IFREG else { throw .readFailed(path: path, reason: "not a regular file") }
        guard Int(info.st_size) <= limit else { throw .tooLarge(path: path, limit: limit) }
        do {
            let data = try Data(contentsOf: url)
            guard data.count <= limit else { throw StorageError.tooLarge(path: path, limit: limit) }
            return data
        } catch let error as StorageError {
            throw error
        } catch {
            throw .readFailed(path: path, reason: "unreadable")
        }
    }
}

/// File-system failures, naming the path.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case tooLarge(path: String, limit: Int)
    case readFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): "\(path): missing"
        case .tooLarge(let path, let limit): "\(path): larger than \(limit) bytes, refused"
        case .readFailed(let path, let reason): "\(path): cannot read: \(reason)"
        case .writeFailed(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}
