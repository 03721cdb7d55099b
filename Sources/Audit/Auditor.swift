import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Audits a ceremony folder (Docs/Design.md, "The audit model").
///
/// It never stops at the first problem: every check runs, every problem
/// becomes a finding with its check id, card, file and byte offset, and the
/// verdict is "pass" only when no check has a failing finding.
package struct Auditor {
    package struct Options: Sendable {
        /// Cards to open in the cut-and-choose sample.
        package var sample: Int
        /// Where the auditor's signing key lives (default: the ceremony's audit/ folder).
        package var keyFolder: URL?
        /// Countersign the closing manifest when the audit passes.
        package var countersign: Bool

        package init(sample: Int = 3, keyFolder: URL? = nil, countersign: Bool = true) {
            self.sample = sample
            self.keyFolder = keyFolder
            self.countersign = countersign
        }
    }

    /// Runs every check.
    /// - Throws: ``CeremonyError`` only when the input is unusable (no readable,
    ///   A-signed manifest); everything else is a finding in the report.
    package static func audit(
        _ layout: CeremonyLayout, options: Options = Options()
    ) throws(CeremonyError) -> AuditReport {
        let ceremony = try Transcript.load(layout, requireBothSignatures: false)
        var run = AuditRun(ceremony: ceremony, options: options)
        return run.execute()
    }
}

/// One audit's working state.
struct AuditRun {
    let ceremony: Transcript
    let options: Auditor.Options
    var findings: [Finding] = []

    var layout: CeremonyLayout { ceremony.layout }
    var manifest: ManifestBody { ceremony.body }

    init(ceremony: Transcript, options: Auditor.Options) {
        self.ceremony = ceremony
        self.options = options
    }

    mutating func execute() -> AuditReport {
        if let b = manifest.keyID(of: .siteB),
            !ceremony.manifest.envelope.signatures.contains(where: { $0.keyid == b.hex })
        {
            findings.append(
                Finding(
                    .signatures, .critical, "manifest is not endorsed by site B", file: layout.relative(layout.manifest)
                ))
        }
        var transcript = TranscriptAudit(ceremony: ceremony)
        transcript.noteUndecodable(.intermediateBatch, .siteA, as: IntermediateBatchBody.self)
        transcript.noteUndecodable(.keyBatch, .siteB, as: KeyBatchBody.self)
        transcript.noteUndecodable(.confirmationReport, .siteA, as: ConfirmationReportBody.self)
        transcript.noteUndecodable(.retentionStatement, .siteA, as: RetentionStatementBody.self)
        transcript.noteUndecodable(.retentionStatement, .siteB, as: RetentionStatementBody.self)
        transcript.checkClosing()
        findings += transcript.findings
        checkCoverage(transcript)

        var book = CardBook(ceremony: ceremony, transcript: transcript)
        book.rebuildSecrets(network: manifest.network)
        findings += book.findings
        checkCodes(book)
        checkUniqueness(book)

        let (matrix, exposed) = searchShares(book)
        let scryptMs = book.scryptMilliseconds ?? Self.measureScrypt()
        let exposure = exposureReport(exposed: exposed, scryptMs: scryptMs)
        let randomness = checkRandomness(book)
        checkPolicy(book)
        let sample = checkSample(book, transcript: transcript)
        checkRetention(transcript)

        let checks = Check.allCases.map { check in
            AuditReport.CheckResult(
                id: check, passed: !findings.contains { $0.check == check && $0.fails }, summary: check.summary)
        }
        let passed = checks.allSatisfy(\.passed)
        var signature: String?
        if passed && options.countersign { signature = countersign() }
        let severityOrder = findings.sorted {
            ($0.severity, $0.check, $0.serial ?? "") < ($1.severity, $1.check, $1.serial ?? "")
        }
        return AuditReport(
            verdict: passed ? "pass" : "fail", ceremony: AuditReport.shown(ceremony.id), cards: manifest.cards,
            reconstructable: matrix,
            exposure: exposure, checks: checks, findings: severityOrder, randomness: randomness, sample: sample,
            auditorSignature: signature)
    }

    /// T6: every batch has all five payloads, and A confirmed every card.
    mutating func checkCoverage(_ transcript: TranscriptAudit) {
        for batch in 1...manifest.batchCount {
            let wanted: [(PayloadKind, Party, String)] = [
                (.intermediateBatch, .siteA, "intermediate batch"), (.keyBatch, .siteB, "key batch"),
                (.confirmationReport, .siteA, "confirmation report"),
            ]
            for (kind, signer, name) in wanted where transcript.entry(kind, signer, batch: batch) == nil {
                findings.append(Finding(.coverage, .critical, "batch \(batch) has no single valid \(name)"))
            }
            for party in [Party.siteA, .siteB] where transcript.entry(.retentionStatement, party, batch: batch) == nil {
                findings.append(Finding(.coverage, .high, "batch \(batch) has no retention statement by \(party)"))
            }
        }
        for (_, report, entry) in transcript.bodies(.confirmationReport, .siteA, as: ConfirmationReportBody.self) {
            for failure in report.failures {
                findings.append(
                    Finding(
                        .coverage, .critical, "site A's confirmation failed: \(failure.reason)",
                        serial: failure.serial.description, file: layout.relative(entry.file)))
            }
        }
    }

    /// The auditor's key, its declaration, and its signature on the closing manifest.
    func countersign() -> String? {
        let folder = options.keyFolder ?? layout.audit
        do {
            try AtomicFile.makeFolder(folder)
            try AtomicFile.makeFolder(layout.audit, mode: 0o755)
        } catch {
            return nil
        }
        let key: Ed25519.SigningKey
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(SiteIdentity.fileName).path) {
            guard let loaded = try? SiteIdentity.load(from: folder) else { return nil }
            key = loaded
        } else {
            guard let made = try? SiteIdentity.create(in: folder) else { return nil }
            key = made
        }
        let declared = SiteKey(publicKey: key.publicKey)
        if !FileManager.default.fileExists(atPath: layout.auditorDeclaration.path) {
            _ = try? SiteSetup.declare(.auditor, key: key, to: layout.auditorDeclaration)
        }
        guard let reloaded = try? Transcript.load(layout), reloaded.auditorKey == declared else { return nil }
        do {
            _ = try Closing.countersign(reloaded, as: .auditor, key: key)
        } catch  where error.code == .alreadyDone {
        } catch {
            return nil
        }
        return "auditor key \(PayloadDigest(hex: declared.keyid)!.humanForm)"
    }

    /// One heavy scrypt, timed, when no card secret was rebuilt.
    static func measureScrypt() -> Double {
        let start = Date()
        _ = try? Scrypt.derive(
            password: [UInt8](repeating: 1, count: 8), salt: [UInt8](repeating: 2, count: 4),
            parameters: .bip38Passphrase, length: 32)
        return Date().timeIntervalSince(start) * 1000
    }
}
