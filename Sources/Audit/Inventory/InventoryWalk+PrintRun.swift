import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing

// Default deny over the folders beside the sites' (Docs/Audit.md, "Default deny"): the print
// run (`printed/`), the mock audit's copy of it (`mock-secrets/`), the assembled cards
// (`cards/`) and the auditor's folder (`audit/`). Each holds both shares of a card by design
// or the auditor's own files, so no search by value is made there; instead each file must be
// one the protocol writes, and parse (or draw again) as exactly that. What is left is an
// unexplained record: of the site whose spool folder holds it, or of the top level (either
// site could have put it there).
extension InventoryWalk {
    /// `printed/` (`copies` false) or `mock-secrets/` (`copies` true): `site-a/` and `site-b/`
    /// only, each holding its site's print files for the manifest's batches.
    mutating func visitPrinted(_ folder: FolderEntry, copies: Bool) {
        guard let entries = listed(folder) else { return }
        for entry in entries {
            guard entry.nameIsUTF8, let party = [Party.siteA, .siteB].first(where: { $0.rawValue == entry.nameText })
            else {
                unexplained(
                    entry, owner: .topLevel, depth: 1,
                    why: "\(folder.relative)/ holds only site-a/ and site-b/, each site's print files")
                continue
            }
            let owner: Owner = copies ? .topLevel : .site(party)
            guard entry.kind == .folder else {
                unexplained(entry, owner: owner, depth: 1, why: "a \(entry.kindName) where a folder belongs")
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: owner)
            visitSpools(entry, party: party, copies: copies)
        }
    }

    /// One site's print files: its spool of each batch, checked against its schema, and (in
    /// `printed/` only) the sheets printed from it. A spool that is not one is the site's
    /// record, wherever it lies (a copy holds what the site's spool held); any other name in
    /// `mock-secrets/` is the top level's (the copy is made of spools alone).
    private mutating func visitSpools(_ folder: FolderEntry, party: Party, copies: Bool) {
        guard let entries = listed(folder) else { return }
        let owner: Owner = copies ? .topLevel : .site(party)
        let statement = layout.spoolRetention(party)
        let destroyed =
            !copies
            && transcript.entries.contains {
                $0.header.signer == party && $0.file.lastPathComponent == statement.lastPathComponent
            }
        let allowed = printFiles(of: party)
        for entry in entries {
            // Once the site's signed statement records its spools destroyed, whatever its spool
            // folder holds was put there after (or never destroyed): its record, whatever its name.
            if destroyed {
                unexplained(
                    entry, owner: .site(party), depth: 2,
                    why:
                        "left in \(folder.relative)/ after \(party.siteName)'s statement \(layout.relative(statement)) recorded its print spools destroyed"
                )
                continue
            }
            guard entry.nameIsUTF8, let (batch, file) = allowed[entry.nameText], !copies || file == .spool else {
                unexplained(
                    entry, owner: owner, depth: 2,
                    why: copies
                        ? "the mock audit's copy holds only the print spools (ceremony-audit mock-secrets)"
                        : "not a print file of \(party.siteName) for a batch of the manifest (its spool, or a sheet printed from it)"
                )
                continue
            }
            guard entry.kind == .file else {
                unexplained(entry, owner: owner, depth: 2, why: "a \(entry.kindName) where a print file belongs")
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: owner)
            if file == .spool {
                let problem =
                    party == .siteA
                    ? AllowedFiles.checkLabelSpool(entry.path, batch: batch, manifest: ceremony.body)
                    : AllowedFiles.checkFaceSpool(entry.path, batch: batch, manifest: ceremony.body)
                if let problem {
                    unexplained(
                        entry, owner: .site(party), depth: 2,
                        why:
                            "not \(party.siteName)'s \(party == .siteA ? "label" : "card face") spool of batch \(batch): \(problem)"
                    )
                    continue
                }
            }
            if !copies && mode == .production {
                findings.append(
                    Finding(
                        .defaultDeny, .high,
                        "a print file is left after the ceremony: \(party.siteName) destroys its spools after assembly (destroy-spools)",
                        file: entry.relative))
            }
        }
    }

    /// What a print file is: the spool, or a sheet printed from it (SVG or PDF).
    enum PrintFile { case spool, sheet }

    /// The print files of `party` for each batch of the manifest, by name: its spool
    /// (``CeremonyLayout/labels(_:)``, ``CeremonyLayout/faces(_:)``) and the sheet card-print
    /// prints from it, `batch-NNNN.labels.svg` and `.pdf` (site A), `batch-NNNN.faces.svg` and
    /// `.pdf` (site B).
    private func printFiles(of party: Party) -> [String: (batch: Int, file: PrintFile)] {
        var files: [String: (batch: Int, file: PrintFile)] = [:]
        for batch in 1...ceremony.body.batchCount {
            let spool = party == .siteA ? layout.labels(batch) : layout.faces(batch)
            files[spool.lastPathComponent] = (batch, .spool)
            let sheet = CeremonyLayout.batchName(batch) + (party == .siteA ? ".labels" : ".faces")
            for ending in [".svg", ".pdf"] { files[sheet + ending] = (batch, .sheet) }
        }
        return files
    }

    // MARK: - cards/

    /// `cards/`: each card's front and sealed back (and, for a mock demonstration, its opened
    /// back), the contact sheet and the holder's page, each drawn again and compared byte for
    /// byte (``AssembledCards``). The banner's denomination is free text: searched for values
    /// tied to a card.
    mutating func visitCards(_ folder: FolderEntry) {
        guard let entries = listed(folder) else { return }
        var fronts: [Serial: [UInt8]] = [:]
        for entry in entries where entry.kind == .file && entry.nameIsUTF8 {
            guard let (serial, part) = AssembledCards.part(of: entry.nameText), part == .front,
                let bytes = FileSystem.read(entry.path, limit: 16 << 20)
            else { continue }
            fronts[serial] = bytes
        }
        // Assembly draws one denomination on every front of a run: the one most fronts show.
        let counts = Dictionary(
            fronts.values.compactMap { AssembledCards.denomination(ofFront: $0) }.map { ($0, 1) }, uniquingKeysWith: +)
        let denomination = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        for entry in entries {
            guard entry.nameIsUTF8, entry.kind == .file else {
                unexplained(
                    entry, owner: .topLevel, depth: 1,
                    why:
                        "cards/ holds only files card-print writes: each card's faces, the contact sheet, the holder's page"
                )
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: .topLevel)
            // A front was read above already.
            let front = AssembledCards.part(of: entry.nameText).flatMap { $0.part == .front ? fronts[$0.serial] : nil }
            guard let bytes = front ?? FileSystem.read(entry.path, limit: 16 << 20) else {
                unexplained(entry, owner: .topLevel, depth: 1, why: "unreadable or over 16 MiB")
                continue
            }
            if let problem = cardFileProblem(
                entry, bytes, fronts: Set(fronts.keys), denomination: denomination)
            {
                unexplained(entry, owner: .topLevel, depth: 1, why: problem)
            }
        }
    }

    /// Why `bytes` (file `entry` of `cards/`) is not what card-print writes under its name,
    /// or nil when it is.
    private mutating func cardFileProblem(
        _ entry: FolderEntry, _ bytes: [UInt8], fronts: Set<Serial>, denomination common: String?
    ) -> String? {
        let name = entry.nameText
        if name == VerifyPage.fileName {
            return bytes == Array(VerifyPage.bytes)
                ? nil : "not the holder's page this toolkit writes (sha256 \(VerifyPage.sha256Hex))"
        }
        if name == AssembledCards.contactSheetName {
            return AssembledCards.isContactSheet(
                bytes, serials: contactSheetSerials(fronts: fronts), sample: previousSample(), ceremony: ceremony)
                ? nil : "not the contact sheet card-print writes for the cards assembled here"
        }
        guard let (serial, part) = AssembledCards.part(of: name), let card = book.cards[serial] else {
            return
                "not a file card-print writes in cards/ (SERIAL.front.svg, SERIAL.back.svg for a card of the manifest, index.html, verify.html)"
        }
        switch part {
        case .front:
            guard let address = card.minted?.address else { return "a front for a card site B never minted" }
            let (problem, denomination) = AssembledCards.checkFront(
                bytes, serial: serial, network: ceremony.body.network, address: address)
            if let denomination {
                freeText([(field: "denomination", text: denomination)], in: entry.relative, owner: .topLevel)
                if problem == nil, denomination != common {
                    return
                        "its banner reads another denomination than most fronts: assembly draws one denomination on every card of a run"
                }
            }
            return problem
        case .back:
            return AssembledCards.checkCoveredBack(bytes, serial: serial)
        case .revealedBack:
            guard let face = card.face, let label = card.label else {
                return
                    "an opened back, which holds both halves of the key: the audit draws it again only from the card's label and face, and holds neither here"
            }
            return AssembledCards.checkRevealedBack(
                bytes,
                card: CardContent(
                    serial: serial, network: ceremony.body.network, address: face.address,
                    encryptedKey: face.encryptedKey, passphrase: label.passphrase.normalizedUTF8, denomination: ""))
        }
    }

    /// The cards the contact sheet lists: those whose front is in `cards/` and that site A
    /// did not void at seal, in the manifest's order.
    private func contactSheetSerials(fronts: Set<Serial>) -> [Serial] {
        let voided = Set(
            transcript.bodies(.retentionStatement, .siteA, as: RetentionStatementBody.self).flatMap {
                $0.1.voided ?? []
            })
        return (1...ceremony.body.batchCount).flatMap { ceremony.body.serials(batch: $0) }.filter {
            fronts.contains($0) && !voided.contains($0)
        }
    }

    /// The sample the last audit report names (`audit/report.json`), which `card-print
    /// void-sample` marks on the contact sheet; nil without one.
    private func previousSample() -> Set<Serial>? {
        struct Report: Decodable { let sample: [String] }
        let path = FileSystem.bytes(layout.audit.appendingPathComponent("report.json"))
        guard let bytes = FileSystem.read(path, limit: BoundedFile.defaultLimit),
            let report = try? JSONDecoder().decode(Report.self, from: Data(bytes))
        else { return nil }
        return Set(report.sample.compactMap { Serial(text: $0) })
    }

    // MARK: - audit/

    /// `audit/`: the auditors' key declarations (each under its own name), the sample's
    /// commitment and reveal (each one envelope, as the toolkit writes it), and the reports:
    /// `report.json`, `report.md`, `signoff.md`, `signoff.pdf` and the harness's
    /// `summary.txt` and `production-summary.txt`, there or in a folder of its own (another
    /// `--out`). The reports are the auditor's, rewritten by each run: checked by name only.
    mutating func visitAudit(_ folder: FolderEntry) {
        guard let entries = listed(folder) else { return }
        for entry in entries {
            let name = entry.nameText
            if entry.kind == .folder, entry.nameIsUTF8, !name.hasPrefix(".") {
                attributes(of: entry.path, shown: entry.relative, owner: .topLevel)
                for inner in listed(entry) ?? [] {
                    guard inner.kind == .file, inner.nameIsUTF8, Self.auditOutputs.contains(inner.nameText) else {
                        unexplained(
                            inner, owner: .topLevel, depth: 2,
                            why:
                                "a folder of audit/ holds only an audit's report files (\(Self.auditOutputs.sorted().joined(separator: ", ")))"
                        )
                        continue
                    }
                    attributes(of: inner.path, shown: inner.relative, owner: .topLevel)
                }
                continue
            }
            guard entry.kind == .file, entry.nameIsUTF8 else {
                unexplained(entry, owner: .topLevel, depth: 1, why: "audit/ holds only the auditor's files")
                continue
            }
            // A declaration that verifies, under the name the toolkit gives its key (anyone can
            // make a key and declare it: any other name would be a place of the writer's choosing).
            let problem: String? =
                if isDeclaration(entry, also: layout.auditorDeclaration.lastPathComponent)
                    || name == layout.sampleCommitment.lastPathComponent
                {
                    AllowedFiles.checkEnvelopeBytes(entry.path)
                } else if name == layout.sampleReveal.lastPathComponent {
                    AllowedFiles.checkSampleReveal(entry.path, ceremony: ceremony.id)
                } else if Self.auditOutputs.contains(name) {
                    nil
                } else {
                    "not an auditor's key declaration that verifies, the sample's commitment or reveal, or an audit's report file"
                }
            if let problem {
                unexplained(entry, owner: .topLevel, depth: 1, why: problem)
                continue
            }
            attributes(of: entry.path, shown: entry.relative, owner: .topLevel)
        }
    }

    /// The files an audit run leaves in its `--out` folder (``Auditor/reportFiles`` and the
    /// printed sign-off sheet), and the mock ceremony's summaries of its two runs.
    static let auditOutputs: Set<String> = Set(
        Auditor.reportFiles + ["signoff.pdf", "summary.txt", "production-summary.txt"])

    /// The entries of `folder`, or nil (and a finding) when it cannot be listed.
    private mutating func listed(_ folder: FolderEntry) -> [FolderEntry]? {
        guard let entries = FileSystem.entries(of: folder.path, relative: folder.relative) else {
            findings.append(
                Finding(
                    .defaultDeny, .high, "\(folder.relative)/ cannot be listed: it cannot be audited",
                    file: folder.relative + "/"))
            return nil
        }
        return entries
    }
}
