import Foundation
import Testing

/// Every file and folder below a root, with its mode and bytes: two equal
/// snapshots mean nothing was written, changed, removed or left behind.
struct FolderSnapshot: Equatable {
    struct Entry: Equatable {
        let type: String
        let mode: Int
        /// Nil for anything but a regular file (a FIFO is never opened).
        let contents: Data?
    }

    let entries: [String: Entry]

    init(_ root: URL) {
        var entries: [String: Entry] = [:]
        let base = root.standardizedFileURL.path
        if let walker = FileManager.default.enumerator(atPath: base) {
            for case let relative as String in walker {
                // A site's lock file (`.site-a.lock`) notes who last ran; it holds no ceremony state.
                if relative.hasPrefix(".site-") && relative.hasSuffix(".lock") { continue }
                let path = base + "/" + relative
                let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
                let mode = (attributes[.posixPermissions] as? Int) ?? -1
                let type = (attributes[.type] as? FileAttributeType) ?? .typeUnknown
                entries[relative] = Entry(
                    type: type.rawValue, mode: mode,
                    contents: type == .typeRegular ? FileManager.default.contents(atPath: path) : nil)
            }
        }
        self.entries = entries
    }

    /// What changed from `before` to this snapshot, one line per path (empty when equal).
    func changes(since before: FolderSnapshot) -> [String] {
        let paths = Set(entries.keys).union(before.entries.keys).sorted()
        return paths.compactMap { path in
            switch (before.entries[path], entries[path]) {
            case (nil, _?): "added \(path)"
            case (_?, nil): "removed \(path)"
            case (let old?, let new?) where old != new: "changed \(path)"
            default: nil
            }
        }
    }
}

/// Runs a site command that must refuse: exit 1, `cause` on stderr, and the
/// whole ceremony folder (manifest, site-a/, site-b/, transfer/, printed/)
/// byte for byte and mode for mode as it was.
func expectRefusalChangingNothing(
    _ test: TestCeremony, containing cause: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ command: () throws -> Tools.Result
) rethrows {
    let before = FolderSnapshot(test.root)
    expectRefusal(try command(), containing: cause, sourceLocation: sourceLocation)
    let changes = FolderSnapshot(test.root).changes(since: before)
    #expect(changes.isEmpty, "the refusal changed the ceremony folder: \(changes)", sourceLocation: sourceLocation)
}
