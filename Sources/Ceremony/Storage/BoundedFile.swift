import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading files with a size limit, so a hostile or runaway file cannot exhaust memory.
package enum BoundedFile {
    /// The default limit for bundles and manifests: 64 MiB.
    package static let defaultLimit = 64 << 20

    /// Reads `url`, refusing files over `limit` bytes and anything not a regular file.
    /// - Throws: ``CeremonyError/missing(path:)``, ``CeremonyError/tooLarge(path:limit:)``,
    ///   ``CeremonyError/readFailed(path:reason:)``.
    package static func read(_ url: URL, limit: Int = defaultLimit) throws(CeremonyError) -> Data {
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
            guard data.count <= limit else { throw CeremonyError.tooLarge(path: path, limit: limit) }
            return data
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw .readFailed(path: path, reason: "unreadable")
        }
    }
}
