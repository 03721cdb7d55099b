import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Runs the built site executables (TestSupport's `ProcessRunner`, which finds them in the build folder).
enum Tools {
    typealias Result = ProcessResult

    static func executable(_ name: String) -> URL { BuildFolder.executable(name) }

    /// Runs `name arguments...` and waits. The memory-lock warning a site prints
    /// as a non-root user on a machine with swap is left out of `stderr`: it depends
    /// on the machine, not on the command (ProcessHardeningTests checks it).
    static func run(_ name: String, _ arguments: [String]) throws -> Result {
        try ProcessRunner.run(built: name, arguments).withoutMemoryLockWarning
    }

    /// Starts `name arguments...` without waiting (for kill tests).
    static func start(_ name: String, _ arguments: [String]) throws -> Process {
        try ProcessRunner.start(built: name, arguments)
    }

    static func siteA(_ arguments: String...) throws -> Result { try run("passphrase-site", arguments) }
    static func siteB(_ arguments: String...) throws -> Result { try run("key-site", arguments) }
}

/// A ceremony in a private temporary folder, removed when released.
final class TestCeremony {
    let root: URL
    var layout: CeremonyLayout { CeremonyLayout(root: root) }
    var path: String { root.path }

    /// Makes the folder and, unless `setUp` is false, runs init for both sites,
    /// propose and endorse.
    init(cards: Int = 6, batchSize: Int = 4, extra: [String] = [], setUp: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ceremony-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        guard setUp else { return }
        try expectSuccess(Tools.siteA("init", "--ceremony", path))
        try expectSuccess(Tools.siteB("init", "--ceremony", path))
        try expectSuccess(
            Tools.run(
                "passphrase-site",
                ["propose", "--ceremony", path, "--cards", String(cards), "--batch-size", String(batchSize)] + extra))
        try expectSuccess(Tools.siteB("endorse", "--ceremony", path))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Issue, mint, verify and seal one batch.
    func runBatch(_ batch: Int) throws {
        let b = String(batch)
        try expectSuccess(Tools.siteA("issue", "--ceremony", path, "--batch", b))
        try expectSuccess(Tools.siteB("mint", "--ceremony", path, "--batch", b))
        try expectSuccess(Tools.siteA("verify", "--ceremony", path, "--batch", b))
        try expectSuccess(Tools.siteA("seal", "--ceremony", path, "--batch", b))
    }

    /// Every batch, then the closing manifest signed by A and B.
    func runAll() throws {
        let ceremony = try Transcript.load(layout)
        for batch in 1...ceremony.body.batchCount { try runBatch(batch) }
        try expectSuccess(Tools.siteA("close", "--ceremony", path))
        try expectSuccess(Tools.siteB("close", "--ceremony", path))
    }

    func siteKey(_ party: Party) throws -> Ed25519.SigningKey { try SiteIdentity.load(from: layout.site(party)) }

    /// A genuine bundle a test tampers with: its file, the bytes the site wrote, and
    /// the key of the site that signed it (to re-sign forgeries with).
    func genuineBundle(
        _ file: URL, signedBy party: Party
    ) throws -> (
        file: URL, original: Data, signer: Ed25519.SigningKey
    ) {
        (file, try Data(contentsOf: file), try siteKey(party))
    }

    /// The labels A printed for a batch: serial → (passphrase, commitment salt hex).
    func labels(_ batch: Int) throws -> [Serial: (passphrase: Passphrase, salt: String)] {
        var out: [Serial: (Passphrase, String)] = [:]
        for record in try SecretRecord.read(layout.labels(batch)) {
            let text = try #require(record.text("serial"))
            let serial = try #require(Serial(text: text))
            let passphrase = try #require(record["passphrase"])
            let salt = try #require(record.text("commitment-salt"))
            out[serial] = (try Passphrase(utf8: passphrase), salt)
        }
        return out
    }

    /// Re-signs a transfer file's payload, changed by `edit`, with `signer`, and writes it to `to` (default: in place).
    func resign<Body: Codable & Sendable>(
        _ file: URL, as: Body.Type, signer: Ed25519.SigningKey, to destination: URL? = nil,
        edit: (Payload<Body>) -> Payload<Body>
    ) throws {
        let envelope = try Envelope(json: try Data(contentsOf: file))
        let payload = try TranscriptJSON.decoder.decode(Payload<Body>.self, from: envelope.payload)
        try SignedPayload(edit(payload), signers: [signer]).write(to: destination ?? file)
    }
}

/// Expects exit status 0, showing stderr otherwise.
func expectSuccess(_ result: Tools.Result, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
}

/// Expects a refusal: exit 1 and one line on stderr containing `cause`.
func expectRefusal(_ result: Tools.Result, containing cause: String, sourceLocation: SourceLocation = #_sourceLocation)
{
    #expect(result.status == 1, "exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(cause), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.split(separator: "\n").count >= 1, sourceLocation: sourceLocation)
}

extension Payload {
    /// A copy with another body, ceremony id or batch (for forging test bundles).
    func with(body: Body? = nil, ceremony: String? = nil, batch: Int? = nil, sequence: Int? = nil) -> Payload<Body> {
        Payload(
            type: type, ceremony: ceremony ?? self.ceremony, signer: signer, batch: batch ?? self.batch,
            sequence: sequence ?? self.sequence, prev: prev, answers: answers, body: body ?? self.body, build: build)
    }
}
