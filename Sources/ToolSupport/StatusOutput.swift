import Ceremony
import Foundation

extension CeremonyStatus {
    /// The status as `status` prints it: a table of batches, then the next step.
    package var lines: [String] {
        var lines = ["ceremony \(ceremony ?? "-") as \(site.siteName) sees it: \(stage.rawValue)"]
        if !batches.isEmpty {
            let header = ["batch", "state", "\(printedName) printed"]
            let rows = batches.map { [String($0.number), $0.state.rawValue, $0.printed ? "yes" : "no"] }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for row in [header] + rows {
                lines.append(
                    row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
        lines.append(next.map { "next: \($0.party.siteName): \($0.command)" } ?? "next: nothing")
        return lines
    }

    /// The status as `status --json` prints it.
    package var json: JSONValue {
        [
            "site": .string(site.rawValue), "ceremony": .optional(ceremony), "stage": .string(stage.rawValue),
            "batches": .array(
                batches.map {
                    [
                        "batch": .int($0.number), "state": .string($0.state.rawValue),
                        "\(printedName)_printed": .bool($0.printed),
                    ]
                }),
            "next": next.map { ["party": .string($0.party.rawValue), "command": .string($0.command)] } ?? .null,
        ]
    }
}
