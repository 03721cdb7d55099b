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
            then close; log-exception at any step.
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        subcommands: [Init.self, Endorse.self, Mint.self, Close.self, DestroySpools.self, LogException.self])

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

        func run() throws {
            let key = try SiteSetup.initialise(.siteB, layout: ceremony.layout, token: token.choice)
            print("site-b key \(key.keyid)")
            print("compare aloud with site A: \(key.shortForm)")
        }
    }

    struct Endorse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check ceremony.json (A's signature, this site's key) and countersign it.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption

        func run() throws {
            let body = try SiteSetup.endorse(layout: ceremony.layout, pin: pin.source)
            print(
                "ceremony \(body.ceremonyId) endorsed: \(body.cards) cards, \(body.network), site A key \(body.siteA.shortForm)"
            )
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

        func run() throws {
            let site = try KeySite(layout: ceremony.layout, pin: pin.source)
            let count = try site.mint(batch: batch.batch, progress: TerminalProgress.ifTerminal())
            print("batch \(batch.batch): minted \(count) cards")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the closing manifest lists exactly the transcript, and countersign it.")
        @OptionGroup var ceremony: CeremonyOption
        @OptionGroup var pin: PINOption

        func run() throws {
            let site = try KeySite(layout: ceremony.layout, pin: pin.source)
            let digest = try site.countersignClosing()
            print("closing manifest \(digest.hex) countersigned")
            print("compare aloud: \(digest.humanForm)")
            print(keysLine(site.ceremony.body))
            let retired = site.ceremony.layout.closingRetention(.siteB)
            if FileManager.default.fileExists(atPath: retired.path) {
                print("signing key destroyed in its PKCS#11 token: \(site.ceremony.layout.relative(retired))")
            }
        }
    }
}

extension KeySiteTool {
    struct DestroySpools: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "destroy-spools",
            abstract:
                "After printing and assembly: overwrite and remove printed/site-b/, recorded in a signed retention statement.",
            discussion: "Runs after every batch is done and before close, which lists the statement.")
        @OptionGroup var ceremony: CeremonyOption

        func run() throws { try destroySpools(.siteB, layout: ceremony.layout) }
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
                layout, role: .siteB, options: exception, signer: try SiteIdentity.load(from: layout.site(.siteB)))
        }
    }
}
