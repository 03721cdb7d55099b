import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// `card-print assemble` joins only what the manifest has: a spool that lists a
/// card twice, or a card its batch does not have, is refused with one line
/// naming the file, the card and the cause, and exit 1 (issue 13, item 6).
@Suite struct SpoolRefusal {
    /// Two batches of one card each, issued, minted, verified and sealed through the site libraries.
    static func ceremony() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "spool-refusal")
        let layout = CeremonyLayout(root: folder.url)
        _ = try SiteSetup.initialise(.siteA, layout: layout)
        _ = try SiteSetup.initialise(.siteB, layout: layout)
        _ = try SiteSetup.propose(SiteSetup.Terms(cards: 2, batchSize: 1), layout: layout)
        _ = try SiteSetup.endorse(layout: layout)
        let siteA = try PassphraseSite(layout: layout)
        let siteB = try KeySite(layout: layout)
        for batch in 1...2 {
            _ = try siteA.issue(batch: batch)
            _ = try siteB.mint(batch: batch)
            _ = try siteA.verify(batch: batch)
            try siteA.seal(batch: batch)
        }
        return folder
    }

    static let made = Result { try ceremony() }

    /// A copy of the ceremony, changed by `edit`.
    func copy(_ edit: (CeremonyLayout) throws -> Void) throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "spool-refusal")
        try FileManager.default.removeItem(at: folder.url)
        try FileManager.default.copyItem(at: try Self.made.get().url, to: folder.url)
        try edit(CeremonyLayout(root: folder.url))
        return folder
    }

    func assemble(_ folder: TemporaryFolder) throws -> ProcessResult {
        try ProcessRunner.run(built: "card-print", ["assemble", "--ceremony", folder.url.path]).withoutMemoryLockWarning
    }

    func writeFaces(_ faces: [CardFace], _ layout: CeremonyLayout, batch: Int) throws {
        try AtomicFile.write(try TranscriptJSON.prettyEncoder.encode(faces), to: layout.faces(batch), mode: .secret)
    }

    @Test("the honest spools assemble")
    func honest() throws {
        let result = try assemble(try copy { _ in })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("assembled 2 cards into "))
    }

    @Test("a face spool that lists a card twice is refused (it used to assemble the card twice)")
    func duplicateFace() throws {
        let folder = try copy { layout in
            let faces = try CardFace.readSpool(layout.faces(1))
            try writeFaces(faces + faces, layout, batch: 1)
        }
        let result = try assemble(folder)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "card-print: printed/site-b/batch-0001.faces.json: card 0000001-0000: appears twice in the spool\n")
    }

    @Test(
        "a label spool that lists a card twice is refused (it used to trap, exit 132), and no card is written: batch 1's cards neither"
    )
    func duplicateLabel() throws {
        let folder = try copy { layout in
            let labels = try ScratchLabel.readSpool(layout.labels(2))
            try ScratchLabel.writeSpool(labels + labels, to: layout.labels(2))
        }
        let result = try assemble(folder)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "card-print: printed/site-a/batch-0002.labels: card 0000002-0000: appears twice in the spool\n")
        // Every spool is checked before the first card is written (batch 1's used to be written first).
        let cards = folder.url.appendingPathComponent("cards").path
        let written = (try? FileManager.default.contentsOfDirectory(atPath: cards)) ?? []
        #expect(written.isEmpty, "cards/ holds \(written.sorted())")
    }

    @Test("a card the manifest does not have, with a label and a face, is refused: never more cards than the manifest")
    func extraCard() throws {
        let folder = try copy { layout in
            let extra = Serial(lot: 1, sequence: 1)
            let faces = try CardFace.readSpool(layout.faces(1))
            let face = faces[0]
            try writeFaces(
                faces + [
                    CardFace(
                        serial: extra, address: face.address, encryptedKey: face.encryptedKey,
                        confirmationCode: face.confirmationCode)
                ], layout, batch: 1)
            let labels = try ScratchLabel.readSpool(layout.labels(1))
            try ScratchLabel.writeSpool(
                labels + [ScratchLabel(serial: extra, passphrase: labels[0].passphrase, commitmentSalt: nil)],
                to: layout.labels(1))
        }
        let result = try assemble(folder)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "card-print: printed/site-a/batch-0001.labels: card 0000001-0001: is not a card of batch 1 in the manifest (the spool has more cards than the manifest)\n"
        )
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("cards/index.html").path))
    }
}
