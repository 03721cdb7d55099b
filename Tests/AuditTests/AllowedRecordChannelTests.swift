@_spi(Explain) import BIP38
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import Testing

@testable import Audit

/// Channels through records default deny allows by name: each must parse as its kind and
/// re-encode to its exact bytes, so that it can carry nothing the protocol does not write.
@Suite struct AllowedRecordChannelTests {
    func audit(_ folder: Folder, mode: AuditMode) throws -> AuditReport {
        try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
    }

    /// K3's findings, without the print run the honest mock folder keeps for mock mode.
    func denied(_ report: AuditReport) -> [Finding] {
        report.findings.filter { $0.check == .defaultDeny && !($0.file ?? "").hasPrefix("printed/") }
    }

    /// The lock note at `.site-a.lock` holding `text`, judged as site A's of a two-batch ceremony.
    func lockNote(_ text: String, party: Party = .siteA) throws -> String? {
        let folder = try Folder()
        let url = folder.url.appendingPathComponent("lock")
        try Data(text.utf8).write(to: url)
        return AllowedFiles.checkLockNote(FileSystem.bytes(url), party: party, batches: 2)
    }

    @Test(
        "a lock note the sites write passes: empty, live, voided",
        arguments: [
            "", "-\n", "PID 4194304 is running site A issue batch 2\n", "-\nD 1 is running site A close\n",
            "-\nD 77 is running site A destroy-spools\n",
        ])
    func lockNoteAccepted(_ text: String) throws {
        #expect(try lockNote(text) == nil)
    }

    @Test(
        "a lock note that carries more than a PID and a command is refused",
        arguments: [
            ("PID 4194305 is running site A close\n", "is no process ID"),
            ("PID 0 is running site A close\n", "is no process ID"),
            ("PID ١٢٣ is running site A close\n", "is no process ID"),
            ("PID 0123 is running site A close\n", "does not re-encode"),
            ("PID +123 is running site A close\n", "does not re-encode"),
            ("PID 123 is running site A issue  batch 1\n", "names no command"),
            ("PID 123 is running site A issue batch 01\n", "does not re-encode"),
            ("PID 123 is running site A issue batch 3\n", "names no command"),
            ("PID 123 is running site A mint batch 1\n", "names no command"),
            ("PID 123 is running site A close\nPID 9 is running site A close\n", "names no command"),
            ("PID 123 is running site A close", "names no command"),
        ])
    func lockNoteRefused(_ text: String, _ cause: String) throws {
        let problem = try #require(try lockNote(text))
        #expect(problem.contains(cause), "\(problem)")
    }

    @Test("a seedb as the PID of site B's voided lock note: an unexplained record of site B, in both modes")
    func seedbInLockNote() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bHidesSeedbInLockNote, batch: 1)
        let note = try String(contentsOf: folder.layout.lock(.siteB), encoding: .utf8)
        // 24 bytes of a random seedb: 50 to 58 decimal digits (1 in 2^48 has fewer).
        let pid = note.split(separator: " ")[1]
        #expect((50...58).contains(pid.count) && pid.allSatisfy(\.isASCII), "\(note)")
        for mode in AuditMode.allCases {
            let found = denied(try audit(folder, mode: mode))
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(
                found.first?.file == ".site-b.lock"
                    && found.first?.message.contains("unexplained record of site B") == true
                    && found.first?.message.contains("is no process ID") == true, "\(mode): \(found)")
        }
    }

    @Test("seedb as white space after site B's key batch: the bundle still verifies, but is not its envelope alone")
    func seedbAsWhiteSpace() throws {
        let folder = try Folder(copying: Honest.folder)
        let before = try Data(contentsOf: folder.layout.keyBatch(1))
        try Injector(layout: folder.layout).inject(.bPadsBundleWithSeedb, batch: 1)
        let after = try Data(contentsOf: folder.layout.keyBatch(1))
        #expect(after.count == before.count + 192)  // one card: 24 bytes, a character per bit
        #expect(try Envelope(json: after) == Envelope(json: before))
        for mode in AuditMode.allCases {
            let report = try audit(folder, mode: mode)
            // The transcript's own checks read the same envelope: only default deny sees the padding.
            #expect(report.checks.first { $0.id == .signatures }?.passed == true)
            let found = denied(report)
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(
                found.first?.file == "transfer/batch-0001.keys.json"
                    && found.first?.message.contains("does not re-encode to its own bytes") == true, "\(mode): \(found)"
            )
        }
    }

    @Test("a signed file is refused for any byte the toolkit never writes: member order, an escape, spare base64 bits")
    func envelopeVariants() throws {
        let folder = try Folder(copying: Honest.folder)
        let layout = folder.layout
        let envelope = try Envelope(json: Data(contentsOf: layout.intermediateBatch(1)))
        let signature = envelope.signatures[0]
        let payload = envelope.payload.base64EncodedString()
        // Members in another order, compact, and the payload's first character as a \u escape.
        let escaped = "\\u00" + String(format: "%02x", payload.utf8.first!) + payload.dropFirst()
        try Data(
            "{\"signatures\":[{\"sig\":\"\(signature.sig)\",\"keyid\":\"\(signature.keyid)\"}],\"payload\":\"\(escaped)\",\"payloadType\":\"\(envelope.payloadType)\"}"
                .utf8
        ).write(to: layout.intermediateBatch(1))
        // The signature's last base64 character with its four spare bits set: the same 64 bytes.
        var sig = Array(signature.sig)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        sig[sig.count - 3] = alphabet[alphabet.firstIndex(of: sig[sig.count - 3])! | 0x0F]
        let keys = try Envelope(json: Data(contentsOf: layout.keyBatch(1)))
        let keysText = String(decoding: keys.json, as: UTF8.self)
        let spare = String(sig)
        let spareKeys = Array(keys.signatures[0].sig)
        var spareKeySig = spareKeys
        spareKeySig[spareKeys.count - 3] = alphabet[alphabet.firstIndex(of: spareKeys[spareKeys.count - 3])! | 0x0F]
        #expect(Data(base64Encoded: spare) == Data(base64Encoded: signature.sig))
        try Data(keysText.replacingOccurrences(of: keys.signatures[0].sig, with: String(spareKeySig)).utf8).write(
            to: layout.keyBatch(1))
        // The manifest with one space more after its last brace.
        try (try Data(contentsOf: layout.manifest) + Data(" ".utf8)).write(to: layout.manifest)
        let report = try audit(folder, mode: .mock)
        #expect(report.checks.first { $0.id == .signatures }?.passed == true, "\(report.findings)")
        let found = denied(report)
        #expect(
            found.contains {
                $0.file == "transfer/batch-0001.intermediate.json" && $0.message.contains("does not re-encode")
            })
        #expect(
            found.contains { $0.file == "transfer/batch-0001.keys.json" && $0.message.contains("canonical encoding") })
        #expect(
            found.contains {
                $0.file == "ceremony.json" && $0.message.contains("the ceremony folder's top level")
                    && $0.message.contains("does not re-encode")
            })
        #expect(found.count == 3, "\(found)")
    }
}

/// transfer/ holds another party's key declaration only when it is a declared auditor's,
/// under its own name; and blind detection reads the free text of every allowed record.
@Suite struct DeclarationAndFreeTextChannelTests {
    func audit(_ folder: Folder, mode: AuditMode) throws -> AuditReport {
        try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
    }

    @Test("declarations named by seedb, each self-signed by a fresh key: unexplained, and the names tie to the cards")
    func declarationsNamedBySeedb() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bNamesDeclarationsBySeedb, batch: 1)
        for mode in AuditMode.allCases {
            let report = try audit(folder, mode: mode)
            // Each declaration verifies: T1 and T7 see nothing wrong with them.
            #expect(report.checks.first { $0.id == .signatures }?.passed == true, "\(report.findings)")
            #expect(report.checks.first { $0.id == .keys }?.passed == true)
            let denied = report.findings.filter {
                $0.check == .defaultDeny && ($0.file ?? "").hasSuffix(".declaration.json")
            }
            #expect(denied.count == 1, "\(mode): \(denied)")
            #expect(denied.first?.message.contains("nor a declared auditor's under its own name") == true)
            let tied = report.findings.filter { $0.check == .shareShaped && $0.severity == .critical }
            #expect(tied.map(\.serial) == ["0000001-0000"], "\(mode): \(tied)")
            #expect(tied.first?.message.contains("seedb") == true)
        }
    }

    @Test(
        "a declared auditor's declaration under another name, or an undeclared auditor's under the right one, is unexplained"
    )
    func auditorDeclarationRules() throws {
        let folder = try Folder(copying: Honest.folder)
        let declared = try #require(
            SiteSetup.auditorDeclarations(folder.layout).files.first?.file)
        let transfer = folder.layout.transfer
        try FileManager.default.copyItem(
            at: declared, to: transfer.appendingPathComponent("auditor-2.declaration.json"))
        let stranger = Ed25519.SigningKey()
        try SiteSetup.declare(
            .auditor, key: stranger,
            to: transfer.appendingPathComponent(
                folder.layout.auditorDeclaration(KeyID(publicKey: stranger.publicKey)).lastPathComponent))
        let report = try audit(folder, mode: .mock)
        let denied = report.findings.filter {
            $0.check == .defaultDeny && ($0.file ?? "").hasPrefix("transfer/")
        }
        #expect(denied.count == 2, "\(denied)")
        #expect(denied.contains { $0.file == "transfer/auditor-2.declaration.json" })
        // The right copy beside them is allowed.
        try FileManager.default.copyItem(at: declared, to: transfer.appendingPathComponent(declared.lastPathComponent))
        let again = try audit(folder, mode: .mock).findings.filter { $0.check == .defaultDeny }
        #expect(!again.contains { $0.file == "transfer/\(declared.lastPathComponent)" })
    }

    @Test("seedb in an unsigned witness entry's reason: production mode finds it by blind detection alone")
    func seedbInWitnessReason() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bLogsSeedbAsWitness, batch: 2)
        for mode in AuditMode.allCases {
            let report = try audit(folder, mode: mode)
            #expect(report.checks.first { $0.id == .exceptionLog }?.passed == true, "\(report.findings)")
            let tied = report.findings.filter {
                $0.check == .shareShaped && $0.file == "transfer/exceptions.jsonl"
            }
            #expect(tied.map(\.serial) == ["0000002-0000"], "\(mode): \(tied)")
            #expect(tied.first?.severity == .critical)
            #expect(tied.first?.message.contains("in an allowed record's free text (reason)") == true)
            // The transcript is in site A's view, which held the passphrases: A could rebuild the card.
            #expect(report.reconstructable.siteA == 1, "\(mode)")
        }
    }

    @Test("an honest ceremony's allowed records hold no free text blind detection ties to a card, in both modes")
    func honestFreeText() throws {
        let folder = try Folder(copying: Honest.folder)
        for mode in AuditMode.allCases {
            let report = try audit(folder, mode: mode)
            #expect(!report.findings.contains { $0.check == .shareShaped }, "\(mode): \(report.findings)")
        }
    }
}

/// Ed25519's nonce as a channel: a site that holds its key can read back the nonce of each
/// signature it made, so each signature of a seed site must be the deterministic one.
@Suite struct SignatureNonceChannelTests {
    /// Each card's seedb in `batch`, in hex, from the print run's faces and the intermediate codes.
    static func seeds(_ layout: CeremonyLayout, _ batch: Int) throws -> [String] {
        let ceremony = try Transcript.load(layout)
        let (issued, _) = try ceremony.open(
            layout.intermediateBatch(batch), kind: .intermediateBatch, signer: .siteA, batch: batch,
            as: IntermediateBatchBody.self)
        return try CardFace.readSpool(layout.faces(batch)).map { face in
            let code = try #require(issued.payload.body.cards.first { $0.serial == face.serial }).intermediateCode
            return try face.encryptedKey.recoverSeedb(passpoint: code.passpoint).revealedHex()
        }
    }

    @Test("a signature with a chosen nonce verifies, and the key reads the nonce back; RFC 8032's is another")
    func nonceRoundTrip() throws {
        let key = Ed25519.SigningKey()
        let message = Array("DSSEv1 4 test 5 hello".utf8)
        let hidden = SystemRandom.bytes(count: 24)
        let signature = try #require(key.signature(message, nonce: hidden))
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: key.publicKey))
        #expect(key.nonce(of: signature, message: message) == hidden + [UInt8](repeating: 0, count: 8))
        #expect(signature != key.sign(message))
        // libsodium signs as RFC 8032 says: twice the same bytes.
        #expect(key.sign(message) == key.sign(message))
    }

    @Test(
        "site B's key batch signed again with a seedb as its nonce: T1 passes, K3 names site B and the file, in both modes"
    )
    func seedbInNonce() throws {
        let folder = try Folder(copying: Honest.folder)
        let layout = folder.layout
        let before = try Envelope(json: Data(contentsOf: layout.keyBatch(1)))
        try Injector(layout: layout).inject(.bHidesSeedbInSignatureNonce, batch: 1)
        let after = try Envelope(json: Data(contentsOf: layout.keyBatch(1)))
        #expect(after.payload == before.payload && after.signatures != before.signatures)
        // The seedb is there for site B to read with its own key.
        let key = try SiteIdentity.load(from: layout.site(.siteB))
        let message = Array(Envelope.preAuthenticationEncoding(payloadType: after.payloadType, payload: after.payload))
        let signature = try #require(Data(base64Encoded: after.signatures[0].sig))
        let nonce = try #require(key.nonce(of: Array(signature), message: message))
        let seedb = try Self.seeds(layout, 1)[0]
        #expect(nonce.prefix(24).hex == seedb)
        for mode in AuditMode.allCases {
            let report = try Auditor.audit(layout, options: .init(sample: 0, countersign: false, mode: mode))
            #expect(report.checks.first { $0.id == .signatures }?.passed == true, "\(report.findings)")
            #expect(report.checks.first { $0.id == .closing }?.passed == true)
            let found = report.findings.filter { $0.check == .defaultDeny && !($0.file ?? "").hasPrefix("printed/") }
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(found.first?.file == "transfer/batch-0001.keys.json")
            #expect(found.first?.message.hasPrefix("site B signed it with a signature its key does not make") == true)
        }
    }
}

/// A ledger entry's time carries what the site likes unless it must fall in the ceremony.
@Suite struct LedgerTimeChannelTests {
    @Test("site B's last ledger entry dated by a seedb (after 2038): the chain holds, the time is outside the ceremony")
    func ledgerDatedBySeedb() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bDatesLedgerBySeedb, batch: 1)
        let ledger = folder.layout.site(.siteB).appendingPathComponent(BatchLedger.fileName)
        let text = try String(contentsOf: ledger, encoding: .utf8)
        #expect(text.contains("\"time\" : \"20") && !text.contains("\"time\" : \"2037"))
        let ceremony = try Transcript.load(folder.layout)
        _ = try BatchLedger.load(.siteB, layout: folder.layout, ceremony: ceremony.id)
        for mode in AuditMode.allCases {
            let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
            let found = report.findings.filter { $0.check == .defaultDeny && !($0.file ?? "").hasPrefix("printed/") }
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(found.first?.file == "site-b/ledger.json")
            #expect(found.first?.message.contains("entry 2: its time") == true)
            #expect(found.first?.message.contains("is outside the ceremony") == true)
        }
    }

    @Test("a ledger entry dated before the manifest, or before the entry ahead of it, is refused")
    func ledgerBeforeManifest() throws {
        let folder = try Folder(copying: Honest.folder)
        let ledger = folder.layout.site(.siteA).appendingPathComponent(BatchLedger.fileName)
        let text = try String(contentsOf: ledger, encoding: .utf8)
        let range = try #require(text.range(of: "\"time\" : \"", options: .backwards))
        let end = text.index(range.upperBound, offsetBy: 20)
        try Data((text[..<range.upperBound] + "2000-01-01T00:00:00Z" + text[end...]).utf8).write(to: ledger)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: .mock))
        let found = report.findings.filter { $0.check == .defaultDeny && $0.file == "site-a/ledger.json" }
        #expect(
            found.count == 1 && found.first?.message.contains("2000-01-01T00:00:00Z is outside the ceremony") == true)
    }
}

/// A bundle's file name is the one its kind, signer and batch take, or it carries the name besides.
@Suite struct BundleNameChannelTests {
    @Test("site B's retention statement under a name holding an encrypted seedb: every search misses it, K3 does not")
    func bundleNamedBySeedb() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bNamesBundleBySeedb, batch: 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.layout.transfer.path)
        let renamed = try #require(names.first { $0.hasPrefix("batch-0002.retention-site-b.") && $0.count > 40 })
        for mode in AuditMode.allCases {
            let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
            // The transcript is whole: the closing manifest lists the new name, signed by both sites.
            let transcriptChecks: [Check] = [.signatures, .chain, .answers, .closing, .coverage]
            for check in transcriptChecks {
                #expect(report.checks.first { $0.id == check }?.passed == true, "\(check): \(report.findings)")
            }
            let found = report.findings.filter { $0.check == .defaultDeny && !($0.file ?? "").hasPrefix("printed/") }
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(found.first?.file == "transfer/\(renamed)")
            #expect(
                found.first?.message.contains(
                    "a retention-statement of site B under a name the sites never give it (batch-0002.retention-site-b.json)"
                )
                    == true, "\(mode): \(found)")
            #expect(report.reconstructable.siteA == 0)
        }
    }
}

/// A signature by a key nobody declared cannot be verified: the closing manifest may not keep one.
@Suite struct CountersignatureChannelTests {
    @Test("a seedb, encrypted, as the keyid of a signature nobody can check: T7 ignores it, K3 does not")
    func seedbAsKeyid() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.bCountersignsClosingWithSeedb, batch: 1)
        #expect(try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).signatures.count == 3)
        for mode in AuditMode.allCases {
            let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
            #expect(report.checks.first { $0.id == .closing }?.passed == true, "\(report.findings)")
            #expect(report.checks.first { $0.id == .keys }?.passed == true)
            let found = report.findings.filter { $0.check == .defaultDeny && !($0.file ?? "").hasPrefix("printed/") }
            #expect(found.count == 1, "\(mode): \(found)")
            #expect(found.first?.file == "transfer/closing.json")
            #expect(found.first?.message.contains("1 signature by keys nobody declared") == true, "\(found)")
        }
    }
}
