import ArgumentParser
import BIP38
import Ceremony
import Foundation
import ToolSupport

/// `key-site`: site B of a two-factor key generation ceremony.
@main
struct KeySiteTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key-site",
        abstract:
            "Site B of a 2FKG ceremony: turns intermediate codes into encrypted keys, addresses and confirmation codes.",
        discussion: """
            Works only in CEREMONY/site-b, CEREMONY/transfer and CEREMONY/printed/site-b. \
            Order: init, endorse (after passphrase-site propose), mint for each batch, destroy-spools after assembly, \
            then close; log-exception at any step; status shows where the ceremony stands. Every subcommand \
            takes --json: its result as one JSON object on stdout, and an error as one JSON object on stderr \
            (code, file, card, message).
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        version: toolVersion,
        subcommands: [
            Init.self, Endorse.self, Mint.self, Close.self, DestroySpoolsCommand<KeySiteTool>.self,
            LogExceptionCommand<KeySiteTool>.self, StatusCommand<KeySiteTool>.self,
        ])

    static func main() { runCeremonyTool("key-site", harden: true) }
}

extension KeySiteTool {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make site-b/ and its signing key; declare the public key in transfer/.",
            discussion:
                "The key is a seed file (site-b/signing-key.seed) unless --pkcs11-module and --token-label name a token to make it in."
        )
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var token: TokenOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let key = try SiteSetup.initialise(.siteB, layout: ceremony.layout, token: token.choice)
            output.emit(
                ["site-b key \(key.keyid)", "compare aloud with site A: \(key.shortForm)"],
                ["site": "site-b", "keyid": .string(key.keyid), "short_form": .string(key.shortForm)])
        }
    }

    struct Endorse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check ceremony.json (A's signature, this site's key) and countersign it.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let body = try SiteSetup.endorse(layout: ceremony.layout, pin: pin.source)
            output.emit(
                [
                    "ceremony \(body.ceremonyId) endorsed: \(body.cards) cards, \(body.network), site A key \(body.siteA.shortForm)"
                ],
                [
                    "ceremony": .string(body.ceremonyId), "endorsed": true, "cards": .int(body.cards),
                    "network": .string("\(body.network)"), "site_a_short_form": .string(body.siteA.shortForm),
                ])
        }
    }

    struct Mint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verify A's intermediate batch and make each card's encrypted key, address and confirmation code.",
            discussion:
                "Writes the card faces (printed/site-b), the signed key batch and retention statement (transfer/).")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var batch: BatchOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try KeySite(layout: ceremony.layout, pin: pin.source)
            let count = try site.mint(batch: batch.batch, progress: output.progress)
            output.emit(
                ["batch \(batch.batch): minted \(count) cards"], ["batch": .int(batch.batch), "minted": .int(count)])
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the closing manifest lists exactly the transcript, and countersign it.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption
        @OptionGroup var output: JSONOption

        func run() throws {
            let site = try KeySite(layout: ceremony.layout, pin: pin.source)
            let digest = try site.countersignClosing()
            let retired = site.ceremony.layout.closingRetention(.siteB)
            let destroyed = FileManager.default.fileExists(atPath: retired.path)
            output.emit(
                [
                    "closing manifest \(digest.hex) countersigned", "compare aloud: \(digest.humanForm)",
                    keysLine(site.ceremony.body),
                ]
                    + (destroyed
                        ? ["signing key destroyed in its PKCS#11 token: \(site.ceremony.layout.relative(retired))"]
                        : []),
                [
                    "closing_manifest": .string(digest.hex), "countersigned": true,
                    "short_form": .string(digest.humanForm),
                    "site_a_key": .string(site.ceremony.body.siteA.shortForm),
                    "site_b_key": .string(site.ceremony.body.siteB.shortForm),
                    "token_key_destroyed": .optional(destroyed ? site.ceremony.layout.relative(retired) : nil),
                ])
        }
    }
}

/// The site the shared commands (ToolSupport/SiteCommands.swift) run as.
extension KeySiteTool: SiteToolRole {
    static let party = Party.siteB
    static let printerOutput = "faces"
}
