import BIP38
import Ceremony
import CryptoCore
import Foundation
import Testing

/// Refusals are one typed value: tests assert the code, the file and the card, not only the text.
@Suite struct ErrorCodes {
    /// Runs `body` and returns the ``CeremonyError`` it throws.
    func refusal(_ body: () throws -> Void) throws -> CeremonyError {
        do {
            try body()
        } catch let error as CeremonyError {
            return error
        }
        Issue.record("no CeremonyError was thrown")
        throw CeremonyError(.failed, "expected a refusal")
    }

    @Test func aStepDoneTwiceIsAlreadyDone() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let site = try PassphraseSite(layout: test.layout)
        try site.issue(batch: 1)
        let error = try refusal { try site.issue(batch: 1) }
        #expect(error.code == .alreadyDone)
        #expect(error.serial == nil)
        #expect(error.description == "batch 1 already issued (transfer/batch-0001.intermediate.json)")
    }

    @Test func aBatchOutsideTheCeremonyIsOutOfOrder() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let error = try refusal { try PassphraseSite(layout: test.layout).issue(batch: 2) }
        #expect(error == CeremonyError(.outOfOrder, "batch 2 is not in this ceremony (1...1)"))
    }

    @Test func aMissingBundleNamesItsFile() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let error = try refusal { try KeySite(layout: test.layout).mint(batch: 1) }
        #expect(error.code == .missingFile)
        #expect(error.file == test.layout.intermediateBatch(1).path)
        #expect(error.description == "\(test.layout.intermediateBatch(1).path): missing")
    }

    @Test func aDamagedJournalRecordNamesItsCard() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let site = try PassphraseSite(layout: test.layout)
        try site.issue(batch: 1)
        let serial = Serial(lot: 1, sequence: 1)
        let record = test.layout.journalRecord(1, serial)
        try FileManager.default.removeItem(at: test.layout.intermediateBatch(1))
        try Data("serial: \(serial)\n".utf8).write(to: record)
        let error = try refusal { try site.issue(batch: 1) }
        #expect(error.code == .refusedCard)
        #expect(error.serial == serial)
        #expect(error.file == record.path)
        #expect(error.message == "journal record is damaged")
    }

    @Test func aTamperedBundleIsABadEnvelopeWithItsCause() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try PassphraseSite(layout: test.layout).issue(batch: 1)
        let file = test.layout.intermediateBatch(1)
        var envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        var payload = try #require(Data(base64Encoded: envelope["payload"] as! String))
        payload[payload.count / 2] ^= 0x01
        envelope["payload"] = payload.base64EncodedString()
        try JSONSerialization.data(withJSONObject: envelope).write(to: file)
        let error = try refusal { try KeySite(layout: test.layout).mint(batch: 1) }
        #expect(error.code == .badEnvelope)
        #expect(error.file == file.path)
        let cause = try #require(error.underlying as? EnvelopeError)
        guard case .badSignature = cause else {
            Issue.record("expected a bad signature, got \(cause)")
            return
        }
    }

    @Test func equalityIgnoresTheUnderlyingCause() {
        let a = CeremonyError(.readFailed, file: "f", "cannot read: x", underlying: EnvelopeError.unsigned)
        let b = CeremonyError(.readFailed, file: "f", "cannot read: x")
        #expect(a == b)
        #expect(a != CeremonyError(.writeFailed, file: "f", "cannot read: x"))
        #expect(a != CeremonyError(.readFailed, file: "f", serial: Serial(lot: 1, sequence: 0), "cannot read: x"))
    }
}

/// The sites and the audit read `transfer/` through one reader: each refusal
/// the reader gives is what a site throws, with the same words.
@Suite struct OneTranscriptReader {
    @Test func aSiteThrowsExactlyTheReadersRefusal() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try PassphraseSite(layout: test.layout).issue(batch: 1)
        let transcript = try Transcript.load(test.layout)
        let file = test.layout.intermediateBatch(1)

        // Each damage, and the reason the reader gives for it.
        let cases: [(String, Data, TranscriptRefusal.Reason)] = [
            ("not JSON", Data("{".utf8), .unreadable),
            ("another type", try retyped(Data(contentsOf: file), "application/vnd.other+json"), .unknownType),
        ]
        let original = try Data(contentsOf: file)
        for (what, bytes, reason) in cases {
            try bytes.write(to: file)
            guard case .failure(let refusal) = transcript.read(file) else {
                Issue.record("\(what): the reader took it")
                continue
            }
            #expect(refusal.reason == reason, "\(what)")
            #expect(throws: refusal.ceremonyError, "\(what)") { try transcript.entry(file) }
            #expect(refusal.ceremonyError.description == refusal.description, "\(what)")
        }
        try original.write(to: file)
        guard case .success(let entry) = transcript.read(file) else {
            Issue.record("the honest bundle was refused")
            return
        }
        #expect(entry.header.type == .intermediateBatch)
        #expect(try transcript.entries().map(\.digest) == [entry.digest])
    }

    func retyped(_ data: Data, _ type: String) throws -> Data {
        var envelope = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        envelope["payloadType"] = type
        return try JSONSerialization.data(withJSONObject: envelope)
    }
}
