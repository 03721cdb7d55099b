import Foundation
import Testing

/// The tutorials' figures are `bip38 explain` output: every figure is re-run and
/// each of its lines must appear in the real output, in order (figures may
/// leave steps out, marked `…`). `molon.txt` and `testing.txt` hold the specification's passphrases.
@Suite struct TutorialFigures {
    struct Figure: Sendable, CustomTestStringConvertible {
        let page: String
        let line: Int
        let arguments: [String]
        let expected: [String]
        var testDescription: String { "\(page):\(line)" }
    }

    static let figures: [Figure] = ["Tutorial.md", "Tutorial-Ceremony.md"].flatMap { page -> [Figure] in
        let text = (try? String(contentsOf: Paths.docs.appendingPathComponent(page), encoding: .utf8)) ?? ""
        let lines = text.components(separatedBy: "\n")
        var figures: [Figure] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index] == "```", index + 1 < lines.count, lines[index + 1].hasPrefix("$ bip38 explain") else {
                continue
            }
            let start = index + 1
            var command = ""
            var cursor = start
            while cursor < lines.count {
                let line = lines[cursor].trimmingCharacters(in: .whitespaces)
                command += " " + (line.hasSuffix("\\") ? String(line.dropLast()) : line)
                cursor += 1
                if !line.hasSuffix("\\") { break }
            }
            var expected: [String] = []
            while cursor < lines.count && lines[cursor] != "```" {
                if lines[cursor] != "…" && !lines[cursor].isEmpty { expected.append(lines[cursor]) }
                cursor += 1
            }
            let words = command.split(separator: " ").map(String.init)
            figures.append(
                Figure(page: page, line: start + 1, arguments: Array(words.dropFirst(2)), expected: expected))
            index = cursor
        }
        return figures
    }

    @Test("the tutorials have figures to check")
    func found() {
        #expect(Self.figures.count >= 5)
    }

    @Test("each figure is what bip38 explain prints today", arguments: figures)
    func figureMatches(_ figure: Figure) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tutorial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("MOLON LABE".utf8).write(to: folder.appendingPathComponent("molon.txt"))
        try Data("TestingOneTwoThree".utf8).write(to: folder.appendingPathComponent("testing.txt"))
        let arguments = figure.arguments.map {
            ["molon.txt", "testing.txt"].contains($0) ? folder.appendingPathComponent($0).path : $0
        }
        let run = try Run.tool("bip38", arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let actual = run.stdout.components(separatedBy: "\n")
        var position = 0
        for line in figure.expected {
            guard let found = actual[position...].firstIndex(of: line) else {
                Issue.record("\(figure.page):\(figure.line): not in today's output (or out of order): \(line)")
                return
            }
            position = found + 1
        }
    }
}
