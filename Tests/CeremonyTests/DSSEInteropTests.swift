import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Independent DSSE verification: "a test verifies our envelopes with a second
/// implementation (the Python package securesystemslib, installed into a venv
/// by the test set-up) and our verifier rejects envelopes changed by one byte,
/// re-signed by another key, or replayed into another ceremony or batch."
///
/// The venv is made by `make test-deps` at `.build/pyvenv` (override with
/// DSSE_INTEROP_PYTHON). Without it these tests fail; they never skip.
@Suite("DSSE interop: our envelopes against securesystemslib")
struct DSSEInteropTests {
    // MARK: a real ceremony, every envelope

    @Test("every envelope of a real ceremony verifies with securesystemslib against the right keys, and only those")
    func realCeremonyVerifies() throws {
        let python = try Interop.python()
        let run = try TestCeremony(cards: 2, batchSize: 1)
        try run.runAll()
        let a = try run.siteKey(.siteA).publicKey.hex
        let b = try run.siteKey(.siteB).publicKey.hex

        var files: [(URL, PayloadKind, [String])] = [(run.layout.manifest, .manifest, [a, b])]
        let transfer = run.layout.transfer
        for name in try FileManager.default.contentsOfDirectory(atPath: transfer.path).sorted()
        where !name.hasPrefix(".") {
            guard let (kind, signers) = Interop.expected(name, a: a, b: b) else {
                Issue.record("transfer/\(name): unknown file, no expected signer")
                continue
            }
            files.append((transfer.appendingPathComponent(name), kind, signers))
        }
        // The auditor's sample commitment (audit/, made before close in a real run; signed here afterwards).
        let auditor = Ed25519.SigningKey()
        let ceremony0 = try Transcript.load(run.layout)
        let commitment = run.root.appendingPathComponent("sample-commitment.json")
        try SignedPayload(
            Payload(
                type: .sampleCommitment, ceremony: ceremony0.id, signer: .auditor, batch: nil, sequence: 1,
                prev: ceremony0.manifest.digest, answers: nil,
                body: SampleCommitmentBody(commitment: SampleCommitment.commitment(of: SystemRandom.bytes(count: 32)))),
            signers: [auditor]
        ).write(to: commitment)
        files.append((commitment, .sampleCommitment, [auditor.publicKey.hex]))
        #expect(Set(files.map(\.1)) == Set(PayloadKind.allCases), "the run covers every payload kind")

        for (file, kind, signers) in files {
            let result = try Interop.verify(python, file, keys: signers, payloadType: kind.payloadType)
            #expect(
                result.status == 0,
                "securesystemslib refused \(run.layout.relative(file)): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.hasPrefix("VALID"), "\(result.stdout)")
        }

        // Negative controls on a real bundle, so this test can fail: the wrong
        // key, and each part of the envelope changed by one byte.
        let bundle = run.layout.intermediateBatch(1)
        let type = PayloadKind.intermediateBatch.payloadType
        let scratch = run.root.appendingPathComponent("tampered")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Interop.expectRejected(python, bundle, keys: [b], payloadType: type, "A's bundle against B's key")
        try Interop.expectRejected(
            python, run.layout.manifest, keys: [a, b, Ed25519.SigningKey().publicKey.hex],
            payloadType: nil, "the manifest with a third key required")
        let ceremony = try Transcript.load(run.layout)
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: bundle)) as! [String: Any]
        let payload = try #require(Data(base64Encoded: envelope["payload"] as! String))
        let signature = try #require(
            Data(base64Encoded: (envelope["signatures"] as! [[String: Any]])[0]["sig"] as! String))
        var tampered: [(String, [String: Any])] = []
        for index in [0, payload.count / 2, payload.count - 1] {
            tampered.append(
                ("payload byte \(index)", Interop.replacing(envelope, payload: Interop.flip(payload, at: index))))
        }
        tampered.append(("payloadType byte 0", Interop.replacing(envelope, payloadType: "b" + type.dropFirst())))
        tampered.append(("signature byte 17", Interop.replacing(envelope, signature: Interop.flip(signature, at: 17))))
        let other = Ed25519.SigningKey()
        let resigned = Envelope(payloadType: type, payload: payload, signers: [other])
        tampered.append(
            ("re-signed by another key", try JSONSerialization.jsonObject(with: resigned.json) as! [String: Any]))
        for (index, (what, object)) in tampered.enumerated() {
            let file = scratch.appendingPathComponent("tampered-\(index).json")
            try JSONSerialization.data(withJSONObject: object).write(to: file)
            let claimedType = object["payloadType"] as! String
            try Interop.expectRejected(python, file, keys: [a], payloadType: claimedType, what)
            // Our verifier, through the ceremony, refuses it too.
            #expect(throws: CeremonyError.self, "ours accepted \(what)") { try ceremony.entry(file) }
        }
        // Positive control for the re-signed one: valid under its own key, so only the key made the difference.
        let resignedFile = scratch.appendingPathComponent("resigned-own-key.json")
        try resigned.json.write(to: resignedFile)
        #expect(try Interop.verify(python, resignedFile, keys: [other.publicKey.hex], payloadType: type).status == 0)
    }

    // MARK: our verifier, exhaustively; theirs, on samples

    @Test("our verifier rejects every one-byte change of payload, payloadType and signature")
    func everyOneByteChangeRejected() throws {
        let python = try Interop.python()
        let key = Ed25519.SigningKey()
        let keyID = KeyID(publicKey: key.publicKey)
        let type = PayloadKind.keyBatch.payloadType
        let payload = Data(#"{"body":{"cards":[]},"ceremony":"0011","type":"key-batch","version":1}"#.utf8)
        let envelope = Envelope(payloadType: type, payload: payload, signers: [key])
        let object = try JSONSerialization.jsonObject(with: envelope.json) as! [String: Any]
        let signature = try #require(Data(base64Encoded: envelope.signatures[0].sig))
        let trusted = [keyID: key.publicKey]

        func accepted(_ changed: [String: Any]) throws -> Bool {
            let parsed = try Envelope(json: JSONSerialization.data(withJSONObject: changed))
            // Expect the type the envelope claims: only the signature stands between it and acceptance.
            return (try? parsed.verifiedPayload(expectedType: parsed.payloadType, trusted: trusted, required: [keyID]))
                != nil
        }
        #expect(try accepted(object), "the unchanged envelope verifies")
        var changes = 0
        for index in payload.indices {
            for mask: UInt8 in [0x01, 0x80] {
                changes += 1
                #expect(
                    try !accepted(Interop.replacing(object, payload: Interop.flip(payload, at: index, mask: mask))),
                    "payload byte \(index) ^ \(mask) accepted")
            }
        }
        let typeBytes = Array(type.utf8)
        for index in typeBytes.indices {
            var changed = typeBytes
            changed[index] ^= 0x01
            changes += 1
            #expect(
                try !accepted(Interop.replacing(object, payloadType: String(decoding: changed, as: UTF8.self))),
                "payloadType byte \(index) accepted")
        }
        for index in signature.indices {
            changes += 1
            #expect(
                try !accepted(Interop.replacing(object, signature: Interop.flip(signature, at: index))),
                "signature byte \(index) accepted")
        }
        #expect(changes > 2 * payload.count)

        // securesystemslib agrees on the unchanged one and on samples of each kind of change.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dsse-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let good = scratch.appendingPathComponent("good.json")
        try envelope.json.write(to: good)
        #expect(try Interop.verify(python, good, keys: [key.publicKey.hex], payloadType: type).status == 0)
        let samples: [(String, [String: Any])] = [
            ("payload byte 0", Interop.replacing(object, payload: Interop.flip(payload, at: 0))),
            ("payload last byte", Interop.replacing(object, payload: Interop.flip(payload, at: payload.count - 1))),
            ("payloadType last byte", Interop.replacing(object, payloadType: String(type.dropLast()) + "m")),
            ("signature byte 63", Interop.replacing(object, signature: Interop.flip(signature, at: 63))),
        ]
        for (index, (what, changed)) in samples.enumerated() {
            let file = scratch.appendingPathComponent("changed-\(index).json")
            try JSONSerialization.data(withJSONObject: changed).write(to: file)
            try Interop.expectRejected(python, file, keys: [key.publicKey.hex], payloadType: nil, what)
        }
    }

    // MARK: the other direction

    @Test("an envelope signed by securesystemslib verifies with ours, byte for byte the same signature")
    func theirSignatureVerifiesWithOurs() throws {
        let python = try Interop.python()
        #expect(
            Envelope.preAuthenticationEncoding(
                payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
                == Data("DSSEv1 29 http://example.com/HelloWorld 11 hello world".utf8),
            "PAE differs from the DSSE specification's example")

        let seed = SystemRandom.bytes(count: 32)
        let key = try Ed25519.SigningKey(seed: SecretBytes(copying: seed))
        let type = PayloadKind.intermediateBatch.payloadType
        // A payload with bytes JSON would escape or normalise, to show the exact bytes are signed.
        let payload = Data("{\"note\":\"caf\u{e9} \\u00e9 \u{1F511}\",\"n\":1.0,\"z\":[]}\n".utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dsse-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let payloadFile = scratch.appendingPathComponent("payload.bin")
        try payload.write(to: payloadFile)

        let signed = try Interop.run(
            python, [Interop.fixture("dsse_sign.py").path, payloadFile.path, type], input: Data(seed.hex.utf8))
        try #require(signed.status == 0, "dsse_sign.py failed: \(signed.stderr)")
        let theirs = try Envelope(json: Data(signed.stdout.utf8))
        let keyID = KeyID(publicKey: key.publicKey)
        let verified = try theirs.verifiedPayload(
            expectedType: type, trusted: [keyID: key.publicKey], required: [keyID])
        #expect(verified == payload)
        let ours = Envelope(payloadType: type, payload: payload, signers: [key])
        // Ed25519 is deterministic: the same key over the same PAE gives the same signature.
        #expect(theirs.signatures == ours.signatures, "keyid or signature differs from securesystemslib's")
        #expect(theirs.payload == ours.payload && theirs.payloadType == ours.payloadType)
    }

    // MARK: valid signatures, wrong place

    @Test("a bundle replayed into another ceremony or batch is DSSE-valid, and our sites refuse it")
    func replaysRefused() throws {
        let python = try Interop.python()
        let first = try TestCeremony(cards: 2, batchSize: 1)
        try expectSuccess(Tools.siteA("issue", "--ceremony", first.path, "--batch", "1"))
        let a = try first.siteKey(.siteA).publicKey.hex
        let type = PayloadKind.intermediateBatch.payloadType

        // A second ceremony run by the same two sites, with the same keys.
        let second = try TestCeremony(setUp: false)
        for party in [Party.siteA, .siteB] {
            try FileManager.default.copyItem(at: first.layout.site(party), to: second.layout.site(party))
        }
        try FileManager.default.createDirectory(at: second.layout.transfer, withIntermediateDirectories: true)
        for party in [Party.siteA, .siteB] {
            try FileManager.default.copyItem(at: first.layout.declaration(party), to: second.layout.declaration(party))
        }
        try expectSuccess(Tools.siteA("propose", "--ceremony", second.path, "--cards", "2", "--batch-size", "1"))
        try expectSuccess(Tools.siteB("endorse", "--ceremony", second.path))

        // Another ceremony: the signature is A's and valid, the ceremony id is not this one's.
        let foreign = second.layout.intermediateBatch(1)
        try FileManager.default.copyItem(at: first.layout.intermediateBatch(1), to: foreign)
        #expect(try Interop.verify(python, foreign, keys: [a], payloadType: type).status == 0)
        expectRefusal(
            try Tools.siteB("mint", "--ceremony", second.path, "--batch", "1"), containing: "belongs to ceremony")
        try FileManager.default.removeItem(at: foreign)

        // Another batch: batch 1's bundle presented as batch 2's.
        try expectSuccess(Tools.siteA("issue", "--ceremony", second.path, "--batch", "1"))
        let moved = second.layout.intermediateBatch(2)
        try FileManager.default.copyItem(at: second.layout.intermediateBatch(1), to: moved)
        #expect(try Interop.verify(python, moved, keys: [a], payloadType: type).status == 0)
        expectRefusal(try Tools.siteB("mint", "--ceremony", second.path, "--batch", "2"), containing: "is for batch 1")
        #expect(!FileManager.default.fileExists(atPath: second.layout.keyBatch(2).path))
    }
}

/// Running the Python side.
enum Interop {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's Python with securesystemslib and cryptography importable; fails the test otherwise.
    static func python() throws -> URL {
        let url =
            ProcessInfo.processInfo.environment["DSSE_INTEROP_PYTHON"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent(".build/pyvenv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "no Python venv at \(url.path): run `make test-deps` to create it (securesystemslib for the DSSE interop test)"
        )
        let check = try run(url, ["-c", "import securesystemslib.dsse, cryptography"])
        try #require(
            check.status == 0,
            "\(url.path) lacks securesystemslib or cryptography: run `make test-deps` (\(check.stderr))")
        return url
    }

    static func fixture(_ name: String) throws -> URL {
        let url = Bundle.module.bundleURL.appendingPathComponent("Fixtures").appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "fixture \(name) missing from the test bundle")
        return url
    }

    static func run(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Tools.Result {
        try ProcessRunner.run(executable, arguments, input: input)
    }

    /// `dsse_verify.py FILE KEY... [--payload-type TYPE]`: every key must have signed.
    static func verify(_ python: URL, _ file: URL, keys: [String], payloadType: String?) throws -> Tools.Result {
        var arguments = [try fixture("dsse_verify.py").path, file.path] + keys
        if let payloadType { arguments += ["--payload-type", payloadType] }
        return try run(python, arguments)
    }

    /// Expects securesystemslib to reject (exit 1, "INVALID"), not to fail to run (exit 2).
    static func expectRejected(
        _ python: URL, _ file: URL, keys: [String], payloadType: String?, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try verify(python, file, keys: keys, payloadType: payloadType)
        #expect(
            result.status == 1, "securesystemslib on \(what): exit \(result.status): \(result.stdout)\(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(result.stdout.hasPrefix("INVALID"), "\(what): \(result.stdout)", sourceLocation: sourceLocation)
    }

    /// The payload kind and signers' public keys expected for a transfer file, by name.
    static func expected(_ name: String, a: String, b: String) -> (PayloadKind, [String])? {
        switch name {
        case "site-a.declaration.json": (.siteDeclaration, [a])
        case "site-b.declaration.json": (.siteDeclaration, [b])
        case "closing.json": (.closingManifest, [a, b])
        case _ where name.hasSuffix(".intermediate.json"): (.intermediateBatch, [a])
        case _ where name.hasSuffix(".keys.json"): (.keyBatch, [b])
        case _ where name.hasSuffix(".confirmation.json"): (.confirmationReport, [a])
        case _ where name.hasSuffix(".retention-site-a.json"): (.retentionStatement, [a])
        case _ where name.hasSuffix(".retention-site-b.json"): (.retentionStatement, [b])
        default: nil
        }
    }

    static func flip(_ data: Data, at index: Int, mask: UInt8 = 0x01) -> Data {
        var copy = data
        copy[copy.startIndex + index] ^= mask
        return copy
    }

    /// The envelope JSON object with one part replaced (the first signature's `sig` for `signature`).
    static func replacing(
        _ object: [String: Any], payload: Data? = nil, payloadType: String? = nil, signature: Data? = nil
    ) -> [String: Any] {
        var copy = object
        if let payload { copy["payload"] = payload.base64EncodedString() }
        if let payloadType { copy["payloadType"] = payloadType }
        if let signature {
            var signatures = copy["signatures"] as! [[String: Any]]
            signatures[0]["sig"] = signature.base64EncodedString()
            copy["signatures"] = signatures
        }
        return copy
    }
}
