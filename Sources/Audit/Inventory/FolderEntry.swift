import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One entry of a folder as the kernel reports it (`lstat`, never following a link),
/// with its name as the raw bytes the folder holds: what default deny judges.
struct FolderEntry {
    enum Kind: Equatable {
        case file
        case folder
        case symlink
        /// A FIFO, socket or device, or an entry `lstat` cannot examine (named).
        case special(String)
    }

    /// The full path, as bytes (no terminating NUL).
    let path: [UInt8]
    /// The path relative to the ceremony folder, as reports show it.
    let relative: String
    let name: [UInt8]
    let kind: Kind
    let size: Int

    var nameText: String { String(decoding: name, as: UTF8.self) }
    var nameIsUTF8: Bool { String(validating: name, as: UTF8.self) != nil }

    var kindName: String {
        switch kind {
        case .file: "file"
        case .folder: "folder"
        case .symlink: "symbolic link"
        case .special(let what): what
        }
    }
}

/// The system calls default deny needs, by byte path: a folder's names (`readdir`),
/// `lstat`, extended attributes (`llistxattr`, `lgetxattr`), link targets and a
/// bounded, streaming read.
enum FileSystem {
    static func bytes(_ url: URL) -> [UInt8] { Array(url.path.utf8) }

    static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
        }
    }

    /// The entry at `path`, examined without following a link.
    static func entry(_ path: [UInt8], name: [UInt8], relative: String) -> FolderEntry {
        var info = stat()
        let status = withCPath(path) { lstat($0, &info) }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            return FolderEntry(
                path: path, relative: relative, name: name, kind: .special("entry that cannot be examined (\(reason))"),
                size: 0)
        }
        let kind: FolderEntry.Kind =
            switch info.st_mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .folder
            case S_IFLNK: .symlink
            case S_IFIFO: .special("FIFO")
            case S_IFSOCK: .special("socket")
            case S_IFCHR: .special("character device")
            case S_IFBLK: .special("block device")
            default: .special("special file")
            }
        return FolderEntry(path: path, relative: relative, name: name, kind: kind, size: Int(info.st_size))
    }

    /// The names in a folder (not `.` and `..`), as raw bytes, sorted; nil when it cannot be read.
    static func names(in folder: [UInt8]) -> [[UInt8]]? {
        guard let directory = withCPath(folder, { opendir($0) }) else { return nil }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let item = readdir(directory) {
            let name = withUnsafePointer(to: &item.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) {
                    Array(
                        UnsafeBufferPointer(
                            start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The entries of a folder, or nil when it cannot be read.
    static func entries(of folder: [UInt8], relative: String) -> [FolderEntry]? {
        names(in: folder)?.map { name in
            entry(folder + [0x2F] + name, name: name, relative: relative + "/" + String(decoding: name, as: UTF8.self))
        }
    }

    /// Every extended attribute of the entry (a link's own, never its target's): name and value.
    static func attributes(_ path: [UInt8]) -> [(name: String, value: [UInt8])] {
        ExtendedAttributes.all(path: path)
    }

    /// Where a symbolic link points, as bytes.
    static func linkTarget(_ path: [UInt8]) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = withCPath(path) { readlink($0, &buffer, 4096) }
        return count > 0 ? buffer.prefix(count).map { UInt8(bitPattern: $0) } : []
    }

    /// Reads a regular file in chunks (never following a link, never waiting on a FIFO).
    /// - Returns: false when it cannot be opened as a regular file or a read fails.
    static func stream(_ path: [UInt8], chunk: Int = 1 << 20, _ body: ([UInt8]) -> Void) -> Bool {
        let descriptor = withCPath(path) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, chunk) }
            if count < 0 { return false }
            if count == 0 { return true }
            body(Array(buffer.prefix(count)))
        }
    }

    /// A whole small file (at most `limit` bytes), or nil.
    static func read(_ path: [UInt8], limit: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var tooLarge = false
        let ok = stream(path) { chunk in
            if out.count + chunk.count > limit { tooLarge = true } else { out += chunk }
        }
        return ok && !tooLarge ? out : nil
    }
}

/// Byte counts of a stream, for its Shannon entropy.
struct ByteTally {
    private var counts = [Int](repeating: 0, count: 256)
    private(set) var total = 0

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes { counts[Int(byte)] += 1 }
        total += bytes.count
    }

    /// Shannon entropy in bits per byte (0 for an empty stream, 8 for uniform random bytes).
    var entropy: Double {
        guard total > 0 else { return 0 }
        let n = Double(total)
        return counts.reduce(0.0) { sum, count in
            count == 0 ? sum : sum - Double(count) / n * log2(Double(count) / n)
        }
    }
}
