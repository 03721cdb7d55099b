import Foundation
import Testing

@testable import BIP38Tool

/// Docs/Diagrams/knowledge-table.svg and `bip38 explain`'s marks come from one
/// definition, `KnowledgeTable` (Sources/BIP38Tool/KnowledgeTable.swift): each row
/// of the figure names the values and the role the code gives them.
@Suite struct KnowledgeTableDoc {
    /// The figure's rows: each bold value cell, with the italic role line under it.
    static func figureRows() throws -> [(title: String, subtitle: String)] {
        let svg = try String(
            contentsOf: Paths.docs.appendingPathComponent("Diagrams/knowledge-table.svg"), encoding: .utf8)
        let texts = svg.components(separatedBy: "\n").compactMap { line -> (bold: Bool, italic: Bool, text: String)? in
            guard line.hasPrefix("<text "), let open = line.firstIndex(of: ">"), line.hasSuffix("</text>") else {
                return nil
            }
            let text = String(line[line.index(after: open)...].dropLast("</text>".count))
            return (line.contains("font-weight=\"bold\""), line.contains("font-style=\"italic\""), text)
        }
        var rows: [(String, String)] = []
        for (index, text) in texts.enumerated() where text.italic && index > 0 && texts[index - 1].bold {
            rows.append((texts[index - 1].text, text.text))
        }
        return rows
    }

    @Test("each row of the figure is a row of KnowledgeTable, with its role, in order")
    func rowsMatch() throws {
        let figure = try Self.figureRows()
        #expect(figure.map(\.title) == KnowledgeTable.rows.map(\.title))
        #expect(figure.map(\.subtitle) == KnowledgeTable.rows.map(\.subtitle))
    }

    @Test("the legend's marks are the roles': SECRET only where the key or a share is")
    func marks() {
        #expect(KnowledgeTable.role(of: "derivedhalf1") == .noShare)
        #expect(KnowledgeTable.role(of: "passpoint") == .noShare)
        #expect(KnowledgeTable.role(of: "seedb_tail_recovered") == .share2)
        #expect(KnowledgeTable.role(of: "private_key_by_site_a") == .key)
        #expect(KnowledgeTable.role(of: "encrypted_key") == .sealedShare2)
        for role in ValueRole.allCases where !role.mark.isEmpty {
            #expect(ValueRole.legend.contains(role.mark), "\(role)")
        }
        #expect(ValueRole.allCases.filter(\.isSecret) == [.share1, .share2, .key, .opensKey])
    }

    @Test("Design.md's table gives share 1 and share 2 to the same values as the code")
    func designTable() throws {
        let design = try Page("Design.md")
        let rows = design.lines.filter { $0.hasPrefix("| ") && $0.contains("(share ") }.map {
            String($0.dropFirst(2).prefix { $0 != "|" })
        }
        #expect(rows.count == 3, "\(rows)")
        for row in rows {
            let role: ValueRole =
                row.contains("(share 1)") ? .share1 : row.contains("with the passpoint") ? .sealedShare2 : .share2
            let values = KnowledgeTable.rows.filter { $0.role == role }.flatMap(\.values)
            for value in values where value != "encrypted_key" {
                #expect(row.contains(value), "Design.md row '\(row)' lacks \(value) (\(role))")
            }
        }
    }

    @Test("the confirmation code is not claimed to be on the card")
    func confirmationCodeNotOnCard() throws {
        let svg = try String(
            contentsOf: Paths.docs.appendingPathComponent("Diagrams/knowledge-table.svg"), encoding: .utf8)
        #expect(!svg.contains("printed on the card"))
        #expect(try Page("Design.md").text.contains("not printed on the card"))
    }
}
