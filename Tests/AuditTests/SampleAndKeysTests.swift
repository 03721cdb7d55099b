import Audit
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

/// Item 3 of issue 13: a sample nobody can steer (commit and reveal).
@Suite struct UnsteerableSample {
    @Test("an honest ceremony records the auditor's commitment; the sample is drawn with its value, then published")
    func honestCommitReveal() throws {
        let (folder, report) = try Honest.audited(sample: 1)
        #expect(report.passed, "\(report.findings)")
        #expect(report.sampleSeed.contains("committed value"))
        let reveal = try #require(try SampleCommitment.readReveal(folder.layout))
        let ceremony = try Transcript.load(folder.layout)
        let commitment = try #require(try SampleCommitment.read(ceremony))
        #expect(reveal.commitment == commitment.commitment.digest)
        #expect(
            SampleCommitment.commitment(of: [UInt8](hexString: reveal.value)!)
                == commitment.commitment.payload.body.commitment)
        // A second auditor, without the value, draws the same sample from the published one.
        let other = try Folder()
        let again = try Auditor.audit(
            folder.layout, options: .init(sample: 1, keyFolder: other.url.appendingPathComponent("key")))
        #expect(again.passed, "\(again.findings)")
        #expect(again.sample == report.sample)
    }

    @Test("re-signing the closing manifest 50 times cannot choose the sample: it depends on the auditor's value")
    func resigningCannotChoose() throws {
        let serials = (0..<24).map { Serial(lot: 1 + $0 / 4, sequence: $0 % 4) }
        let value = SystemRandom.bytes(count: 32)
        var withValue = Set<[Serial]>()
        var withoutValue = Set<[Serial]>()
        for variant in 0..<50 {
            // Each re-signed variant has its own digest; site A knows it, but not the value.
            let closing = PayloadDigest(of: Data("closing manifest variant \(variant)".utf8))
            let sample = Auditor.drawSample(
                seed: SampleCommitment.seed(closing: closing, value: value), from: serials, count: 3)
            withValue.insert(sample)
            // For one fixed closing manifest, another value gives another sample: without the
            // value, the closing manifest alone does not fix the sample.
            let other = Auditor.drawSample(
                seed: SampleCommitment.seed(closing: closing, value: SystemRandom.bytes(count: 32)), from: serials,
                count: 3)
            withoutValue.insert(other)
            #expect(sample.count == 3)
        }
        #expect(withValue.count > 40, "the variants' samples are spread: \(withValue.count) distinct")
        #expect(withoutValue.count > 40)
        let closing = PayloadDigest(of: Data("one closing manifest".utf8))
        let samples = Set(
            (0..<20).map { _ in
                Auditor.drawSample(
                    seed: SampleCommitment.seed(closing: closing, value: SystemRandom.bytes(count: 32)),
                    from: serials, count: 3)
            })
        #expect(samples.count > 15, "the sample depends on the value")
    }

    @Test("a closing manifest re-signed without the auditor's commitment fails K1 with one line")
    func resignedWithoutCommitment() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.aResignsClosingForSample, batch: 1)
        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor, countersign: false))
        let failed = Set(report.checks.filter { !$0.passed }.map(\.id))
        #expect(failed == [.sample], "\(report.findings)")
        #expect(
            report.findings.contains {
                $0.check == .sample && $0.message.contains("records no auditor commitment")
            })
        #expect(report.sampleSeed.contains("steerable"))
    }

    @Test("site A substituting a commitment of its own (as a second 'auditor') fails K1")
    func substitutedCommitment() throws {
        let folder = try Folder(copying: Honest.folder)
        let layout = folder.layout
        let fake = try Folder()
        try FileManager.default.removeItem(at: layout.closingManifest)
        try FileManager.default.removeItem(at: layout.sampleCommitment)
        _ = try Auditor.commit(layout, keyFolder: fake.url.appendingPathComponent("a-as-auditor"))
        _ = try Closing.close(
            try Transcript.load(layout), signer: try SiteIdentity.load(from: layout.site(.siteA)))
        _ = try Closing.countersign(
            try Transcript.load(layout), as: .siteB, key: try SiteIdentity.load(from: layout.site(.siteB)))
        let report = try Auditor.audit(
            layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor, countersign: false))
        #expect(!report.passed)
        #expect(
            report.findings.contains {
                $0.check == .sample && $0.message == "the revealed value does not open the auditor's commitment"
            }, "\(report.findings)")
    }

    @Test("after the value is published, a closing manifest the committing auditor did not countersign fails K1")
    func resignedAfterReveal() throws {
        let folder = try Folder(copying: Honest.folder)
        #expect(try Auditor.audit(folder.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor)).passed)
        // The auditor's countersignature is removed (as a re-signed closing manifest would lack it).
        var envelope = try Envelope(json: Data(contentsOf: folder.layout.closingManifest))
        let siteKeys = Set(try Transcript.load(folder.layout).body.trustedKeys.keys.map(\.hex))
        envelope = envelope.keepingSignatures { siteKeys.contains($0.keyid) }.envelope
        try envelope.json.write(to: folder.layout.closingManifest)
        let other = try Folder()
        let report = try Auditor.audit(
            folder.layout,
            options: .init(sample: 1, keyFolder: other.url.appendingPathComponent("k"), countersign: false))
        #expect(
            report.findings.contains { $0.check == .sample && $0.message.contains("re-signed after the reveal") },
            "\(report.findings)")
    }
}

/// Item 4 of issue 13: the audit binds keys to parties.
@Suite struct KeysBoundToParties {
    @Test("the report names every key by its short form, who declared it and what it signed")
    func keysReported() throws {
        let (folder, report) = try Honest.audited(sample: 0)
        #expect(report.passed, "\(report.findings)")
        let manifest = try Transcript.load(folder.layout).body
        for (party, key) in [(Party.siteA, manifest.siteA), (.siteB, manifest.siteB)] {
            let use = try #require(report.keys.first { $0.party == party.rawValue })
            #expect(use.shortForm == Auditor.shortForm(publicKey: key.rawPublicKey!))
            #expect(use.shortForm.count == 19)
            #expect(use.declaredIn == "transfer/\(party.rawValue).declaration.json")
            #expect(use.signed.contains("ceremony.json"))
            #expect(use.signed.contains("transfer/closing.json"))
        }
        let auditor = try #require(report.keys.first { $0.party == "auditor" })
        #expect(Set(auditor.signed) == ["transfer/closing.json", "audit/sample-commitment.json"])
        let json = String(decoding: report.json, as: UTF8.self)
        #expect(json.contains("\"short_form\" : \"\(auditor.shortForm)\""))
        #expect(report.markdown.contains("| `\(auditor.shortForm)` | auditor |"))
    }

    @Test("a manifest key that is not the site's declared key fails T7 with one line")
    func declarationReplaced() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).inject(.declarationReplaced, batch: 1)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(Set(report.checks.filter { !$0.passed }.map(\.id)) == [.keys])
        let finding = try #require(report.findings.first { $0.check == .keys && $0.severity == .critical })
        #expect(finding.message.hasPrefix("the manifest names key "))
        #expect(finding.message.contains(", but transfer/site-b.declaration.json declares "))
    }

    @Test("a second auditor with its own key folder re-audits a countersigned ceremony, names both, and countersigns")
    func secondAuditor() throws {
        let folder = try Folder(copying: Honest.folder)
        #expect(try Auditor.audit(folder.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor)).passed)
        let second = try Folder()
        let key = second.url.appendingPathComponent("auditor-2")
        let report = try Auditor.audit(folder.layout, options: .init(sample: 1, keyFolder: key))
        #expect(report.passed, "\(report.findings)")
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.errors.isEmpty)
        #expect(report.auditorSignature != nil)
        #expect(try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).signatures.count == 4)
        #expect(report.keys.filter { $0.party == "auditor" }.count == 2)
        // A third takes its turn too.
        let third = try Auditor.audit(
            folder.layout, options: .init(sample: 1, keyFolder: second.url.appendingPathComponent("auditor-3")))
        #expect(third.passed, "\(third.findings)")
        #expect(try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).signatures.count == 5)
        #expect(third.keys.filter { $0.party == "auditor" }.count == 3)
    }

    @Test(
        "a countersignature by a key nobody declared is information to T7, but bytes nobody can check to K3: the audit fails and signs nothing"
    )
    func undeclaredCountersignature() throws {
        let folder = try Folder(copying: Honest.folder)
        var envelope = try Envelope(json: Data(contentsOf: folder.layout.closingManifest))
        envelope.addSignature(Ed25519.SigningKey())
        try envelope.json.write(to: folder.layout.closingManifest)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 1, keyFolder: Honest.folder.auditor))
        let info = try #require(report.findings.first { $0.check == .keys })
        #expect(info.severity == .info)
        #expect(info.message.hasSuffix("which nobody declared: ignored"))
        #expect(report.keys.contains { $0.party == nil && $0.declaredIn == nil })
        // Default deny: the closing manifest may keep only the ceremony's own signatures.
        // (Unexplained, the file is searched blindly too: its digests are 32-byte values, S6.)
        let failed = Set(report.checks.filter { !$0.passed }.map(\.id))
        #expect(failed.contains(.defaultDeny) && failed.isSubset(of: [.defaultDeny, .shareShaped]), "\(failed)")
        #expect(
            report.findings.contains {
                $0.check == .defaultDeny && $0.file == "transfer/closing.json"
                    && $0.message.contains("1 signature by keys nobody declared")
            })
        #expect(try Envelope(json: Data(contentsOf: folder.layout.closingManifest)).signatures.count == 3)
    }
}

@Suite struct AuditorKeyFolder: RunsCeremonyAudit {
    @Test("a countersignature that cannot be made is an error line and exit 4, not a silent PASS")
    func countersignFails() throws {
        let folder = try Folder(copying: Honest.folder)
        let keys = try Folder()
        try Data([1, 2, 3]).write(to: keys.url.appendingPathComponent(SiteIdentity.fileName))
        let (status, stdout, stderr) = try run(folder.url.path, "--sample", "0", "--key-folder", keys.url.path)
        #expect(status == 4, "\(stdout)\(stderr)")
        #expect(stdout.contains("audit PASS"))
        #expect(stdout.split(separator: "\n").filter { $0.hasPrefix("error: ") }.count == 1)
        #expect(stderr.contains("countersignature was not made"))
    }

    @Test("the key folder must be given to countersign, and never inside the ceremony folder")
    func keyFolderOutside() throws {
        let folder = try Folder(copying: Honest.folder)
        let (missing, _, why) = try run(folder.url.path, "--sample", "0")
        #expect(missing == 64)
        #expect(why.contains("--key-folder is required"))
        let (inside, _, stderr) = try run(folder.url.path, "--key-folder", folder.layout.audit.path)
        #expect(inside == 64)
        #expect(stderr.contains("is inside the ceremony folder"))
        let (commit, _, _) = try run(
            "commit", folder.url.path, "--key-folder", folder.url.appendingPathComponent("k").path)
        #expect(commit == 64)
    }

    @Test("ceremony-audit commit writes the commitment once, before close")
    func commitCommand() throws {
        let folder = try Folder(copying: Honest.folder)
        let keys = try Folder()
        // The honest folder is closed: a commitment now is refused.
        let (late, _, stderr) = try run("commit", folder.url.path, "--key-folder", keys.url.path)
        #expect(late == 2)
        #expect(stderr.contains("exists already"))
    }
}
