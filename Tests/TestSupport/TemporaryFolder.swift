import Foundation

/// A private (0700) temporary folder, removed with everything in it when released, or
/// when the process exits if it never is (a shared fixture held by a `static let`).
package final class TemporaryFolder: Sendable {
    package let url: URL

    /// `prefix` starts the folder's name, so a leftover says which tests made it.
    package init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        RemovedAtExit.register(url)
    }

    /// Writes `text` to a new 0600 file in the folder and returns its path.
    package func secretFile(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    deinit {
        RemovedAtExit.remove(url)
        RemovedAtExit.forget(url)
    }
}
