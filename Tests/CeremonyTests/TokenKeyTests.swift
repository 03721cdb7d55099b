import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Site keys in a PKCS#11 token (SoftHSM2, Debian's softhsm2, which `make test` installs):
/// made in the token, signing with CKM_EDDSA, destroyed at close and recorded; and the
/// one-line refusals for a wrong PIN, a missing token and a missing module. Without
/// SoftHSM2 these tests fail; they never skip.
@Suite("Site keys in a PKCS#11 token (SoftHSM2)")
struct TokenKeyTests {
    @Test("both sites on tokens: the ceremony closes, the keys are destroyed and recorded, the audit passes")
    func bothSitesOnTokens() throws {
        let tokens = try SoftHSMTokens()
        let run = try TestCeremony(cards: 2, batchSize: 1, setUp: false)
        let d = run.path
        let a = tokens.pinFile("site-a")
        let b = tokens.pinFile("site-b")
        let auditor = try TemporaryFolder(prefix: "token-auditor")
        try expectSuccess(tokens.run("passphrase-site", ["init", "--ceremony", d] + tokens.initOptions("site-a")))
        try expectSuccess(tokens.run("key-site", ["init", "--ceremony", d] + tokens.initOptions("site-b")))
        try expectSuccess(
            tokens.run(
                "passphrase-site", ["propose", "--ceremony", d, "--cards", "2", "--batch-size", "1", "--pin-file", a]))
        try expectSuccess(tokens.run("key-site", ["endorse", "--ceremony", d, "--pin-file", b]))
        try expectSuccess(tokens.run("ceremony-audit", ["commit", d, "--key-folder", auditor.url.path]))
        for batch in ["1", "2"] {
            try expectSuccess(
                tokens.run("passphrase-site", ["issue", "--ceremony", d, "--batch", batch, "--pin-file", a]))
            try expectSuccess(tokens.run("key-site", ["mint", "--ceremony", d, "--batch", batch, "--pin-file", b]))
            try expectSuccess(
                tokens.run("passphrase-site", ["verify", "--ceremony", d, "--batch", batch, "--pin-file", a]))
            try expectSuccess(
                tokens.run("passphrase-site", ["seal", "--ceremony", d, "--batch", batch, "--pin-file", a]))
        }
        // As the runbook has it: the mock audit's copy of the spools, then each site destroys
        // its spools, signing the statement with its token key (the PIN from its file).
        try expectSuccess(tokens.run("ceremony-audit", ["mock-secrets", d]))
        try expectSuccess(tokens.run("passphrase-site", ["destroy-spools", "--ceremony", d, "--pin-file", a]))
        try expectSuccess(tokens.run("key-site", ["destroy-spools", "--ceremony", d, "--pin-file", b]))
        let closeA = try tokens.run("passphrase-site", ["close", "--ceremony", d, "--pin-file", a])
        expectSuccess(closeA)
        #expect(
            closeA.stdout.contains("signing key destroyed in its PKCS#11 token: transfer/closing.retention-site-a.json")
        )
        try expectSuccess(tokens.run("key-site", ["close", "--ceremony", d, "--pin-file", b]))

        // No key file in either site folder: only the token record, which holds no secret.
        let ceremony = try Transcript.load(run.layout)
        for party in [Party.siteA, .siteB] {
            let names = try FileManager.default.contentsOfDirectory(atPath: run.layout.site(party).path)
            #expect(!names.contains(SiteIdentity.fileName), "\(party): \(names)")
            #expect(names.contains(TokenKeyRecord.fileName), "\(party): \(names)")
            // The last retention statement continues the site's chain, answers the closing
            // manifest and records the destruction of the very key the manifest names.
            let (statement, entry) = try ceremony.open(
                run.layout.closingRetention(party), kind: .retentionStatement, signer: party, batch: nil,
                as: RetentionStatementBody.self)
            let closing = try ceremony.entry(run.layout.closingManifest)
            #expect(entry.header.answers == closing.digest)
            try ceremony.checkChain(entry, within: try ceremony.entries())
            let destruction = try #require(statement.payload.body.keyDestruction)
            #expect(destruction.keyid == ceremony.body.keyID(of: party)?.hex)
            #expect(destruction.token == (party == .siteA ? "site-a" : "site-b"))
            #expect(destruction.module == SoftHSMTokens.module)
        }
        // The closing manifest does not list the statements that follow it, and B's
        // countersignature is on it: the transcript is whole.
        let (closing, _) = try ceremony.open(
            run.layout.closingManifest, kind: .closingManifest, signer: .siteA, batch: nil,
            as: ClosingManifestBody.self)
        // The manifest, 5 bundles per batch, and the two spool statements.
        #expect(closing.payload.body.entries.count == 1 + 2 * 5 + 2)
        #expect(!closing.payload.body.entries.contains { $0.file.hasPrefix("transfer/closing.retention") })

        // The token signatures verify with a second DSSE implementation (securesystemslib).
        let python = try Interop.python()
        let keyA = try #require(ceremony.body.siteA.rawPublicKey).hex
        for file in [run.layout.intermediateBatch(1), run.layout.closingRetention(.siteA)] {
            let checked = try Interop.verify(python, file, keys: [keyA], payloadType: nil)
            #expect(checked.status == 0 && checked.stdout.hasPrefix("VALID"), "\(checked.stdout)\(checked.stderr)")
        }

        // The key is gone from the token: the site can sign nothing more.
        let again = try tokens.run("passphrase-site", ["close", "--ceremony", d, "--pin-file", a])
        expectOneLineRefusal(again, containing: "PKCS#11 token 'site-a': no signing key with id")

        // The audit passes and says where each key was and that its destruction is recorded.
        let audit = try tokens.run(
            "ceremony-audit", [d, "--sample", "1", "--key-folder", auditor.url.path, "--no-countersign", "--json"])
        #expect(audit.status == 0, "\(audit.stdout.prefix(4000))")
        let report = try audit.json()
        let keys = try #require(report["site_keys"] as? [[String: Any]])
        #expect(keys.map { $0["site"] as? String } == ["site-a", "site-b"])
        #expect(keys.allSatisfy { $0["storage"] as? String == "token" && $0["destruction_recorded"] as? Bool == true })
        #expect(
            keys.map { $0["statement"] as? String } == [
                "transfer/closing.retention-site-a.json", "transfer/closing.retention-site-b.json",
            ])
    }

    @Test("a site on a seed file: the audit reports a file key whose destruction is not recorded")
    func seedSiteIsReportedAsFile() throws {
        let run = try TestCeremony(cards: 1, batchSize: 1)
        try run.runAll()
        #expect(!FileManager.default.fileExists(atPath: run.layout.closingRetention(.siteA).path))
        let auditor = try TemporaryFolder(prefix: "token-auditor")
        let audit = try Tools.run(
            "ceremony-audit", [run.path, "--sample", "0", "--key-folder", auditor.url.path, "--no-countersign"])
        #expect(audit.stdout.contains("site key site A: key in a file (signing-key.seed), destruction not recorded"))
        #expect(audit.stdout.contains("site key site B: key in a file (signing-key.seed), destruction not recorded"))
    }

    @Test("a wrong PIN is one line naming the token, at init and at a later step; the PIN is not shown")
    func wrongPIN() throws {
        let tokens = try SoftHSMTokens()
        let run = try TestCeremony(setUp: false)
        let wrong = try tokens.folder.secretFile("wrong.pin", "999999")
        let refusedInit = try tokens.run(
            "passphrase-site",
            [
                "init", "--ceremony", run.path, "--pkcs11-module", SoftHSMTokens.module, "--token-label", "site-a",
                "--pin-file", wrong,
            ])
        expectOneLineRefusal(refusedInit, containing: "PKCS#11 token 'site-a': wrong PIN")
        #expect(!refusedInit.stderr.contains("999999"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.layout.site(.siteA).path).isEmpty)

        try expectSuccess(
            tokens.run("passphrase-site", ["init", "--ceremony", run.path] + tokens.initOptions("site-a")))
        try expectSuccess(Tools.siteB("init", "--ceremony", run.path))
        let refused = try tokens.run(
            "passphrase-site",
            ["propose", "--ceremony", run.path, "--cards", "2", "--batch-size", "1", "--pin-file", wrong])
        expectOneLineRefusal(
            refused, containing: "site-a/signing-key.pkcs11.json: PKCS#11 token 'site-a': wrong PIN")
        #expect(!FileManager.default.fileExists(atPath: run.layout.manifest.path))
        // Without --pin-file and no terminal to ask on, the site says how to give it.
        let noPIN = try tokens.run(
            "passphrase-site", ["propose", "--ceremony", run.path, "--cards", "2", "--batch-size", "1"])
        expectOneLineRefusal(noPIN, containing: "no terminal to ask the PIN on: give it with --pin-file PATH")
    }

    @Test("a token that is not there: init refuses in one line and writes no key")
    func missingToken() throws {
        let tokens = try SoftHSMTokens()
        let run = try TestCeremony(setUp: false)
        let result = try tokens.run(
            "key-site",
            [
                "init", "--ceremony", run.path, "--pkcs11-module", SoftHSMTokens.module, "--token-label",
                "no-such-token",
                "--pin-file", tokens.pinFile("site-b"),
            ])
        expectOneLineRefusal(
            result, containing: "no PKCS#11 token labelled 'no-such-token' in \(SoftHSMTokens.module)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.layout.site(.siteB).path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: run.layout.declaration(.siteB).path))
    }

    @Test("a module that is missing or not a PKCS#11 module: one line, exit 1")
    func missingModule() throws {
        let tokens = try SoftHSMTokens()
        let run = try TestCeremony(setUp: false)
        let pin = tokens.pinFile("site-a")
        let missing = try tokens.run(
            "passphrase-site",
            [
                "init", "--ceremony", run.path, "--pkcs11-module", "/nonexistent/libnone.so", "--token-label", "site-a",
                "--pin-file", pin,
            ])
        expectOneLineRefusal(
            missing, containing: "PKCS#11 module /nonexistent/libnone.so: cannot be used: no such file")
        // A file that dlopen refuses (not a shared library).
        let notLibrary = try tokens.folder.secretFile("not-a-module.so", "text")
        let refused = try tokens.run(
            "passphrase-site",
            [
                "init", "--ceremony", run.path, "--pkcs11-module", notLibrary, "--token-label", "site-a", "--pin-file",
                pin,
            ])
        expectOneLineRefusal(refused, containing: "PKCS#11 module \(notLibrary): cannot be used:")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.layout.site(.siteA).path).isEmpty)
        // The two token options go together (a usage error).
        let usage = try tokens.run(
            "passphrase-site", ["init", "--ceremony", run.path, "--pkcs11-module", SoftHSMTokens.module])
        #expect(usage.status == 64, "\(usage.stderr)")
    }
}

/// Expects exit 1 with exactly one line on stderr containing `cause`.
func expectOneLineRefusal(
    _ result: Tools.Result, containing cause: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    expectRefusal(result, containing: cause, sourceLocation: sourceLocation)
    #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
}

/// A SoftHSM2 token folder of its own (SOFTHSM2_CONF in the tools' environment) with
/// one initialised token per label, each user PIN in a 0600 file.
final class SoftHSMTokens {
    static let module = "/usr/lib/softhsm/libsofthsm2.so"
    let folder: TemporaryFolder
    let environment: [String: String]

    init(labels: [String] = ["site-a", "site-b"]) throws {
        folder = try TemporaryFolder(prefix: "softhsm-tokens")
        let tokens = folder.url.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let conf = try folder.secretFile(
            "softhsm2.conf", "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n")
        environment = ["SOFTHSM2_CONF": conf]
        for (index, label) in labels.enumerated() {
            let pin = "12345\(index)"
            _ = try folder.secretFile("\(label).pin", pin)
            let made = try ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/softhsm2-util"),
                ["--init-token", "--free", "--label", label, "--so-pin", "so-\(pin)", "--pin", pin],
                environment: environment)
            try #require(made.status == 0, "softhsm2-util (Debian's softhsm2): \(made.stderr)")
        }
    }

    func pinFile(_ label: String) -> String { folder.url.appendingPathComponent("\(label).pin").path }

    /// `init`'s options for a key made in the token `label`.
    func initOptions(_ label: String) -> [String] {
        ["--pkcs11-module", Self.module, "--token-label", label, "--pin-file", pinFile(label)]
    }

    /// Runs a built tool with this token folder.
    func run(_ name: String, _ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(built: name, arguments, environment: environment).withoutMemoryLockWarning
    }
}
