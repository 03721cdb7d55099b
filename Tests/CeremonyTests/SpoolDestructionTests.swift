import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// `destroy-spools`: after printing and assembly each site overwrites and removes its
/// print spools and records it in a signed retention statement, before close.
@Suite struct SpoolDestructionTests {
    func printAll(_ ceremony: TestCeremony) throws {
        for batch in ["1", "2"] {
            expectSuccess(try Tools.run("card-print", ["labels", "--ceremony", ceremony.path, "--batch", batch]))
            expectSuccess(try Tools.run("card-print", ["faces", "--ceremony", ceremony.path, "--batch", batch]))
        }
        expectSuccess(try Tools.run("card-print", ["assemble", "--ceremony", ceremony.path]))
    }

    @Test("each site destroys its spools, signs a retention statement listing them, and close lists the statement")
    func destroysAndRecords() throws {
        let ceremony = try TestCeremony(cards: 4, batchSize: 2)
        try ceremony.runBatch(1)
        expectRefusal(
            try Tools.siteA("destroy-spools", "--ceremony", ceremony.path), containing: "batch 2 is not sealed yet")
        try ceremony.runBatch(2)
        try printAll(ceremony)
        // Per batch: the spool, its SVG sheet and its PDF pages.
        var printed: [Party: [String]] = [:]
        for party in [Party.siteA, .siteB] {
            printed[party] = try FileManager.default.contentsOfDirectory(atPath: ceremony.layout.printed(party).path)
            #expect(printed[party]?.count == 6, "\(printed[party] ?? [])")
        }
        let a = try Tools.siteA("destroy-spools", "--ceremony", ceremony.path)
        expectSuccess(a)
        #expect(a.stdout.contains("destroyed printed/site-a/batch-0001.labels\n"))
        #expect(a.stdout.contains("destroyed printed/site-a/batch-0002.labels.svg\n"))
        #expect(!FileManager.default.fileExists(atPath: ceremony.layout.printed(.siteA).path))
        #expect(FileManager.default.fileExists(atPath: ceremony.layout.faces(1).path))
        expectRefusal(
            try Tools.siteA("destroy-spools", "--ceremony", ceremony.path), containing: "spools are destroyed already")
        expectSuccess(try Tools.siteB("destroy-spools", "--ceremony", ceremony.path))
        #expect(!FileManager.default.fileExists(atPath: ceremony.layout.printed(.siteB).path))

        let transcript = try Transcript.load(ceremony.layout)
        for (party, spool) in [(Party.siteA, "batch-0002.labels"), (.siteB, "batch-0001.faces.json")] {
            let (statement, entry) = try transcript.open(
                ceremony.layout.spoolRetention(party), kind: .retentionStatement, signer: party, batch: nil,
                as: RetentionStatementBody.self)
            #expect(statement.payload.body.destroyed.contains { $0.hasPrefix("printed/\(party.rawValue)/\(spool): ") })
            let destroyed = statement.payload.body.destroyed.compactMap {
                $0.split(separator: ":").first.map(String.init)
            }
            #expect(destroyed.sorted() == (printed[party] ?? []).map { "printed/\(party.rawValue)/\($0)" }.sorted())
            #expect(statement.payload.answers == nil)
            // The next link of the site's chain, after its last batch statement.
            let last = try transcript.entry(ceremony.layout.retention(party, batch: 2))
            #expect(entry.header.prev == last.digest && entry.header.sequence == last.header.sequence + 1)
        }
        expectSuccess(try Tools.siteA("close", "--ceremony", ceremony.path))
        expectSuccess(try Tools.siteB("close", "--ceremony", ceremony.path))
        let closing = try String(contentsOf: ceremony.layout.closingManifest, encoding: .utf8)
        let envelope = try Envelope(json: Data(closing.utf8))
        let body = try TranscriptJSON.decoder.decode(Payload<ClosingManifestBody>.self, from: envelope.payload).body
        #expect(body.entries.map(\.file).contains("transfer/spools.retention-site-a.json"))
        #expect(body.entries.map(\.file).contains("transfer/spools.retention-site-b.json"))
        expectRefusal(
            try Tools.siteB("destroy-spools", "--ceremony", ceremony.path), containing: "spools are destroyed already")
    }

    @Test(
        "after close destroy-spools is refused; a folder inside a spool folder is refused before anything is destroyed")
    func refusals() throws {
        let ceremony = try TestCeremony(cards: 2, batchSize: 2)
        try ceremony.runBatch(1)
        let stranger = ceremony.layout.printed(.siteA).appendingPathComponent("keep")
        try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
        expectRefusal(
            try Tools.siteA("destroy-spools", "--ceremony", ceremony.path),
            containing: "printed/site-a/keep: is a folder, not a print file")
        #expect(FileManager.default.fileExists(atPath: ceremony.layout.labels(1).path))
        try FileManager.default.removeItem(at: stranger)
        expectSuccess(try Tools.siteA("close", "--ceremony", ceremony.path))
        expectRefusal(
            try Tools.siteB("destroy-spools", "--ceremony", ceremony.path), containing: "the ceremony is closed")
        #expect(FileManager.default.fileExists(atPath: ceremony.layout.faces(1).path))
    }
}
