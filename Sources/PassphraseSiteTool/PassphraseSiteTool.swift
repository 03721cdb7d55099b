import ArgumentParser
import BIP38
import Ceremony
import Foundation
import ToolSupport

/// `passphrase-site`: site A of a two-factor key generation ceremony.
@main
struct PassphraseSiteTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase-site",
        abstract:
            "Site A of a 2FKG ceremony: makes passphrases and BIP38 intermediate codes, checks confirmation codes.",
        discussion: """
            Works only in CEREMONY/site-a, CEREMONY/transfer and CEREMONY/printed/site-a. \
            Order: init, propose (after key-site init), issue, verify, seal for each batch, destroy-spools \
            after assembly, then close; log-exception at any step; status shows where the ceremony stands. \
            Every subcommand takes --json: its result as one JSON object on stdout, and an error as one JSON \
            object on stderr (code, file, card, message).
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        version: toolVersion,
        subcommands: [
            Init.self, Propose.self, Issue.self, Verify.self, Seal.self, Close.self,
            DestroySpoolsCommand<PassphraseSiteTool>.self, LogExceptionCommand<PassphraseSiteTool>.self,
            StatusCommand<PassphraseSiteTool>.self,
        ])

    static func main() { runCeremonyTool("passphrase-site", harden: true) }
}

extension PassphraseSiteTool {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make site-a/ and its signing key; declare the public key in transfer/.",
            discussion:
                "The key is a seed file (site-a/signing-key.seed) unless --pkcs11-module and --token-label name a token to make it in."
        )
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var token: TokenOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let key = try SiteSetup.initialise(.siteA, layout: ceremony.layout, token: token.choice)
            output.emit(
                ["site-a key \(key.keyid)", "compare aloud with site B: \(key.shortForm)"],
                ["site": "site-a", "keyid": .string(key.keyid), "short_form": .string(key.shortForm)])
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write ceremony.json (signed by A) naming both sites' keys; site B then endorses it.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @Option(help: "Number of cards.") var cards: Int
        @Option(help: "Cards per batch, at most 4096.") var batchSize: Int
        @Option(help: "mainnet or testnet.") var network: Network = .mainnet
        @Option(help: "BIP38 lot of batch 1.") var firstLot = 1
        @Flag(help: "Use uncompressed public keys for addresses (default: compressed).") var uncompressed = false
        @Option(help: "Passphrase alphabet.") var alphabet = PassphrasePolicy.standard.alphabet
        @Option(help: "Passphrase length in characters (dashes not counted).") var length = PassphrasePolicy.standard
            .length
        @Option(help: "Characters per dash-separated group.") var group = PassphrasePolicy.standard.group
        @Flag(help: "Accept a passphrase policy under 80 bits.") var forceWeakPolicy = false
        @OptionGroup var output: JSONOption

        func run() throws {
            let terms = SiteSetup.Terms(
                cards: cards, batchSize: batchSize, network: network, firstLot: firstLot,
                addressFormat: uncompressed ? .uncompressed : .compressed,
                policy: PassphrasePolicy(alphabet: alphabet, length: length, group: group),
                forceWeakPolicy: forceWeakPolicy)
            let body = try SiteSetup.propose(terms, layout: ceremony.layout, pin: pin.source)
            output.emit(
                [
                    "ceremony \(body.ceremonyId): \(body.cards) cards in \(body.batchCount) batches, \(body.network), policy \(body.policyBits) bits",
                    "site B key \(body.siteB.shortForm) (transfer/site-b.declaration.json): compare aloud with site B",
                ],
                [
                    "ceremony": .string(body.ceremonyId), "cards": .int(body.cards), "batches": .int(body.batchCount),
                    "network": .string("\(body.network)"), "policy_bits": .double(body.policyBits),
                    "site_b_short_form": .string(body.siteB.shortForm),
                ])
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Make a batch: passphrases, labels (printed/site-a) and the signed intermediate batch (transfer/).",
            discussion: "A run killed part way resumes where it stopped; cards already made keep their passphrases.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var batch: BatchOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let count = try site.issue(batch: batch.batch, progress: output.progress)
            output.emit(
                ["batch \(batch.batch): issued \(count) cards"], ["batch": .int(batch.batch), "issued": .int(count)])
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check site B's key batch: every confirmation code against its passphrase; write the signed report.",
            discussion: "Exits 1 when any card fails; the report lists each failing serial and why.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var batch: BatchOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let report = try site.verify(batch: batch.batch, progress: output.progress)
            output.emit(
                ["batch \(batch.batch): \(report.confirmed)/\(report.checked) confirmation codes verified"],
                [
                    "batch": .int(batch.batch), "checked": .int(report.checked), "confirmed": .int(report.confirmed),
                    "failures": .array(
                        report.failures.map {
                            ["serial": .string($0.serial.description), "reason": .string($0.reason)]
                        }),
                ])
            if !report.failures.isEmpty {
                if !output.json {
                    for failure in report.failures { ToolExit.note("card \(failure.serial): \(failure.reason)") }
                }
                throw CeremonyError(
                    .refusedBundle, file: "\(CeremonyLayout.batchName(batch.batch)).keys.json",
                    "\(report.failures.count) card(s) failed confirmation")
            }
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Destroy the batch's passphrases and write site A's signed retention statement.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var batch: BatchOption
        @Flag(help: "Void the cards whose confirmation failed (named in the statement, printed VOID).")
        var voidFailed = false
        @Option(
            help: ArgumentHelp(
                "Wipe the transfer medium (its image file or block device): hash it, overwrite it with zeros, and record its digest in the statement.",
                valueName: "path"))
        var wipeMedium: String?
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let wiped = try site.seal(batch: batch.batch, voidFailed: voidFailed, wipeMedium: wipeMedium)
            output.emit(
                ["batch \(batch.batch): sealed; no passphrase remains in site-a/"]
                    + (wiped.map {
                        ["medium wiped (\($0.bytes) bytes of zeros); SHA-256 before the wipe, signed: \($0.sha256)"]
                    } ?? []),
                [
                    "batch": .int(batch.batch), "sealed": true,
                    "medium_wiped": wiped.map { ["bytes": .int(Int($0.bytes)), "sha256": .string($0.sha256)] } ?? .null,
                ])
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the closing manifest (transfer/closing.json): every payload digest, signed by A.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let digest = try site.close()
            let commitment = try SampleCommitment.read(site.ceremony)
            let log = try ExceptionLog.read(site.ceremony.layout)
            let retired = site.ceremony.layout.closingRetention(.siteA)
            let destroyed = FileManager.default.fileExists(atPath: retired.path)
            output.emit(
                [
                    "closing manifest \(digest.hex)", "compare aloud: \(digest.humanForm)",
                    keysLine(site.ceremony.body),
                    "records the exception log: \(log.entries.count) entries, head \(log.head.humanForm)",
                ]
                    + (destroyed
                        ? ["signing key destroyed in its PKCS#11 token: \(site.ceremony.layout.relative(retired))"]
                        : [])
                    + [
                        commitment.map { "records the auditor's sample commitment \($0.commitment.digest.humanForm)" }
                            ?? "no auditor sample commitment in audit/: the audit will report the sample as steerable"
                    ],
                [
                    "closing_manifest": .string(digest.hex), "short_form": .string(digest.humanForm),
                    "site_a_key": .string(site.ceremony.body.siteA.shortForm),
                    "site_b_key": .string(site.ceremony.body.siteB.shortForm),
                    "exception_log": ["entries": .int(log.entries.count), "head": .string(log.head.hex)],
                    "token_key_destroyed": .optional(destroyed ? site.ceremony.layout.relative(retired) : nil),
                    "sample_commitment": .optional(commitment?.commitment.digest.hex),
                ])
        }
    }
}

extension Network: ExpressibleByArgument {}

/// The site the shared commands (ToolSupport/SiteCommands.swift) run as.
extension PassphraseSiteTool: SiteToolRole {
    static let party = Party.siteA
    static let printerOutput = "labels"
}
