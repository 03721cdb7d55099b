import Foundation
import Testing

/// Ceremony/RUNBOOK.md, the people's script, and Ceremony/run-ceremony.sh, which plays it.
@Suite struct RunbookTests {
    static let runbook = Paths.repository.appendingPathComponent("Ceremony/RUNBOOK.md")
    static let script = Paths.repository.appendingPathComponent("Ceremony/run-ceremony.sh")

    /// The step ids of the runbook's tables, in order: the first cell of each row.
    static func runbookIDs() throws -> [String] {
        try String(contentsOf: runbook, encoding: .utf8).components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix("| ") else { return nil }
            let cell = line.dropFirst(2).prefix { $0 != " " }
            return isStepID(cell) ? String(cell) : nil
        }
    }

    /// The ids the script's `step` calls print, in the order they first appear in it.
    static func scriptIDs() throws -> [String] {
        var ids: [String] = []
        for line in try String(contentsOf: script, encoding: .utf8).components(separatedBy: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "step", isStepID(words[1]), !ids.contains(String(words[1])) else {
                continue
            }
            ids.append(String(words[1]))
        }
        return ids
    }

    /// `A-2.1`, `P-1`: a capital, a dash, a number, and dotted numbers.
    static func isStepID(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 1, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }) else {
            return false
        }
        let numbers = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return !numbers.isEmpty && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    @Test("run-ceremony.sh prints exactly the runbook's step ids, in the runbook's order")
    func scriptFollowsRunbook() throws {
        let runbook = try Self.runbookIDs()
        #expect(runbook.count == 28)
        #expect(runbook.first == "P-1" && runbook.last == "Q-3")
        #expect(Set(runbook).count == runbook.count, "a step id is used twice in RUNBOOK.md")
        #expect(try Self.scriptIDs() == runbook)
    }

    @Test("every step names a role and a command, and has columns for initials and time")
    func everyStepIsComplete() throws {
        let text = try String(contentsOf: Self.runbook, encoding: .utf8)
        let roles = ["site A operator", "site B operator", "witness", "auditor", "everyone"]
        for line in text.components(separatedBy: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 1, Self.isStepID(cells[1]) else { continue }
            // "| id | role | what | command | compare aloud | initials | time |", with `\|` inside a command.
            let unescaped = line.replacingOccurrences(of: "\\|", with: "")
            let columns = unescaped.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            #expect(columns.count == 9, "\(cells[1]): \(columns.count - 2) columns")
            guard columns.count == 9 else { continue }
            #expect(roles.contains { columns[2].contains($0) }, "\(cells[1]) names no role")
            #expect(columns[4].hasPrefix("`") && columns[4].hasSuffix("`"), "\(cells[1]) has no command")
            #expect(!columns[5].isEmpty, "\(cells[1]) has nothing to compare aloud")
            #expect(columns[6].isEmpty && columns[7].isEmpty, "\(cells[1]): initials and time are left blank")
        }
        #expect(text.contains("| initials | time |"))
    }

    @Test("the runbook's commands are the tools' real subcommands")
    func commandsExist() throws {
        let text = try String(contentsOf: Self.runbook, encoding: .utf8)
        for (tool, subcommand) in [
            ("passphrase-site", "destroy-spools"), ("key-site", "destroy-spools"), ("passphrase-site", "log-exception"),
            ("ceremony-audit", "log-exception"), ("ceremony-audit", "mock-secrets"),
        ] {
            #expect(text.contains("\(tool) \(subcommand)"))
            let help = try Run.tool(tool, [subcommand, "--help"])
            #expect(help.status == 0, "\(tool) \(subcommand) --help: \(help.stderr)")
        }
    }
}
