import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// `passphrase-site status`, `key-site status`, and `--json` on every site subcommand.
@Suite struct SiteStatus {
    /// `status --json` of `tool`, parsed.
    func status(_ tool: String, _ test: TestCeremony) throws -> [String: Any] {
        let result = try Tools.run(tool, ["status", "--ceremony", test.path, "--json"])
        expectSuccess(result)
        return try result.json()
    }

    func next(_ object: [String: Any]) -> String? {
        (object["next"] as? [String: Any]).flatMap { "\($0["party"]!): \($0["command"]!)" }
    }

    func states(_ object: [String: Any]) -> [String] {
        ((object["batches"] as? [[String: Any]]) ?? []).map { "\($0["batch"]!) \($0["state"]!)" }
    }

    @Test("status follows a ceremony from init to countersigned, for each site, with the next step")
    func statusThroughACeremony() throws {
        let test = try TestCeremony(cards: 4, batchSize: 2, setUp: false)
        let dir = "--ceremony \(test.path)"
        var a = try status("passphrase-site", test)
        #expect(a["stage"] as? String == "not-initialised")
        #expect(next(a) == "site-a: passphrase-site init \(dir)")
        try expectSuccess(Tools.siteA("init", "--ceremony", test.path))
        a = try status("passphrase-site", test)
        #expect(a["stage"] as? String == "initialised")
        #expect(next(a) == "site-b: key-site init \(dir)")
        try expectSuccess(Tools.siteB("init", "--ceremony", test.path))
        try expectSuccess(Tools.siteA("propose", "--ceremony", test.path, "--cards", "4", "--batch-size", "2"))
        let b = try status("key-site", test)
        #expect(b["stage"] as? String == "proposed")
        #expect(next(b) == "site-b: key-site endorse \(dir)")
        try expectSuccess(Tools.siteB("endorse", "--ceremony", test.path))

        a = try status("passphrase-site", test)
        let id = try Transcript.load(test.layout).id
        #expect(a["ceremony"] as? String == id)
        #expect(a["stage"] as? String == "in-progress")
        #expect(states(a) == ["1 pending", "2 pending"])
        #expect(next(a) == "site-a: passphrase-site issue \(dir) --batch 1")

        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        a = try status("passphrase-site", test)
        #expect(states(a) == ["1 issued", "2 pending"])
        #expect((a["batches"] as? [[String: Any]])?.first?["labels_printed"] as? Bool == false)
        #expect(next(a) == "site-a: card-print labels \(dir) --batch 1")
        #expect(next(try status("key-site", test)) == "site-b: key-site mint \(dir) --batch 1")
        try expectSuccess(Tools.run("card-print", ["labels", "--ceremony", test.path, "--batch", "1"]))
        a = try status("passphrase-site", test)
        #expect((a["batches"] as? [[String: Any]])?.first?["labels_printed"] as? Bool == true)
        #expect(next(a) == "site-b: key-site mint \(dir) --batch 1")

        try expectSuccess(Tools.siteB("mint", "--ceremony", test.path, "--batch", "1"))
        #expect(next(try status("key-site", test)) == "site-b: card-print faces \(dir) --batch 1")
        #expect(next(try status("passphrase-site", test)) == "site-a: passphrase-site verify \(dir) --batch 1")
        try expectSuccess(Tools.siteA("verify", "--ceremony", test.path, "--batch", "1"))
        #expect(states(try status("key-site", test)) == ["1 verified", "2 pending"])
        #expect(next(try status("passphrase-site", test)) == "site-a: passphrase-site seal \(dir) --batch 1")
        try expectSuccess(Tools.siteA("seal", "--ceremony", test.path, "--batch", "1"))
        #expect(next(try status("passphrase-site", test)) == "site-a: passphrase-site issue \(dir) --batch 2")

        try test.runBatch(2)
        a = try status("passphrase-site", test)
        #expect(a["stage"] as? String == "sealed")
        #expect(next(a) == "site-a: passphrase-site close \(dir)")
        try expectSuccess(Tools.siteA("close", "--ceremony", test.path))
        #expect(try status("key-site", test)["stage"] as? String == "closed")
        #expect(next(try status("key-site", test)) == "site-b: key-site close \(dir)")
        try expectSuccess(Tools.siteB("close", "--ceremony", test.path))
        a = try status("passphrase-site", test)
        #expect(a["stage"] as? String == "countersigned")
        #expect(next(a) == "auditor: ceremony-audit \(test.path) --key-folder K")
    }

    @Test("status without --json is a table of batches and the next step")
    func statusTable() throws {
        let test = try TestCeremony(cards: 4, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let result = try Tools.siteB("status", "--ceremony", test.path)
        expectSuccess(result)
        let id = try Transcript.load(test.layout).id
        #expect(
            result.stdout == """
                ceremony \(id) as site B sees it: in-progress
                batch  state    faces printed
                1      issued   no
                2      pending  no
                next: site B: key-site mint --ceremony \(test.path) --batch 1

                """)
    }

    @Test("status changes nothing in the ceremony folder")
    func statusChangesNothing() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let before = FolderSnapshot(test.root)
        expectSuccess(try Tools.siteA("status", "--ceremony", test.path))
        expectSuccess(try Tools.siteB("status", "--ceremony", test.path, "--json"))
        #expect(FolderSnapshot(test.root).changes(since: before).isEmpty)
    }

    @Test("status refuses a manifest that is not signed by site A, as every site command does")
    func statusRefusesAForgedManifest() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        // Both signatures replaced by 64 zero bytes: the envelope no longer verifies.
        let file = test.layout.manifest
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var signatures = try #require(object["signatures"] as? [[String: Any]])
        for index in signatures.indices { signatures[index]["sig"] = Data(count: 64).base64EncodedString() }
        object["signatures"] = signatures
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        let result = try Tools.siteA("status", "--ceremony", test.path, "--json")
        #expect(result.status == 1)
        let error = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any], "\(result.stderr)")
        #expect(error["code"] as? String == "badEnvelope")
        #expect((error["file"] as? String)?.hasSuffix("ceremony.json") == true)
    }
}

@Suite struct SiteJSON {
    /// Runs a site command with `--json`: exit 0, and stdout one JSON object.
    func json(_ tool: String, _ arguments: String...) throws -> [String: Any] {
        let result = try Tools.run(tool, arguments + ["--json"])
        expectSuccess(result)
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        return try result.json()
    }

    @Test("every site subcommand prints its result as one JSON object with --json")
    func everySubcommand() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2, setUp: false)
        let d = test.path
        let a = try json("passphrase-site", "init", "--ceremony", d)
        #expect(a["site"] as? String == "site-a")
        #expect((a["keyid"] as? String)?.count == 64)
        let b = try json("key-site", "init", "--ceremony", d)
        #expect(b["site"] as? String == "site-b")
        #expect(b["short_form"] as? String != a["short_form"] as? String)
        let proposed = try json("passphrase-site", "propose", "--ceremony", d, "--cards", "2", "--batch-size", "2")
        #expect(proposed["cards"] as? Int == 2)
        #expect(proposed["batches"] as? Int == 1)
        #expect(proposed["network"] as? String == "mainnet")
        #expect(proposed["site_b_short_form"] as? String == b["short_form"] as? String)
        let id = try #require(proposed["ceremony"] as? String)
        let endorsed = try json("key-site", "endorse", "--ceremony", d)
        #expect(endorsed["ceremony"] as? String == id)
        #expect(endorsed["endorsed"] as? Bool == true)
        #expect(try json("passphrase-site", "issue", "--ceremony", d, "--batch", "1")["issued"] as? Int == 2)
        #expect(try json("key-site", "mint", "--ceremony", d, "--batch", "1")["minted"] as? Int == 2)
        let verified = try json("passphrase-site", "verify", "--ceremony", d, "--batch", "1")
        #expect(verified["checked"] as? Int == 2)
        #expect(verified["confirmed"] as? Int == 2)
        #expect((verified["failures"] as? [Any])?.isEmpty == true)
        #expect(try json("passphrase-site", "seal", "--ceremony", d, "--batch", "1")["sealed"] as? Bool == true)
        let closed = try json("passphrase-site", "close", "--ceremony", d)
        let digest = try #require(closed["closing_manifest"] as? String)
        #expect(
            digest == PayloadDigest(of: try Envelope(json: Data(contentsOf: test.layout.closingManifest)).payload).hex)
        #expect(closed["site_a_key"] as? String == a["short_form"] as? String)
        #expect(closed["sample_commitment"] is NSNull)
        let countersigned = try json("key-site", "close", "--ceremony", d)
        #expect(countersigned["closing_manifest"] as? String == digest)
        #expect(countersigned["countersigned"] as? Bool == true)
    }

    /// stderr as one JSON object (after any warning lines, which --json also writes as JSON).
    func errorObject(_ result: Tools.Result) throws -> [String: Any] {
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(try #require(lines.last).utf8))
        return try #require(object as? [String: Any])
    }

    @Test("with --json a refusal is one JSON object on stderr (code, file, card, message), exit 1, nothing on stdout")
    func refusalAsJSON() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let result = try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1", "--json")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let error = try errorObject(result)
        #expect(error["code"] as? String == "missingFile")
        #expect(error["file"] as? String == test.layout.intermediateBatch(1).path)
        #expect(error["card"] is NSNull)
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(Set(error.keys) == ["code", "file", "card", "message"])
        // The same refusal without --json is the usual line.
        let plain = try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1")
        #expect(plain.status == 1)
        #expect(plain.stderr.hasPrefix("key-site: \(test.layout.intermediateBatch(1).path): "))
    }

    @Test("with --json a refusal naming a card carries its serial")
    func refusalNamingACard() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try expectSuccess(Tools.siteA("issue", "--ceremony", test.path, "--batch", "1"))
        let file = test.layout.intermediateBatch(1)
        try test.resign(file, as: IntermediateBatchBody.self, signer: test.siteKey(.siteA)) { payload in
            var cards = payload.body.cards
            cards[1] = cards[0]
            return payload.with(body: IntermediateBatchBody(cards: cards))
        }
        let result = try Tools.siteB("mint", "--ceremony", test.path, "--batch", "1", "--json")
        #expect(result.status == 1)
        let error = try errorObject(result)
        #expect(error["code"] as? String == "refusedCard")
        #expect(error["card"] as? String == Serial(lot: 1, sequence: 0).description)
    }

    @Test("with --json a usage error is one JSON object on stderr with code usage, exit 64")
    func usageErrorAsJSON() throws {
        let result = try Tools.siteA("issue", "--ceremony", "/nonexistent", "--batch", "0", "--json")
        #expect(result.status == 64)
        let error = try errorObject(result)
        #expect(error["code"] as? String == "usage")
        #expect((error["message"] as? String)?.contains("--batch must be 1 or more") == true)
        let unknown = try Tools.siteB("status", "--frobnicate", "--json")
        #expect(unknown.status == 64)
        #expect(try errorObject(unknown)["code"] as? String == "usage")
    }
}
