import BIP38
import Ceremony
import CryptoCore
import Foundation

/// The builds the audit expects (`ceremony-audit --expect-build FILE`): a manifest in
/// `sha256sum`'s format, one `HEX  NAME` line per executable of a release (`make
/// release` writes `.build/release/SHA256SUMS`).
package struct ExpectedBuilds: Sendable, Equatable {
    /// Executable name (the last path component) by digest.
    package let names: [PayloadDigest: Set<String>]
    /// The file it was read from, as given.
    package let file: String

    package init(names: [PayloadDigest: Set<String>], file: String) {
        self.names = names
        self.file = file
    }

    /// Reads a `sha256sum` manifest (`HEX  NAME` or `HEX *NAME`; blank and `#` lines skipped).
    /// - Throws: ``CeremonyError/Code/refusedBundle`` naming the first line that is not one.
    package static func read(_ url: URL) throws(CeremonyError) -> ExpectedBuilds {
        let data = try BoundedFile.read(url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .refusedBundle(file: url.path, reason: "not UTF-8 text: expected sha256sum lines")
        }
        var names: [PayloadDigest: Set<String>] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let digest = PayloadDigest(hex: String(parts[0]).lowercased()) else {
                throw .refusedBundle(
                    file: url.path, reason: "line \(index + 1) is not \"SHA256  NAME\" (as sha256sum prints it)")
            }
            var name = parts[1].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("*") { name.removeFirst() }
            names[digest, default: []].insert(URL(fileURLWithPath: name).lastPathComponent)
        }
        guard !names.isEmpty else { throw .refusedBundle(file: url.path, reason: "lists no executable") }
        return ExpectedBuilds(names: names, file: url.path)
    }
}

extension AuditReport {
    /// One build that signed payloads of the ceremony (B1).
    package struct BuildUse: Codable, Sendable, Equatable {
        /// `site-a`, `site-b` or `auditor`.
        package let signer: String
        package let tool: String
        package let version: String
        package let executableSha256: String
        /// The files whose payload records this build.
        package let payloads: [String]
        /// Whether the expected builds (`--expect-build`) list this executable under this tool's name; nil when none were given.
        package let expected: Bool?
    }

    /// The report.md section on builds.
    var buildsMarkdown: [String] {
        var lines = ["## Builds", ""]
        if builds.isEmpty {
            lines += ["No payload records the build that made it.", ""]
            return lines
        }
        if let auditorBuild {
            lines += [
                "Audited by `\(Self.shown(auditorBuild.tool))` \(Self.shown(auditorBuild.version)), executable SHA-256 `\(auditorBuild.executableSha256.hex)`.",
                "",
            ]
        }
        lines += [
            "| signer | tool | version | executable SHA-256 | payloads | expected |", "|---|---|---|---|---|---|",
        ]
        for build in builds {
            let expected = build.expected.map { $0 ? "yes" : "**no**" } ?? "not asked"
            lines.append(
                "| \(build.signer) | `\(Self.shown(build.tool))` | `\(Self.shown(build.version))` | `\(build.executableSha256)` | \(build.payloads.count) | \(expected) |"
            )
        }
        lines.append("")
        return lines
    }
}

extension AuditRun {
    /// B1: the builds the payloads record. Every payload records one (or, for a ceremony
    /// made before builds were recorded, none does); the two sites ran one version; each
    /// tool ran as one executable; each signer's payloads name the tool that party runs;
    /// and, with `--expect-build`, every executable is listed there under its tool's name.
    mutating func checkBuilds(_ transcript: TranscriptAudit) -> [AuditReport.BuildUse] {
        var payloads: [(file: String, header: PayloadHeader)] = []
        // The sites' key declarations, once they verify (T7 checks them), then the manifest and the transcript.
        for party in [Party.siteA, .siteB] {
            let file = layout.declaration(party)
            guard (try? SiteSetup.declaration(of: party, at: file)) != nil,
                let envelope = try? Envelope(json: BoundedFile.read(file, limit: 1 << 16)),
                let header = try? PayloadKind.siteDeclaration.canonicalHeader(of: envelope.payload)
            else { continue }
            payloads.append((layout.relative(file), header))
        }
        payloads.append((layout.relative(layout.manifest), ceremony.manifest.payload.header))
        payloads += transcript.entries.map { (layout.relative($0.file), $0.header) }
        if let commitment = try? SampleCommitment.read(ceremony) {
            payloads.append((layout.relative(layout.sampleCommitment), commitment.commitment.payload.header))
        }
        let recorded = payloads.filter { $0.header.build != nil }
        guard !recorded.isEmpty else {
            findings.append(
                Finding(
                    .builds, .info, "no payload records the build that made it (a toolkit older than build records)"))
            return []
        }
        for (file, header) in payloads where header.build == nil {
            findings.append(
                Finding(.builds, .high, "the payload records no build, while others do", file: file))
        }
        for (file, header) in recorded {
            let build = header.build!
            let wanted = BuildRecord.tool(signing: header.signer)
            if build.tool != wanted {
                findings.append(
                    Finding(
                        .builds, .critical,
                        "\(header.signer.siteName)'s payload records the tool \(build.tool), not \(wanted)", file: file)
                )
            }
        }
        let versions = Set(recorded.map { $0.header.build!.version })
        if versions.count > 1 {
            let bySigner = Dictionary(grouping: recorded, by: { $0.header.signer })
                .map { signer, list in
                    "\(signer.siteName) \(Set(list.map { $0.header.build!.version }).sorted().joined(separator: ", "))"
                }
                .sorted()
            findings.append(
                Finding(
                    .builds, .critical,
                    "the payloads record \(versions.count) versions: \(bySigner.joined(separator: "; "))"))
        }
        for (tool, list) in Dictionary(grouping: recorded, by: { $0.header.build!.tool }) {
            let digests = Set(list.map { $0.header.build!.executableSha256 })
            guard digests.count > 1 else { continue }
            findings.append(
                Finding(
                    .builds, .critical,
                    "\(tool) ran as \(digests.count) different executables: \(digests.map(\.humanForm).sorted().joined(separator: ", "))",
                    file: list.map(\.file).joined(separator: ", ")))
        }
        let expected = options.expectedBuilds
        if let expected {
            for (file, header) in recorded {
                let build = header.build!
                guard !(expected.names[build.executableSha256]?.contains(build.tool) ?? false) else { continue }
                findings.append(
                    Finding(
                        .builds, .critical,
                        "\(build.tool) \(build.executableSha256.humanForm) is not among the expected builds (\(expected.file))",
                        file: file))
            }
        }
        var uses: [BuildKey: [String]] = [:]
        var order: [BuildKey] = []
        for (file, header) in recorded {
            let key = BuildKey(signer: header.signer, build: header.build!)
            if uses[key] == nil { order.append(key) }
            uses[key, default: []].append(file)
        }
        return order.map { key in
            AuditReport.BuildUse(
                signer: key.signer.rawValue, tool: key.build.tool, version: key.build.version,
                executableSha256: key.build.executableSha256.hex, payloads: uses[key] ?? [],
                expected: expected.map { $0.names[key.build.executableSha256]?.contains(key.build.tool) ?? false })
        }
    }

    private struct BuildKey: Hashable {
        let signer: Party
        let build: BuildRecord
    }
}
