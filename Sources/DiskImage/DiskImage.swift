import Foundation

/// Why an image cannot be read: one line naming the image and the cause.
package struct DiskImageError: Error, Sendable, CustomStringConvertible {
    /// The image's path, as given.
    package let path: String
    /// What went wrong (an OS or Sleuth Kit message), without the path.
    package let message: String

    package init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}

/// A raw disk or partition image, opened read-only: its bytes as they are (unallocated
/// space included), and the file systems The Sleuth Kit finds in it, with every name
/// they hold, deleted names included (`DiskImage+TSK.swift` makes the C calls).
///
/// Only raw images (`dd`, a partition or a whole disk): the bytes searched are the
/// bytes The Sleuth Kit reads. A file system at byte 0 is a partition image; otherwise
/// the image is read as a disk and each partition of its partition table is tried.
package final class DiskImage {
    /// A file system found in the image.
    package struct FileSystem: Sendable, Equatable {
        /// The Sleuth Kit's name for it: `ext4`, `fat32`, `ntfs`...
        package let type: String
        /// Where it starts in the image.
        package let offset: Int64
        /// Its partition's address in the partition table, or nil for a partition image.
        package let partition: Int?
    }

    /// What a name points to.
    package enum Kind: Sendable, Equatable {
        case file, directory, symlink, other
    }

    /// One name in a directory of a file system, allocated or deleted.
    package struct Entry: Sendable, Equatable {
        /// Index into ``DiskImage/fileSystems``.
        package let fileSystem: Int
        /// The directories above it, as path components (bytes: names need not be UTF-8).
        package let parents: [[UInt8]]
        package let name: [UInt8]
        package let inode: UInt64
        /// The name is unallocated: the file was deleted (its directory entry survives).
        package let deleted: Bool
        package let kind: Kind
        package let size: Int64
        /// A symbolic link's target.
        package let linkTarget: [UInt8]?
        /// Whether its metadata still describes this name's content: false for a deleted
        /// name whose inode is gone or was reused by another file.
        package let contentIsItsOwn: Bool

        /// `/dir/name`, lossily decoded (the report escapes it again).
        package var path: String {
            "/" + (parents + [name]).map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        }
    }

    /// The image's path, as given.
    package let path: URL
    /// Its size in bytes.
    package let size: Int64
    /// The file systems found, in the order of the image; empty when none was recognised.
    package private(set) var fileSystems: [FileSystem] = []
    /// The partition table's type when the image is a disk (`dos`, `gpt`...), else nil.
    package private(set) var volumeSystem: String?
    /// What the walk of the file systems could not read (a damaged directory, say).
    package private(set) var problems: [String] = []

    let handles: TSKHandles

    /// Opens `path` read-only and looks for file systems in it.
    /// - Throws: ``DiskImageError`` when the image is missing, not a file or block device, or unreadable.
    package init(path: URL) throws(DiskImageError) {
        self.path = path
        let shown = path.path
        let fileType: FileAttributeType?
        do {
            fileType = try FileManager.default.attributesOfItem(atPath: shown)[.type] as? FileAttributeType
        } catch {
            throw DiskImageError(path: shown, "cannot read: \(Self.cause(error))")
        }
        guard fileType == .typeRegular || fileType == .typeBlockSpecial else {
            throw DiskImageError(path: shown, "not a regular file or block device")
        }
        do {
            let handle = try FileHandle(forReadingFrom: path)
            defer { try? handle.close() }
            size = Int64(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            _ = try handle.read(upToCount: 1)
        } catch {
            throw DiskImageError(path: shown, "cannot read: \(Self.cause(error))")
        }
        handles = try TSKHandles(path: shown)
        (fileSystems, volumeSystem) = handles.findFileSystems()
    }

    /// The image's bytes, first to last, in chunks of `chunk` bytes.
    /// - Parameter body: called with each chunk; return false to stop.
    package func readRaw(chunk: Int = 4 << 20, _ body: ([UInt8]) throws -> Bool) throws {
        let handle = try FileHandle(forReadingFrom: path)
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            guard try body(Array(data)) else { return }
        }
    }

    /// Every name in every file system found, deleted names included (recursively,
    /// into deleted directories, and The Sleuth Kit's `$OrphanFiles` for deleted
    /// files whose name is gone). A part that cannot be read is noted in ``problems``.
    package func entries() -> [Entry] {
        var all: [Entry] = []
        for index in fileSystems.indices {
            let (entries, problem) = handles.walk(fileSystem: index)
            all += entries
            if let problem {
                problems.append("\(fileSystems[index].type) at byte \(fileSystems[index].offset): \(problem)")
            }
        }
        return all
    }

    /// The content of a regular file the walk listed, in chunks of `chunk` bytes.
    /// - Throws: ``DiskImageError`` when the file system cannot read it (a deleted file's
    ///   blocks may be gone), or what `body` throws.
    package func read(_ entry: Entry, chunk: Int = 4 << 20, _ body: ([UInt8]) throws -> Bool) throws {
        try handles.read(fileSystem: entry.fileSystem, inode: entry.inode, chunk: chunk, body, path: path.path)
    }

    /// What the image holds, in one line: `ext4`, `dos: ext4 at byte 1048576`, or `raw only`.
    package var summary: String {
        guard !fileSystems.isEmpty else { return "raw only" }
        let found = fileSystems.map { fs in fs.partition == nil ? fs.type : "\(fs.type) at byte \(fs.offset)" }
        return (volumeSystem.map { "\($0): " } ?? "") + found.joined(separator: ", ")
    }

    private static func cause(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return unsafe String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return unsafe String(cString: strerror(Int32(ns.code))) }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError || ns.code == NSFileNoSuchFileError {
            return "no such file"
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoPermissionError { return "permission denied" }
        return ns.localizedDescription
    }
}
