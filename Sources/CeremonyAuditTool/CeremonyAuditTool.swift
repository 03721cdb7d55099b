import ArgumentParser
import Audit
import Ceremony
import CryptoCore
import Foundation
import Printing
import ToolSupport

/// `ceremony-audit`: shows per card whether any single party could rebuild the key.
@main
struct CeremonyAuditTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceremony-audit",
        abstract:
            "Audit a 2FKG ceremony folder: transcript, keys, consistency, key shares per view, exposure, randomness, sample, retention.",
        discussion: """
            Before close, the auditor commits to the sample's random value (ceremony-audit commit); after \
            close, ceremony-audit DIR audits (the audit subcommand is the default). The witness and the \
            auditor log exceptions with log-exception; a mock ceremony keeps the audit's copy of the print \
            spools with mock-secrets before the sites destroy theirs.
            """,
        version: toolVersion, subcommands: [AuditFolder.self, Commit.self, LogException.self, MockSecrets.self],
        defaultSubcommand: AuditFolder.self)

    /// Hardens the process first: the audit rebuilds every card's passphrase and
    /// key (no core dumps, fatal signals end it at once, memory locked where
    /// allowed; one `ceremony-audit: warning:` line per protection refused).
    static func main() { runTool("ceremony-audit", harden: true) }
}

/// Refuses a key folder inside the ceremony folder, as a usage error.
func validateKeyFolder(_ keyFolder: String?, ceremony: String) throws {
    guard let keyFolder else { return }
    do {
        try Auditor.checkKeyFolder(URL(fileURLWithPath: keyFolder), outside: CeremonyLayout(path: ceremony))
    } catch {
        throw ValidationError(
            "--key-folder \(keyFolder) is inside the ceremony folder: keep the auditor's key outside it")
    }
}

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Before close: commit to the random value the cut-and-choose sample will be drawn with.",
        discussion: """
            Draws 32 random bytes and keeps them in --key-folder (sample-value-CEREMONY.secret, 0600); \
            writes DIR/audit/sample-commitment.json, SHA-256 of a domain tag and the value, signed with the \
            auditor's key (made in --key-folder on first use, declared in DIR/audit/). Site A's close records \
            the commitment's digest in the closing manifest; the audit draws the sample from the closing \
            digest and the value. Run it after the manifest is endorsed, before the first batch.
            Exit status: 0 committed; 2 the folder is unusable or a commitment exists; 64 usage error.
            """)

    @Argument(help: "The ceremony folder.") var ceremony: String
    @Option(
        help: ArgumentHelp("Folder of the auditor's signing key and values, outside DIR (required).", valueName: "dir"))
    var keyFolder: String

    func validate() throws { try validateKeyFolder(keyFolder, ceremony: ceremony) }

    func run() throws {
        do {
            let (key, digest) = try Auditor.commit(
                CeremonyLayout(path: ceremony), keyFolder: URL(fileURLWithPath: keyFolder))
            print("sample commitment: audit/sample-commitment.json, payload \(digest.humanForm)")
            print("auditor key: \(key.rawPublicKey.map { Auditor.shortForm(publicKey: $0) } ?? key.keyid)")
            print("the value stays in \(keyFolder): keep it until the audit")
        } catch {
            FileHandle.standardError.write(Data("ceremony-audit commit: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct AuditFolder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a closed ceremony folder and write its reports (the default subcommand).",
        discussion: """
            Writes report.json, report.md and the sign-off sheet (signoff.md, and signoff.pdf to print and sign) into --out \
            (default DIR/audit). Every check id is listed in \
            the report and in Docs/Audit.md. When every check passes, the auditor countersigns the \
            closing manifest with its own key (made in --key-folder on first use, declared in DIR/audit/) \
            and publishes its sample value. --key-folder must be outside DIR; it is required unless \
            --no-countersign.
            Each --image is searched as raw bytes (unallocated space included) and, through The Sleuth \
            Kit, by the name and content of every file it lists, deleted ones too; findings name it \
            image:site-a (or image:site-a!/path (deleted)).
            Exit status: 0 every check passed; 1 an image or the --expect-build file is missing or unreadable; 3 a check failed; 4 \
            every check passed but the countersignature could not be made; 2 the folder is unusable (no readable manifest signed by \
            site A) or the report cannot be written; 64 usage error.
            """)

    @Argument(help: "The ceremony folder.") var ceremony: String
    @Option(help: "Cards to open in the cut-and-choose sample (drawn from the closing digest and the auditor's value).")
    var sample = 3
    @Option(help: ArgumentHelp("Where to write report.json and report.md (default: DIR/audit).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Folder of the auditor's signing key and values, outside DIR.", valueName: "dir"))
    var keyFolder: String?
    @Flag(help: "Do not countersign the closing manifest.") var noCountersign = false
    @Flag(help: "Print the JSON report on stdout instead of the summary.") var json = false
    @Option(
        name: .customLong("image"),
        help: ArgumentHelp(
            "A raw disk or partition image to add to a view (repeatable): site-a=PATH, site-b=PATH, or medium=PATH for both views.",
            valueName: "view=path"))
    var images: [String] = []
    @Option(
        help: ArgumentHelp(
            "production (hold no card secrets: only the sampled cards' labels and faces are used) or mock (every card, with the positive control); default: production when neither printed/ nor mock-secrets/ holds a spool, else mock.",
            valueName: "mode"))
    var mode: String?
    @Option(
        help: ArgumentHelp(
            "The release's executables as sha256sum lists them (SHA256SUMS): every payload's build must be among them.",
            valueName: "file"))
    var expectBuild: String?
    @Option(help: "The paper of the sign-off sheet's PDF (A4 or US Letter, portrait).")
    var paper: Paper = .a4

    func validate() throws {
        guard sample >= 0 else { throw ValidationError("--sample must be 0 or more") }
        for image in images where ImageInput(argument: image) == nil {
            throw ValidationError("--image \(image): expected site-a=PATH, site-b=PATH or medium=PATH")
        }
        if let mode, AuditMode(rawValue: mode) == nil {
            throw ValidationError("--mode must be production or mock")
        }
        guard keyFolder != nil || noCountersign else {
            throw ValidationError(
                "--key-folder is required to countersign (a folder outside DIR), or pass --no-countersign")
        }
        try validateKeyFolder(keyFolder, ceremony: ceremony)
    }

    /// Everything printed that comes from a file or a file name (the ceremony id, each
    /// finding's card, file and message, a refusal) goes through `AuditReport.shown`,
    /// the escaping of report.md: no file can add a line, such as a false verdict.
    func run() throws {
        let layout = CeremonyLayout(path: ceremony)
        let inputs = images.compactMap(ImageInput.init(argument:))
        do {
            try Auditor.checkImages(inputs)
        } catch {
            FileHandle.standardError.write(Data("ceremony-audit: \(AuditReport.shown(error.description))\n".utf8))
            throw ExitCode(1)
        }
        var expected: ExpectedBuilds?
        do {
            expected = try expectBuild.map { path throws(CeremonyError) in
                try ExpectedBuilds.read(URL(fileURLWithPath: path))
            }
        } catch {
            FileHandle.standardError.write(Data("ceremony-audit: \(AuditReport.shown(error.description))\n".utf8))
            throw ExitCode(1)
        }
        let report: AuditReport
        do {
            report = try Auditor.audit(
                layout,
                options: Auditor.Options(
                    sample: sample, keyFolder: keyFolder.map { URL(fileURLWithPath: $0) }, countersign: !noCountersign,
                    images: inputs, mode: mode.flatMap(AuditMode.init(rawValue:)), expectedBuilds: expected))
        } catch {
            FileHandle.standardError.write(
                Data("ceremony-audit: unusable ceremony folder: \(AuditReport.shown(error.description))\n".utf8))
            throw ExitCode(2)
        }
        let folder = out.map { URL(fileURLWithPath: $0) } ?? layout.audit
        do throws(CeremonyError) {
            let sheet: [UInt8]
            do {
                sheet = try SignOffPage.pdf(report.signoffSheet, paper: paper)
            } catch {
                throw CeremonyError(
                    .failed, file: "signoff.pdf", "cannot print the sign-off sheet: \(error.description)")
            }
            try Auditor.writeReport(report, layout: layout, out: folder, extra: [("signoff.pdf", Data(sheet))])
        } catch {
            FileHandle.standardError.write(Data("ceremony-audit: \(AuditReport.shown(error.description))\n".utf8))
            throw ExitCode(2)
        }
        if json {
            FileHandle.standardOutput.write(report.json)
        } else {
            print(
                "audit \(report.verdict.uppercased()): ceremony \(AuditReport.shown(report.ceremony)), \(report.cards) cards"
            )
            print("mode: \(report.mode.name.rawValue)")
            for line in report.matrixSummaryLines { print(line) }
            let failed = report.checks.filter { !$0.passed }.map(\.id.rawValue)
            print(
                "checks: \(report.checks.count - failed.count)/\(report.checks.count) passed"
                    + (failed.isEmpty ? "" : "; failed: " + failed.joined(separator: ", ")))
            for key in report.keys { print("signer \(key.line)") }
            for site in report.siteKeys { print("site key \(site.line)") }
            for build in report.builds {
                let expected = build.expected.map { $0 ? ", expected" : ", NOT EXPECTED" } ?? ""
                print(
                    "build \(build.signer): \(AuditReport.shown(build.tool)) \(AuditReport.shown(build.version)) \(build.executableSha256) (\(build.payloads.count) payload\(build.payloads.count == 1 ? "" : "s")\(expected))"
                )
            }
            for image in report.images {
                print(
                    "searched \(image.name): \(AuditReport.shown(image.path)), \(image.bytes) bytes, \(AuditReport.shown(image.fileSystem)), \(image.names) names (\(image.deletedNames) deleted)"
                )
            }
            if !report.sample.isEmpty {
                print("sample: \(report.sample.joined(separator: ", ")) (drawn from \(report.sampleSeed))")
            }
            for finding in report.findings.prefix(10) {
                print(
                    "  [\(finding.severity.rawValue)] \(finding.check.rawValue) \(finding.serial.map { "card \(AuditReport.shown($0)) " } ?? "")\(finding.file.map { "\(AuditReport.shown($0)): " } ?? "")\(AuditReport.shown(finding.message))"
                )
            }
            if report.findings.count > 10 { print("  ... \(report.findings.count - 10) more in the report") }
            if let log = report.exceptionLog, log.entries.isEmpty, log.intact {
                print("exceptions: none logged")
            } else if let log = report.exceptionLog {
                print(
                    "exceptions: \(log.entries.count) logged, head \(shortForm(ofHex: log.head))\(log.intact ? "" : " (broken)")"
                )
            }
            print("report: \(AuditReport.shown(folder.appendingPathComponent("report.md").path))")
            print("sign-off sheet: \(AuditReport.shown(folder.appendingPathComponent("signoff.md").path))")
        }
        for error in report.errors {
            if !json { print("error: \(error)") }
            FileHandle.standardError.write(Data("ceremony-audit: error: \(error)\n".utf8))
        }
        if !report.passed { throw ExitCode(3) }
        if !report.errors.isEmpty { throw ExitCode(4) }
    }
}

struct LogException: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-exception",
        abstract:
            "Append an unsigned entry by the witness or the auditor to the exception log (transfer/exceptions.jsonl).",
        discussion: """
            The entry is chained to the one before (SHA-256 of its line) like the sites' signed entries; \
            site A's close records the log's head, and the audit checks the chain (K4.exception-log).
            Exit status: 0 logged; 1 refused (the log is broken, or the step or reason is not valid); 64 usage error.
            """)

    @Argument(help: "The ceremony folder.") var ceremony: String
    @Option(help: ArgumentHelp("witness or auditor.", valueName: "role")) var role: String
    @OptionGroup var exception: ExceptionOptions

    func validate() throws {
        guard let role = ExceptionRole(rawValue: role), role.site == nil else {
            throw ValidationError("--role must be witness or auditor (the sites log with their own tools)")
        }
    }

    func run() throws {
        // validate() admitted only the witness and the auditor.
        guard let role = ExceptionRole(rawValue: role) else {
            throw ValidationError("--role must be witness or auditor")
        }
        do {
            try logException(CeremonyLayout(path: ceremony), role: role, options: exception, signer: nil, output: nil)
        } catch let error as CeremonyError {
            ToolExit.fail("ceremony-audit log-exception", error.description)
        }
    }
}

struct MockSecrets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-secrets",
        abstract: "Mock ceremonies only: copy the print spools to DIR/mock-secrets/ for the mock audit.",
        discussion: """
            Run after assembly and before the sites' destroy-spools: the mock audit then rebuilds every card \
            from mock-secrets/ (0700, files 0600). A production ceremony never makes one.
            Exit status: 0 copied; 1 refused (a spool is missing); 64 usage error.
            """)

    @Argument(help: "The ceremony folder.") var ceremony: String

    func run() throws {
        do {
            for file in try Auditor.keepMockSecrets(CeremonyLayout(path: ceremony)) { print("copied \(file)") }
        } catch {
            ToolExit.fail("ceremony-audit mock-secrets", error.description)
        }
    }
}

extension Paper: ExpressibleByArgument {}
