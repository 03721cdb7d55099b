import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// Bundles that arrive twice, out of order, or from another ceremony, at
/// either site, through the executables: each is refused with one line
/// naming the file and the cause, and the ceremony folder (ceremony.json,
/// site-a/, site-b/, transfer/, printed/) stays byte for byte as it was.
/// Afterwards the genuine bundles still go through.
@Suite("Bundles twice, out of order, or from another ceremony: refused, nothing changed")
struct BundleArrivalTests {
    /// The ceremony under test and another one (whose genuine bundles are foreign here),
    /// each with batches 1 and 2 issued by A and, for `site` B's bundles, minted by B;
    /// then the test's layout, the key of `site`, and its genuine bundles of batches 1 and 2
    /// (A's intermediate batches or B's key batches).
    static func ceremonies(
        cards: Int, batchSize: Int, bundlesOf site: Party
    ) throws -> (
        test: TestCeremony, other: TestCeremony, layout: CeremonyLayout, signer: Ed25519.SigningKey,
        first: Data, second: Data
    ) {
        let test = try TestCeremony(cards: cards, batchSize: batchSize)
        let other = try TestCeremony(cards: cards, batchSize: batchSize)
        for run in [test, other] {
            for batch in ["1", "2"] {
                try expectSuccess(Tools.siteA("issue", "--ceremony", run.path, "--batch", batch))
                if site == .siteB { try expectSuccess(Tools.siteB("mint", "--ceremony", run.path, "--batch", batch)) }
            }
        }
        let layout = test.layout
        func bundle(_ batch: Int) throws -> Data {
            try Data(contentsOf: site == .siteA ? layout.intermediateBatch(batch) : layout.keyBatch(batch))
        }
        return (test, other, layout, try test.siteKey(site), try bundle(1), try bundle(2))
    }

    @Test("at site B (mint)")
    func atKeySite() throws {
        let (test, other, layout, siteA, batch1, batch2) = try Self.ceremonies(
            cards: 4, batchSize: 2, bundlesOf: .siteA)
        func mint(_ batch: Int) throws -> Tools.Result {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", String(batch))
        }

        // Twice: batch 1 minted, then its bundle again.
        try expectSuccess(mint(1))
        try expectRefusalChangingNothing(test, containing: "batch 1 already minted") { try mint(1) }

        // Twice under another name: batch 1's bundle delivered as batch 2.
        try batch1.write(to: layout.intermediateBatch(2))
        try expectRefusalChangingNothing(test, containing: "is for batch 1, expected 2") { try mint(2) }

        // Out of order: batch 2 re-signed by A as if it came before batch 1 in A's chain.
        try batch2.write(to: layout.intermediateBatch(2))
        try test.resign(layout.intermediateBatch(2), as: IntermediateBatchBody.self, signer: siteA) {
            $0.with(sequence: 1)
        }
        try expectRefusalChangingNothing(test, containing: "chain broken: prev does not match") { try mint(2) }

        // Out of order: a gap in A's chain (sequence 5, nothing between).
        try batch2.write(to: layout.intermediateBatch(2))
        try test.resign(layout.intermediateBatch(2), as: IntermediateBatchBody.self, signer: siteA) {
            $0.with(sequence: 5)
        }
        try expectRefusalChangingNothing(test, containing: "chain gap: site-a payload 4 is missing") { try mint(2) }

        // Another ceremony's genuine batch 2: signed by a key this ceremony does not know.
        try Data(contentsOf: other.layout.intermediateBatch(2)).write(to: layout.intermediateBatch(2))
        try expectRefusalChangingNothing(test, containing: "signed by an unknown key") { try mint(2) }

        // Another ceremony's batch re-signed by this A: bound to the other ceremony id.
        let otherID = try Transcript.load(other.layout).id
        try batch2.write(to: layout.intermediateBatch(2))
        try test.resign(layout.intermediateBatch(2), as: IntermediateBatchBody.self, signer: siteA) {
            $0.with(ceremony: otherID)
        }
        try expectRefusalChangingNothing(test, containing: "belongs to ceremony \(otherID)") { try mint(2) }

        // The genuine batch 2 still mints.
        try batch2.write(to: layout.intermediateBatch(2))
        try expectSuccess(mint(2))
    }

    @Test("at site A (verify, seal)")
    func atPassphraseSite() throws {
        let (test, other, layout, siteB, keys1, keys2) = try Self.ceremonies(cards: 2, batchSize: 1, bundlesOf: .siteB)
        func verify(_ batch: Int) throws -> Tools.Result {
            try Tools.siteA("verify", "--ceremony", test.path, "--batch", String(batch))
        }

        // Out of order: sealing before verifying.
        try expectRefusalChangingNothing(test, containing: "not verified yet") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }

        // B's answer to batch 1 delivered as batch 2's.
        try keys1.write(to: layout.keyBatch(2))
        try expectRefusalChangingNothing(test, containing: "is for batch 1, expected 2") { try verify(2) }

        // Batch 2's answer re-signed by B as an answer to batch 1's request.
        let request1 = PayloadDigest(of: try Envelope(json: try Data(contentsOf: layout.intermediateBatch(1))).payload)
        try keys2.write(to: layout.keyBatch(2))
        try test.resign(layout.keyBatch(2), as: KeyBatchBody.self, signer: siteB) { p in
            Payload(
                type: p.type, ceremony: p.ceremony, signer: p.signer, batch: p.batch, sequence: p.sequence,
                prev: p.prev,
                answers: request1, body: p.body)
        }
        try expectRefusalChangingNothing(test, containing: "does not answer this site's intermediate batch 2") {
            try verify(2)
        }

        // Another ceremony's genuine key batch.
        try Data(contentsOf: other.layout.keyBatch(2)).write(to: layout.keyBatch(2))
        try expectRefusalChangingNothing(test, containing: "signed by an unknown key") { try verify(2) }

        // Twice: batch 1 verified, then again.
        try keys2.write(to: layout.keyBatch(2))
        try expectSuccess(verify(1))
        try expectRefusalChangingNothing(test, containing: "batch 1 already verified") { try verify(1) }
        try expectSuccess(Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))
        try expectRefusalChangingNothing(test, containing: "batch 1 already sealed") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }

        // The genuine batch 2 still verifies.
        try expectSuccess(verify(2))
    }
}
