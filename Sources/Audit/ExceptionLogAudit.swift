import Ceremony
import CryptoCore
import Foundation

extension AuditReport {
    /// The exception log as the audit read it (`K4.exception-log`).
    package struct ExceptionLogReport: Codable, Sendable {
        package struct Entry: Codable, Sendable, Equatable {
            package let index: Int
            package let step: String
            package let role: String
            /// Escaped once, as every text from a file (``Finding``).
            package let reason: String
            package let time: String
            /// Signed by its site's key (site entries); witness and auditor entries are unsigned.
            package let signed: Bool
            /// Logged after the closing manifest recorded the log.
            package let afterClose: Bool
            /// SHA-256 of the entry's line.
            package let digest: String
        }

        /// The entries that verify, in order (nothing after a broken line).
        package let entries: [Entry]
        /// The digest of the last verified line (the genesis digest when there is none).
        package let head: String
        /// How many entries the closing manifest recorded, if it recorded the log.
        package let recordedAtClose: Int?
        /// Whether every line verified and the closing manifest's record matches.
        package let intact: Bool
    }
}

extension AuditRun {
    /// K4: the exception log's chain holds line by line, each site entry is signed by its
    /// site, and the log begins with exactly what the closing manifest recorded (a log
    /// cut back, or with an entry edited or removed, fails). Entries after closing are allowed.
    mutating func checkExceptionLog(_ transcript: TranscriptAudit) -> AuditReport.ExceptionLogReport {
        let file = layout.relative(layout.exceptionLog)
        var bytes = Data()
        if FileManager.default.fileExists(atPath: layout.exceptionLog.path) {
            do { bytes = try BoundedFile.read(layout.exceptionLog, limit: 4 << 20) } catch {
                findings.append(Finding(.exceptionLog, .high, "unreadable: \(error.message)", file: file))
            }
        }
        let log = ExceptionLog.verify(bytes, keys: ExceptionLog.keys(of: manifest), ceremony: ceremony.id)
        let before = findings.count
        if let failure = log.failure {
            findings.append(
                Finding(.exceptionLog, .critical, "line \(failure.line): \(failure.reason)", file: file))
        }
        let closing = transcript.bodies(.closingManifest, .siteA, as: ClosingManifestBody.self).first?.1
        let recorded = closing?.exceptionLog
        if let recorded {
            if log.head(after: recorded.entries) != recorded.head {
                findings.append(
                    Finding(
                        .exceptionLog, .critical,
                        log.entries.count < recorded.entries
                            ? "the closing manifest recorded \(recorded.entries) entries, and only \(log.entries.count) verify: the log was cut back or changed"
                            : "does not begin with the \(recorded.entries) entries the closing manifest recorded (head \(recorded.head.humanForm)): an entry was changed",
                        file: file))
            }
        } else if closing != nil, !log.entries.isEmpty {
            findings.append(
                Finding(
                    .exceptionLog, .high,
                    "the closing manifest does not record the exception log (\(log.entries.count) entries)",
                    file: layout.relative(layout.closingManifest)))
        }
        let atClose = recorded?.entries ?? Int.max
        let entries = zip(log.entries, log.digests).map { entry, digest in
            AuditReport.ExceptionLogReport.Entry(
                index: entry.index, step: quoted(entry.step, limit: .max), role: entry.role.rawValue,
                reason: quoted(entry.reason, limit: Finding.messageLimit), time: entry.time, signed: entry.sig != nil,
                afterClose: entry.index > atClose, digest: digest.hex)
        }
        return AuditReport.ExceptionLogReport(
            entries: entries, head: log.head.hex, recordedAtClose: recorded?.entries, intact: findings.count == before)
    }
}

extension Auditor {
    /// `ceremony-audit mock-secrets`: a mock ceremony's harness copies the print spools
    /// (labels and faces, nothing else) to `mock-secrets/` (0700, files 0600) before the
    /// sites destroy theirs, so the mock audit can still rebuild every card. A production
    /// ceremony never makes one.
    /// - Returns: the copies made, relative to the ceremony folder.
    package static func keepMockSecrets(_ layout: CeremonyLayout) throws(CeremonyError) -> [String] {
        let ceremony = try Transcript.load(layout, requireBothSignatures: false)
        let root = try DirectoryHandle.open(layout.root, policy: .followed)
        let folder = try root.folder(layout.mockSecrets.lastPathComponent, policy: .tightened, create: 0o700)
        var copied: [String] = []
        for party in [Party.siteA, .siteB] {
            let spools = try DirectoryHandle.printedForReading(party, layout: layout)
            let copies = try folder.folder(party.rawValue, policy: .tightened, create: 0o700)
            for batch in 1...ceremony.body.batchCount {
                let source = party == .siteA ? layout.labels(batch) : layout.faces(batch)
                let name = source.lastPathComponent
                guard try spools.info(name) != nil else {
                    throw .missing(path: layout.relative(source))
                }
                try copies.write(try spools.read(name, limit: 64 << 20), to: name, mode: .secret)
                copied.append(layout.relative(copies.url.appendingPathComponent(name)))
            }
        }
        return copied
    }
}

extension AuditReport {
    /// The sign-off sheet, printed and signed to close the ceremony (`signoff.md` and
    /// `signoff.pdf`): the values read aloud and the verdict, with lines for each role's
    /// name, signature and time. Text read from the ceremony's files is escaped.
    package var signoffSheet: SignOffSheet {
        typealias Row = SignOffSheet.Row
        var rows = [Row("ceremony", Self.shown(ceremony), .code), Row("cards", "\(cards)")]
        if let closingDigest {
            rows.append(Row("closing digest", closingDigest, .code))
            rows.append(Row("closing digest, aloud", shortForm(ofHex: closingDigest), .code))
        } else {
            rows.append(Row("closing digest", "none: no valid closing manifest"))
        }
        if let log = exceptionLog {
            rows.append(Row("exception log head", log.head, .code))
            rows.append(Row("exception log head, aloud", shortForm(ofHex: log.head), .code))
            rows.append(
                Row(
                    "exception entries",
                    "\(log.entries.count)\(log.recordedAtClose.map { ", \($0) recorded at close" } ?? "")\(log.intact ? "" : ", BROKEN")"
                ))
        }
        let failed = checks.filter { !$0.passed }.map(\.id.rawValue)
        rows.append(Row("audit mode", mode.name.rawValue))
        rows.append(Row("audit verdict", verdict.uppercased(), .strong))
        rows.append(
            Row(
                "checks",
                "\(checks.count - failed.count)/\(checks.count) passed\(failed.isEmpty ? "" : " (failed: \(failed.joined(separator: ", ")))")"
            ))
        rows.append(
            Row(
                "keys rebuildable",
                "site A \(reconstructable.siteA), site B \(reconstructable.siteB), both \(reconstructable.both), control \(reconstructable.control) (must be 0, 0, 0, \(mode.controlMustBe))"
            ))
        if !sample.isEmpty { rows.append(Row("sample opened", Self.shown(sample.joined(separator: ", ")))) }
        let exceptions = (exceptionLog?.entries ?? []).map {
            SignOffSheet.Exception(
                index: $0.index, step: Self.shown($0.step), role: $0.role, time: Self.shown($0.time),
                reason: Self.shown($0.reason))
        }
        return SignOffSheet(rows: rows, exceptions: exceptions)
    }

    /// The sign-off sheet as Markdown (`signoff.md`).
    package var signoff: String { signoffSheet.markdown }

    /// A text in a Markdown table cell: escaped, and its `|` kept from ending the cell.
    static func cell(_ text: String) -> String { SignOffSheet.cell(Self.shown(text)) }

    /// The report's exception-log section for report.md.
    var exceptionsMarkdown: [String] {
        guard let log = exceptionLog else { return [] }
        var lines = ["## Exception log", ""]
        lines.append(
            "`transfer/\(ExceptionLog.fileName)`: \(log.entries.count) entries, head `\(shortForm(ofHex: log.head))`\(log.recordedAtClose.map { ", \($0) recorded by the closing manifest" } ?? ", not recorded by a closing manifest")\(log.intact ? "." : "; BROKEN (K4.exception-log).")"
        )
        lines.append("")
        if !log.entries.isEmpty {
            lines.append("| # | step | role | time | signed | reason |")
            lines.append("|---|---|---|---|---|---|")
            for e in log.entries {
                lines.append(
                    "| \(e.index) | \(e.step) | \(e.role) | \(e.time) | \(e.signed ? "yes" : "no")\(e.afterClose ? ", after close" : "") | \(Self.cell(e.reason)) |"
                )
            }
            lines.append("")
        }
        return lines
    }
}
