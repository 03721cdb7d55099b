import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// `passphrase-site seal --wipe-medium PATH`: the medium the bundles crossed on is hashed,
/// overwritten with zeros, and its digest signed in site A's retention statement (Ceremony/MEDIUM.md).
@Suite struct MediumWipe {
    /// A ceremony with batch 1 issued, minted and verified: ready to seal.
    func verified() throws -> TestCeremony {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
        return test
    }

    @Test("seal wipes the medium to zeros and signs its digest from before the wipe")
    func sealWipesAndSigns() throws {
        let test = try verified()
        let work = try TemporaryFolder(prefix: "medium-wipe")
        let medium = work.url.appendingPathComponent("medium.img")
        var random = SeededRandom(seed: 19)
        // Not a multiple of the wipe's 1 MiB chunk, so the last chunk is a short one.
        let bytes = (0..<((3 << 20) + 4097)).map { _ in UInt8.random(in: 0...255, using: &random) }
        try Data(bytes).write(to: medium)
        let digest = SHA256.hash(bytes).hex

        let result = try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1", "--wipe-medium", medium.path)
        expectSuccess(result)
        #expect(result.stdout.contains("SHA-256 before the wipe, signed: \(digest)"), "\(result.stdout)")
        let after = try Data(contentsOf: medium)
        #expect(after.count == bytes.count)
        #expect(after.allSatisfy { $0 == 0 })

        let ceremony = try Transcript.load(test.layout)
        let (statement, _) = try ceremony.open(
            test.layout.retention(.siteA, batch: 1), kind: .retentionStatement, signer: .siteA, batch: 1,
            as: RetentionStatementBody.self)
        #expect(statement.payload.body.mediumWipe == .init(sha256: digest, bytes: Int64(bytes.count)))
        #expect(statement.payload.body.notes.contains { $0.contains("SHA-256 \(digest)) was overwritten with zeros") })
    }

    @Test("seal without --wipe-medium signs a statement without the field, encoded as before")
    func sealWithoutWipe() throws {
        let test = try verified()
        try expectSuccess(Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))
        let ceremony = try Transcript.load(test.layout)
        let (statement, _) = try ceremony.open(
            test.layout.retention(.siteA, batch: 1), kind: .retentionStatement, signer: .siteA, batch: 1,
            as: RetentionStatementBody.self)
        #expect(statement.payload.body.mediumWipe == nil)
        let envelope = try Envelope(json: Data(contentsOf: test.layout.retention(.siteA, batch: 1)))
        #expect(!String(decoding: envelope.payload, as: UTF8.self).contains("medium"))
    }

    @Test("a medium that is a folder is refused in one line before the journal is destroyed")
    func folderIsRefused() throws {
        let test = try verified()
        let work = try TemporaryFolder(prefix: "medium-wipe")
        let result = try Tools.siteA(
            "seal", "--ceremony", test.path, "--batch", "1", "--wipe-medium", work.url.path)
        expectRefusal(result, containing: work.url.path)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Is a directory"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: test.layout.journal(1).path))
        #expect(!FileManager.default.fileExists(atPath: test.layout.retention(.siteA, batch: 1).path))
    }
}
