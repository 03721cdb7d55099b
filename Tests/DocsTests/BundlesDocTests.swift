import Ceremony
import CryptoCore
import Foundation
import Testing

/// The example ceremony's files, read the way Docs/Bundles.md says a verifier
/// reads them: JSON envelope, base64 payload, hex SHA-256 digests.
enum Example {
    struct Envelope: Sendable {
        let file: String
        let payloadType: String
        let payload: Data
        let signatures: [(keyid: String, sig: String)]
        var digest: String { SHA256.hash(Array(payload)).hex }

        /// The payload's decoded header fields.
        var header: [String: Any] { (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] ?? [:] }
        var type: String { header["type"] as? String ?? "" }
        var signer: String { header["signer"] as? String ?? "" }
        var sequence: Int { header["sequence"] as? Int ?? -1 }
        var batch: Int? { header["batch"] as? Int }
        var prev: String? { header["prev"] as? String }
        var answers: String? { header["answers"] as? String }
        var body: [String: Any] { header["body"] as? [String: Any] ?? [:] }
    }

    static func read(_ relative: String) throws -> Envelope {
        let data = try Data(contentsOf: Paths.exampleCeremony.appendingPathComponent(relative))
        let object = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(relative) is not a JSON object")
        let payload = try #require(
            Data(base64Encoded: object["payload"] as? String ?? ""), "\(relative): payload is not base64")
        let signatures = (object["signatures"] as? [[String: String]] ?? []).map {
            ($0["keyid"] ?? "", $0["sig"] ?? "")
        }
        return Envelope(
            file: relative, payloadType: object["payloadType"] as? String ?? "", payload: payload,
            signatures: signatures)
    }

    /// Every envelope of the example: ceremony.json and transfer/*.json.
    static func all() throws -> [Envelope] {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: Paths.exampleCeremony.appendingPathComponent("transfer").path)
        return try (["ceremony.json"] + names.filter { $0.hasSuffix(".json") }.sorted().map { "transfer/\($0)" }).map(
            read)
    }

    /// Secret records as Docs/Bundles.md describes them: `name: value` lines, a blank line between records.
    static func records(_ relative: String) throws -> [[String: String]] {
        let text = try String(contentsOf: Paths.exampleCeremony.appendingPathComponent(relative), encoding: .utf8)
        return text.components(separatedBy: "\n\n").compactMap { chunk in
            var record: [String: String] = [:]
            for line in chunk.split(separator: "\n") {
                guard let colon = line.range(of: ": ") else { continue }
                record[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
            }
            return record.isEmpty ? nil : record
        }
    }

    static var layout: CeremonyLayout { CeremonyLayout(root: Paths.exampleCeremony) }

    /// JSON in one canonical text (sorted keys), to compare two documents by value.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

@Suite("Docs/Bundles.md") struct BundlesDocTests {
    @Test("every payload type (PayloadKind) is in the table with its exact payloadType string")
    func payloadTypes() throws {
        let page = try Page("Bundles.md")
        let rows = page.tableRows
        for kind in PayloadKind.allCases {
            let row = rows.first { $0.first == "`\(kind.rawValue)`" }
            #expect(row != nil, "Docs/Bundles.md: no payload-type row for `\(kind.rawValue)`")
            #expect(
                row.map { $0.count > 1 && $0[1] == "`\(kind.payloadType)`" } == true,
                "Docs/Bundles.md: `\(kind.rawValue)` should read `\(kind.payloadType)`")
            let named = page.text.contains(kind.payloadType)
            #expect(named, "Docs/Bundles.md never names \(kind.payloadType)")
        }
        let documented = rows.filter { $0.count > 1 && $0[1].hasPrefix("`application/vnd.bip38-2fkg.") }.map { $0[0] }
        #expect(
            Set(documented) == Set(PayloadKind.allCases.map { "`\($0.rawValue)`" }),
            "stale payload-type rows: \(documented)")
    }

    @Test("each `Payload:` example is exactly the example file's payload, and every kind has one")
    func payloadExamples() throws {
        let examples = try Page("Bundles.md").examples("Payload")
        var kinds = Set<String>()
        for (path, block) in examples {
            let envelope = try Example.read(path)
            kinds.insert(envelope.type)
            let shown = try Example.canonical(Data(block.lines.joined(separator: "\n").utf8))
            let same = shown == (try Example.canonical(envelope.payload))
            #expect(
                same,
                "Docs/Bundles.md line \(block.firstLine): the example is not \(path)'s payload; run Tests/DocsTests/Fixtures/regenerate.sh --docs-only"
            )
        }
        #expect(kinds == Set(PayloadKind.allCases.map(\.rawValue)), "kinds with an example: \(kinds.sorted())")
    }

    @Test("each `File:` example is exactly the example file's text")
    func fileExamples() throws {
        let examples = try Page("Bundles.md").examples("File")
        #expect(examples.count >= 3)
        for (path, block) in examples {
            let text = try String(contentsOf: Paths.exampleCeremony.appendingPathComponent(path), encoding: .utf8)
            let actual = CLIDoc.lines(text)
            let same = block.lines == actual
            #expect(
                same,
                "Docs/Bundles.md, \(path): \(firstDifference(documented: block.lines, actual: actual, firstLine: block.firstLine))"
            )
        }
    }

    @Test("the example ceremony still verifies with today's code: manifest, transcript, chains, closing manifest")
    func exampleVerifies() throws {
        let ceremony = try Transcript.load(Example.layout)
        let transcript = try ceremony.entries()
        #expect(transcript.count == 11)
        for entry in transcript { try ceremony.checkChain(entry, within: transcript) }
        let (closing, _) = try ceremony.open(
            Example.layout.closingManifest, kind: .closingManifest, signer: .siteA, batch: nil,
            as: ClosingManifestBody.self)
        #expect(closing.payload.body.entries == Closing.entries(manifest: ceremony, transcript: transcript))
    }

    @Test("envelopes follow the documented rules: keyid, PAE, Ed25519, digest of the payload bytes")
    func envelopeRules() throws {
        let manifest = try Example.read("ceremony.json")
        let body = manifest.body
        var keys: [String: [UInt8]] = [:]
        for site in ["site_a", "site_b"] {
            let key = try #require(body[site] as? [String: String])
            let raw = try #require([UInt8](hexString: key["public_key"] ?? ""))
            #expect(SHA256.hash(raw).hex == key["keyid"], "keyid is the hex SHA-256 of the raw public key")
            keys[SHA256.hash(raw).hex] = raw
        }
        for envelope in try Example.all() {
            let type = Array(envelope.payloadType.utf8)
            let pae =
                Array("DSSEv1 \(type.count) ".utf8) + type + Array(" \(envelope.payload.count) ".utf8)
                + Array(envelope.payload)
            #expect(!envelope.signatures.isEmpty)
            for signature in envelope.signatures {
                var raw = keys[signature.keyid]
                if raw == nil, envelope.type == PayloadKind.siteDeclaration.rawValue,
                    let key = envelope.body["key"] as? [String: String]
                {
                    raw = [UInt8](hexString: key["public_key"] ?? "")  // self-signed
                }
                let publicKey = try #require(raw, "\(envelope.file): unknown keyid \(signature.keyid)")
                let sig = try #require(Data(base64Encoded: signature.sig))
                #expect(Ed25519.verify(signature: Array(sig), message: pae, publicKey: publicKey), "\(envelope.file)")
            }
            #expect(envelope.payloadType == "application/vnd.bip38-2fkg.\(envelope.type).v1+json", "\(envelope.file)")
            #expect(PayloadDigest(of: envelope.payload).hex == envelope.digest)
        }
    }

    @Test("chains follow the documented rules: rooted at the manifest, one step per payload, answers as tabled")
    func chainRules() throws {
        let all = try Example.all()
        let manifest = try #require(all.first { $0.type == "ceremony-manifest" })
        #expect(manifest.sequence == 0 && manifest.prev == nil && manifest.answers == nil)
        let chained = all.filter { $0.type != "ceremony-manifest" && $0.type != "site-key-declaration" }
        for signer in ["site-a", "site-b"] {
            let own = chained.filter { $0.signer == signer }.sorted { $0.sequence < $1.sequence }
            #expect(own.map(\.sequence) == Array(1...own.count), "\(signer)'s sequences")
            var prev = manifest.digest
            for envelope in own {
                #expect(envelope.prev == prev, "\(envelope.file): prev")
                prev = envelope.digest
            }
        }
        func find(_ type: String, _ signer: String, _ batch: Int?) -> Example.Envelope? {
            chained.first { $0.type == type && $0.signer == signer && $0.batch == batch }
        }
        for envelope in chained {
            let answered: Example.Envelope? =
                switch (envelope.type, envelope.signer) {
                case ("key-batch", _): find("intermediate-batch", "site-a", envelope.batch)
                case ("confirmation-report", _): find("key-batch", "site-b", envelope.batch)
                case ("retention-statement", "site-a"): find("confirmation-report", "site-a", envelope.batch)
                case ("retention-statement", "site-b"): find("intermediate-batch", "site-a", envelope.batch)
                default: nil
                }
            #expect(envelope.answers == answered?.digest, "\(envelope.file): answers")
        }
        for declaration in all where declaration.type == "site-key-declaration" {
            #expect(declaration.sequence == 0 && declaration.prev == nil && declaration.header["ceremony"] == nil)
        }
    }

    @Test("commitments follow the documented formulas, from the labels and the card faces")
    func commitments() throws {
        let all = try Example.all()
        var passphraseCommitments: [String: String] = [:]
        var keyCommitments: [String: String] = [:]
        for envelope in all {
            for card in envelope.body["cards"] as? [[String: Any]] ?? [] {
                let serial = card["serial"] as? String ?? ""
                if let c = card["passphrase_commitment"] as? String { passphraseCommitments[serial] = c }
                if let c = card["encrypted_key_commitment"] as? String { keyCommitments[serial] = c }
            }
        }
        #expect(passphraseCommitments.count == 4 && keyCommitments.count == 4)
        for batch in 1...2 {
            for label in try Example.records("printed/site-a/\(CeremonyLayout.batchName(batch)).labels") {
                let serial = try #require(label["serial"])
                let salt = try #require([UInt8](hexString: label["commitment-salt"] ?? ""))
                #expect(salt.count == 16)
                let opened = SHA256.hash(
                    Array("bip38-2fkg passphrase commitment v1".utf8) + salt + Array((label["passphrase"] ?? "").utf8))
                #expect(opened.hex == passphraseCommitments[serial], "card \(serial): passphrase commitment")
            }
            let facesData = try Data(
                contentsOf: Paths.exampleCeremony.appendingPathComponent(
                    "printed/site-b/\(CeremonyLayout.batchName(batch)).faces.json"))
            for face in try #require(try JSONSerialization.jsonObject(with: facesData) as? [[String: String]]) {
                let serial = face["serial"] ?? ""
                #expect(
                    SHA256.hash(Array((face["encrypted_key"] ?? "").utf8)).hex == keyCommitments[serial],
                    "card \(serial): key commitment")
            }
        }
    }

    @Test("every field name on the wire, and every file name of the layout, is in Bundles.md")
    func fieldsAndFiles() throws {
        let text = try Page("Bundles.md").text
        var keys: Set<String> = ["payloadType", "payload", "signatures", "keyid", "sig"]
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    keys.insert(key)
                    collect(inner)
                }
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        for envelope in try Example.all() { collect(try JSONSerialization.jsonObject(with: envelope.payload)) }
        collect(
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: Paths.exampleCeremony.appendingPathComponent("printed/site-b/batch-0001.faces.json"))))
        for record in try Example.records("printed/site-a/batch-0001.labels") { keys.formUnion(record.keys) }
        keys.insert("intermediate-code")  // the journal's extra field
        for key in keys.sorted() {
            let named = text.contains("`\(key)`")
            #expect(named, "Docs/Bundles.md never names the field `\(key)`")
        }

        let layout = Example.layout
        let files = [
            layout.manifest, layout.intermediateBatch(1), layout.keyBatch(1), layout.confirmationReport(1),
            layout.retention(.siteA, batch: 1), layout.retention(.siteB, batch: 1), layout.closingManifest,
            layout.declaration(.siteA), layout.declaration(.siteB), layout.auditorDeclaration, layout.labels(1),
            layout.faces(1),
        ].map { layout.relative($0).replacingOccurrences(of: "batch-0001", with: "batch-NNNN") }
        for file in files + [SiteIdentity.fileName] {
            let named = text.contains(file)
            #expect(named, "Docs/Bundles.md never names \(file)")
        }
    }

    @Test("values the prose quotes (digests, keys, codes, passphrases, human forms) come from the example ceremony")
    func quotedValues() throws {
        var known = Set<String>()
        // The auditor's files too: its declaration and its sample commitment.
        let audit = try FileManager.default.contentsOfDirectory(
            atPath: Paths.exampleCeremony.appendingPathComponent("audit").path
        ).filter { $0.hasSuffix(".json") }.sorted().map { try Example.read("audit/\($0)") }
        for envelope in try Example.all() + audit {
            known.insert(envelope.digest)
            known.formUnion(
                matches(
                    "[0-9a-f]{32,64}|[1-9A-HJ-NP-Za-km-z]{25,}", in: String(decoding: envelope.payload, as: UTF8.self)))
        }
        for batch in 1...2 {
            let name = CeremonyLayout.batchName(batch)
            for file in ["printed/site-a/\(name).labels", "printed/site-b/\(name).faces.json"] {
                let text = try String(contentsOf: Paths.exampleCeremony.appendingPathComponent(file), encoding: .utf8)
                known.formUnion(
                    matches("[0-9a-f]{32,64}|[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}|[1-9A-HJ-NP-Za-km-z]{25,}", in: text))
            }
        }
        let humanForms = Set(known.filter { $0.count == 64 }.compactMap { PayloadDigest(hex: $0)?.humanForm })
        for name in ["Bundles.md", "CLI.md", "Audit.md"] {
            let text = try Page(name).text
            let quoted = matches(
                "\\b[0-9a-f]{64}\\b|\\b[0-9a-f]{32}\\b|\\b(?:6P|cfrm38|passphrase)[1-9A-HJ-NP-Za-km-z]{40,}|\\b1[1-9A-HJ-NP-Za-km-z]{25,33}\\b|\\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\\b",
                in: text)
            for value in Set(quoted).sorted() {
                let isKnown = known.contains(value)
                #expect(
                    isKnown,
                    "Docs/\(name) quotes \(value), which is not in the example ceremony: update the prose after regenerating"
                )
            }
            guard name != "Audit.md" else { continue }  // Audit.md quotes a fresh auditor key
            for form in Set(matches("\\b[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}\\b", in: text)).sorted() {
                let isKnown = humanForms.contains(form)
                #expect(
                    isKnown, "Docs/\(name) quotes the human form \(form), which is no digest or keyid of the example")
            }
        }
    }
}
