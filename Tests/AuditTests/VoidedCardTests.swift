import Audit
import BIP38
import Ceremony
import FaultInjection
import Foundation
import Printing
import Testing

/// A failed confirmation stops its batch: site A seals it only by voiding the
/// failed cards, which are named in its statement, printed VOID and kept out of
/// the contact sheet; the audit checks every failed card was voided (issue 14, item 6).
@Suite struct VoidedCards {
    @Test func aFailedCardStopsItsBatchUntilVoided() throws {
        let folder = try Folder()
        let layout = folder.layout
        _ = try SiteSetup.initialise(.siteA, layout: layout)
        _ = try SiteSetup.initialise(.siteB, layout: layout)
        _ = try SiteSetup.propose(SiteSetup.Terms(cards: 2, batchSize: 2), layout: layout)
        _ = try SiteSetup.endorse(layout: layout)
        let siteA = try PassphraseSite(layout: layout)
        _ = try siteA.issue(batch: 1)
        _ = try KeySite(layout: layout).mint(batch: 1)
        try Injector(layout: layout).inject(.bSubstitutesAddress, batch: 1)
        let report = try siteA.verify(batch: 1)
        try #require(report.failures.count == 1)
        let bad = report.failures[0].serial
        let good = try #require(layout.serialsOfBatchOne.first { $0 != bad })

        // Sealing as if nothing happened is refused, and the journal is kept.
        do {
            try siteA.seal(batch: 1)
            Issue.record("a batch with a failed confirmation was sealed")
        } catch {
            #expect(error.code == .refusedBundle)
            #expect(error.message.contains("\(bad)") && error.message.contains("seal --void-failed"), "\(error)")
        }
        #expect(FileManager.default.fileExists(atPath: layout.journal(1).path))

        try siteA.seal(batch: 1, voidFailed: true)
        let statement = try Envelope(json: Data(contentsOf: layout.retention(.siteA, batch: 1)))
        #expect(try Payload<RetentionStatementBody>.decodeCanonical(statement.payload).body.voided == [bad])

        _ = try PrintRun.assemble(layout, denomination: "TEST")
        let front = { (serial: Serial) in
            (try? String(contentsOf: layout.cards.appendingPathComponent("\(serial).front.svg"), encoding: .utf8)) ?? ""
        }
        #expect(front(bad).contains(">VOID</text>"))
        #expect(!front(good).contains(">VOID</text>"))
        let sheet = try String(contentsOf: layout.cards.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!sheet.contains(bad.description) && sheet.contains(good.description))

        // The audit: the substitution fails its checks, but the failed card was voided.
        let voided = try Auditor.audit(layout, options: .init(sample: 0, countersign: false))
        #expect(!voided.findings.contains { $0.message.contains("was not voided") })
        #expect(voided.verdict == "fail")

        // A statement that leaves the failed card out is caught.
        try forgeStatementWithoutVoid(layout)
        let hidden = try Auditor.audit(layout, options: .init(sample: 0, countersign: false))
        let finding = try #require(hidden.findings.first { $0.message.contains("was not voided") })
        #expect(finding.check == .coverage && finding.serial == bad.description)
    }

    /// Site A re-signs its statement without the `voided` list, as a careless (or dishonest) A would.
    func forgeStatementWithoutVoid(_ layout: CeremonyLayout) throws {
        let file = layout.retention(.siteA, batch: 1)
        let envelope = try Envelope(json: Data(contentsOf: file))
        let payload = try Payload<RetentionStatementBody>.decodeCanonical(envelope.payload)
        let body = payload.body
        let forged = Payload(
            type: payload.type, ceremony: payload.ceremony, signer: payload.signer, batch: payload.batch,
            sequence: payload.sequence, prev: payload.prev, answers: payload.answers,
            body: RetentionStatementBody(site: body.site, kept: body.kept, destroyed: body.destroyed, notes: body.notes)
        )
        try SignedPayload(forged, signers: [try SiteIdentity.load(from: layout.site(.siteA))]).write(to: file)
    }
}

extension CeremonyLayout {
    fileprivate var serialsOfBatchOne: [Serial] { (0..<2).map { Serial(lot: 1, sequence: $0) } }
}
