import ArgumentParser
import Audit
import Ceremony
import CryptoCore
import Foundation

/// `ceremony-audit`: shows per card whether any single party could rebuild the key.
@main
struct CeremonyAuditTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceremony-audit",
        abstract:
            "Audit a 2FKG ceremony folder: transcript, consistency, key shares per view, exposure, randomness, sample, retention.",
        discussion: """
            Writes report.json and report.md into --out (default DIR/audit). Every check id is listed in \
            the report and in Docs/Audit.md. When every check passes, the auditor countersigns the \
            closing manifest with its own key (made in --key-folder on first use).
            Exit status: 0 every check passed; 3 a check failed; 2 the folder is unusable \
            (no readable manifest signed by site A) or the report cannot be written; 64 usage error.
            """)

    @Argument(help: "The ceremony folder.") var ceremony: String
    @Option(help: "Cards to open in the cut-and-choose sample (drawn from the closing manifest's digest).")
    var sample = 3
    @Option(help: ArgumentHelp("Where to write report.json and report.md (default: DIR/audit).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Folder of the auditor's signing key (default: DIR/audit).", valueName: "dir"))
    var keyFolder: String?
    @Flag(help: "Do not countersign the closing manifest.") var noCountersign = false
    @Flag(help: "Print the JSON report on stdout instead of the summary.") var json = false

    /// Hardens the process first: the audit rebuilds every card's passphrase and
    /// key (no core dumps, fatal signals end it at once, memory locked where
    /// allowed; one `ceremony-audit: warning:` line per protection refused).
    static func main() {
        for warning in ProcessHardening.apply(tool: "ceremony-audit").warnings {
            FileHandle.standardError.write(Data("ceremony-audit: warning: \(warning)\n".utf8))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    func validate() throws {
        guard sample >= 0 else { throw ValidationError("--sample must be 0 or more") }
    }

    func run() throws {
        let layout = CeremonyLayout(path: ceremony)
        let report: AuditReport
        do {
            report = try Auditor.audit(
                layout,
                options: Auditor.Options(
                    sample: sample, keyFolder: keyFolder.map { URL(fileURLWithPath: $0) }, countersign: !noCountersign))
        } catch {
            FileHandle.standardError.write(
                Data("ceremony-audit: unusable ceremony folder: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let folder = out.map { URL(fileURLWithPath: $0) } ?? layout.audit
        do {
            try AtomicFile.makeFolder(folder, mode: 0o755)
            try AtomicFile.write(report.json, to: folder.appendingPathComponent("report.json"), mode: .shared)
            try AtomicFile.write(
                Data(report.markdown.utf8), to: folder.appendingPathComponent("report.md"), mode: .shared)
        } catch {
            FileHandle.standardError.write(Data("ceremony-audit: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        if json {
            FileHandle.standardOutput.write(report.json)
        } else {
            let m = report.reconstructable
            print("audit \(report.verdict.uppercased()): ceremony \(report.ceremony), \(report.cards) cards")
            print(
                "keys rebuildable: site A \(m.siteA), site B \(m.siteB), both \(m.both), control \(m.control) (must be 0, 0, 0, \(report.cards))"
            )
            let failed = report.checks.filter { !$0.passed }.map(\.id.rawValue)
            print(
                "checks: \(report.checks.count - failed.count)/\(report.checks.count) passed"
                    + (failed.isEmpty ? "" : "; failed: " + failed.joined(separator: ", ")))
            for finding in report.findings.prefix(10) {
                print(
                    "  [\(finding.severity.rawValue)] \(finding.check.rawValue) \(finding.serial.map { "card \($0) " } ?? "")\(finding.file.map { "\($0): " } ?? "")\(finding.message)"
                )
            }
            if report.findings.count > 10 { print("  ... \(report.findings.count - 10) more in the report") }
            print("report: \(folder.appendingPathComponent("report.md").path)")
        }
        if !report.passed { throw ExitCode(3) }
    }
}
