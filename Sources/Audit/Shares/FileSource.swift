import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be searched (the path is reported; the cause stays internal).
struct UnreadableFile: Error, CustomStringConvertible {
    let path: String
    let cause: String
    var description: String { "\(path): \(cause)" }
}

/// A file read as a stream of chunks, whole or one byte range of it.
///
/// Opened with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` on the open
/// descriptor before a byte is read, as `BoundedFile` does: a symbolic link, FIFO,
/// socket or device is refused at once (never followed, never waited on). With
/// `identity`, a file that is no longer the one the folder walk saw is refused too.
struct FileSource: ByteSource {
    /// The bytes read per chunk.
    static let chunkSize = 1 << 20

    let url: URL
    let display: String
    /// The first byte read and, when not nil, the byte to stop before (else the end of the file).
    var start = 0
    var end: Int?
    /// The device and inode the folder walk saw, when known.
    var identity: (device: UInt64, inode: UInt64)?

    func chunks(_ body: ([UInt8]) throws -> Bool) throws {
        try withDescriptor { descriptor in
            var offset = start
            var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
            while end.map({ offset < $0 }) ?? true {
                let wanted = min(Self.chunkSize, (end ?? Int.max) - offset)
                if buffer.count != wanted { buffer = [UInt8](repeating: 0, count: wanted) }
                let filled = try buffer.withUnsafeMutableBytes { try fill($0, descriptor, at: offset) }
                if filled == 0 { return }
                if filled < buffer.count { buffer.removeLast(buffer.count - filled) }
                guard try body(buffer) else { return }
                offset += filled
                if filled < wanted { return }
            }
        }
    }

    /// Opens the file, checks it (a regular file, the one the walk saw) and calls `body` with the
    /// descriptor, closed afterwards.
    private func withDescriptor<T>(_ body: (Int32) throws -> T) throws -> T {
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw UnreadableFile(path: display, cause: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw UnreadableFile(path: display, cause: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw UnreadableFile(path: display, cause: "not a regular file") }
        if let identity, identity.device != UInt64(info.st_dev) || identity.inode != UInt64(info.st_ino) {
            throw UnreadableFile(path: display, cause: "replaced while the audit read it")
        }
        return try body(descriptor)
    }

    /// Reads from file offset `offset` into `buffer` until it is full or the file ends: the
    /// number of bytes read.
    private func fill(_ buffer: UnsafeMutableRawBufferPointer, _ descriptor: Int32, at offset: Int) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw UnreadableFile(path: display, cause: String(cString: strerror(errno)))
            }
            filled += n
        }
        return filled
    }
}

extension FileSource {
    /// The file's bytes in `range` (fewer where the file ends first), read in one go.
    func bytes(_ range: Range<Int>) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try read(range, into: &bytes)
        return bytes
    }

    /// ``bytes(_:)`` into `bytes`, which it empties first and whose storage it keeps when it is
    /// the only reference to it: a big file's windows are read into one buffer, whose pages are
    /// not faulted in again for each window.
    func read(_ range: Range<Int>, into bytes: inout [UInt8]) throws {
        if bytes.capacity < range.count {
            // A new buffer: read into its uninitialised storage (nothing zeroed first), backed by
            // huge pages where the kernel gives them on request (a 4 KiB page's first touch costs
            // as much as reading 40 KiB from the page cache, and a window is 33 MiB).
            bytes = []
            bytes = try withDescriptor { descriptor in
                try [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
                    Self.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                    initialized = try fill(UnsafeMutableRawBufferPointer(buffer), descriptor, at: range.lowerBound)
                }
            }
            return
        }
        // Read in place: the buffer is sized to the range (new bytes zeroed, the bytes it keeps
        // overwritten), then cut to what the file held.
        if bytes.count > range.count {
            bytes.removeLast(bytes.count - range.count)
        } else if bytes.count < range.count {
            bytes.append(contentsOf: repeatElement(0, count: range.count - bytes.count))
        }
        do {
            let filled = try withDescriptor { descriptor in
                try bytes.withUnsafeMutableBytes { try fill($0, descriptor, at: range.lowerBound) }
            }
            bytes.removeLast(bytes.count - filled)
        } catch {
            bytes.removeAll(keepingCapacity: true)
            throw error
        }
    }
}

extension FileSource {
    /// Asks the kernel to back the whole 2 MiB pages inside `buffer` with huge pages
    /// (`MADV_HUGEPAGE`; ignored where transparent huge pages are off).
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, Int32(MADV_HUGEPAGE))
        #endif
    }
}

/// The bytes of an array as a source (decoded values, tests).
struct MemorySource: ByteSource {
    let display: String
    let bytes: [UInt8]
    var chunkSize = FileSource.chunkSize

    func chunks(_ body: ([UInt8]) throws -> Bool) throws {
        var at = 0
        while at < bytes.count {
            let next = min(bytes.count, at + chunkSize)
            guard try body(Array(bytes[at..<next])) else { return }
            at = next
        }
    }
}
