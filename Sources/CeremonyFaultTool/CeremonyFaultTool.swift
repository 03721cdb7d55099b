import ArgumentParser
import Ceremony
import FaultInjection
import Foundation
import ToolSupport

/// `ceremony-fault`: plays a dishonest site or a tampered transcript, to show the audit catching it.
/// A test and demonstration tool: it is never part of a real ceremony.
@main
struct CeremonyFaultTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceremony-fault",
        abstract:
            "Inject a fault from the audit's catalogue into a mock ceremony folder (testing and demonstration only).",
        discussion: """
            Faults of phase after-mint act on one batch between key-site mint and passphrase-site verify; \
            after-close faults act on the finished folder. Faults that change how a site draws its randomness \
            are not reachable from the site executables by design; run them with the in-process mock ceremony \
            (the audit tests).
            """,
        version: toolVersion, subcommands: [List.self, Inject.self])

    static func main() { runCeremonyTool("ceremony-fault", harden: false) }
}

extension Fault: ExpressibleByArgument {}

extension CeremonyFaultTool {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the catalogue: fault, phase, checks that catch it.")

        func run() {
            for fault in Fault.allCases {
                let phase: String =
                    switch fault.phase {
                    case .during: "during"
                    case .afterMint: "after-mint"
                    case .afterClose: "after-close"
                    }
                print(
                    "\(fault.rawValue)\t\(phase)\t\(fault.caughtBy.map(\.rawValue).sorted().joined(separator: ","))\t\(fault.summary)"
                )
            }
        }
    }

    struct Inject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply one fault to a ceremony folder.")
        @Argument(help: "The fault (see `ceremony-fault list`).") var fault: Fault
        @Option(name: .customLong("ceremony"), help: ArgumentHelp("The ceremony folder.", valueName: "dir")) var path =
            "."
        @Option(help: "The batch an after-mint fault acts on.") var batch = 1

        func validate() throws {
            if fault.phase == .during {
                throw ValidationError(
                    "\(fault.rawValue) changes how a site draws randomness or what build it records: only the in-process mock ceremony can play it"
                )
            }
        }

        func run() throws {
            try Injector(layout: CeremonyLayout(path: path)).inject(fault, batch: batch)
            print("injected \(fault.rawValue): \(fault.summary)")
        }
    }
}
