import ArgumentParser
import Ceremony
import Foundation
import Printing
import ToolSupport

/// `card-print`: the printers of both sites and the assembly line.
@main
struct CardPrintTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card-print",
        abstract: "Print a ceremony's scratch-off labels (site A) and card faces (site B), and assemble the cards.",
        discussion: """
            labels reads only printed/site-a, faces only printed/site-b; each writes a PDF of A4 or Letter pages \
            with cut marks and the same pages as SVG. assemble joins them by serial into cards/ (SVG per card, \
            index.html contact sheet); void-sample marks the audit's sample VOID. Files showing a passphrase or \
            an encrypted key are 0600.
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        version: toolVersion, subcommands: [Labels.self, Faces.self, Assemble.self, VoidSample.self])

    static func main() { runCeremonyTool("card-print", harden: true) }
}

extension Paper: ExpressibleByArgument {}

struct PrintOptions: ParsableArguments {
    @OptionGroup var ceremony: CeremonyOption
    @Option(help: "Text on the card front's banner.") var denomination = "MOCK · NO VALUE"

    var layout: CeremonyLayout { ceremony.layout }
}

struct PaperOption: ParsableArguments {
    @Option(help: "The paper of the PDF pages (A4 or US Letter, portrait).")
    var paper: Paper = .a4
}

extension CardPrintTool {
    struct Labels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Site A's printer: the label sheet of a batch (PDF pages and SVG), labels cut to the scratch-off window."
        )
        @OptionGroup var options: PrintOptions
        @OptionGroup var batch: BatchOption
        @OptionGroup var paper: PaperOption

        func run() throws {
            let sheet = try PrintRun.labelSheet(options.layout, batch: batch.batch, paper: paper.paper)
            print(PrintRun.pdf(of: sheet).path)
            print(sheet.path)
        }
    }

    struct Faces: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Site B's printer: the card-face sheet of a batch (PDF pages and SVG): fronts and stickers.")
        @OptionGroup var options: PrintOptions
        @OptionGroup var batch: BatchOption
        @OptionGroup var paper: PaperOption

        func run() throws {
            let sheet = try PrintRun.faceSheet(
                options.layout, batch: batch.batch, denomination: options.denomination, paper: paper.paper)
            print(PrintRun.pdf(of: sheet).path)
            print(sheet.path)
        }
    }

    struct Assemble: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join labels and faces by serial into cards/ with a contact sheet (cards/index.html).",
            discussion: """
                Also writes cards/verify.html, the card holder's offline page (decrypt a card, check a \
                confirmation code), and prints its SHA-256, which the page shows too.
                """)
        @OptionGroup var options: PrintOptions
        @Flag(
            help:
                "Also write SERIAL.back-revealed.svg, the back opened: both halves of the key in one file (a mock demonstration only)."
        )
        var revealBacks = false

        func run() throws {
            let count = try PrintRun.assemble(
                options.layout, denomination: options.denomination, revealBacks: revealBacks)
            print("assembled \(count) cards into \(options.layout.cards.path) (contact sheet: index.html)")
            let digest = try VerifyPage.write(options.layout)
            print("holder's page: \(VerifyPage.fileName) sha256 \(digest)")
        }
    }

    struct VoidSample: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void-sample",
            abstract: "After the audit: stamp VOID on the cards its sample opened, and mark them on the contact sheet.")
        @OptionGroup var ceremony: CeremonyOption
        @Option(help: "The audit report that names the sample (default: audit/report.json in the ceremony folder).")
        var report: String?

        func run() throws {
            let sample = try PrintRun.voidSample(
                ceremony.layout, report: report.map { URL(fileURLWithPath: $0) })
            print(
                "voided \(sample.count) sampled card(s) in cards/"
                    + (sample.isEmpty ? "" : ": \(sample.map(\.description).joined(separator: ", "))"))
        }
    }
}
