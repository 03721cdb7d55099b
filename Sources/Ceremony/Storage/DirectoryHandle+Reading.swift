import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading a file of a ``DirectoryHandle``'s folder: never through a link, never blocking.
extension DirectoryHandle {
    /// Opens regular file `name` for reading: never through a link, never blocking on a
    /// FIFO, device or socket (refused at once, with `fstat` on the open descriptor).
    private func openRegular(_ name: String) throws(CeremonyError) -> (descriptor: Int32, size: Int) {
        let path = path(of: name)
        let file = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            if errno == ELOOP {
                throw .readFailed(path: path, reason: "is a symbolic link\(linkTarget(name)), not followed")
            }
            throw .readFailed(path: path, reason: lastError())
        }
        var info = stat()
        guard fstat(file, &info) == 0 else {
            let reason = lastError()
            close(file)
            throw .readFailed(path: path, reason: reason)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(file)
            throw .readFailed(path: path, reason: "not a regular file")
        }
        return (file, Int(info.st_size))
    }

    /// Reads regular file `name`, refusing one over `limit` bytes.
    /// - Throws: `missingFile`, `fileTooLarge`, `readFailed` with the system's cause.
    package func read(_ name: String, limit: Int = BoundedFile.defaultLimit) throws(CeremonyError) -> Data {
        let (file, size) = try openRegular(name)
        defer { close(file) }
        return try BoundedFile.read(descriptor: file, size: size, path: path(of: name), limit: limit)
    }

    /// Reads secret file `name` (at most `limit` bytes) straight into a zeroing buffer.
    /// - Throws: `missingFile`, `fileTooLarge`, `readFailed` with the system's cause.
    package func readSecret(_ name: String, limit: Int, allowEmpty: Bool = false) throws(CeremonyError) -> SecretBytes {
        let (file, _) = try openRegular(name)
        defer { close(file) }
        do {
            return try SecretInput.read(
                descriptor: file, name: path(of: name), limit: limit, stripNewline: false, allowEmpty: allowEmpty)
        } catch {
            if case .tooLarge(let path, let limit) = error { throw .tooLarge(path: path, limit: limit) }
            throw CeremonyError(.readFailed, error.description, underlying: error)
        }
    }
}
