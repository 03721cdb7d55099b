import CryptoCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder opened once and checked once, through which every file operation in
/// it goes (`openat`, `renameat`, `unlinkat`, `mkdirat` relative to its
/// descriptor, each with `O_NOFOLLOW`), so nothing a shell on the site machine
/// swaps in later (a link in place of the folder or of a file in it) is followed.
///
/// Only the first folder is opened by path, its links followed (the operator's
/// choice of ceremony folder, say); every folder below it is opened from its
/// parent's descriptor with `O_DIRECTORY | O_NOFOLLOW` and checked with `fstat`
/// on the open descriptor. Every failure names the folder or file and the
/// system's cause (`strerror`).
package final class DirectoryHandle: Sendable {
    /// What a folder must be to be used.
    package enum Policy: Sendable {
        /// Any folder; a link to one is followed (only for the first folder, opened by path).
        case followed
        /// A real folder, not a link.
        case real
        /// A real folder, owned by this user, writable by nobody else (a site's own folders).
        case `private`
        /// As `private`, but one of ours with a looser mode is set to 0700 instead of refused.
        case tightened
    }

    /// The open folder.
    let descriptor: Int32
    /// Where the folder is, for messages only: it is never opened again by this path.
    package let url: URL

    private init(descriptor: Int32, url: URL) {
        self.descriptor = descriptor
        self.url = url
    }

    deinit { close(descriptor) }

    package var path: String { url.path }

    /// The path of `name` in this folder, for messages.
    package func path(of name: String) -> String { url.appendingPathComponent(name).path }

    // MARK: Opening folders

    /// Opens `url`: its parent by path, then the folder itself from the parent's
    /// descriptor, checked against `policy` (`followed` opens `url` by path).
    /// - Parameter create: the mode to make a missing folder with (its parents are
    ///   made by path, 0700); nil refuses a missing folder (`missingFile`).
    package static func open(
        _ url: URL, policy: Policy = .real, create: mode_t? = nil
    ) throws(CeremonyError) -> DirectoryHandle {
        let url = url.standardizedFileURL
        let parentURL = url.deletingLastPathComponent()
        if policy == .followed || parentURL.path == url.path {
            if let create { try AtomicFile.makeFolder(url, mode: create) }
            let descriptor = Glibc.open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT { throw .missing(path: url.path) }
                throw .readFailed(path: url.path, reason: lastError())
            }
            return DirectoryHandle(descriptor: descriptor, url: url)
        }
        // Made by path (the parents 0700), then opened and checked from the parent's descriptor.
        if let create { try AtomicFile.makeFolder(url, mode: create) }
        let parent = try open(parentURL, policy: .followed)
        return try parent.folder(url.lastPathComponent, policy: policy, create: create)
    }

    /// The ceremony's `party` folder (`site-a/`): a real folder of ours that nobody else can write.
    package static func site(
        _ party: Party, layout: CeremonyLayout, policy: Policy = .private
    ) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.site(party), policy: policy)
    }

    /// The print spool folder of `party` (`printed/site-a/`), made 0700 if missing; `printed/`
    /// and it must be real folders of ours that nobody else can write (a loose one is tightened).
    /// `create: false` checks what is there and makes nothing (nil when a folder is missing).
    @discardableResult
    package static func printed(
        _ party: Party, layout: CeremonyLayout, create: Bool = true
    ) throws(CeremonyError) -> DirectoryHandle? {
        guard create else {
            return try open(layout.root, policy: .followed).folderIfPresent(
                layout.printed.lastPathComponent, policy: .tightened)?.folderIfPresent(
                    party.rawValue, policy: .tightened)
        }
        return try printedFolder(party, layout: layout)
    }

    /// The print spool folder of `party` (`printed/site-a/`), made 0700 if missing, as
    /// ``printed(_:layout:create:)`` makes it: the folder a site writes its spool through.
    package static func printedFolder(_ party: Party, layout: CeremonyLayout) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.root, policy: .followed).folder(
            layout.printed.lastPathComponent, policy: .tightened, create: 0o700
        )
        .folder(party.rawValue, policy: .tightened, create: 0o700)
    }

    /// The print spool folder of `party` for a printer (`card-print`): `printed/` and
    /// `printed/site-X/` real folders (never links), opened from the ceremony folder;
    /// nothing made, no mode changed. A missing one is `missingFile`.
    package static func printedForReading(
        _ party: Party, layout: CeremonyLayout
    ) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.root, policy: .followed).folder(layout.printed.lastPathComponent, policy: .real).folder(
            party.rawValue, policy: .real)
    }

    /// The ceremony's `transfer/` folder, through which a site writes its bundles: a real
    /// folder (never a link), opened from the ceremony folder. A missing one is `missingFile`.
    package static func transfer(layout: CeremonyLayout) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.root, policy: .followed).folder(layout.transfer.lastPathComponent, policy: .real)
    }

    /// The ceremony's `audit/` folder, through which the audit writes (its reports, the
    /// auditor's declaration, the sample commitment and reveal): a real folder (never a
    /// link), opened from the ceremony folder, made 0755 if missing.
    package static func audit(layout: CeremonyLayout) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.root, policy: .followed).folder(layout.audit.lastPathComponent, policy: .real, create: 0o755)
    }

    /// The ceremony's `cards/` folder (`card-print assemble`): a real folder of ours that
    /// nobody else can write, made 0700 if missing (a looser one of ours is tightened).
    package static func cards(layout: CeremonyLayout) throws(CeremonyError) -> DirectoryHandle {
        try open(layout.root, policy: .followed).folder(
            layout.cards.lastPathComponent, policy: .tightened, create: 0o700)
    }

    /// Opens folder `name` in this one, never through a link, checked against `policy`.
    /// - Parameter create: the mode to make it with when missing (umask does not apply);
    ///   nil refuses a missing one (`missingFile`).
    package func folder(
        _ name: String, policy: Policy = .private, create: mode_t? = nil
    ) throws(CeremonyError) -> DirectoryHandle {
        let path = path(of: name)
        if let create {
            if mkdirat(descriptor, name, create) == 0 {
                guard fchmodat(descriptor, name, create, 0) == 0 else {
                    throw .writeFailed(path: path, reason: "cannot set its mode: \(lastError())")
                }
            } else if errno != EEXIST {
                throw .writeFailed(path: path, reason: "cannot create folder: \(lastError())")
            }
        }
        let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else {
            let cause = errno
            if cause == ENOENT { throw .missing(path: path) }
            var info = stat()
            if fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                if info.st_mode & S_IFMT == S_IFLNK {
                    throw .refusedBundle(
                        file: path,
                        reason: "is a symbolic link\(linkTarget(name)), not followed: it must be a real folder"
                    )
                }
                if info.st_mode & S_IFMT != S_IFDIR { throw .refusedBundle(file: path, reason: "is not a folder") }
            }
            throw .readFailed(path: path, reason: String(cString: strerror(cause)))
        }
        let handle = DirectoryHandle(descriptor: child, url: url.appendingPathComponent(name))
        try handle.check(policy)
        return handle
    }

    /// Folder `name` if it is there (as ``folder(_:policy:create:)``), or nil.
    package func folderIfPresent(_ name: String, policy: Policy = .private) throws(CeremonyError) -> DirectoryHandle? {
        guard try info(name) != nil else { return nil }
        return try folder(name, policy: policy)
    }

    /// Checks the open folder against `policy`, with `fstat` on its descriptor.
    private func check(_ policy: Policy) throws(CeremonyError) {
        guard policy == .private || policy == .tightened else { return }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .readFailed(path: path, reason: lastError()) }
        guard info.st_uid == geteuid() else {
            throw .refusedBundle(file: path, reason: "belongs to another user (uid \(info.st_uid))")
        }
        if policy == .tightened && info.st_mode & 0o077 != 0 {
            guard fchmod(descriptor, 0o700) == 0 else {
                throw .writeFailed(path: path, reason: "cannot set mode 0700: \(lastError())")
            }
        } else if info.st_mode & 0o022 != 0 {
            throw .refusedBundle(
                file: path,
                reason: "others can write to it (mode \(String(info.st_mode & 0o777, radix: 8))): it must be 0700")
        }
    }

    // MARK: What the folder holds

    /// What `name` is (not following a link), or nil when it is not there.
    package func info(_ name: String) throws(CeremonyError) -> stat? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw .readFailed(path: path(of: name), reason: lastError())
        }
        return info
    }

    /// Whether `name` is there (whatever it is: a link counts, and is not followed).
    package func contains(_ name: String) throws(CeremonyError) -> Bool { try info(name) != nil }

    /// The names in the folder (without `.` and `..`), sorted.
    package func names() throws(CeremonyError) -> [String] {
        let copy = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let stream = fdopendir(copy) else {
            let reason = lastError()
            if copy >= 0 { close(copy) }
            throw .readFailed(path: path, reason: reason)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// What the link `name` points at, as ` to TARGET` (quoted), or "" when it is not a link.
    package func linkTarget(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return "" }
        return
            " to \(quoted(String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self), limit: 200))"
    }
}

/// The system's text for the current `errno` (`No space left on device`).
func lastError() -> String { String(cString: strerror(errno)) }
