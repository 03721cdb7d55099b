import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading files with a size limit, so a hostile or runaway file cannot exhaust memory.
package enum BoundedFile {
    /// The default limit for bundles and manifests: 64 MiB.
    package static let defaultLimit = 64 << 20

    /// Reads `url`, refusing files over `limit` bytes and anything not a regular file.
    ///
    /// The file is opened non-blocking and without following a link (`O_NOFOLLOW`), and
    /// checked with `fstat` on the open descriptor before a byte is read, so a link, FIFO,
    /// device or socket put in a file's place is refused at once (never followed or waited
    /// on), and nothing can be swapped in between the check and the read.
    /// - Throws: ``CeremonyError/Code/missingFile``, ``CeremonyError/Code/fileTooLarge``,
    ///   ``CeremonyError/Code/readFailed`` with the system's cause.
    package static func read(_ url: URL, limit: Int = defaultLimit) throws(CeremonyError) -> Data {
        let path = url.path
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            if errno == ELOOP { throw .readFailed(path: path, reason: "is a symbolic link (not followed)") }
            throw .readFailed(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .readFailed(path: path, reason: String(cString: strerror(errno)))
        }
        // A FIFO or device has no size to check and may never end (/dev/zero): refused.
        guard info.st_mode & S_IFMT == S_IFREG else { throw .readFailed(path: path, reason: "not a regular file") }
        return try read(descriptor: descriptor, size: Int(info.st_size), path: path, limit: limit)
    }

    /// Reads an open regular file of `size` bytes (as `fstat` said), up to `limit`.
    static func read(descriptor: Int32, size: Int, path: String, limit: Int) throws(CeremonyError) -> Data {
        guard size <= limit else { throw .tooLarge(path: path, limit: limit) }
        var data = Data(count: size + 1)
        var total = 0
        while total < data.count {
            let n = data.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + total, $0.count - total) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, reason: String(cString: strerror(errno)))
            }
            total += n
            // A file that grows while it is read is read up to the limit and no further.
            if total == data.count && total <= limit { data.count = min(limit + 1, data.count * 2) }
        }
        guard total <= limit else { throw .tooLarge(path: path, limit: limit) }
        return data.prefix(total)
    }
}
