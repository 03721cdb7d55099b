import Audit
import Ceremony
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A folder outside the ceremony a link points at, removed when released.
final class Outside {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
}

/// Every regular file below `root` and its bytes (links and folders by name only): two
/// equal listings mean nothing was written, changed or removed.
func contents(_ root: URL) -> [String: Data?] {
    var out: [String: Data?] = [:]
    for case let relative as String in FileManager.default.enumerator(atPath: root.path) ?? .init() {
        out[relative] = FileManager.default.contents(atPath: root.appendingPathComponent(relative).path)
    }
    return out
}

/// The audit's own writes go through folder descriptors (issue 14): `audit/`,
/// `audit/production/` and `mock-secrets/` are opened from the ceremony folder, never
/// through a link, and a link planted in place of a report file is refused, not
/// followed and not replaced. Each refusal is one line naming the folder or file.
@Suite struct AuditWritesThroughDescriptors {
    /// `ceremony-audit ARGUMENTS` without countersigning or sampling.
    func audit(_ folder: Folder, _ extra: String...) throws -> ProcessResult {
        try ProcessRunner.run(
            built: "ceremony-audit", [folder.url.path, "--sample", "0", "--no-countersign"] + extra
        ).withoutMemoryLockWarning
    }

    /// Replaces `folder` (if there) with a link to `outside`.
    func link(_ folder: URL, to outside: Outside) throws {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: outside.url)
    }

    @Test func anAuditFolderThatIsALinkIsRefusedAndNothingGoesThroughIt() throws {
        let folder = try Folder(copying: Honest.folder)
        let outside = try Outside()
        try link(folder.layout.audit, to: outside)
        let result = try audit(folder)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr
                == "ceremony-audit: \(folder.url.path)/audit: is a symbolic link to \(outside.url.path), not followed: it must be a real folder\n"
        )
        #expect(outside.names.isEmpty, "written through the link: \(outside.names)")
    }

    @Test func aProductionFolderThatIsALinkIsRefusedAndNothingGoesThroughIt() throws {
        let folder = try Folder(copying: Honest.folder)
        let outside = try Outside()
        let production = folder.layout.audit.appendingPathComponent("production")
        try link(production, to: outside)
        let before = contents(folder.layout.audit)
        let result = try audit(folder, "--out", production.path)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr
                == "ceremony-audit: \(production.path): is a symbolic link to \(outside.url.path), not followed: it must be a real folder\n"
        )
        #expect(outside.names.isEmpty, "written through the link: \(outside.names)")
        #expect(contents(folder.layout.audit) == before)
        // The real folder is made, 0755, from the ceremony folder's descriptor.
        try FileManager.default.removeItem(at: production)
        #expect(try audit(folder, "--out", production.path).status == 0)
        #expect(Set(Auditor.reportFiles).isSubset(of: contents(production).keys), "\(contents(production).keys)")
        var info = stat()
        #expect(stat(production.path, &info) == 0 && info.st_mode & 0o777 == 0o755)
    }

    @Test(arguments: Auditor.reportFiles)
    func aReportFileThatIsALinkIsRefusedAndItsTargetUnchanged(_ name: String) throws {
        let folder = try Folder(copying: Honest.folder)
        let outside = try Outside()
        let target = outside.url.appendingPathComponent("file")
        try Data("outside the ceremony\n".utf8).write(to: target)
        let planted = folder.layout.audit.appendingPathComponent(name)
        try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: target)
        let before = contents(folder.layout.audit)
        let result = try audit(folder)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr
                == "ceremony-audit: \(planted.path): cannot write: is a symbolic link to \(target.path), not replaced\n"
        )
        #expect(try Data(contentsOf: target) == Data("outside the ceremony\n".utf8))
        // None of the three is written: not the link, not the others.
        #expect(contents(folder.layout.audit) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: planted.path) == target.path)
    }

    /// A file written beside the report (a rendered sheet) goes the same way: a link in its
    /// place refuses all of them before any is written; through a real name it is written last.
    @Test func anExtraFileBesideTheReportIsCheckedWithIt() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        let outside = try Outside()
        let target = outside.url.appendingPathComponent("sheet")
        try Data("outside".utf8).write(to: target)
        let planted = folder.layout.audit.appendingPathComponent("sheet.pdf")
        try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: target)
        let before = contents(folder.layout.audit)
        #expect(
            throws: CeremonyError.writeFailed(
                path: planted.path, reason: "is a symbolic link to \(target.path), not replaced")
        ) {
            try Auditor.writeReport(report, layout: folder.layout, extra: [("sheet.pdf", Data("%PDF".utf8))])
        }
        #expect(contents(folder.layout.audit) == before)
        #expect(try Data(contentsOf: target) == Data("outside".utf8))
        try FileManager.default.removeItem(at: planted)
        try Auditor.writeReport(report, layout: folder.layout, extra: [("sheet.pdf", Data("%PDF".utf8))])
        #expect(try Data(contentsOf: planted) == Data("%PDF".utf8))
        #expect(try Data(contentsOf: folder.layout.audit.appendingPathComponent("report.json")) == report.json)
    }

    @Test func aMockSecretsFolderThatIsALinkIsRefused() throws {
        let folder = try Folder(copying: Honest.folder)
        let outside = try Outside()
        try link(folder.layout.mockSecrets, to: outside)
        let result = try ProcessRunner.run(built: "ceremony-audit", ["mock-secrets", folder.url.path])
            .withoutMemoryLockWarning
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stderr
                == "ceremony-audit mock-secrets: \(folder.url.path)/mock-secrets: is a symbolic link to \(outside.url.path), not followed: it must be a real folder\n"
        )
        #expect(outside.names.isEmpty)
    }

    /// `commit` writes the auditor's declaration and its commitment into `audit/`: with
    /// `audit/` a link, it refuses before it draws a value, so the key folder keeps none.
    @Test func commitThroughAnAuditFolderThatIsALinkIsRefused() throws {
        let folder = try Folder()
        for (tool, arguments) in [
            ("passphrase-site", ["init"]), ("key-site", ["init"]),
            ("passphrase-site", ["propose", "--cards", "2", "--batch-size", "2"]), ("key-site", ["endorse"]),
        ] {
            let step = try ProcessRunner.run(built: tool, arguments + ["--ceremony", folder.url.path])
            #expect(step.status == 0, "\(tool) \(arguments): \(step.stderr)")
        }
        let outside = try Outside()
        try link(folder.layout.audit, to: outside)
        let result = try ProcessRunner.run(
            built: "ceremony-audit", ["commit", folder.url.path, "--key-folder", folder.auditor.path]
        ).withoutMemoryLockWarning
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr
                == "ceremony-audit commit: \(folder.url.path)/audit: is a symbolic link to \(outside.url.path), not followed: it must be a real folder\n"
        )
        #expect(outside.names.isEmpty, "written through the link: \(outside.names)")
        #expect(!FileManager.default.fileExists(atPath: folder.auditor.path), "the key folder was made")
        // Through a real audit/ it commits.
        try FileManager.default.removeItem(at: folder.layout.audit)
        let committed = try ProcessRunner.run(
            built: "ceremony-audit", ["commit", folder.url.path, "--key-folder", folder.auditor.path])
        #expect(committed.status == 0, "\(committed.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.layout.sampleCommitment.path))
    }
}

/// `Permission denied` in the audit's refusal (issue 14): the tests run as root, whom
/// permission bits do not stop, so `ceremony-audit` runs as nobody (TestSupport's
/// `Unprivileged`) in a ceremony folder given to nobody, with `audit/` 0555.
@Suite(
    "The audit names Permission denied", .serialized,
    .enabled(if: Unprivileged.available, "needs root and setpriv (util-linux) to run the audit as nobody"))
struct AuditPermissionDenied {
    @Test func anUnwritableAuditFolderIsNamedWithItsCause() throws {
        let folder = try Folder(copying: Honest.folder)
        try Unprivileged.handOver(folder.url)
        #expect(chmod(folder.layout.audit.path, 0o555) == 0)
        let before = contents(folder.url)
        let result = try Unprivileged.run(
            built: "ceremony-audit", [folder.url.path, "--sample", "0", "--no-countersign"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(String(cString: strerror(EACCES)) == "Permission denied")
        #expect(
            result.stderr
                == "ceremony-audit: \(folder.url.path)/audit/report.json: cannot write: Permission denied\n")
        // Nothing half-written: no report, no temporary.
        #expect(contents(folder.url) == before)
    }
}
