import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// Each refusal the sites make, through the executables: exit 1 and one line naming the file, card and cause.
@Suite struct SiteRefusals {
    @Test func mintingABatchTwiceIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        let before = try Data(contentsOf: test.layout.keyBatch(1))
        try expectRefusalChangingNothing(test, containing: "batch 1 already minted") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        #expect(try Data(contentsOf: test.layout.keyBatch(1)) == before)
        try expectRefusalChangingNothing(test, containing: "batch 1 already issued") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
    }

    @Test func tamperedForgedAndReplayedBundlesAreRefused() throws {
        let test = try TestCeremony(cards: 4, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let (file, original, siteA) = try test.genuineBundle(test.layout.intermediateBatch(1), signedBy: .siteA)

        // One byte of the payload changed.
        var envelope = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        var payload = try #require(Data(base64Encoded: envelope["payload"] as! String))
        payload[payload.count / 2] ^= 0x01
        envelope["payload"] = payload.base64EncodedString()
        try JSONSerialization.data(withJSONObject: envelope).write(to: file)
        try expectRefusalChangingNothing(test, containing: "bad signature") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }

        // Re-signed by a key that is not in the manifest.
        try original.write(to: file)
        try test.resign(file, as: IntermediateBatchBody.self, signer: Ed25519.SigningKey()) { $0 }
        try expectRefusalChangingNothing(test, containing: "unknown key") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }

        // Signed by A but bound to another ceremony.
        try original.write(to: file)
        try test.resign(file, as: IntermediateBatchBody.self, signer: siteA) {
            $0.with(ceremony: "00ff00ff00ff00ff00ff00ff00ff00ff")
        }
        try expectRefusalChangingNothing(test, containing: "belongs to ceremony 00ff00ff") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }

        // Batch 1's bundle replayed as batch 2.
        try original.write(to: file)
        try original.write(to: test.layout.intermediateBatch(2))
        try expectRefusalChangingNothing(test, containing: "is for batch 1, expected 2") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "2")
        }
        try FileManager.default.removeItem(at: test.layout.intermediateBatch(2))

        // A truncated file.
        try original.prefix(original.count / 2).write(to: file)
        try expectRefusalChangingNothing(test, containing: "not a DSSE envelope") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }

        // The untouched bundle still mints: the refusals changed nothing.
        try original.write(to: file)
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
    }

    @Test func offPolicyCardsAreRefusedNamingTheSerial() throws {
        let test = try TestCeremony(cards: 3, batchSize: 3)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let (file, original, siteA) = try test.genuineBundle(test.layout.intermediateBatch(1), signedBy: .siteA)
        typealias Card = IntermediateBatchBody.Card
        func forge(_ edit: @escaping ([Card]) -> [Card]) throws {
            try original.write(to: file)
            try test.resign(file, as: IntermediateBatchBody.self, signer: siteA) {
                $0.with(body: IntermediateBatchBody(cards: edit($0.body.cards)))
            }
        }
        func mint() throws -> Tools.Result { try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1") }

        try forge { cards in [cards[0], cards[1], cards[1]] }
        try expectRefusalChangingNothing(test, containing: "card 0000001-0001: serial appears twice") { try mint() }

        try forge { cards in [cards[0], cards[1]] }
        try expectRefusalChangingNothing(test, containing: "card 0000001-0002: missing from the batch") { try mint() }

        // Card 2 carries card 1's code: its lot/sequence is not its serial.
        try forge { cards in
            [
                cards[0], cards[1],
                Card(
                    serial: cards[2].serial, lot: cards[2].lot, sequence: cards[2].sequence,
                    intermediateCode: cards[1].intermediateCode, passphraseCommitment: cards[2].passphraseCommitment),
            ]
        }
        try expectRefusalChangingNothing(
            test, containing: "card 0000001-0002: intermediate code's lot 1 sequence 1 is not the serial"
        ) {
            try mint()
        }

        // A code without lot/sequence.
        let plain = try IntermediateCode.make(
            passphrase: Passphrase("x"), random: FixedRandomSource([[1, 2, 3, 4, 5, 6, 7, 8]]))
        try forge { cards in
            [
                Card(
                    serial: cards[0].serial, lot: cards[0].lot, sequence: cards[0].sequence,
                    intermediateCode: plain.intermediateCode, passphraseCommitment: cards[0].passphraseCommitment),
                cards[1], cards[2],
            ]
        }
        try expectRefusalChangingNothing(
            test, containing: "card 0000001-0000: intermediate code carries no lot/sequence"
        ) {
            try mint()
        }

        // A code whose passpoint is not on the curve (re-checksummed so only the point is wrong).
        var bytes = cards(original)[1].intermediateCode.bytes
        bytes[17...] = ArraySlice(repeating: 0xFF, count: 32)
        let badCode = Base58.checkEncode(bytes)
        try original.write(to: file)
        try forgeRaw(file: file, signer: siteA, replacing: cards(original)[1].intermediateCode.text, with: badCode)
        try expectRefusalChangingNothing(test, containing: "card 0000001-0001: intermediate code: point not on curve") {
            try mint()
        }

        try original.write(to: file)
        expectSuccess(try mint())
    }

    @Test func aSubstitutedAddressFailsVerificationNamingTheCard() throws {
        let test = try TestCeremony(cards: 3, batchSize: 3)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        // Site B swaps card 1's address for one it controls, and re-signs.
        let substitute = PrivateKey.random().address(format: .compressed, network: .mainnet)
        try test.resign(test.layout.keyBatch(1), as: KeyBatchBody.self, signer: try test.siteKey(.siteB)) { payload in
            var cards = payload.body.cards
            let c = cards[1]
            cards[1] = KeyBatchBody.Card(
                serial: c.serial, address: substitute, confirmationCode: c.confirmationCode,
                encryptedKeyCommitment: c.encryptedKeyCommitment)
            return payload.with(body: KeyBatchBody(cards: cards))
        }
        let result = try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
        #expect(result.status == 1)
        #expect(result.stderr.contains("card 0000001-0001: address \(substitute.text) is not the one"))
        #expect(result.stderr.contains("1 card(s) failed confirmation"))
        // The signed report records the failure by serial.
        let ceremony = try Transcript.load(test.layout)
        let (report, _) = try ceremony.open(
            test.layout.confirmationReport(1), kind: .confirmationReport, signer: .siteA, batch: 1,
            as: ConfirmationReportBody.self)
        #expect(report.payload.body.checked == 3)
        #expect(report.payload.body.confirmed == 2)
        #expect(report.payload.body.failures.map(\.serial) == [Serial(lot: 1, sequence: 1)])
    }

    @Test("a key batch that repeats several cards is refused naming the first card repeated, on every run")
    func aKeyBatchRepeatingCardsNamesTheFirstRepeat() throws {
        let test = try TestCeremony(cards: 4, batchSize: 4)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        // Every card twice, the second time in reverse: 0000001-0003 is the first to repeat.
        try test.resign(test.layout.keyBatch(1), as: KeyBatchBody.self, signer: try test.siteKey(.siteB)) { payload in
            payload.with(body: KeyBatchBody(cards: payload.body.cards + payload.body.cards.reversed()))
        }
        try expectRefusalChangingNothing(test, containing: "card 0000001-0003: appears twice") {
            try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
        }
    }

    @Test func aKeyBatchThatAnswersSomethingElseIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        try test.resign(test.layout.keyBatch(1), as: KeyBatchBody.self, signer: try test.siteKey(.siteB)) { p in
            Payload(
                type: p.type, ceremony: p.ceremony, signer: p.signer, batch: p.batch, sequence: p.sequence,
                prev: p.prev, answers: PayloadDigest(of: Data("something else".utf8)), body: p.body)
        }
        try expectRefusalChangingNothing(test, containing: "does not answer this site's intermediate batch 1") {
            try Tools.siteA("verify", "--ceremony", test.path, "--batch", "1")
        }
    }

    @Test func stepsOutOfOrderAreRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 1)
        try expectRefusalChangingNothing(test, containing: "not verified yet") {
            try Tools.siteA("seal", "--ceremony", test.path, "--batch", "1")
        }
        try expectRefusalChangingNothing(test, containing: "batch 3 is not in this ceremony") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "3")
        }
        try expectRefusalChangingNothing(test, containing: "batch-0001.intermediate.json: missing") {
            try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        }
        try expectRefusalChangingNothing(test, containing: "not sealed by site A yet") {
            try Tools.siteA("close", "--ceremony", test.path)
        }
        try expectRefusalChangingNothing(test, containing: "a signing key exists already") {
            try Tools.siteA("init", "--ceremony", test.path)
        }
        try expectRefusalChangingNothing(test, containing: "already endorsed") {
            try Tools.siteB("endorse", "--ceremony", test.path)
        }
    }

    @Test func anUnendorsedManifestIsRefused() throws {
        let test = try TestCeremony(setUp: false)
        try expectSuccess(Tools.siteA("init", "--ceremony", test.path))
        try expectSuccess(Tools.siteB("init", "--ceremony", test.path))
        try expectSuccess(Tools.siteA("propose", "--ceremony", test.path, "--cards", "2", "--batch-size", "2"))
        try expectRefusalChangingNothing(test, containing: "missing the signature") {
            try Tools.siteA("issue", "--ceremony", test.path, "--batch", "1")
        }
    }

    @Test func weakPoliciesAndOversizedBatchesAreRefused() throws {
        let test = try TestCeremony(setUp: false)
        try expectSuccess(Tools.siteA("init", "--ceremony", test.path))
        try expectSuccess(Tools.siteB("init", "--ceremony", test.path))
        expectRefusal(
            try Tools.siteA("propose", "--ceremony", test.path, "--cards", "2", "--batch-size", "2", "--length", "12"),
            containing: "policy gives 60.0 bits, under the 80-bit floor")
        expectRefusal(
            try Tools.siteA("propose", "--ceremony", test.path, "--cards", "5000", "--batch-size", "4097"),
            containing: "batch size must be 1...4096")
        expectRefusal(
            try Tools.siteA(
                "propose", "--ceremony", test.path, "--cards", "8", "--batch-size", "4", "--first-lot", "1048575"),
            containing: "exceed BIP38's 0...1048575")
        try expectSuccess(
            Tools.siteA(
                "propose", "--ceremony", test.path, "--cards", "2", "--batch-size", "2", "--length", "12",
                "--force-weak-policy"))
    }
}

/// The cards of an intermediate batch envelope, decoded without verification (test helper).
private func cards(_ envelopeJSON: Data) -> [IntermediateBatchBody.Card] {
    let envelope = try! Envelope(json: envelopeJSON)
    return try! TranscriptJSON.decoder.decode(Payload<IntermediateBatchBody>.self, from: envelope.payload).body.cards
}

/// Re-signs an envelope whose payload text has one string replaced (to plant a value the types would refuse).
private func forgeRaw(file: URL, signer: Ed25519.SigningKey, replacing old: String, with new: String) throws {
    let envelope = try Envelope(json: try Data(contentsOf: file))
    let text = String(decoding: envelope.payload, as: UTF8.self).replacingOccurrences(of: old, with: new)
    let forged = Envelope(payloadType: envelope.payloadType, payload: Data(text.utf8), signers: [signer])
    try AtomicFile.write(forged.json, to: file, mode: .shared)
}
