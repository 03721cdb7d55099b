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
            labels reads only printed/site-a, faces only printed/site-b; assemble joins them by serial into \
            cards/ (SVG per card, index.html contact sheet). Files showing a passphrase or an encrypted key are 0600.
            Exit status: 0 success; 1 refused (one line on stderr says why); 64 usage error.
            """,
        version: toolVersion, subcommands: [Labels.self, Faces.self, Assemble.self])

    static func main() { runCeremonyTool("card-print", harden: true) }
}

struct PrintOptions: ParsableArguments {
    @OptionGroup var ceremony: CeremonyOption
    @Option(help: "Text on the card front's banner.") var denomination = "MOCK · NO VALUE"

    var layout: CeremonyLayout { ceremony.layout }
}

extension CardPrintTool {
    struct Labels: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Site A's printer: the label sheet of a batch (SVG).")
        @OptionGroup var options: PrintOptions
        @OptionGroup var batch: BatchOption

        func run() throws {
            print(try PrintRun.labelSheet(options.layout, batch: batch.batch).path)
        }
    }

    struct Faces: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Site B's printer: the card-face sheet of a batch (SVG).")
        @OptionGroup var options: PrintOptions
        @OptionGroup var batch: BatchOption

        func run() throws {
            print(try PrintRun.faceSheet(options.layout, batch: batch.batch, denomination: options.denomination).path)
        }
    }

    struct Assemble: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join labels and faces by serial into cards/ with a contact sheet (cards/index.html).")
        @OptionGroup var options: PrintOptions

        func run() throws {
            let count = try PrintRun.assemble(options.layout, denomination: options.denomination)
            print("assembled \(count) cards into \(options.layout.cards.path) (contact sheet: index.html)")
        }
    }
}
