import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// The exception log (transfer/exceptions.jsonl): written by either site (signed) and the
/// witness or auditor (unsigned), hash-chained, its head recorded by the closing manifest.
@Suite struct ExceptionLogTests {
    func lines(_ ceremony: TestCeremony) throws -> [Data] {
        try Data(contentsOf: ceremony.layout.exceptionLog).split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }

    @Test("site A, site B and the witness log entries; each holds the digest of the one before")
    func chained() throws {
        let ceremony = try TestCeremony(cards: 2, batchSize: 2)
        let a = try Tools.siteA(
            "log-exception", "--ceremony", ceremony.path, "--step", "A-2.1", "--reason", "issue ran twice")
        expectSuccess(a)
        #expect(a.stdout.contains("exception 1 logged at step A-2.1 by site-a, signed"))
        let reasonFile = ceremony.root.appendingPathComponent("reason.txt")
        try Data("label printer jammed\n".utf8).write(to: reasonFile)
        expectSuccess(
            try Tools.siteB(
                "log-exception", "--ceremony", ceremony.path, "--step", "B-3.2", "--reason-file", reasonFile.path))
        let w = try Tools.run(
            "ceremony-audit",
            ["log-exception", ceremony.path, "--role", "witness", "--step", "X-5.1", "--reason", "door left open"])
        expectSuccess(w)
        #expect(w.stdout.contains("exception 3 logged at step X-5.1 by witness (unsigned)"))

        let lines = try lines(ceremony)
        #expect(lines.count == 3)
        let entries = try lines.map { try TranscriptJSON.decoder.decode(ExceptionEntry.self, from: $0) }
        #expect(entries.map(\.index) == [1, 2, 3])
        #expect(entries.map(\.role) == [.siteA, .siteB, .witness])
        #expect(entries[1].reason == "label printer jammed")
        #expect(entries[0].prev == ExceptionLog.genesis)
        #expect(entries[1].prev == PayloadDigest(of: lines[0]))
        #expect(entries[2].prev == PayloadDigest(of: lines[1]))
        #expect(entries[0].keyid == KeyID(publicKey: try ceremony.siteKey(.siteA).publicKey).hex)
        #expect(entries[0].sig != nil && entries[1].sig != nil && entries[2].sig == nil)
        #expect(entries.allSatisfy { $0.ceremony == (try? Transcript.load(ceremony.layout))?.id })
        // The last command printed the head: the digest of the last line.
        #expect(w.stdout.contains("head \(PayloadDigest(of: lines[2]).hex)"))
        let log = try ExceptionLog.read(ceremony.layout)
        #expect(log.failure == nil && log.entries.count == 3)
    }

    @Test("close records the log's count and head; key-site refuses a closing manifest the log no longer matches")
    func closingRecordsHead() throws {
        let ceremony = try TestCeremony(cards: 2, batchSize: 2)
        try ceremony.runBatch(1)
        for step in ["A-2.1", "B-3.1"] {
            expectSuccess(
                try Tools.run(
                    "ceremony-audit",
                    [
                        "log-exception", ceremony.path, "--role", "auditor", "--step", step, "--reason",
                        "noted at \(step)",
                    ]))
        }
        let close = try Tools.siteA("close", "--ceremony", ceremony.path)
        expectSuccess(close)
        let lines = try lines(ceremony)
        let head = PayloadDigest(of: lines[1])
        #expect(close.stdout.contains("records the exception log: 2 entries, head \(head.humanForm)"))
        let envelope = try Envelope(json: Data(contentsOf: ceremony.layout.closingManifest))
        let closing = try TranscriptJSON.decoder.decode(Payload<ClosingManifestBody>.self, from: envelope.payload)
        #expect(closing.body.exceptionLog == ExceptionLog.Summary(entries: 2, head: head))
        // The log cut back to one entry: site B does not countersign.
        try (lines[0] + Data("\n".utf8)).write(to: ceremony.layout.exceptionLog)
        expectRefusal(
            try Tools.siteB("close", "--ceremony", ceremony.path),
            containing: "records an exception log of 2 entries ending \(head.humanForm)")
    }

    @Test("a broken log is refused: nothing more is logged, and close refuses, naming the line")
    func brokenLogRefused() throws {
        let ceremony = try TestCeremony(cards: 2, batchSize: 2)
        for reason in ["first", "second"] {
            expectSuccess(
                try Tools.siteA("log-exception", "--ceremony", ceremony.path, "--step", "S-1.3", "--reason", reason))
        }
        let text = try String(contentsOf: ceremony.layout.exceptionLog, encoding: .utf8)
        try text.replacingOccurrences(of: "\"reason\":\"first\"", with: "\"reason\":\"frist\"").write(
            to: ceremony.layout.exceptionLog, atomically: true, encoding: .utf8)
        expectRefusal(
            try Tools.siteA("log-exception", "--ceremony", ceremony.path, "--step", "S-1.3", "--reason", "third"),
            containing: "transfer/exceptions.jsonl: line 1: not signed by site A's key")
        try ceremony.runBatch(1)
        expectRefusal(
            try Tools.siteA("close", "--ceremony", ceremony.path), containing: "line 1: not signed by site A's key")
        // An unsigned entry edited in the middle breaks the chain at the next line.
        let other = try TestCeremony(cards: 2, batchSize: 2)
        for reason in ["one", "two"] {
            expectSuccess(
                try Tools.run(
                    "ceremony-audit",
                    ["log-exception", other.path, "--role", "witness", "--step", "P-1", "--reason", reason]))
        }
        let edited = try String(contentsOf: other.layout.exceptionLog, encoding: .utf8)
            .replacingOccurrences(of: "\"reason\":\"one\"", with: "\"reason\":\"eno\"")
        try edited.write(to: other.layout.exceptionLog, atomically: true, encoding: .utf8)
        let log = try ExceptionLog.read(other.layout)
        #expect(log.entries.count == 1)
        #expect(log.failure?.line == 2)
        #expect(log.failure?.reason.contains("chain is broken") == true)
    }

    @Test("a reason or step that cannot be logged is a one-line refusal; the witness cannot sign as a site")
    func badInput() throws {
        let ceremony = try TestCeremony(cards: 2, batchSize: 2)
        let step = try Tools.siteA("log-exception", "--ceremony", ceremony.path, "--step", "a 1", "--reason", "x")
        #expect(step.status == 64)
        #expect(step.stderr.contains("is not a runbook step id"))
        let both = try Tools.siteA("log-exception", "--ceremony", ceremony.path, "--step", "A-1")
        #expect(both.status == 64)
        let file = ceremony.root.appendingPathComponent("two-lines.txt")
        try Data("one\ntwo\n".utf8).write(to: file)
        expectRefusal(
            try Tools.siteB(
                "log-exception", "--ceremony", ceremony.path, "--step", "B-3.1", "--reason-file", file.path),
            containing: "transfer/exceptions.jsonl: the reason holds a control character")
        expectRefusal(
            try Tools.siteA("log-exception", "--ceremony", ceremony.path, "--step", "A-1", "--reason", ""),
            containing: "the reason is empty")
        let role = try Tools.run(
            "ceremony-audit", ["log-exception", ceremony.path, "--role", "site-a", "--step", "A-1", "--reason", "x"])
        #expect(role.status == 64)
        #expect(role.stderr.contains("--role must be witness or auditor"))
        #expect(!FileManager.default.fileExists(atPath: ceremony.layout.exceptionLog.path))
    }
}
