import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One writer at a time per site: every site command that writes holds an
/// exclusive `flock(2)` on the site's lock file (`CeremonyLayout.lock`) for as
/// long as it runs. A second run refuses at once, naming the holder's PID and
/// what it is doing; the kernel drops the lock when the holder exits, even by
/// kill -9, so a crash never leaves a stale lock behind.
///
/// The lock file sits at the ceremony's top level (`.site-a.lock`), not in the
/// site's folder, so it is never part of what the site retains.
package final class SiteLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit {
        // Void the note first (in place: on a full disk no block is freed or taken), so the
        // next run that finds the lock held never reads a stale one.
        _ = Array("-\n".utf8).withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Takes `party`'s lock for `action` (`issue batch 1`), or refuses with one line
    /// naming the holder.
    package static func acquire(
        _ party: Party, layout: CeremonyLayout, for action: String
    ) throws(CeremonyError)
        -> SiteLock
    {
        let url = layout.lock(party)
        let path = url.path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, fchmod(descriptor, 0o600) == 0 else {
            let cause = String(cString: strerror(errno))
            close(descriptor)
            throw .writeFailed(path: path, reason: "cannot lock: \(cause)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .refusedBundle(file: path, reason: "the lock is not a regular file")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let holder = busy ? Self.holder(descriptor) : String(cString: strerror(errno))
            close(descriptor)
            guard busy else { throw .writeFailed(path: path, reason: "cannot lock: \(holder)") }
            throw CeremonyError(
                .inUse, file: layout.relative(layout.site(party)) + "/",
                "in use by another run (\(holder)): one writer at a time; try again when it has finished")
        }
        let note = Data("PID \(getpid()) is running \(party.siteName) \(quoted(action))\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = note.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return SiteLock(descriptor: descriptor)
    }

    /// Whether the note's `PID n` is a running process.
    private static func holderIsAlive(_ note: Substring) -> Bool {
        let words = note.split(separator: " ")
        guard words.count > 1, words[0] == "PID", let pid = pid_t(words[1]) else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// What the holder wrote into the lock file (its PID and action), or a fallback.
    /// The holder writes its note just after it takes the lock, so an empty file is
    /// read again for a moment.
    private static func holder(_ descriptor: Int32) -> String {
        for _ in 0..<50 {
            var buffer = [UInt8](repeating: 0, count: 200)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            let text = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
            // A note left by a holder killed before it could clear it names a PID that is gone.
            if let line = text.split(separator: "\n").first, text.hasSuffix("\n"), holderIsAlive(line) {
                return quoted(line)
            }
            usleep(10_000)
        }
        return "a process that has not said what it runs"
    }
}
