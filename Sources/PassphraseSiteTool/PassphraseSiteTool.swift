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
            after assembly, then close; log-exception at any step.
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        subcommands: [
            Init.self, Propose.self, Issue.self, Verify.self, Seal.self, Close.self, DestroySpools.self,
            LogException.self,
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

        func run() throws {
            let key = try SiteSetup.initialise(.siteA, layout: ceremony.layout, token: token.choice)
            print("site-a key \(key.keyid)")
            print("compare aloud with site B: \(key.shortForm)")
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

        func run() throws {
            let terms = SiteSetup.Terms(
                cards: cards, batchSize: batchSize, network: network, firstLot: firstLot,
                addressFormat: uncompressed ? .uncompressed : .compressed,
                policy: PassphrasePolicy(alphabet: alphabet, length: length, group: group),
                forceWeakPolicy: forceWeakPolicy)
            let body = try SiteSetup.propose(terms, layout: ceremony.layout, pin: pin.source)
            print(
                "ceremony \(body.ceremonyId): \(body.cards) cards in \(body.batchCount) batches, \(body.network), policy \(body.policyBits) bits"
            )
            print("site B key \(body.siteB.shortForm) (transfer/site-b.declaration.json): compare aloud with site B")
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

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let count = try site.issue(batch: batch.batch, progress: TerminalProgress.ifTerminal())
            print("batch \(batch.batch): issued \(count) cards")
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

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let report = try site.verify(batch: batch.batch, progress: TerminalProgress.ifTerminal())
            print("batch \(batch.batch): \(report.confirmed)/\(report.checked) confirmation codes verified")
            if !report.failures.isEmpty {
                for failure in report.failures { ToolExit.note("card \(failure.serial): \(failure.reason)") }
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

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let wiped = try site.seal(batch: batch.batch, voidFailed: voidFailed, wipeMedium: wipeMedium)
            print("batch \(batch.batch): sealed; no passphrase remains in site-a/")
            if let wiped {
                print("medium wiped (\(wiped.bytes) bytes of zeros); SHA-256 before the wipe, signed: \(wiped.sha256)")
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the closing manifest (transfer/closing.json): every payload digest, signed by A.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption

        func run() throws {
            let site = try PassphraseSite(layout: ceremony.layout, pin: pin.source)
            let digest = try site.close()
            print("closing manifest \(digest.hex)")
            print("compare aloud: \(digest.humanForm)")
            print(keysLine(site.ceremony.body))
            let log = try ExceptionLog.read(site.ceremony.layout)
            print("records the exception log: \(log.entries.count) entries, head \(log.head.humanForm)")
            let retired = site.ceremony.layout.closingRetention(.siteA)
            if FileManager.default.fileExists(atPath: retired.path) {
                print("signing key destroyed in its PKCS#11 token: \(site.ceremony.layout.relative(retired))")
            }
            if let commitment = try SampleCommitment.read(site.ceremony) {
                print("records the auditor's sample commitment \(commitment.commitment.digest.humanForm)")
            } else {
                print("no auditor sample commitment in audit/: the audit will report the sample as steerable")
            }
        }
    }
}

extension Network: ExpressibleByArgument {}

extension PassphraseSiteTool {
    struct DestroySpools: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "destroy-spools",
            abstract:
                "After printing and assembly: overwrite and remove printed/site-a/, recorded in a signed retention statement.",
            discussion: "Runs after every batch is done and before close, which lists the statement.")
        @OptionGroup var ceremony: CeremonyOption

        func run() throws { try destroySpools(.siteA, layout: ceremony.layout) }
    }

    struct LogException: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-exception",
            abstract: "Append an entry, signed with the site key, to the exception log (transfer/exceptions.jsonl).",
            discussion:
                "The log is hash-chained: each entry holds the SHA-256 of the one before; close records its head.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var exception: ExceptionOptions

        func run() throws {
            let layout = ceremony.layout
            try logException(
                layout, role: .siteA, options: exception, signer: try SiteIdentity.load(from: layout.site(.siteA)))
        }
    }
}
