import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a built executable as nobody (uid and gid 65534, no supplementary groups) through
/// util-linux's `setpriv`, for the tests of `Permission denied`: the tests run as root,
/// whom permission bits do not stop.
package enum Unprivileged {
    package static let uid: uid_t = 65534
    package static let gid: gid_t = 65534

    /// `setpriv`, if it is installed.
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why a program cannot be run as nobody here (for `.enabled(if:)`'s comment), or nil.
    package static var unavailable: String? {
        if geteuid() != 0 { return "running a program as nobody needs root (setpriv --reuid)" }
        if setpriv == nil { return "setpriv (util-linux) is not installed" }
        return nil
    }

    /// Whether a program can be run as nobody here.
    package static var available: Bool { unavailable == nil }

    /// Gives `url` and everything below it to nobody (links themselves, not their targets),
    /// so a site, which works only in folders of its own, runs in it as nobody.
    /// - Throws: when `chown` fails, or when nobody cannot reach `url` (a folder above it
    ///   is not searchable by others).
    package static func handOver(_ url: URL) throws {
        try requireSearchable(url.deletingLastPathComponent())
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/bin/chown"), ["-R", "-h", "\(uid):\(gid)", url.path])
        guard result.status == 0 else { throw Failure("chown \(url.path): \(result.stderr)") }
    }

    /// Runs built executable `name` as nobody, with `HOME` set to `/nonexistent`. The
    /// executable is run where it was built when nobody can reach it there, else from a
    /// 0755 copy in a temporary folder (the Swift runtime it links is world-readable).
    package static func run(built name: String, _ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        guard let setpriv else { throw Failure(unavailable ?? "setpriv is missing") }
        let executable = try reachable(BuildFolder.executable(name))
        return try ProcessRunner.run(
            URL(fileURLWithPath: setpriv),
            ["--reuid", String(uid), "--regid", String(gid), "--clear-groups", "--", executable.path] + arguments,
            input: input, environment: ["HOME": "/nonexistent"]
        ).withoutMemoryLockWarning
    }

    /// `executable`, or a copy nobody can run when a folder above it is not searchable by others.
    private static func reachable(_ executable: URL) throws -> URL {
        if (try? requireSearchable(executable.deletingLastPathComponent())) != nil { return executable }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "unprivileged-tools-\(getpid())")
        let copy = folder.appendingPathComponent(executable.lastPathComponent)
        if !FileManager.default.fileExists(atPath: copy.path) {
            RemovedAtExit.register(folder)
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let partial = folder.appendingPathComponent(".\(executable.lastPathComponent).\(UUID().uuidString)")
            try FileManager.default.copyItem(at: executable, to: partial)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial.path)
            // Renamed into place, so parallel tests never run a half-copied executable.
            guard rename(partial.path, copy.path) == 0 else { throw Failure("cannot copy \(executable.path)") }
        }
        return copy
    }

    /// Throws unless every folder from `/` down to `folder` (links resolved) is searchable by others.
    private static func requireSearchable(_ folder: URL) throws {
        var path = folder.resolvingSymlinksInPath().path
        while true {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o001 != 0 else {
                throw Failure("\(path) is not searchable by others: nobody cannot reach below it")
            }
            if path == "/" { return }
            path = (path as NSString).deletingLastPathComponent
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
