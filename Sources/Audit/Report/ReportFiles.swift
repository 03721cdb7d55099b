import Ceremony
import Foundation

extension Auditor {
    /// The names of the report's files, in the order they are written.
    package static let reportFiles = ["report.json", "report.md", "signoff.md"]

    /// Writes `report.json`, `report.md` and the sign-off sheet `signoff.md` (0644) into
    /// `out`, or the ceremony's `audit/` when `out` is nil, each through the folder's
    /// descriptor (``DirectoryHandle/write(_:to:mode:)``).
    ///
    /// A folder inside the ceremony folder (`audit/`, `audit/production/`) is opened from
    /// the ceremony folder one name at a time, each a real folder (never a link), made 0755
    /// where missing; a folder outside it is the operator's path, only its last name
    /// checked. A link or anything but a regular file in place of one of the files refuses
    /// them all before any is written.
    /// - Parameter extra: more files to write beside them, last (a rendered sheet, say).
    /// - Returns: the folder written to.
    /// - Throws: `refusedBundle` for a folder that is a link, `writeFailed` naming the file
    ///   and the system's cause (`Permission denied`, `Read-only file system`).
    @discardableResult
    package static func writeReport(
        _ report: AuditReport, layout: CeremonyLayout, out: URL? = nil, extra: [(name: String, data: Data)] = []
    ) throws(CeremonyError) -> DirectoryHandle {
        let folder = try reportFolder(out ?? layout.audit, layout: layout)
        let files =
            zip(reportFiles, [report.json, Data(report.markdown.utf8), Data(report.signoff.utf8)]).map {
                (name: $0, data: $1)
            } + extra
        try folder.checkReplaceable(files.map(\.name))
        for file in files { try folder.write(file.data, to: file.name, mode: .shared) }
        return folder
    }

    /// The folder at `url`: below the ceremony folder, opened from it name by name (each a
    /// real folder, made 0755 where missing); elsewhere, by path (``DirectoryHandle/open(_:policy:create:)``).
    static func reportFolder(_ url: URL, layout: CeremonyLayout) throws(CeremonyError) -> DirectoryHandle {
        let names = url.standardizedFileURL.pathComponents
        let root = layout.root.pathComponents
        guard names.count > root.count, Array(names.prefix(root.count)) == root else {
            return try DirectoryHandle.open(url, policy: .real, create: 0o755)
        }
        var folder = try DirectoryHandle.open(layout.root, policy: .followed)
        for name in names.dropFirst(root.count) { folder = try folder.folder(name, policy: .real, create: 0o755) }
        return folder
    }
}
