import BIP38
import Ceremony
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Tool provenance: `--version` on every executable, and the build record every payload carries.
@Suite struct ToolProvenance {
    static let executables = [
        "bip38", "passphrase-site", "key-site", "card-print", "ceremony-audit", "ceremony-fault", "Benchmarks",
    ]

    @Test("every executable answers --version with the toolkit's version", arguments: executables)
    func version(_ name: String) throws {
        let result = try Tools.run(name, ["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == ToolkitVersion.current + "\n")
    }

    /// SHA-256 of a built executable's file, as `sha256sum` prints it.
    static func digest(_ name: String) throws -> String {
        SHA256.hash(try Data(contentsOf: Tools.executable(name))).hex
    }

    @Test("each site's payloads record its tool, the version and its executable's SHA-256")
    func payloadsRecordTheirBuild() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runBatch(1)
        let a = try Self.digest("passphrase-site")
        let b = try Self.digest("key-site")
        #expect(a != b)
        let expected: [(URL, String, String)] = [
            (test.layout.declaration(.siteA), "passphrase-site", a), (test.layout.manifest, "passphrase-site", a),
            (test.layout.declaration(.siteB), "key-site", b), (test.layout.intermediateBatch(1), "passphrase-site", a),
            (test.layout.keyBatch(1), "key-site", b), (test.layout.retention(.siteB, batch: 1), "key-site", b),
            (test.layout.confirmationReport(1), "passphrase-site", a),
            (test.layout.retention(.siteA, batch: 1), "passphrase-site", a),
        ]
        for (file, tool, digest) in expected {
            let envelope = try Envelope(json: Data(contentsOf: file))
            let header = try TranscriptJSON.decoder.decode(PayloadHeader.self, from: envelope.payload)
            let build = try #require(header.build, "\(file.lastPathComponent) records no build")
            #expect(build.tool == tool, "\(file.lastPathComponent)")
            #expect(build.version == ToolkitVersion.current)
            #expect(build.executableSha256.hex == digest, "\(file.lastPathComponent)")
        }
    }

    @Test("the honest path with the real executables: the audit lists both sites' builds, expected in their SHA256SUMS")
    func auditExpectsTheBuiltExecutables() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        try test.runAll()
        let sums = test.root.deletingLastPathComponent().appendingPathComponent("SHA256SUMS-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: sums) }
        let names = ["passphrase-site", "key-site", "ceremony-audit"]
        try Data(try names.map { "\(try Self.digest($0))  \($0)\n" }.joined().utf8).write(to: sums)
        let audit = try Tools.run(
            "ceremony-audit", [test.path, "--no-countersign", "--sample", "0", "--expect-build", sums.path])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        let a = try Self.digest("passphrase-site")
        let b = try Self.digest("key-site")
        #expect(
            audit.stdout.contains("build site-a: passphrase-site \(ToolkitVersion.current) \(a) (6 payloads, expected)")
        )
        #expect(audit.stdout.contains("build site-b: key-site \(ToolkitVersion.current) \(b) (3 payloads, expected)"))
        let report = try String(contentsOf: test.layout.audit.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            report.contains(
                "Audited by `ceremony-audit` \(ToolkitVersion.current), executable SHA-256 `\(try Self.digest("ceremony-audit"))`."
            ))

        // A SHA256SUMS of another build (no line for this key-site) fails B1.
        try Data("\(a)  passphrase-site\n".utf8).write(to: sums)
        let other = try Tools.run(
            "ceremony-audit", [test.path, "--no-countersign", "--sample", "0", "--expect-build", sums.path])
        #expect(other.status == 3)
        #expect(other.stdout.contains("failed: B1.builds"), "\(other.stdout)")
        #expect(other.stdout.contains("(3 payloads, NOT EXPECTED)"))
    }

    @Test("a payload without a build field (an older build's) still decodes canonically, and re-encodes to its bytes")
    func payloadWithoutBuildReads() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let envelope = try Envelope(json: Data(contentsOf: test.layout.manifest))
        var object = try #require(try JSONSerialization.jsonObject(with: envelope.payload) as? [String: Any])
        #expect(object["build"] != nil)
        object["build"] = nil
        let older = try PayloadKind.manifest.canonicalEncoding(
            of: JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        #expect(!String(decoding: older, as: UTF8.self).contains("\"build\""))
        let decoded = try Payload<ManifestBody>.decodeCanonical(older)
        #expect(decoded.build == nil)
        #expect(decoded.encoded() == older)
        // The same payload with its build is a different, equally canonical payload.
        let current = try Payload<ManifestBody>.decodeCanonical(envelope.payload)
        #expect(current.build?.tool == "passphrase-site")
        #expect(current.body.ceremonyId == decoded.body.ceremonyId)
    }

    @Test("a build field with an executable digest that is not SHA-256 hex is refused")
    func malformedBuildIsRefused() throws {
        let test = try TestCeremony(cards: 2, batchSize: 2)
        let envelope = try Envelope(json: Data(contentsOf: test.layout.manifest))
        let text = String(decoding: envelope.payload, as: UTF8.self)
        let digest = try Self.digest("passphrase-site")
        let edited = text.replacingOccurrences(of: digest, with: "not-a-digest")
        #expect(edited != text)
        #expect(throws: CeremonyError.self) { try Payload<ManifestBody>.decodeCanonical(Data(edited.utf8)) }
    }
}
