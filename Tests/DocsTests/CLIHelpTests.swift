import Foundation
import TestSupport
import Testing

/// Docs/CLI.md against the built executables.
///
/// The convention: a fenced block whose first line is `$ TOOL [SUBCOMMAND...] --help`
/// holds that command's help text, exactly as it prints at 80 columns.
enum CLIDoc {
    static let tools = ["bip38", "passphrase-site", "key-site", "ceremony-audit", "card-print", "ceremony-fault"]

    struct HelpBlock: Sendable, CustomTestStringConvertible {
        let command: [String]
        let lines: [String]
        let firstLine: Int

        var testDescription: String { command.joined(separator: " ") }
    }

    /// Every help block of CLI.md (empty if the page cannot be read; a test says so).
    static let helpBlocks: [HelpBlock] = {
        guard let page = try? Page("CLI.md") else { return [] }
        return page.blocks.compactMap { block in
            guard let first = block.lines.first, first.hasPrefix("$ "), first.hasSuffix(" --help") else { return nil }
            let words = first.dropFirst(2).dropLast(" --help".count).split(separator: " ").map(String.init)
            return HelpBlock(command: words, lines: Array(block.lines.dropFirst()), firstLine: block.firstLine + 1)
        }
    }()

    /// The subcommands a help text lists under SUBCOMMANDS:.
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in help.components(separatedBy: "\n") {
            if line == "SUBCOMMANDS:" {
                inSection = true
                continue
            }
            guard inSection else { continue }
            if line.isEmpty { break }
            if let name = matches("^  [a-z][a-z0-9-]*(?= |$)", in: line).first {
                names.append(name.trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }

    /// The help text as the docs show it: trailing blank lines dropped.
    static func lines(_ text: String) -> [String] {
        var lines = text.components(separatedBy: "\n")
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}

@Suite("Docs/CLI.md: help texts") struct CLIHelpTests {
    @Test("CLI.md has help blocks, one per command")
    func blocksExist() {
        #expect(CLIDoc.helpBlocks.count >= CLIDoc.tools.count, "no `$ TOOL --help` blocks found in Docs/CLI.md")
        let commands = CLIDoc.helpBlocks.map { $0.command.joined(separator: " ") }
        let repeated = Dictionary(grouping: commands, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "help shown twice in Docs/CLI.md: \(repeated)")
    }

    @Test("each help block in CLI.md is exactly the command's --help", arguments: CLIDoc.helpBlocks)
    func helpMatches(_ block: CLIDoc.HelpBlock) throws {
        let tool = try #require(block.command.first)
        let run = try Run.tool(tool, Array(block.command.dropFirst()) + ["--help"])
        #expect(run.status == 0, "\(block.testDescription) --help exited \(run.status): \(run.stderr)")
        let actual = CLIDoc.lines(run.stdout)
        let documented = CLIDoc.lines(block.lines.joined(separator: "\n"))
        let same = documented == actual
        #expect(
            same,
            "Docs/CLI.md differs from `\(block.testDescription) --help`, \(firstDifference(documented: documented, actual: actual, firstLine: block.firstLine)); run Tests/DocsTests/Fixtures/regenerate.sh --docs-only"
        )
    }

    @Test("every executable and every subcommand, at every depth, has its help in CLI.md", arguments: CLIDoc.tools)
    func everyCommandDocumented(_ tool: String) throws {
        let documented = Set(CLIDoc.helpBlocks.map { $0.command.joined(separator: " ") })
        var queue: [[String]] = [[tool]]
        var seen: [String] = []
        while let command = queue.first {
            queue.removeFirst()
            let name = command.joined(separator: " ")
            seen.append(name)
            let isDocumented = documented.contains(name)
            #expect(isDocumented, "Docs/CLI.md has no `$ \(name) --help` block")
            let run = try Run.tool(command[0], Array(command.dropFirst()) + ["--help"])
            try #require(run.status == 0, "\(name) --help exited \(run.status)")
            for sub in CLIDoc.subcommands(inHelp: run.stdout) { queue.append(command + [sub]) }
        }
        // And nothing documented that the tool no longer has.
        for name in documented where name == tool || name.hasPrefix(tool + " ") {
            #expect(seen.contains(name), "Docs/CLI.md documents `\(name)`, which \(tool) does not list")
        }
    }
}

@Suite("Docs/CLI.md: exit status") struct CLIExitStatusTests {
    @Test("the exit-status table has a row for 0, 1, 2, 3 and 64")
    func tableRows() throws {
        let rows = try Page("CLI.md").tableRows.map { $0.first ?? "" }
        for status in ["0", "1", "2", "3", "64"] {
            #expect(rows.contains(status), "no exit-status row \(status) in Docs/CLI.md")
        }
    }

    /// A refusal is one line `TOOL: cause` with status 1; a usage error is status 64.
    struct Case: Sendable, CustomTestStringConvertible {
        let tool: String
        let arguments: [String]
        let status: Int32
        var testDescription: String { "\(tool) \(arguments.joined(separator: " ")) → \(status)" }
    }

    static let empty = "/nonexistent-docs-tests-ceremony"

    static let cases: [Case] = [
        Case(tool: "bip38", arguments: ["intermediate", "--lot", "1"], status: 64),
        Case(
            tool: "bip38", arguments: ["inspect", "6PoFfHwbnXfE6sTvb622L9GccuEtzgMmyAdrQ9hQV4pHKK5QWjXyEJ7jKq"],
            status: 1),
        Case(
            tool: "bip38", arguments: ["decrypt", "6PoFfHwbnXfE6sTvb622L9GccuEtzgMmyAdrQ9hQV4pHKK5QWjXyEJ7jKP"],
            status: 1),
        Case(tool: "passphrase-site", arguments: ["issue", "--ceremony", empty], status: 64),
        Case(
            tool: "passphrase-site", arguments: ["propose", "--ceremony", empty, "--cards", "1", "--batch-size", "1"],
            status: 1),
        Case(tool: "key-site", arguments: ["mint", "--ceremony", empty, "--batch", "1"], status: 1),
        Case(tool: "key-site", arguments: ["mint", "--ceremony", empty], status: 64),
        Case(tool: "ceremony-audit", arguments: [empty, "--no-countersign"], status: 2),
        Case(tool: "ceremony-audit", arguments: [empty], status: 64),
        Case(tool: "ceremony-audit", arguments: [empty, "--sample", "-1"], status: 64),
        Case(tool: "card-print", arguments: ["assemble", "--ceremony", empty], status: 1),
        Case(tool: "ceremony-fault", arguments: ["inject", "a-weak-policy", "--ceremony", empty], status: 64),
        Case(tool: "ceremony-fault", arguments: ["inject", "no-such-fault"], status: 64),
    ]

    @Test("refusals exit 1 with one line `TOOL: cause`, usage errors 64, an unusable audit folder 2", arguments: cases)
    func status(_ c: Case) throws {
        let run = try Run.tool(c.tool, c.arguments)
        #expect(run.status == c.status, "stderr: \(run.stderr)")
        if c.status == 1 || (c.tool == "ceremony-audit" && c.status == 2) {
            let lines = CLIDoc.lines(run.stderr)
            #expect(lines.count == 1 && lines[0].hasPrefix("\(c.tool): "), "stderr: \(run.stderr)")
        }
    }
}

@Suite("Docs/CLI.md: examples") struct CLIExampleTests {
    /// Blocks `$ bip38 ...` (not help): commands on the example ceremony's card
    /// 0000001-0000, whose passphrase file is `pass.txt`.
    @Test("each `$ bip38 ...` example prints what CLI.md shows")
    func bip38Examples() throws {
        let page = try Page("CLI.md")
        let examples = page.blocks.filter { block in
            guard let first = block.lines.first else { return false }
            return first.hasPrefix("$ bip38 ") && !first.hasSuffix(" --help")
        }
        #expect(examples.count >= 2)
        let folder = try TemporaryFolder()
        let passphrase = try #require(try Example.records("printed/site-a/batch-0001.labels").first?["passphrase"])
        let passFile = folder.url.appendingPathComponent("pass.txt")
        try Data(passphrase.utf8).write(to: passFile)
        for block in examples {
            let words = block.lines[0].dropFirst("$ bip38 ".count).split(separator: " ").map {
                $0 == "pass.txt" ? passFile.path : String($0)
            }
            let run = try Run.tool("bip38", words)
            let documented = Array(block.lines.dropFirst())
            let actual = CLIDoc.lines(run.stdout)
            let same = documented == actual
            #expect(
                same,
                "Docs/CLI.md, `\(block.lines[0])`: \(firstDifference(documented: documented, actual: actual, firstLine: block.firstLine + 1))"
            )
        }
    }
}
