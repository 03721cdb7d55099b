import Foundation
import TestSupport
import Testing

/// Where things are: the repository (found from this file's path, so the tests
/// read the Docs/ being edited, not a copy) and the example ceremony the docs
/// quote. The built executables are found by TestSupport's `BuildFolder`.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let docs = repository.appendingPathComponent("Docs")
    static let exampleCeremony = repository.appendingPathComponent("Tests/DocsTests/Fixtures/example-ceremony")
}

/// One run of a built executable.
typealias Run = ProcessResult

extension ProcessResult {
    /// Runs `tool arguments...` with `COLUMNS=80` (help is wrapped to the
    /// terminal's width; 80 is what Docs/CLI.md shows) and no standard input.
    /// The memory-lock warning a site prints as a non-root user on a machine with
    /// swap depends on the machine, not the command (ProcessHardeningTests checks it).
    static func tool(_ tool: String, _ arguments: [String]) throws -> Run {
        try ProcessRunner.run(built: tool, arguments, environment: ["COLUMNS": "80"]).withoutMemoryLockWarning
    }
}

/// A Markdown page of Docs/, split into what the tests look at.
struct Page: Sendable {
    /// A fenced code block.
    struct Block: Sendable {
        /// The text after the opening fence (the language).
        let info: String
        /// The lines between the fences.
        let lines: [String]
        /// 1-based line number of the first content line.
        let firstLine: Int
        /// The nearest heading above the block, without its `#`s.
        let heading: String
    }

    let name: String
    let text: String
    let lines: [String]
    let blocks: [Block]

    init(_ name: String) throws {
        self.name = name
        text = try String(contentsOf: Paths.docs.appendingPathComponent(name), encoding: .utf8)
        lines = text.components(separatedBy: "\n")
        var blocks: [Block] = []
        var heading = ""
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("```") {
                let info = String(line.dropFirst(3))
                var content: [String] = []
                var end = index + 1
                while end < lines.count && lines[end] != "```" {
                    content.append(lines[end])
                    end += 1
                }
                blocks.append(Block(info: info, lines: content, firstLine: index + 2, heading: heading))
                index = end + 1
                continue
            }
            if line.hasPrefix("#") { heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) }
            index += 1
        }
        self.blocks = blocks
    }

    /// The lines outside fenced blocks.
    var prose: [String] {
        var out: [String] = []
        var inside = false
        for line in lines {
            if line.hasPrefix("```") {
                inside = line == "```" ? !inside : true
                continue
            }
            if !inside { out.append(line) }
        }
        return out
    }

    /// Every table row outside fenced blocks, split into trimmed cells
    /// (`|` inside backticks does not occur in these tables).
    var tableRows: [[String]] {
        prose.filter { $0.hasPrefix("|") && $0.hasSuffix("|") }.map(Self.cells)
    }

    /// The body rows of every table whose header's first cell is `first`.
    func table(headed first: String) -> [[String]] {
        var out: [[String]] = []
        var current: [[String]] = []
        for line in prose + [""] {
            if line.hasPrefix("|") && line.hasSuffix("|") {
                current.append(Self.cells(line))
                continue
            }
            if current.first?.first == first { out += current.dropFirst(2) }
            current = []
        }
        return out
    }

    static func cells(_ row: String) -> [String] {
        row.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The first block after each heading `#### KIND: `PATH``, by path.
    func examples(_ kind: String) -> [(path: String, block: Block)] {
        var out: [(path: String, block: Block)] = []
        let prefix = "\(kind): `"
        for block in blocks where block.heading.hasPrefix(prefix) && block.heading.hasSuffix("`") {
            let path = String(block.heading.dropFirst(prefix.count).dropLast())
            if !out.contains(where: { $0.path == path }) { out.append((path, block)) }
        }
        return out
    }

    /// The text with every run of whitespace (line breaks included) made one space,
    /// so a phrase is found wherever the page wraps it.
    var flat: String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    /// Whether the page says `phrase` (ignoring how it is wrapped).
    func says(_ phrase: String) -> Bool {
        flat.contains(phrase.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
    }
}

/// The backticked items of a table cell: "`a`, `b`" → ["a", "b"].
func backticked(_ cell: String) -> [String] {
    cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map {
        String($0.element)
    }
}

/// All matches of a regular expression in a text.
func matches(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern)
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
}

/// Where two texts first differ, for a failure message that points at the line.
func firstDifference(documented: [String], actual: [String], firstLine: Int) -> String {
    for index in 0..<max(documented.count, actual.count) {
        let d = index < documented.count ? documented[index] : "<end of block>"
        let a = index < actual.count ? actual[index] : "<end of output>"
        if d != a { return "line \(firstLine + index): documented \"\(d)\", actual \"\(a)\"" }
    }
    return "identical"
}

extension TemporaryFolder {
    /// A private temporary folder (`docs-tests-...`), removed when released.
    convenience init() throws { try self.init(prefix: "docs-tests") }

    /// A copy of the example ceremony inside this folder.
    func exampleCeremony(_ name: String) throws -> URL {
        let copy = url.appendingPathComponent(name)
        try FileManager.default.copyItem(at: Paths.exampleCeremony, to: copy)
        return copy
    }
}
