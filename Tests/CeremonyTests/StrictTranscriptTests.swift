import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// A dishonest site holds its own key and writes any bytes it likes: what it signs
/// is read one way only, and keys are shown by what they are, not by what a file says.
@Suite("Strict transcript: fingerprints from keys, canonical payloads, strict envelopes")
struct StrictTranscriptTests {
    // MARK: Fingerprints

    /// Each command that takes the other site's key shows that key's short form,
    /// computed from its bytes; it is the form the other site read aloud at init.
    @Test func everyCommandShowsTheOtherSitesKeyAsReadAloud() throws {
        let test = try TestCeremony(cards: 1, batchSize: 1, setUp: false)
        let initA = try Tools.siteA("init", "--ceremony", test.path)
        let initB = try Tools.siteB("init", "--ceremony", test.path)
        let aloudA = try #require(initA.stdout.split(separator: "\n").last?.split(separator: ": ").last)
        let aloudB = try #require(initB.stdout.split(separator: "\n").last?.split(separator: ": ").last)
        let keyA = try test.siteKey(.siteA)
        #expect(String(aloudA) == KeyID(publicKey: keyA.publicKey).humanForm)

        let propose = try Tools.siteA("propose", "--ceremony", test.path, "--cards", "1", "--batch-size", "1")
        expectSuccess(propose)
        #expect(propose.stdout.contains("site B key \(aloudB) (transfer/site-b.declaration.json)"), "\(propose.stdout)")
        let endorse = try Tools.siteB("endorse", "--ceremony", test.path)
        expectSuccess(endorse)
        #expect(endorse.stdout.hasSuffix("site A key \(aloudA)\n"), "\(endorse.stdout)")

        try test.runBatch(1)
        let closeA = try Tools.siteA("close", "--ceremony", test.path)
        let closeB = try Tools.siteB("close", "--ceremony", test.path)
        for close in [closeA, closeB] {
            expectSuccess(close)
            #expect(close.stdout.contains("keys: site A \(aloudA), site B \(aloudB)\n"), "\(close.stdout)")
        }
    }

    /// A manifest signed by A that names A's real public key under a spoofed keyid
    /// (B's, or text that is not hex) is refused in one line, and nothing changes.
    @Test(arguments: ["site-b", "not hex at all \u{1B}[2J"])
    func aSpoofedKeyidIsRefusedAtEndorse(_ spoof: String) throws {
        let test = try TestCeremony(cards: 1, batchSize: 1, setUp: false)
        expectSuccess(try Tools.siteA("init", "--ceremony", test.path))
        expectSuccess(try Tools.siteB("init", "--ceremony", test.path))
        expectSuccess(try Tools.siteA("propose", "--ceremony", test.path, "--cards", "1", "--batch-size", "1"))
        let keyB = try test.siteKey(.siteB)
        let keyid = spoof == "site-b" ? KeyID(publicKey: keyB.publicKey).hex : spoof
        try respoofManifest(test, siteAKeyid: keyid)
        try expectRefusalChangingNothing(test, containing: "is not the SHA-256 of its public key") {
            try Tools.siteB("endorse", "--ceremony", test.path)
        }
        let refusal = try Tools.siteB("endorse", "--ceremony", test.path)
        #expect(refusal.stderr.split(separator: "\n").count == 1, "\(refusal.stderr)")
        #expect(!refusal.stderr.contains("\u{1B}"), "a raw escape reached stderr")
    }

    /// A declaration whose keyid is not its key's hash is refused by propose.
    @Test func aDeclarationWithAnotherKeyidIsRefused() throws {
        let test = try TestCeremony(cards: 1, batchSize: 1, setUp: false)
        expectSuccess(try Tools.siteA("init", "--ceremony", test.path))
        expectSuccess(try Tools.siteB("init", "--ceremony", test.path))
        let keyA = try test.siteKey(.siteA)
        let keyB = try test.siteKey(.siteB)
        let file = test.layout.declaration(.siteB)
        let envelope = try Envelope(json: Data(contentsOf: file))
        let text = String(decoding: envelope.payload, as: UTF8.self)
            .replacingOccurrences(of: KeyID(publicKey: keyB.publicKey).hex, with: KeyID(publicKey: keyA.publicKey).hex)
        let forged = Envelope(payloadType: envelope.payloadType, payload: Data(text.utf8), signers: [keyB])
        try forged.json.write(to: file)
        try expectRefusalChangingNothing(test, containing: "keyid \(KeyID(publicKey: keyA.publicKey).humanForm) is not")
        {
            try Tools.siteA("propose", "--ceremony", test.path, "--cards", "1", "--batch-size", "1")
        }
    }

    /// Refusals name keys by the same short form people read aloud.
    @Test func refusalsNameKeysByTheirShortForm() throws {
        let stranger = try Ed25519.SigningKey(seed: SecretBytes(copying: [UInt8](repeating: 7, count: 32)))
        let envelope = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [stranger])
        let id = KeyID(publicKey: stranger.publicKey)
        #expect(throws: EnvelopeError.unknownKeyID(id.hex)) {
            try envelope.verifiedPayload(expectedType: "t", trusted: [:], required: [])
        }
        #expect(EnvelopeError.unknownKeyID(id.hex).description == "signed by an unknown key \(id.humanForm)")
        #expect(id.humanForm.count == 19 && id.humanForm.split(separator: " ").count == 4)
        let digits = Array(id.hex)
        let groups = [0, 4, 8, 12].map { String(digits[$0..<$0 + 4]) }
        #expect(id.humanForm == groups.joined(separator: " "))
    }

    // MARK: Canonical payloads

    /// Every payload an honest ceremony signs is canonical: decoding and encoding
    /// again gives exactly the signed bytes.
    @Test func honestPayloadsAreCanonical() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runAll()
        let transcript = try Transcript.load(test.layout)
        let entries = try transcript.entries()
        #expect(entries.count >= 6)
        for entry in entries {
            let bytes = entry.envelope.payload
            #expect(try entry.header.type.canonicalHeader(of: bytes).sequence == entry.header.sequence)
        }
        let manifest = try Envelope(json: Data(contentsOf: test.layout.manifest)).payload
        #expect(try Payload<ManifestBody>.decodeCanonical(manifest).encoded() == manifest)
    }

    /// Each way to make two readers see two values, re-signed by the legitimate
    /// signer, is refused by site B with one line naming the field.
    @Test(
        arguments: [
            ("duplicate key", #"{"#, #"{"batch":1,"#, "duplicate field batch"),
            ("unknown field", #""body":{"#, #""body":{"extra":1,"#, "unknown or aliased field body.extra"),
            (
                "aliased field", #""cards":[{"#, #""cards":[{"passphraseCommitment":"x","#,
                "unknown or aliased field body.cards[0].passphraseCommitment"
            ),
            ("white space", #""batch":1"#, #""batch": 1"#, "payload is not canonical"),
            ("number spelling", #""batch":1"#, #""batch":1.0"#, "field batch is not in canonical form"),
            ("serial spelling", #""serial":"0000001-0000""#, #""serial":"+1-+0""#, "is not in canonical form"),
            (
                "string escape", #""type":"intermediate-batch""#, #""type":"intermediate\u002Dbatch""#,
                "not in canonical form"
            ),
        ])
    func nonCanonicalPayloadsAreRefused(_ what: String, _ find: String, _ replace: String, _ cause: String) throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let file = test.layout.intermediateBatch(1)
        let envelope = try Envelope(json: Data(contentsOf: file))
        let text = String(decoding: envelope.payload, as: UTF8.self)
        let range = try #require(text.range(of: find), "\(what): \(find) not in \(text.prefix(200))")
        let forged = text.replacingCharacters(in: range, with: replace)
        let resigned = Envelope(
            payloadType: envelope.payloadType, payload: Data(forged.utf8), signers: [try test.siteKey(.siteA)])
        try resigned.json.write(to: file)
        try expectRefusalChangingNothing(test, containing: cause) {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        // The audit reads it through the same reader.
        let transcript = try Transcript.load(test.layout)
        guard case .failure(let refusal) = transcript.read(file) else {
            Issue.record("\(what): the reader took it")
            return
        }
        #expect(refusal.reason == .malformedPayload, "\(what)")
        #expect(refusal.message.contains(cause), "\(what): \(refusal.message)")
    }

    // MARK: Strict envelopes

    @Test(
        arguments: [
            ("two payload members", "twice"),
            ("an extra member", "a member DSSE does not define"),
            ("an extra signature member", "a member DSSE does not define"),
            ("bytes after the JSON", "bytes after the JSON value"),
        ])
    func nonStrictEnvelopesAreRefused(_ what: String, _ cause: String) throws {
        let test = try TestCeremony(cards: 1, batchSize: 1)
        expectSuccess(try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let file = test.layout.intermediateBatch(1)
        var text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        let envelope = try Envelope(json: Data(text.utf8))
        let payload = envelope.payload.base64EncodedString()
        switch what {
        case "two payload members":
            // A second payload (any bytes) beside the signed one: readers that keep the last see other bytes.
            text = text.replacingOccurrences(of: "{\n", with: "{\n  \"payload\" : \"e30=\",\n", options: .anchored)
        case "an extra member":
            text = text.replacingOccurrences(of: "{\n", with: "{\n  \"note\" : \"ignored\",\n", options: .anchored)
        case "an extra signature member":
            text = text.replacingOccurrences(of: "\"keyid\"", with: "\"public\" : \"x\",\n      \"keyid\"")
        default:
            text += "{}"
        }
        #expect(text.contains(payload))
        try Data(text.utf8).write(to: file)
        try expectRefusalChangingNothing(test, containing: cause) {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        #expect(throws: EnvelopeError.self) { try Envelope(json: Data(text.utf8)) }
    }

    @Test func ourOwnEnvelopesAreStrict() throws {
        let key = try Ed25519.SigningKey(seed: SecretBytes(copying: [UInt8](repeating: 9, count: 32)))
        let envelope = Envelope(payloadType: "t", payload: Data("{}".utf8), signers: [key, key])
        #expect(try Envelope(json: envelope.json) == envelope)
    }

    /// Rewrites ceremony.json's site A keyid (A signs it again, as a dishonest A would).
    func respoofManifest(_ test: TestCeremony, siteAKeyid: String) throws {
        let keyA = try test.siteKey(.siteA)
        let envelope = try Envelope(json: Data(contentsOf: test.layout.manifest))
        let text = String(decoding: envelope.payload, as: UTF8.self)
        let real = KeyID(publicKey: keyA.publicKey).hex
        let escaped = String(decoding: try JSONEncoder().encode(siteAKeyid), as: UTF8.self).dropFirst().dropLast()
        // site_a sorts before site_b: the first occurrence of A's keyid is site_a.keyid.
        let range = try #require(text.range(of: "\"keyid\":\"\(real)\""))
        let forged = text.replacingCharacters(in: range, with: "\"keyid\":\"\(escaped)\"")
        try Envelope(payloadType: envelope.payloadType, payload: Data(forged.utf8), signers: [keyA]).json
            .write(to: test.layout.manifest)
    }
}
