@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

/// Applies a fault to a ceremony folder, acting as the dishonest party would:
/// with that party's own signing key where it re-signs what it sends.
package struct Injector {
    package let layout: CeremonyLayout

    package init(layout: CeremonyLayout) { self.layout = layout }

    /// Applies `fault` (for `afterMint` faults, to `batch`).
    ///
    /// What it signs records the build its party's honest payloads record (a dishonest site
    /// copies its own build field; ``Fault/aForgesBuild`` and ``Fault/bRunsOtherBuild`` are
    /// the faults that change it), unless the caller simulates builds already (``MockCeremony``).
    package func inject(_ fault: Fault, batch: Int) throws(CeremonyError) {
        do {
            let builds = Provenance.simulated ?? copiedBuilds()
            try Provenance.$simulated.withValue(builds) { try apply(fault, batch: batch) }
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw CeremonyError(.failed, "injecting \(fault.rawValue): \(error)", underlying: error)
        }
    }

    /// The build each party's key declaration records (nil for a party without one).
    private func copiedBuilds() -> @Sendable (Party, PayloadKind) -> BuildRecord? {
        var builds: [Party: BuildRecord] = [:]
        for party in [Party.siteA, .siteB] {
            guard let data = try? BoundedFile.read(layout.declaration(party), limit: 1 << 16),
                let envelope = try? Envelope(json: data),
                let payload = try? TranscriptJSON.decoder.decode(
                    Payload<SiteDeclarationBody>.self, from: envelope.payload)
            else { continue }
            builds[party] = payload.build
        }
        return { [builds] party, _ in builds[party] }
    }

    private func apply(_ fault: Fault, batch: Int) throws {
        let a = layout.site(.siteA)
        let b = layout.site(.siteB)
        switch fault {
        case .aLogsPassphrases:
            try append(
                a, "logs/issue.log",
                try journal(batch).map { "card \($0.serial) passphrase \($0.passphrase)\n" }.joined())
        case .aLogsPassphrasesHex:
            try append(
                a, "debug/passphrases.hex", try journal(batch).map { Array($0.passphrase.utf8).hex + "\n" }.joined())
        case .aLogsPassphrasesBase64:
            let json = try journal(batch).map { "{\"serial\":\"\($0.serial)\",\"p\":\"\($0.passphrase)\"}" }.joined(
                separator: ",")
            try append(
                a, "trace/dump-\(batch).b64",
                Data("[\(json)]".utf8).base64EncodedString(options: .lineLength76Characters) + "\n")
        case .aLogsPassphrasesJSON:
            let cards = try journal(batch).map { ["serial": $0.serial, "passphrase": $0.passphrase] }
            let data = try JSONSerialization.data(
                withJSONObject: ["cards": cards], options: [.prettyPrinted, .sortedKeys])
            try write(a, "cache/state-\(batch).json", data)
        case .aLogsPassphrasesSQLite:
            try sqlite(
                a.appendingPathComponent("db/ledger.sqlite"),
                rows: try journal(batch).map { ($0.serial, $0.passphrase) })
        case .aKeepsPassfactorNested:
            var lines = ""
            for card in try journal(batch) {
                let owner = try OwnerFactors(
                    passphrase: try Passphrase(card.passphrase), ownerEntropy: card.code.ownerEntropy)
                lines += "\(card.serial) \(owner.passfactor.revealedHex())\n"
            }
            try append(a, "a/b/c/d/factors.txt", lines)
        case .aReusesOwnersalt, .aWeakPolicy, .bReusesSeedb, .bWeakRandomness, .aWeakPassphraseGenerator,
            .bRunsOtherBuild, .aForgesBuild:
            break  // acted while drawing or signing (MockCeremony)
        case .aKeepsUnexplainedFile:
            try write(a, "cache.bin", Data(SystemRandom.bytes(count: 4096)))
        case .bKeepsShareAsSiteRecord:
            // Kept at batch 1, so the statement of batch 2 lists it as a site record.
            guard batch == 1 else { break }
            try write(
                b, "records/batch-0001.txt",
                Data(try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined().utf8))
        case .aHidesPassphrasesInTransfer:
            try append(
                layout.transfer, ".cache", try journal(batch).map { "\($0.serial) \($0.passphrase)\n" }.joined())
        case .unknownFolderBesideSites:
            try write(layout.root, "site-c/faces.json", try BoundedFile.read(spoolFaces(batch)))
        case .bHidesSeedbInAttribute:
            let ledger = b.appendingPathComponent(BatchLedger.fileName)
            for (index, (_, seedb)) in try seeds(batch).enumerated() {
                guard
                    ExtendedAttributes.set(
                        path: Array(ledger.path.utf8), name: "user.note\(index)", value: Array(seedb.revealedHex().utf8)
                    )
                else { throw CeremonyError(.failed, "\(ledger.path): the file system refuses extended attributes") }
            }
        case .aKeepsEncryptedKeys:
            try write(a, "backup/faces-\(batch).json", try BoundedFile.read(spoolFaces(batch)))
        case .bLeavesSeedbOnMedium:
            let medium = FATMedium(image: MockCeremony.medium(for: layout))
            if !FileManager.default.fileExists(atPath: medium.image.path) { try medium.format() }
            let name = "seeds-\(CeremonyLayout.batchName(batch)).txt"
            try medium.write(Data(try seeds(batch).map { "\($0.0) \($0.1.revealedHex())\n" }.joined().utf8), as: name)
            try medium.delete(name)
        case .bKeepsSeedb:
            try write(b, "cache/seeds-\(batch).bin", Data(try seeds(batch).flatMap { $0.1.revealedBytes() }))
        case .bKeepsFactorb:
            try append(
                b, "factorb.txt",
                try seeds(batch).map { "\($0.0) \(SHA256.doubleHash(secret: $0.1).revealedHex())\n" }.joined())
        case .bKeepsEncryptedKeys:
            try write(b, "backup/faces-\(batch).json", try BoundedFile.read(spoolFaces(batch)))
        case .sitesBothKeepShares:
            try apply(.aLogsPassphrases, batch: batch)
            try apply(.bKeepsSeedb, batch: batch)
        case .bSendsEncryptedKeyToA:
            let faces = try CardFace.readSpool(spoolFaces(batch))
            // No field of a key batch carries an encrypted key, so the bundle is not canonical and
            // A's verify refuses it; but its bytes have reached A.
            try rewriteKeyBatch(batch, canonical: false) { cards in
                for index in cards.indices {
                    cards[index]["encrypted_key"] =
                        faces.first { $0.serial.description == cards[index]["serial"] as? String }?.encryptedKey.text
                }
            }
        case .bSubstitutesAddress:
            let stolen = PrivateKey.random().address(
                format: .compressed, network: try Transcript.load(layout).body.network)
            try rewriteKeyBatch(batch) { cards in cards[0]["address"] = stolen.text }
            var faces = try CardFace.readSpool(spoolFaces(batch))
            faces[0] = CardFace(
                serial: faces[0].serial, address: stolen, encryptedKey: faces[0].encryptedKey,
                confirmationCode: faces[0].confirmationCode)
            try AtomicFile.write(try TranscriptJSON.prettyEncoder.encode(faces), to: spoolFaces(batch), mode: .secret)
        case .replaysBundle:
            try FileManager.default.copyItem(
                at: layout.intermediateBatch(1),
                to: layout.transfer.appendingPathComponent("batch-0001.intermediate-resent.json"))
        case .dropsBundle:
            try FileManager.default.removeItem(
                at: layout.confirmationReport(try Transcript.load(layout).body.batchCount))
        case .reordersBundles:
            try resign(layout.intermediateBatch(1), signer: .siteA) { $0["sequence"] = 2 }
            try resign(layout.confirmationReport(1), signer: .siteA) { $0["sequence"] = 1 }
        case .editsBundle:
            var envelope = try JSONShape.object(
                JSONSerialization.jsonObject(with: BoundedFile.read(layout.keyBatch(1))), "the key batch envelope")
            guard let text = envelope["payload"] as? String, var payload = Data(base64Encoded: text),
                let index = payload.firstIndex(of: UInt8(ascii: "1"))  // a digit inside an address or digest
            else { throw CeremonyError(.failed, "\(layout.keyBatch(1).path): no payload with a digit to edit") }
            payload[index] = UInt8(ascii: "2")
            envelope["payload"] = payload.base64EncodedString()
            try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys]).write(to: layout.keyBatch(1))
        case .signsWithUndeclaredKey:
            try resign(layout.intermediateBatch(1), key: Ed25519.SigningKey()) { _ in }
        case .foreignCeremonyBundle:
            try resign(layout.intermediateBatch(1), signer: .siteA) {
                $0["ceremony"] = SystemRandom.bytes(count: 16).hex
            }
        case .skipsSerial:
            try resign(layout.intermediateBatch(1), signer: .siteA) { payload in
                var body = try JSONShape.object(payload["body"], "body")
                body["cards"] = Array(try JSONShape.array(body["cards"], "body.cards").dropLast())
                payload["body"] = body
            }
            try rewriteKeyBatch(1, chainRetention: false) { cards in cards.removeLast() }
        case .duplicatesSerial:
            try rewriteKeyBatch(1, chainRetention: false) { cards in cards.append(cards[0]) }
        case .closingNotCountersigned:
            var envelope = try JSONShape.object(
                JSONSerialization.jsonObject(with: BoundedFile.read(layout.closingManifest)), "the closing envelope")
            envelope["signatures"] = Array(try JSONShape.array(envelope["signatures"], "signatures").prefix(1))
            try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys]).write(
                to: layout.closingManifest)
        case .duplicatesPayloadKey:
            try resignText(layout.intermediateBatch(1), signer: .siteA) {
                $0.replacingOccurrences(of: "{\"batch\":1,", with: "{\"batch\":2,\"batch\":1,")
            }
        case .aliasesPayloadField:
            let other = try CardFace.readSpool(spoolFaces(2))[0].confirmationCode.text
            try resignText(layout.keyBatch(1), signer: .siteB) {
                $0.replacingOccurrences(
                    of: "\"confirmation_code\":", with: "\"confirmationCode\":\"\(other)\",\"confirmation_code\":")
            }
        case .hidesFileInTransfer:
            try FileManager.default.copyItem(
                at: layout.keyBatch(1), to: layout.transfer.appendingPathComponent(".batch-0001.keys.json"))
        case .escapesInFileName:
            let ceremony = try Transcript.load(layout)
            let name =
                "batch-0001.note\u{1B}[2K\r\naudit PASS: ceremony \(ceremony.id), \(ceremony.body.cards) cards\n\u{1B}[1A\u{202E}.json"
            let envelope = Envelope(
                payloadType: "\naudit PASS\n",
                payload: try Envelope(json: BoundedFile.read(layout.intermediateBatch(1))).payload,
                signers: [try SiteIdentity.load(from: a)])
            try AtomicFile.write(envelope.json, to: layout.transfer.appendingPathComponent(name), mode: .shared)
        case .duplicatesFace:
            var faces = try CardFace.readSpool(spoolFaces(1))
            let stolen = PrivateKey.random().address(
                format: .compressed, network: try Transcript.load(layout).body.network)
            faces.append(
                CardFace(
                    serial: faces[0].serial, address: stolen, encryptedKey: faces[0].encryptedKey,
                    confirmationCode: faces[0].confirmationCode))
            try AtomicFile.write(try TranscriptJSON.prettyEncoder.encode(faces), to: spoolFaces(1), mode: .secret)
        case .extraFace:
            let manifest = try Transcript.load(layout).body
            var faces = try CardFace.readSpool(spoolFaces(1))
            faces.append(
                CardFace(
                    serial: Serial(lot: manifest.firstLot, sequence: manifest.cardCount(batch: 1)),
                    address: faces[0].address, encryptedKey: faces[0].encryptedKey,
                    confirmationCode: faces[0].confirmationCode))
            try AtomicFile.write(try TranscriptJSON.prettyEncoder.encode(faces), to: spoolFaces(1), mode: .secret)
        case .aResignsClosingForSample:
            // A drops the commitment and re-signs; a naive or colluding B countersigns again.
            try resign(layout.closingManifest, signer: .siteA) { payload in
                var body = try JSONShape.object(payload["body"], "body")
                body["auditor_commitment"] = nil
                payload["body"] = body
            }
            var envelope = try Envelope(json: try BoundedFile.read(layout.closingManifest))
            envelope.addSignature(try SiteIdentity.load(from: b))
            try AtomicFile.write(envelope.json, to: layout.closingManifest, mode: .shared)
        case .undeclaredCountersignature:
            var envelope = try Envelope(json: try BoundedFile.read(layout.intermediateBatch(1)))
            envelope.addSignature(Ed25519.SigningKey())
            try AtomicFile.write(envelope.json, to: layout.intermediateBatch(1), mode: .shared)
        case .declarationReplaced:
            try SiteSetup.declare(.siteB, key: Ed25519.SigningKey(), to: layout.declaration(.siteB))
        case .swappedLabels:
            var one = try SecretRecord.read(spoolLabels(1))
            var two = try SecretRecord.read(spoolLabels(2))
            let (first, second) = (one[0], two[0])
            one[0] = Self.replacing("passphrase", in: first, from: second)
            two[0] = Self.replacing("passphrase", in: second, from: first)
            try SecretRecord.write(one, to: spoolLabels(1))
            try SecretRecord.write(two, to: spoolLabels(2))
        case .aDeletesLedger:
            try FileManager.default.removeItem(at: layout.site(.siteA).appendingPathComponent(BatchLedger.fileName))
        case .facesMissing:
            try FileManager.default.removeItem(at: spoolFaces(try Transcript.load(layout).body.batchCount))
        case .aKeepsUTF16Passphrase, .aKeepsBarePassphrase, .aKeepsEscapedPassphrase, .aKeepsGzippedPassphrase,
            .aKeepsArchivedPassphrase, .aKeepsNestedPassphrase, .aKeepsSQLiteUTF16Passphrase, .aLeavesDecompressionBomb,
            .bKeepsSeedbByteArray, .bKeepsSeedb0x, .bKeepsSeedbLittleEndian, .bKeepsSeedbBase32, .bKeepsSeedbBase58,
            .bKeepsSeedbXxd, .aKeepsXzPassphrase, .bSplitsSeedb, .bKeepsUTF16Key, .bKeepsKeySecretBytes,
            .bKeepsFaceSheet, .aKeepsUTF32Passphrase, .aKeepsBzip2Passphrase, .aKeepsZstdPassphrase,
            .aKeepsZippedPassphrase, .bKeepsReversedSeedb, .bKeepsSeedbSpacedDecimal:
            if let form = fault.keptForm { try keep(form, batch: batch) }
        case .bothKeepGzippedShares:
            try keep(.gzip, batch: batch)
            try keep(.seedbGzip, batch: batch)
        case .aNamesFileByPassphrase, .bKeepsSeedbAsLinkTarget, .aKeepsPassphrasesUnderNonUTF8Name,
            .bKeepsSeedbBeyondPathMax, .aKeepsPassphrasesInUnreadableFolder:
            try hideInBlindSpot(fault, batch: batch)
        case .exceptionLogEdited:
            try editExceptionLog()
        }
    }

    /// Rewrites the reason of the exception log's first entry, leaving every other byte as it was.
    private func editExceptionLog() throws {
        let log = try BoundedFile.read(layout.exceptionLog)
        var lines = log.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Data($0) }
        guard lines.count > 1,
            var entry = try JSONSerialization.jsonObject(with: lines[0]) as? [String: Any]
        else { throw CeremonyError(.failed, file: layout.relative(layout.exceptionLog), "no exception entry to edit") }
        entry["reason"] = "nothing happened"
        lines[0] = try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(
            Data(lines.joined(separator: Data("\n".utf8))), to: layout.exceptionLog, mode: .shared)
    }

    /// `record` with the field `name` taken from `other`.
    private static func replacing(_ name: String, in record: SecretRecord, from other: SecretRecord) -> SecretRecord {
        var out = SecretRecord()
        for field in record.fields { out.add(field.name, field.name == name ? other[name]! : field.value) }
        return out
    }

    // MARK: - What a dishonest site has at hand

    struct JournalEntry {
        let serial: String
        let passphrase: String
        let code: IntermediateCode
    }

    /// Site A's open journal for a batch (the passphrases it holds until seal).
    func journal(_ batch: Int) throws -> [JournalEntry] {
        try JournalCard.openJournal(layout, batch: batch).map { card in
            JournalEntry(
                serial: card.serial.description,
                passphrase: String(decoding: card.passphrase.normalizedUTF8.revealedBytes(), as: UTF8.self),
                code: card.intermediateCode)
        }
    }

    /// Site B's seedb per card (it had them in memory; recovered here from its faces and the codes).
    func seeds(_ batch: Int) throws -> [(Serial, SecretBytes)] {
        let ceremony = try Transcript.load(layout)
        let (issued, _) = try ceremony.open(
            layout.intermediateBatch(batch), kind: .intermediateBatch, signer: .siteA, batch: batch,
            as: IntermediateBatchBody.self)
        return try CardFace.readSpool(spoolFaces(batch)).map { face in
            let code = issued.payload.body.cards.first { $0.serial == face.serial }!.intermediateCode
            return (face.serial, try face.encryptedKey.recoverSeedb(passpoint: code.passpoint))
        }
    }

    // MARK: - Files

    func write(_ site: URL, _ relative: String, _ data: Data) throws {
        let url = site.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    private func append(_ site: URL, _ relative: String, _ text: String) throws {
        let url = site.appendingPathComponent(relative)
        let old = (try? BoundedFile.read(url)) ?? Data()
        try write(site, relative, old + Data(text.utf8))
    }

    private func sqlite(_ url: URL, rows: [(String, String)]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let script = """
            import sqlite3, sys, json
            db = sqlite3.connect(sys.argv[1])
            db.execute("create table if not exists cards (serial text, passphrase text)")
            db.executemany("insert into cards values (?, ?)", json.load(sys.stdin))
            db.commit()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: rows.map { [$0.0, $0.1] }))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CeremonyError(.failed, "python3 sqlite3 failed") }
    }

    // MARK: - Re-signing as a site

    /// Re-signs a transfer file after editing its payload as JSON.
    private func resign(
        _ file: URL, signer party: Party, canonical: Bool = true, edit: (inout [String: Any]) throws -> Void
    ) throws {
        try resign(file, key: SiteIdentity.load(from: layout.site(party)), canonical: canonical, edit: edit)
    }

    /// Re-signs `file`'s payload after `edit`: as the canonical encoding of the edit (what a
    /// dishonest signer must sign to be read at all), or, with `canonical: false`, as edited.
    private func resign(
        _ file: URL, key: Ed25519.SigningKey, canonical: Bool = true, edit: (inout [String: Any]) throws -> Void
    ) throws {
        let envelope = try Envelope(json: try BoundedFile.read(file))
        var payload = try JSONShape.object(
            JSONSerialization.jsonObject(with: envelope.payload), "\(file.path): payload")
        try edit(&payload)
        // A dishonest site signs what the readers accept: the canonical encoding of its edit.
        let edited = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        guard let kind = PayloadKind.allCases.first(where: { $0.payloadType == envelope.payloadType }) else {
            throw CeremonyError(.failed, "\(file.path): unknown payloadType")
        }
        let bytes = canonical ? try kind.canonicalEncoding(of: edited) : edited
        try AtomicFile.write(
            Envelope(payloadType: envelope.payloadType, payload: bytes, signers: [key]).json, to: file, mode: .shared)
    }

    /// Re-signs `file`'s payload text after `edit`, byte for byte as edited (not canonical).
    private func resignText(_ file: URL, signer party: Party, edit: (String) -> String) throws {
        let envelope = try Envelope(json: try BoundedFile.read(file))
        let text = String(decoding: envelope.payload, as: UTF8.self)
        let edited = edit(text)
        guard edited != text else { throw CeremonyError(.failed, "\(file.path): nothing to edit") }
        let key = try SiteIdentity.load(from: layout.site(party))
        try AtomicFile.write(
            Envelope(payloadType: envelope.payloadType, payload: Data(edited.utf8), signers: [key]).json, to: file,
            mode: .shared)
    }

    /// B rewrites its key batch (and, as a consistent liar, re-chains its retention statement).
    private func rewriteKeyBatch(
        _ batch: Int, chainRetention: Bool = true, canonical: Bool = true, edit: (inout [[String: Any]]) -> Void
    ) throws {
        try resign(layout.keyBatch(batch), signer: .siteB, canonical: canonical) { payload in
            var body = try JSONShape.object(payload["body"], "body")
            guard var cards = body["cards"] as? [[String: Any]] else {
                throw CeremonyError(.failed, "\(layout.keyBatch(batch).path): body.cards is not a list of objects")
            }
            edit(&cards)
            body["cards"] = cards
            payload["body"] = body
        }
        guard chainRetention else { return }
        let digest = PayloadDigest(of: try Envelope(json: try BoundedFile.read(layout.keyBatch(batch))).payload)
        try resign(layout.retention(.siteB, batch: batch), signer: .siteB) { $0["prev"] = digest.hex }
    }
}

/// The JSON a fault edits, read without a trap: a mock ceremony that is not shaped as the
/// fault expects is an error naming what was missing.
enum JSONShape {
    static func object(_ value: Any?, _ what: String) throws(CeremonyError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw CeremonyError(.failed, "\(what) is not a JSON object") }
        return object
    }

    static func array(_ value: Any?, _ what: String) throws(CeremonyError) -> [Any] {
        guard let array = value as? [Any] else { throw CeremonyError(.failed, "\(what) is not a JSON array") }
        return array
    }
}

extension Injector {
    /// The face spool the audit reads for `batch`: the mock audit's copy in `mock-secrets/`
    /// once the sites have destroyed theirs (`destroy-spools`), else the one in `printed/`.
    func spoolFaces(_ batch: Int) -> URL {
        FileManager.default.fileExists(atPath: layout.mockSecrets.path) ? layout.mockFaces(batch) : layout.faces(batch)
    }

    /// The label spool the audit reads for `batch` (as ``spoolFaces(_:)``).
    func spoolLabels(_ batch: Int) -> URL {
        FileManager.default.fileExists(atPath: layout.mockSecrets.path)
            ? layout.mockLabels(batch) : layout.labels(batch)
    }
}
