import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The wipe of the medium the bundles crossed on (Ceremony/MEDIUM.md): the medium's whole
/// image, a file or a block device such as a USB stick, is hashed and then overwritten with
/// zeros, and the site's retention statement signs the digest it had before the wipe (the
/// digest compared aloud when it last changed hands, and that of the auditor's image of it).
package enum MediumWipe {
    /// Refuses, before anything is destroyed, a medium that cannot be wiped.
    /// - Throws: as ``wipe(_:)`` does when it opens the medium.
    package static func check(_ path: String) throws(CeremonyError) {
        let descriptor = try open(path)
        close(descriptor)
    }

    /// Hashes the medium at `path` and overwrites every byte of it with zeros, then syncs it.
    /// - Returns: the record the retention statement carries: the digest before the wipe, and the size.
    /// - Throws: ``CeremonyError`` `.readFailed` or `.writeFailed` naming `path`, or `.refusedBundle`
    ///   when `path` is neither a regular file nor a block device, or is empty.
    package static func wipe(_ path: String) throws(CeremonyError) -> RetentionStatementBody.MediumWipe {
        let descriptor = try open(path)
        defer { close(descriptor) }
        let size = Int64(lseek(descriptor, 0, SEEK_END))
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        let digest = SHA256.Stream()
        var offset: Int64 = 0
        while offset < size {
            let want = Int(min(Int64(chunk), size - offset))
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(offset)) }
            guard got > 0 else {
                throw .readFailed(path: path, reason: got < 0 ? String(cString: strerror(errno)) : "ends early")
            }
            digest.update(buffer[0..<got])
            offset += Int64(got)
        }
        let zeros = [UInt8](repeating: 0, count: chunk)
        offset = 0
        while offset < size {
            let want = Int(min(Int64(chunk), size - offset))
            let put = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, want, off_t(offset)) }
            guard put > 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
            offset += Int64(put)
        }
        guard fsync(descriptor) == 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        return RetentionStatementBody.MediumWipe(sha256: digest.finish().hex, bytes: size)
    }

    /// Opens the medium for reading and writing: a regular file or a block device, not empty.
    private static func open(_ path: String) throws(CeremonyError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw .readFailed(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let cause = String(cString: strerror(errno))
            close(descriptor)
            throw .readFailed(path: path, reason: cause)
        }
        let kind = info.st_mode & S_IFMT
        let size = lseek(descriptor, 0, SEEK_END)
        guard (kind == S_IFREG || kind == S_IFBLK) && size > 0 else {
            close(descriptor)
            throw CeremonyError(
                .refusedBundle, file: path,
                "is not a medium to wipe: neither a disk image file nor a block device, or empty")
        }
        return descriptor
    }
}
