/// The sheet that closes a ceremony: the values read aloud, the audit's verdict, the
/// exceptions logged, and a line per role for name, signature and time.
///
/// The audit makes it (`audit/signoff.md`, and `audit/signoff.pdf` through Printing's
/// ``SignOffSheet`` page); this type is only what the sheet says, so that the Markdown
/// and the printed page cannot disagree.
package struct SignOffSheet: Sendable, Equatable {
    /// One labelled value, and how it is set: a digest or an id in monospace (`code`),
    /// the verdict in bold (`strong`).
    package struct Row: Sendable, Equatable {
        package enum Style: Sendable, Equatable {
            case plain
            case code
            case strong
        }

        package let label: String
        package let value: String
        package let style: Style

        package init(_ label: String, _ value: String, _ style: Style = .plain) {
            self.label = label
            self.value = value
            self.style = style
        }
    }

    /// One exception-log entry as the sheet lists it.
    package struct Exception: Sendable, Equatable {
        package let index: Int
        package let step: String
        package let role: String
        package let time: String
        package let reason: String

        package init(index: Int, step: String, role: String, time: String, reason: String) {
            self.index = index
            self.step = step
            self.role = role
            self.time = time
            self.reason = reason
        }
    }

    package static let title = "Ceremony sign-off"
    package static let attestation = "Each signer has compared the values above with what was read aloud."
    /// The roles that sign, in order.
    package static let roles = ["site A operator", "site B operator", "witness", "auditor"]

    package let rows: [Row]
    package let exceptions: [Exception]

    package init(rows: [Row], exceptions: [Exception]) {
        self.rows = rows
        self.exceptions = exceptions
    }

    /// The sheet as Markdown (`audit/signoff.md`). Values are shown as given: the caller
    /// escapes what came from a file.
    package var markdown: String {
        var lines = ["# \(Self.title)", "", "| value | |", "|---|---|"]
        for row in rows {
            let value =
                switch row.style {
                case .plain: Self.cell(row.value)
                case .code: "`\(row.value)`"
                case .strong: "**\(Self.cell(row.value))**"
                }
            lines.append("| \(row.label) | \(value) |")
        }
        lines.append("")
        if !exceptions.isEmpty {
            lines += ["## Exceptions", "", "| # | step | role | time | reason |", "|---|---|---|---|---|"]
            for e in exceptions {
                lines.append("| \(e.index) | \(Self.cell(e.step)) | \(e.role) | \(e.time) | \(Self.cell(e.reason)) |")
            }
            lines.append("")
        }
        lines += ["## Signatures", "", Self.attestation, ""]
        lines += ["| role | name | signature | date and time (UTC) |", "|---|---|---|---|"]
        lines += Self.roles.map { "| \($0) | | | |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A text in a Markdown table cell: its `|` kept from ending the cell.
    package static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
