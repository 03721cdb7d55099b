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
        /// Where the auditor's signing key and its committed sample values live: outside the
        /// ceremony folder. Needed to countersign, and to draw the sample before the value is published.
        package var keyFolder: URL?
        /// Countersign the closing manifest when the audit passes.
        package var countersign: Bool
        /// Disk images added to the sites' views (`--image`).
        package var images: [ImageInput]
        /// Production or mock (Docs/Audit.md, "Two modes"); nil picks by what `printed/` holds.
        package var mode: AuditMode?
        /// The executables the payloads' builds must be among (`--expect-build`); nil: not checked.
        package var expectedBuilds: ExpectedBuilds?

        package init(
            sample: Int = 3, keyFolder: URL? = nil, countersign: Bool = true, images: [ImageInput] = [],
            mode: AuditMode? = nil, expectedBuilds: ExpectedBuilds? = nil
        ) {
            self.sample = sample
            self.keyFolder = keyFolder
            self.countersign = countersign
            self.images = images
            self.mode = mode
            self.expectedBuilds = expectedBuilds
        }
    }

    /// Refuses a key folder inside the ceremony folder: the auditor's secret key never
    /// lives in the folder it certifies.
    package static func checkKeyFolder(_ folder: URL, outside layout: CeremonyLayout) throws(CeremonyError) {
        func resolved(_ url: URL) -> String {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            return path.hasSuffix("/") ? path : path + "/"
        }
        guard !resolved(folder).hasPrefix(resolved(layout.root)) else {
            throw CeremonyError(
                .failed, file: folder.path,
                "the auditor's key folder is inside the ceremony folder: keep it outside (--key-folder)")
        }
    }

    /// The auditor's key from `folder` (made there, 0600, on first use) and its declaration
    /// in the ceremony's audit/ folder (written if this key has none yet). Both folders are
    /// opened and checked first, `audit/` from the ceremony folder (never through a link):
    /// nothing is made or written in either when one is refused.
    static func auditorKey(
        _ folder: URL, layout: CeremonyLayout, declaring ceremony: Transcript
    ) throws(CeremonyError) -> Ed25519.SigningKey {
        try checkKeyFolder(folder, outside: layout)
        let audit = try DirectoryHandle.audit(layout: layout)
        let keys = try DirectoryHandle.open(folder, policy: .private, create: 0o700)
        let key =
            try keys.contains(SiteIdentity.fileName)
            ? try SiteIdentity.load(from: folder) : try SiteIdentity.create(in: folder)
        let declared = SiteKey(publicKey: key.publicKey)
        if !ceremony.auditorKeys.contains(declared) {
            let name = layout.auditorDeclaration(KeyID(publicKey: key.publicKey)).lastPathComponent
            try audit.checkReplaceable([name])
            try SiteSetup.declare(.auditor, key: key, in: audit, name: name)
        }
        return key
    }

    /// `ceremony-audit commit`: before `close`, the auditor commits to the random value the
    /// sample will be drawn with. The value stays in `keyFolder`; the signed commitment goes
    /// to audit/sample-commitment.json, and site A's closing manifest records its digest.
    /// - Returns: the auditor's key and the commitment payload's digest.
    package static func commit(
        _ layout: CeremonyLayout, keyFolder: URL
    ) throws(CeremonyError) -> (key: SiteKey, commitment: PayloadDigest) {
        let ceremony = try Transcript.load(layout)
        let key = try auditorKey(keyFolder, layout: layout, declaring: ceremony)
        let digest = try SampleCommitment.commit(try Transcript.load(layout), key: key, keyFolder: keyFolder)
        return (SiteKey(publicKey: key.publicKey), digest)
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
    /// What K1 drew the sample from.
    var sampleSeed = "nothing (no sample)"
    /// The auditor's value, to publish when it countersigns (K1 read it from the key folder).
    var pendingReveal: SampleReveal?
    /// The disk images S1 and S2 searched (`--image`).
    var imagesSearched: [AuditReport.ImageSearched] = []

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
        var keys = checkKeys(transcript)
        let builds = checkBuilds(transcript)

        var book = CardBook(ceremony: ceremony, transcript: transcript)
        let mode = AuditMode.resolve(options.mode, layout: layout)
        let chosen = drawSample(book, transcript: transcript)
        if mode == .production { book.keepPrinted(only: Set(chosen)) }
        book.rebuildSecrets(network: manifest.network)
        findings += book.findings
        checkCodes(book)
        checkUniqueness(book)

        let inventory = checkInventory(book, transcript: transcript, mode: mode)
        let controlMustBe = mode == .mock ? manifest.cards : chosen.count
        let (matrix, exposed) = searchShares(book, inventory: inventory, controlMustBe: controlMustBe)
        let scryptMs = book.scryptMilliseconds ?? Self.measureScrypt()
        let exposure = exposureReport(exposed: exposed, scryptMs: scryptMs, book: book)
        let randomness = checkRandomness(book)
        checkPolicy(book)
        let sample = openSample(book, chosen)
        checkLinkedFolders()
        checkRetention(transcript)
        let exceptions = checkExceptionLog(transcript)

        let checks = Check.allCases.map { check in
            AuditReport.CheckResult(
                id: check, passed: !findings.contains { $0.check == check && $0.fails }, summary: check.summary)
        }
        let passed = checks.allSatisfy(\.passed)
        var signature: String?
        var errors: [String] = []
        if passed && options.countersign {
            do {
                signature = try countersign()
                keys = checkKeys(transcript, report: false)
            } catch {
                errors.append("the auditor's countersignature was not made: \(error.description)")
            }
        }
        let severityOrder = findings.sorted {
            ($0.severity, $0.check, $0.serial ?? "") < ($1.severity, $1.check, $1.serial ?? "")
        }
        var report = AuditReport(
            verdict: passed ? "pass" : "fail", ceremony: AuditReport.shown(ceremony.id), cards: manifest.cards,
            mode: AuditReport.ModeReport(mode, controlMustBe: controlMustBe),
            reconstructable: matrix,
            exposure: exposure, checks: checks, findings: severityOrder, randomness: randomness, sample: sample,
            sampleSeed: sampleSeed, keys: keys, auditorSignature: signature, errors: errors, images: imagesSearched)
        report.siteKeys = SiteKeyStorage.survey(layout, manifest: manifest, transcript: transcript)
        report.closingDigest = transcript.entry(.closingManifest, .siteA, batch: nil)?.digest.hex
        report.exceptionLog = exceptions
        report.builds = builds
        report.auditorBuild = Provenance.build(signer: .auditor, kind: .sampleCommitment)
        return report
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
        // Site A names the cards it voided in its retention statement for the batch.
        var voided: [Int?: Set<Serial>] = [:]
        for (batch, statement, _) in transcript.bodies(.retentionStatement, .siteA, as: RetentionStatementBody.self) {
            voided[batch, default: []].formUnion(statement.voided ?? [])
        }
        for (batch, report, entry) in transcript.bodies(.confirmationReport, .siteA, as: ConfirmationReportBody.self) {
            for failure in report.failures {
                findings.append(
                    Finding(
                        .coverage, .critical, "site A's confirmation failed: \(failure.reason)",
                        serial: failure.serial.description, file: layout.relative(entry.file)))
                // A failed card must be voided, so it is never sold.
                if transcript.entry(.retentionStatement, .siteA, batch: batch) != nil,
                    !(voided[batch]?.contains(failure.serial) ?? false)
                {
                    findings.append(
                        Finding(
                            .coverage, .critical, "a card whose confirmation failed was not voided at seal",
                            serial: failure.serial.description,
                            file: layout.relative(layout.retention(.siteA, batch: batch ?? 0))))
                }
            }
        }
    }

    /// The auditor's key, its declaration, its signature on the closing manifest, and
    /// (when it holds the committed value) the value, published for later auditors.
    func countersign() throws(CeremonyError) -> String {
        guard let folder = options.keyFolder else {
            throw CeremonyError(.failed, "no key folder: pass --key-folder (outside the ceremony folder)")
        }
        let key = try Auditor.auditorKey(folder, layout: layout, declaring: ceremony)
        let declared = SiteKey(publicKey: key.publicKey)
        let reloaded = try Transcript.load(layout)
        guard reloaded.auditorKeys.contains(declared) else {
            throw CeremonyError(
                .failed, "the auditor's declaration of its key is not in \(layout.relative(layout.audit))")
        }
        do {
            _ = try Closing.countersign(reloaded, as: .auditor, key: key)
        } catch  where error.code == .alreadyDone {}
        if let pendingReveal { try SampleCommitment.publish(pendingReveal, layout: layout) }
        return "auditor key \(Auditor.shortForm(publicKey: key.publicKey))"
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
