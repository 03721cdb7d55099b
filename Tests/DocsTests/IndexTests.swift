import Foundation
import Testing

@Suite("Docs/README.md and links") struct IndexTests {
    static func pages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Paths.docs.path).filter { $0.hasSuffix(".md") }.sorted()
    }

    @Test("Docs/README.md has one line for every page of Docs/")
    func indexListsEveryPage() throws {
        let index = try Page("README.md")
        for page in try Self.pages() where page != "README.md" {
            let rows = index.tableRows.filter { ($0.first ?? "").contains("](\(page))") }
            #expect(rows.count == 1, "Docs/README.md should have one row for \(page)")
        }
    }

    @Test("the package README links the reference pages from its Documentation section")
    func readmeLinks() throws {
        let text = try String(contentsOf: Paths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "\n## Documentation\n").dropFirst().first,
            "README.md has no ## Documentation section")
        for page in ["Docs/README.md", "Docs/Bundles.md", "Docs/CLI.md", "Docs/Audit.md"] {
            let linked = section.contains("](\(page))")
            #expect(linked, "README.md's Documentation section does not link \(page)")
        }
    }

    @Test("every relative link in Docs/ and README.md reaches a file, and every #anchor a heading")
    func linksResolve() throws {
        let files =
            try Self.pages().map { Paths.docs.appendingPathComponent($0) }
            + [Paths.repository.appendingPathComponent("README.md")]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let prose = Self.outsideCode(text)
            for link in matches("\\]\\(([^)\\s]+)\\)", in: prose).map({ String($0.dropFirst(2).dropLast()) })
                + matches("src=\"[^\"]+\"", in: prose).map({ String($0.dropFirst(5).dropLast()) })
            where !link.contains("://") && !link.hasPrefix("mailto:") {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(parts[0])
                #expect(
                    FileManager.default.fileExists(atPath: target.path),
                    "\(file.lastPathComponent): broken link \(link)")
                if parts.count == 2, target.pathExtension == "md",
                    let page = try? String(contentsOf: target, encoding: .utf8)
                {
                    let found = Self.anchors(page).contains(parts[1])
                    #expect(found, "\(file.lastPathComponent): no heading for \(link)")
                }
            }
        }
    }

    /// The text without fenced code blocks.
    static func outsideCode(_ text: String) -> String {
        var out: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inside = line == "```" ? !inside : true
                continue
            }
            if !inside { out.append(line) }
        }
        return out.joined(separator: "\n")
    }

    /// GitHub's heading anchors: lowercased, punctuation dropped, spaces to hyphens.
    static func anchors(_ page: String) -> Set<String> {
        var out = Set<String>()
        for line in outsideCode(page).split(separator: "\n") where line.hasPrefix("#") {
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            let kept = title.unicodeScalars.filter {
                CharacterSet.alphanumerics.contains($0) || $0 == " " || $0 == "-" || $0 == "_"
            }
            var anchor = String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
            var n = 1
            while out.contains(anchor) {
                anchor = String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-") + "-\(n)"
                n += 1
            }
            out.insert(anchor)
        }
        return out
    }
}
