import Audit
import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import Printing
import Testing

/// K3 beside the sites' folders: `printed/`, `mock-secrets/`, `cards/` and `audit/` hold both
/// shares by design or the auditor's own files, so each file there must be one the protocol
/// writes, parsed (or drawn again) as exactly that (InventoryWalk+PrintRun.swift).
@Suite struct PrintRunDenyTests {
    /// One honest ceremony run as the shell runs it: the spools copied to `mock-secrets/` and
    /// destroyed before the close.
    static let destroyed: Folder = {
        let folder = try! Folder()
        var configuration = Honest.configuration
        configuration.destroysSpools = true
        try! MockCeremony.run(at: folder.layout, configuration)
        return folder
    }()

    /// The audit of `folder`, a copy of ``Honest/folder`` or of ``destroyed`` (`keys`: that one's auditor folder).
    func audit(
        _ folder: Folder, mode: AuditMode? = nil, sample: Int = 0, keys: URL = Honest.folder.auditor
    ) throws -> AuditReport {
        try Auditor.audit(
            folder.layout, options: .init(sample: sample, keyFolder: keys, countersign: false, mode: mode))
    }

    func denied(_ report: AuditReport) -> [Finding] { report.findings.filter { $0.check == .defaultDeny } }

    /// The findings of `report` on `file`.
    func on(_ file: String, _ report: AuditReport) -> [Finding] { denied(report).filter { $0.file == file } }

    @Test("an honest ceremony whose spools were destroyed passes K3 in both modes, its cards and copies explained")
    func honestDestroyed() throws {
        let folder = try Folder(copying: Self.destroyed)
        #expect(!FileManager.default.fileExists(atPath: folder.layout.printed(.siteA).path))
        #expect(FileManager.default.fileExists(atPath: folder.layout.mockLabels(1).path))
        let cards = try FileManager.default.contentsOfDirectory(atPath: folder.layout.cards.path)
        #expect(cards.contains("index.html") && cards.contains("verify.html") && cards.count == 2 * 2 + 2)
        for mode in AuditMode.allCases {
            let report = try audit(folder, mode: mode, sample: 1, keys: Self.destroyed.auditor)
            #expect(denied(report).isEmpty, "\(mode): \(denied(report))")
            #expect(report.verdict == "pass", "\(mode): \(report.findings.map(\.message))")
        }
    }

    @Test("a spool back under its own name after the site's statement recorded it destroyed is the site's record")
    func spoolAfterDestruction() throws {
        let folder = try Folder(copying: Self.destroyed)
        let layout = folder.layout
        try FileManager.default.createDirectory(at: layout.printed(.siteA), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: layout.mockLabels(1), to: layout.labels(1))
        let report = try audit(folder, mode: .mock, keys: Self.destroyed.auditor)
        let found = on("printed/site-a/batch-0001.labels", report)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("unexplained record of site A") == true)
        #expect(found.first?.message.contains("after site A's statement transfer/spools.retention-site-a.json") == true)
        // Its passphrases are share 1, tied to their cards by blind detection.
        #expect(report.checks.first { $0.id == .siteA }?.passed == false)
    }

    @Test("a label or face spool that does not re-encode to its bytes, or lists another batch's card, is unexplained")
    func spoolSchemas() throws {
        // In printed/ (spools not destroyed): a field more in one label record.
        let labels = try Folder(copying: Honest.folder)
        let spool = labels.layout.labels(1)
        let text = String(decoding: try Data(contentsOf: spool), as: UTF8.self)
        try Data(text.replacingOccurrences(of: "commitment-salt:", with: "note: kept\ncommitment-salt:").utf8).write(
            to: spool)
        let found = on("printed/site-a/batch-0001.labels", try audit(labels))
        #expect(found.first?.message.contains("does not re-encode to its own bytes") == true, "\(found)")

        // In mock-secrets/: one space more in a face spool; the owner is the site whose spool it copies.
        let faces = try Folder(copying: Self.destroyed)
        let copy = faces.layout.mockFaces(1)
        try (try Data(contentsOf: copy) + Data(" ".utf8)).write(to: copy)
        let face = on("mock-secrets/site-b/batch-0001.faces.json", try audit(faces, keys: Self.destroyed.auditor))
        #expect(face.first?.message.contains("unexplained record of site B") == true, "\(face)")

        // Batch 2's spool under batch 1's name.
        let swapped = try Folder(copying: Honest.folder)
        try FileManager.default.removeItem(at: swapped.layout.faces(1))
        try FileManager.default.copyItem(at: swapped.layout.faces(2), to: swapped.layout.faces(1))
        let other = on("printed/site-b/batch-0001.faces.json", try audit(swapped))
        #expect(other.first?.message.contains("is not one of batch 1") == true, "\(other)")
    }

    @Test(
        "a name printed/ or mock-secrets/ does not hold is unexplained: of its site in printed/, of the top level in the copy"
    )
    func unknownPrintNames() throws {
        let folder = try Folder(copying: Self.destroyed)
        let layout = folder.layout
        try Data("x".utf8).write(to: layout.mockSecrets(.siteB).appendingPathComponent("notes.txt"))
        try FileManager.default.createDirectory(
            at: layout.printed.appendingPathComponent("site-c"), withIntermediateDirectories: true)
        let report = try audit(folder, keys: Self.destroyed.auditor)
        #expect(
            on("mock-secrets/site-b/notes.txt", report).first?.message.contains("of the ceremony folder's top level")
                == true)
        #expect(on("printed/site-c", report).first?.message.contains("holds only site-a/ and site-b/") == true)
    }

    @Test(
        "each file of cards/ is drawn again: a byte more in any is unexplained, a card's front is checked against its address"
    )
    func cardFiles() throws {
        for name in ["verify.html", "index.html", "0000001-0000.back.svg", "0000001-0000.front.svg"] {
            let folder = try Folder(copying: Honest.folder)
            let url = folder.layout.cards.appendingPathComponent(name)
            try (try Data(contentsOf: url) + Data("\n".utf8)).write(to: url)
            let found = on("cards/\(name)", try audit(folder))
            #expect(found.count == 1, "\(name): \(found)")
            #expect(found.first?.message.contains("unexplained record of the ceremony folder's top level") == true)
        }
        // Card 1's front under card 2's name: another card's address.
        let moved = try Folder(copying: Honest.folder)
        let cards = moved.layout.cards
        try FileManager.default.removeItem(at: cards.appendingPathComponent("0000002-0000.front.svg"))
        try FileManager.default.copyItem(
            at: cards.appendingPathComponent("0000001-0000.front.svg"),
            to: cards.appendingPathComponent("0000002-0000.front.svg"))
        #expect(on("cards/0000002-0000.front.svg", try audit(moved)).count == 1)
    }

    @Test("one denomination of the assembler's choosing on every front passes; a front with another is unexplained")
    func denominations() throws {
        let folder = try Folder(copying: Honest.folder)
        let ceremony = try Transcript.load(folder.layout)
        let fronts = try CardFace.readSpool(folder.layout.faces(1)) + CardFace.readSpool(folder.layout.faces(2))
        func draw(_ face: CardFace, _ denomination: String) throws {
            let svg = try CardArt.front(
                serial: face.serial, network: ceremony.body.network, address: face.address, denomination: denomination)
            try Data(svg.utf8).write(to: folder.layout.cards.appendingPathComponent("\(face.serial).front.svg"))
        }
        for face in fronts { try draw(face, "1 BTC & <more>") }
        #expect(denied(try audit(folder)).isEmpty)
        try draw(fronts[0], "1 BTC & <less>")
        // Two cards, two denominations: one of them (a tie is broken by the text) is not assembly's.
        let report = try audit(folder)
        let flagged = fronts.filter { face in
            on("cards/\(face.serial).front.svg", report).contains {
                $0.message.contains("another denomination than most fronts")
            }
        }
        #expect(flagged.count == 1, "\(denied(report))")
    }

    @Test("an opened back is drawn again from the spools in mock mode; without them (production) it is unexplained")
    func revealedBacks() throws {
        let folder = try Folder(copying: Honest.folder)
        try PrintRun.assemble(folder.layout, denomination: MockCeremony.denomination, revealBacks: true)
        #expect(denied(try audit(folder, mode: .mock)).isEmpty)
        let production = on("cards/0000001-0000.back-revealed.svg", try audit(folder, mode: .production))
        #expect(production.first?.message.contains("holds both halves of the key") == true, "\(production)")
    }

    @Test(
        "audit/ holds the declarations, the sample's files and report files (also in a folder of another --out); anything else is unexplained"
    )
    func auditFolder() throws {
        let folder = try Folder(copying: Self.destroyed)
        let audit = folder.layout.audit
        let other = audit.appendingPathComponent("second-look")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        for name in Auditor.reportFiles + ["signoff.pdf"] {
            try Data("x".utf8).write(to: other.appendingPathComponent(name))
        }
        #expect(denied(try self.audit(folder, keys: Self.destroyed.auditor)).isEmpty)

        try Data("x".utf8).write(to: audit.appendingPathComponent("notes.txt"))
        try Data("x".utf8).write(to: other.appendingPathComponent("cache.bin"))
        let declaration = try #require(
            try FileManager.default.contentsOfDirectory(atPath: audit.path).first { $0.hasSuffix(".declaration.json") })
        try FileManager.default.copyItem(
            at: audit.appendingPathComponent(declaration),
            to: audit.appendingPathComponent("auditor-x.declaration.json"))
        let report = try self.audit(folder, keys: Self.destroyed.auditor)
        #expect(on("audit/notes.txt", report).count == 1)
        #expect(on("audit/second-look/cache.bin", report).count == 1)
        #expect(on("audit/auditor-x.declaration.json", report).count == 1)
    }
}
