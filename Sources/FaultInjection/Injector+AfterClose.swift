@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import Foundation

extension Injector {
    /// A fault of phase `afterClose`: the folder or the transcript altered after the closing
    /// manifest is signed (bundles replayed, dropped, edited, re-signed; files kept or planted).
    func applyAfterClose(_ fault: Fault, batch: Int) throws {
        let a = layout.site(.siteA)
        let b = layout.site(.siteB)
        switch fault {
        case .aKeepsUnexplainedFile:
            try write(a, "cache.bin", Data(SystemRandom.bytes(count: 4096)))
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
        case .aKeepsLabelSpoolCopy, .bHidesSeedbInCards, .bMarksCardFaces, .bHidesSeedbInDenomination,
            .bKeepsSeedbInAudit:
            try keepBesideTheSites(fault, batch: batch)
        case .bKeepsEncryptedKeys:
            try write(b, "backup/faces-\(batch).json", try BoundedFile.read(spoolFaces(batch)))
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
        case .aNamesFileByPassphrase, .bKeepsSeedbAsLinkTarget, .aKeepsPassphrasesUnderNonUTF8Name,
            .bKeepsSeedbBeyondPathMax, .aKeepsPassphrasesInUnreadableFolder:
            try hideInBlindSpot(fault, batch: batch)
        case .exceptionLogEdited:
            try editExceptionLog()
        case .exceptionLogCut:
            try cutExceptionLog()
        case .aLogsAsSiteB:
            try logAsSiteB()
        case .bHidesSeedbInLockNote, .bPadsBundleWithSeedb, .bNamesDeclarationsBySeedb, .bLogsSeedbAsWitness,
            .bHidesSeedbInSignatureNonce, .bDatesLedgerBySeedb, .bNamesBundleBySeedb, .bCountersignsClosingWithSeedb:
            try hideInAllowedRecord(fault, batch: batch)
        default:
            throw CeremonyError(.failed, "\(fault.rawValue) does not act after close")
        }
    }

    /// Rewrites the reason of the exception log's first entry, leaving every other byte as it was.
    private func editExceptionLog() throws {
        try rewriteExceptionLog(ifEmpty: "no exception entry to edit") { lines in
            var entry = try JSONShape.object(JSONSerialization.jsonObject(with: lines[0]), "exception entry 1")
            entry["reason"] = "nothing happened"
            lines[0] = try JSONSerialization.data(
                withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes])
        }
    }

    /// Removes the exception log's last entry: the lines left still chain from the genesis digest.
    private func cutExceptionLog() throws {
        try rewriteExceptionLog(ifEmpty: "no exception entry to remove") { lines in lines.removeLast() }
    }

    /// Site A logs an entry with its own key (so the chain and the line's form are right),
    /// then names site B as its author: the signature no longer matches what the line says.
    private func logAsSiteB() throws {
        try ExceptionLog.append(
            layout, role: .siteA, step: "C-6.2", reason: "site B lost the medium before close",
            signer: SiteIdentity.load(from: layout.site(.siteA)))
        try rewriteExceptionLog(ifEmpty: "no exception entry was logged") { lines in
            let last = lines.removeLast()
            let forged = Data(
                String(decoding: last, as: UTF8.self)
                    .replacingOccurrences(of: "\"role\":\"site-a\"", with: "\"role\":\"site-b\"").utf8)
            guard forged.count == last.count, forged != last else {
                throw CeremonyError(
                    .failed, file: layout.relative(layout.exceptionLog), "the entry names no role to change")
            }
            lines.append(forged)
        }
    }

    /// Rewrites the exception log after `edit` changes its lines (each entry's line without
    /// its newline; at least one), every line then ending in a newline as the log writes them.
    private func rewriteExceptionLog(ifEmpty reason: String, _ edit: (inout [Data]) throws -> Void) throws {
        var lines = try BoundedFile.read(layout.exceptionLog).split(separator: UInt8(ascii: "\n")).map { Data($0) }
        guard !lines.isEmpty else { throw CeremonyError(.failed, file: layout.relative(layout.exceptionLog), reason) }
        try edit(&lines)
        try AtomicFile.write(Data(lines.map { $0 + Data("\n".utf8) }.joined()), to: layout.exceptionLog, mode: .shared)
    }

    /// `record` with the field `name` taken from `other`.
    private static func replacing(_ name: String, in record: SecretRecord, from other: SecretRecord) -> SecretRecord {
        var out = SecretRecord()
        for field in record.fields { out.add(field.name, field.name == name ? other[name]! : field.value) }
        return out
    }
}
