import BIP38
import CryptoCore
import Foundation

/// Where a ceremony stands, as one site sees it (`passphrase-site status`, `key-site status`):
/// the stage, each batch's state, and the next step and who takes it.
///
/// It reads which bundles are in `transfer/` and what the site's own printer left in
/// `printed/`; the manifest's and the closing manifest's signatures are verified, the
/// batch bundles are not (the site commands and the audit verify them). A site sees
/// only its own printer: site A whether labels were printed, site B whether faces were.
package struct CeremonyStatus: Sendable, Equatable {
    /// The stage of the whole ceremony.
    package enum Stage: String, Sendable, CaseIterable {
        /// This site has not made its key and declaration yet.
        case notInitialised = "not-initialised"
        /// Both or one site declared a key; there is no manifest yet.
        case initialised
        /// Site A wrote the manifest; site B has not endorsed it.
        case proposed
        /// Both sites signed the manifest; batches are made.
        case inProgress = "in-progress"
        /// Every batch is sealed; the closing manifest is not written.
        case sealed
        /// Site A wrote the closing manifest; site B has not countersigned it.
        case closed
        /// Both sites signed the closing manifest: ready for the audit.
        case countersigned
    }

    /// A batch's furthest step in the transcript.
    package enum BatchState: String, Sendable, CaseIterable {
        /// No bundle yet.
        case pending
        /// Site A's intermediate batch is in `transfer/`.
        case issued
        /// Site B's key batch is in `transfer/`.
        case minted
        /// Site A's confirmation report is in `transfer/`.
        case verified
        /// Site A's retention statement is in `transfer/`: the passphrases are destroyed.
        case sealed
    }

    package struct Batch: Sendable, Equatable {
        package let number: Int
        package let state: BatchState
        /// Whether this site's printer made its sheet (labels at site A, faces at site B).
        package let printed: Bool
    }

    /// The next step: the party that takes it and its command.
    package struct Step: Sendable, Equatable {
        package let party: Party
        package let command: String
    }

    package let site: Party
    package let ceremony: String?
    package let stage: Stage
    package let batches: [Batch]
    package let next: Step?

    /// What this site's printer makes: `labels` at site A, `faces` at site B.
    package var printedName: String { site == .siteA ? "labels" : "faces" }

    /// Reads the status of the ceremony at `layout` as `site` sees it.
    /// - Throws: ``CeremonyError`` when `ceremony.json` exists but is not a readable
    ///   manifest signed by site A (as every site command refuses it).
    package static func read(_ layout: CeremonyLayout, site: Party) throws(CeremonyError) -> CeremonyStatus {
        let dir = "--ceremony \(layout.root.path)"
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        func step(_ party: Party, _ command: String) -> Step { Step(party: party, command: command) }
        guard exists(layout.declaration(site)) else {
            return CeremonyStatus(
                site: site, ceremony: nil, stage: .notInitialised, batches: [],
                next: step(site, "\(tool(site)) init \(dir)"))
        }
        guard exists(layout.manifest) else {
            let next =
                exists(layout.declaration(.siteB))
                ? step(.siteA, "passphrase-site propose \(dir) --cards N --batch-size M")
                : step(.siteB, "key-site init \(dir)")
            return CeremonyStatus(site: site, ceremony: nil, stage: .initialised, batches: [], next: next)
        }
        let ceremony = try Transcript.load(layout, requireBothSignatures: false)
        let body = ceremony.body
        guard let b = body.keyID(of: .siteB),
            ceremony.manifest.envelope.signatures.contains(where: { $0.keyid == b.hex })
        else {
            return CeremonyStatus(
                site: site, ceremony: body.ceremonyId, stage: .proposed, batches: [],
                next: step(.siteB, "key-site endorse \(dir)"))
        }
        let printedNames = Set((try? FileManager.default.contentsOfDirectory(atPath: layout.printed(site).path)) ?? [])
        var batches: [Batch] = []
        for number in 1...body.batchCount {
            let state: BatchState =
                if exists(layout.retention(.siteA, batch: number)) {
                    .sealed
                } else if exists(layout.confirmationReport(number)) {
                    .verified
                } else if exists(layout.keyBatch(number)) {
                    .minted
                } else if exists(layout.intermediateBatch(number)) {
                    .issued
                } else {
                    .pending
                }
            // The sheet is `batch-NNNN.labels.svg` (or .pdf), beside the spool `batch-NNNN.labels`.
            let spool = (site == .siteA ? layout.labels(number) : layout.faces(number)).lastPathComponent
            let sheet = "\(CeremonyLayout.batchName(number)).\(site == .siteA ? "labels" : "faces")."
            let printed = printedNames.contains { $0.hasPrefix(sheet) && $0 != spool }
            batches.append(Batch(number: number, state: state, printed: printed))
        }
        let stage: Stage
        let next: Step
        if let open = batches.first(where: { $0.state != .sealed }) {
            stage = .inProgress
            let batch = "\(dir) --batch \(open.number)"
            switch open.state {
            case .pending: next = step(.siteA, "passphrase-site issue \(batch)")
            case .issued where site == .siteA && !open.printed: next = step(.siteA, "card-print labels \(batch)")
            case .issued: next = step(.siteB, "key-site mint \(batch)")
            case .minted where site == .siteA && !open.printed: next = step(.siteA, "card-print labels \(batch)")
            case .minted where site == .siteB && !open.printed: next = step(.siteB, "card-print faces \(batch)")
            case .minted: next = step(.siteA, "passphrase-site verify \(batch)")
            case .verified, .sealed: next = step(.siteA, "passphrase-site seal \(batch)")
            }
        } else if !exists(layout.closingManifest) {
            stage = .sealed
            next = step(.siteA, "passphrase-site close \(dir)")
        } else if countersignedByB(ceremony, siteB: b) {
            stage = .countersigned
            next = step(.auditor, "ceremony-audit \(layout.root.path) --key-folder K")
        } else {
            stage = .closed
            next = step(.siteB, "key-site close \(dir)")
        }
        return CeremonyStatus(site: site, ceremony: body.ceremonyId, stage: stage, batches: batches, next: next)
    }

    private static func tool(_ party: Party) -> String { BuildRecord.tool(signing: party) }

    /// Whether site B's signature on the closing manifest verifies over its bytes.
    private static func countersignedByB(_ ceremony: Transcript, siteB: KeyID) -> Bool {
        guard let envelope = try? Closing.readCountersigned(ceremony).declared else { return false }
        return
            (try? envelope.verifiedPayload(
                expectedType: PayloadKind.closingManifest.payloadType, trusted: ceremony.trustedKeys,
                required: [siteB])) != nil
    }
}
