import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Bad input, as a property, for everything a site reads from outside: the
/// envelopes in transfer/, ceremony.json, and every payload type. Mutations
/// of a real ceremony's files either end in a typed refusal with one clear
/// line, or decode to a value; never a crash, a trap or a hang. Mutated
/// payloads are re-signed by their legitimate signer, as a dishonest site
/// would, so they get past the signature to the decoders and the checks.
/// When a site refuses a bundle, nothing in the ceremony folder changes.
/// (Fuzz/ runs the same parsers under libFuzzer for longer.)
@Suite("Mutated envelopes and payloads: a typed refusal or a valid value")
struct EnvelopeMutationTests {
    @Test("mutated envelope bytes: refused in one line, or verified")
    func mutatedEnvelopeBytes() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runAll()
        let ceremony = try Transcript.load(test.layout)
        let scratch = try ScratchFolder()
        var random = SeededRandom(seed: 0xE7E1)
        for file in try ceremonyFiles(test.layout) {
            let original = Array(try Data(contentsOf: file))
            for round in 0..<120 {
                let mutated = Data(ByteMutator.mutate(original, &random, favouring: ByteMutator.jsonBytes))
                let context = "\(file.lastPathComponent) round \(round)"
                try mutated.write(to: scratch.file)
                try within(context) {
                    do {
                        _ = try Envelope(json: mutated)
                    } catch {
                        expectOneLine(String(describing: error), context)
                    }
                    do {
                        _ = try ceremony.entry(scratch.file)
                    } catch {
                        expectOneLine(String(describing: error), context)
                    }
                    try mutated.write(to: scratch.layout.manifest)
                    do {
                        _ = try Transcript.load(scratch.layout)
                    } catch {
                        expectOneLine(String(describing: error), context)
                    }
                }
            }
        }
    }

    @Test("mutated payloads re-signed by their signer: refused in one line, or decoded")
    func mutatedPayloadsResigned() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runAll()
        let ceremony = try Transcript.load(test.layout)
        let keys = [Party.siteA: try test.siteKey(.siteA), .siteB: try test.siteKey(.siteB)]
        let scratch = try ScratchFolder()
        var random = SeededRandom(seed: 0xE7E2)
        for file in try ceremonyFiles(test.layout) where !file.lastPathComponent.contains(".declaration.") {
            let envelope = try Envelope(json: try Data(contentsOf: file))
            let header = try TranscriptJSON.decoder.decode(PayloadHeader.self, from: envelope.payload)
            // Every single-value edit (each value replaced by each edge case, or removed),
            // then random byte-level and nested edits.
            let edits = JSONMutator.everyEdit(of: envelope.payload)
            #expect(edits.count > 100, "\(file.lastPathComponent): only \(edits.count) edits")
            for round in 0..<(edits.count + 100) {
                let context = "\(file.lastPathComponent) round \(round)"
                let payload =
                    round < edits.count
                    ? edits[round]
                    : round % 2 == 0
                        ? JSONMutator.mutateBytes(envelope.payload, &random)
                        : JSONMutator.mutate(envelope.payload, &random)
                // The manifest carries both sites' signatures; other payloads their signer's.
                let signers = header.type == .manifest ? [keys[.siteA]!, keys[.siteB]!] : [keys[header.signer]!]
                let resigned = Envelope(payloadType: envelope.payloadType, payload: payload, signers: signers)
                try within(context) {
                    if header.type == .manifest {
                        try resigned.json.write(to: scratch.layout.manifest)
                        do {
                            let loaded = try Transcript.load(scratch.layout)
                            // What loads is usable: every batch and serial is computable.
                            let batches = loaded.body.batchCount
                            #expect(batches >= 1, "\(context)")
                            #expect((try? loaded.checkBatch(batches + 1)) == nil, "\(context)")
                            #expect(loaded.body.serials(batch: batches).count <= loaded.body.batchSize, "\(context)")
                            #expect(loaded.body.policy.generate().count >= loaded.body.policy.length, "\(context)")
                        } catch {
                            expectOneLine(String(describing: error), context)
                        }
                    } else {
                        try resigned.json.write(to: scratch.file)
                        do {
                            try open(scratch.file, like: header, in: ceremony)
                        } catch {
                            expectOneLine(String(describing: error), context)
                        }
                    }
                }
            }
        }
    }

    @Test("key-site mint of mutated intermediate batches: a refusal changes nothing")
    func mintOfMutatedBatches() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let (file, original, siteA) = try test.genuineBundle(test.layout.intermediateBatch(1), signedBy: .siteA)
        let payload = try Envelope(json: original).payload
        var random = SeededRandom(seed: 0xE7E3)
        var refused = 0
        let edits = JSONMutator.everyEdit(of: payload)
        for round in 0..<(edits.count + 60) {
            let context = "round \(round)"
            let mutated =
                round < edits.count
                ? edits[round]
                : round % 2 == 0 ? JSONMutator.mutateBytes(payload, &random) : JSONMutator.mutate(payload, &random)
            try AtomicFile.write(
                Envelope(payloadType: PayloadKind.intermediateBatch.payloadType, payload: mutated, signers: [siteA])
                    .json,
                to: file, mode: .shared)
            let before = FolderSnapshot(test.root)
            try within(context) {
                do {
                    try KeySite(layout: test.layout).mint(batch: 1)
                    // Accepted: the batch is complete; undo it for the next round.
                    for output in [
                        test.layout.keyBatch(1), test.layout.retention(.siteB, batch: 1), test.layout.faces(1),
                    ] {
                        #expect(
                            FileManager.default.fileExists(atPath: output.path),
                            "\(context): \(output.lastPathComponent) missing")
                        try? FileManager.default.removeItem(at: output)
                    }
                    // Undoing a mint also forgets it in site B's ledger (which otherwise refuses a second mint).
                    try? FileManager.default.removeItem(
                        at: test.layout.site(.siteB).appendingPathComponent(BatchLedger.fileName))
                } catch {
                    refused += 1
                    expectOneLine(String(describing: error), context)
                    #expect(FolderSnapshot(test.root).changes(since: before) == [], "\(context): \(error)")
                }
            }
        }
        #expect(
            refused > edits.count / 2,
            "only \(refused) of \(edits.count + 60) mutations refused: the mutator is too gentle")
        // The untouched bundle still mints.
        try AtomicFile.write(original, to: file, mode: .shared)
        #expect(try KeySite(layout: test.layout).mint(batch: 1) == 2)
    }

    @Test("passphrase-site verify of mutated key batches: a refusal changes nothing")
    func verifyOfMutatedBatches() throws {
        let test = try TestCeremony(cards: 1, batchSize: 1)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        let (file, original, siteB) = try test.genuineBundle(test.layout.keyBatch(1), signedBy: .siteB)
        let payload = try Envelope(json: original).payload
        var random = SeededRandom(seed: 0xE7E4)
        for round in 0..<40 {
            let context = "round \(round)"
            let mutated =
                round % 4 == 0 ? JSONMutator.mutateBytes(payload, &random) : JSONMutator.mutate(payload, &random)
            try AtomicFile.write(
                Envelope(payloadType: PayloadKind.keyBatch.payloadType, payload: mutated, signers: [siteB]).json,
                to: file, mode: .shared)
            let before = FolderSnapshot(test.root)
            do {
                // A report (with or without failures) is an answer; undo it for the next round.
                _ = try PassphraseSite(layout: test.layout).verify(batch: 1)
            } catch {
                expectOneLine(String(describing: error), context)
                #expect(FolderSnapshot(test.root).changes(since: before) == [], "\(context): \(error)")
                continue
            }
            try FileManager.default.removeItem(at: test.layout.confirmationReport(1))
        }
        try AtomicFile.write(original, to: file, mode: .shared)
        #expect(try PassphraseSite(layout: test.layout).verify(batch: 1).confirmed == 1)
    }

    // MARK: helpers

    /// ceremony.json and every envelope in transfer/.
    func ceremonyFiles(_ layout: CeremonyLayout) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: layout.transfer.path).filter {
            $0.hasSuffix(".json")
        }.sorted()
        return [layout.manifest] + names.map { layout.transfer.appendingPathComponent($0) }
    }

    /// Opens `file` as the site would open the payload `header` describes.
    func open(_ file: URL, like header: PayloadHeader, in ceremony: Transcript) throws(CeremonyError) {
        let (kind, signer, batch) = (header.type, header.signer, header.batch)
        switch kind {
        case .intermediateBatch:
            _ = try ceremony.open(file, kind: kind, signer: signer, batch: batch, as: IntermediateBatchBody.self)
        case .keyBatch: _ = try ceremony.open(file, kind: kind, signer: signer, batch: batch, as: KeyBatchBody.self)
        case .confirmationReport:
            _ = try ceremony.open(file, kind: kind, signer: signer, batch: batch, as: ConfirmationReportBody.self)
        case .retentionStatement:
            _ = try ceremony.open(file, kind: kind, signer: signer, batch: batch, as: RetentionStatementBody.self)
        case .closingManifest:
            _ = try ceremony.open(file, kind: kind, signer: signer, batch: batch, as: ClosingManifestBody.self)
        case .siteDeclaration, .manifest, .sampleCommitment:
            _ = try ceremony.entry(file)
        }
    }

    /// Runs `body` for one input. No clock: a hang would stop the suite, and slow inputs are
    /// libFuzzer's to find (`make fuzz`, its per-input timeout), not a timed test's.
    func within(_ context: String, _ body: () throws -> Void) throws {
        try body()
    }
}

/// A refusal is one line that says something.
func expectOneLine(_ message: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        !message.isEmpty && !message.contains("\n"), "\(context): \(message.debugDescription)",
        sourceLocation: sourceLocation)
}

/// A private folder for scratch copies, with its own ceremony layout; removed when released.
final class ScratchFolder {
    let root: URL
    var layout: CeremonyLayout { CeremonyLayout(root: root) }
    var file: URL { root.appendingPathComponent("scratch.json") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
