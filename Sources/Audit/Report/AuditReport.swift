import Ceremony
import Foundation

/// The audit's result: read by people (report.md) and programs (report.json).
package struct AuditReport: Codable, Sendable {
    package struct Matrix: Codable, Sendable, Equatable {
        package let siteA: Int
        package let siteB: Int
        package let both: Int
        package let control: Int

        package init(siteA: Int, siteB: Int, both: Int, control: Int) {
            self.siteA = siteA
            self.siteB = siteB
            self.both = both
            self.control = control
        }
    }

    package struct Exposure: Codable, Sendable {
        package let policyBits: Double
        /// The bits the audit can attest: the policy's, lowered when the passphrases it saw show less.
        package let attestedBits: Double
        /// What the attested figure rests on.
        package let attestedFrom: String
        /// Cards for which a single site's view holds share 2 without share 1.
        package let cardsExposedSiteA: Int
        package let cardsExposedSiteB: Int
        package let scryptMs: Double
        package let cores: Int
        /// log2 of the expected scrypt(16384,8,8) calls to find one card's passphrase (half the space).
        package let expectedScryptCallsLog2: Double
        /// Expected years on this machine, all cores, for one card.
        package let yearsOnThisMachine: Double
    }

    package struct CheckResult: Codable, Sendable {
        package let id: Check
        package let passed: Bool
        package let summary: String
    }

    package let verdict: String
    package let ceremony: String
    package let cards: Int
    /// Which mode ran (production or mock) and what it can and cannot prove.
    package let mode: ModeReport
    package let reconstructable: Matrix
    package let exposure: Exposure
    package let checks: [CheckResult]
    package let findings: [Finding]
    package let randomness: [RandomnessResult]
    /// The cut-and-choose sample (opened, and so voided), drawn from the closing manifest's
    /// digest and the auditor's revealed value.
    package let sample: [String]
    /// What the sample was drawn from.
    package let sampleSeed: String
    /// Every key that signed or was declared, by its short form (T7).
    package let keys: [KeyUse]
    package let auditorSignature: String?
    /// What the auditor could not do after the checks (its countersignature, publishing its value).
    package let errors: [String]
    /// The disk images added to the views (`--image`), as searched.
    package var images: [ImageSearched] = []
    /// Where each site kept its signing key (file or token), and whether its destruction is recorded.
    package var siteKeys: [SiteKeyStorage] = []
    /// The closing manifest's digest (hex), when there is a valid one.
    package var closingDigest: String? = nil
    /// The exception log's entries and head (`K4.exception-log`).
    package var exceptionLog: ExceptionLogReport? = nil
    /// The builds that made the payloads (B1), by signer, in transcript order.
    package var builds: [BuildUse] = []
    /// The build of the auditing executable, when it records one.
    package var auditorBuild: BuildRecord?

    package var passed: Bool { verdict == "pass" }
}

extension AuditReport {
    /// JSON for programs (snake_case keys). Text from files and file names is the
    /// escaped text of the findings (``Finding``), as in report.md: a JSON reader
    /// gets `\u{1B}` as six characters, never the control character itself.
    package var json: Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try! encoder.encode(self)) + Data("\n".utf8)
    }

    /// Markdown for people: the matrix first, then findings by severity, then every check.
    /// Every text that came from a file is escaped again (``shown(_:)``), so no line is added.
    package var markdown: String {
        var lines: [String] = []
        lines.append("# Ceremony audit: \(verdict.uppercased())")
        lines.append("")
        lines.append("Ceremony `\(Self.shown(ceremony))`, \(cards) cards.")
        lines.append("")
        lines.append("## Mode: \(mode.name.rawValue)")
        lines.append("")
        lines.append(
            mode.name == .production
                ? "Production mode: the auditor holds no card secrets but the sample's; the verdict rests on default deny, blind detection and the sample."
                : "Mock mode: the print run is complete, so every card's values are searched for and the positive control covers every card."
        )
        lines.append("")
        lines.append("What this mode proves:")
        lines.append("")
        for line in mode.proves { lines.append("- \(line)") }
        lines.append("")
        lines.append("What it cannot prove:")
        lines.append("")
        for line in mode.cannotProve { lines.append("- \(line)") }
        lines.append("")
        lines.append("## Who could rebuild a key")
        lines.append("")
        lines.append("| view | cards whose private key it can rebuild | must be |")
        lines.append("|---|---|---|")
        lines.append("| site A (retained files + transcript) | \(reconstructable.siteA) | 0 |")
        lines.append("| site B (retained files + transcript) | \(reconstructable.siteB) | 0 |")
        lines.append("| both sites together | \(reconstructable.both) | 0 |")
        lines.append(
            "| positive control (printed labels + card faces\(mode.name == .production ? ", sampled cards" : "")) | \(reconstructable.control) | \(mode.controlMustBe) |"
        )
        lines.append("")
        lines.append("## Findings")
        lines.append("")
        if findings.isEmpty {
            lines.append("None.")
            lines.append("")
        } else {
            for severity in Severity.allCases {
                let group = findings.filter { $0.severity == severity }
                guard !group.isEmpty else { continue }
                lines.append("### \(severity.rawValue.capitalized) (\(group.count))")
                lines.append("")
                for f in group {
                    var where_: [String] = []
                    if let serial = f.serial { where_.append("card \(Self.shown(serial))") }
                    if let file = f.file {
                        where_.append("`\(Self.shown(file))`" + (f.offset.map { " at byte \($0)" } ?? ""))
                    }
                    lines.append(
                        "- **\(f.check.rawValue)** \(where_.isEmpty ? "" : where_.joined(separator: ", ") + ": ")\(Self.shown(f.message))"
                    )
                }
                lines.append("")
            }
        }
        lines += keysMarkdown
        lines += siteKeysMarkdown
        lines += exceptionsMarkdown
        lines += buildsMarkdown
        lines += imagesMarkdown
        lines.append("## Brute-force exposure")
        lines.append("")
        lines.append(
            "Passphrase policy: \(exposure.policyBits) bits; the audit attests \(exposure.attestedBits) bits (\(exposure.attestedFrom)). One scrypt(16384, 8, 8) measured at \(exposure.scryptMs) ms on this machine (\(exposure.cores) cores)."
        )
        lines.append(
            "Finding one card's passphrase takes 2^\(exposure.expectedScryptCallsLog2) scrypt calls on average: about \(String(format: "%.3g", exposure.yearsOnThisMachine)) years here."
        )
        lines.append(
            "Cards whose share 2 a single site holds: site A \(exposure.cardsExposedSiteA), site B \(exposure.cardsExposedSiteB)."
        )
        lines.append("")
        lines.append("## Randomness")
        lines.append("")
        lines.append("| values | samples | bytes | repeats | worst z | result |")
        lines.append("|---|---|---|---|---|---|")
        for r in randomness {
            lines.append(
                "| \(r.source) | \(r.samples) | \(r.bytes) | \(r.duplicates) | \(r.worstZ) | \(r.passed ? "pass" : "FAIL") |"
            )
        }
        lines.append("")
        lines.append(
            "Statistics catch gross faults only: values derived from a secret a site keeps look random. See Docs/ThreatModel.md."
        )
        lines.append("")
        lines.append("## Cut and choose")
        lines.append("")
        lines.append(
            sample.isEmpty
                ? "No sample was opened." : "Opened and voided: \(Self.shown(sample.joined(separator: ", "))).")
        if !sample.isEmpty { lines.append("Drawn from \(Self.shown(sampleSeed)).") }
        lines.append("")
        lines.append("## Checks")
        lines.append("")
        lines.append("| id | result | what it establishes |")
        lines.append("|---|---|---|")
        for c in checks { lines.append("| `\(c.id.rawValue)` | \(c.passed ? "pass" : "**FAIL**") | \(c.summary) |") }
        lines.append("")
        if let auditorSignature {
            lines.append("The auditor countersigned the closing manifest (\(auditorSignature)).")
        }
        for error in errors { lines.append("**Error:** \(error)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text from a file or a file name as the report shows it: escaped by the
    /// toolkit's one escaping function, never cut (it is escaped already, so
    /// escaping again changes nothing).
    package static func shown(_ text: String) -> String { quoted(text, limit: .max) }
}
