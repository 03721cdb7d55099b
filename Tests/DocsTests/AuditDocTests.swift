import Audit
import Ceremony
import CryptoCore
import FaultInjection
import Foundation
import TestSupport
import Testing

@Suite("Docs/Audit.md") struct AuditDocTests {
    @Test("the checks table lists every Check, in order, with its exact summary, and nothing else")
    func checksTable() throws {
        let page = try Page("Audit.md")
        let ids = Set(Check.allCases.map(\.rawValue))
        let rows = page.tableRows.filter {
            $0.count == 2 && backticked($0[0]).count == 1 && ids.contains(backticked($0[0])[0])
        }
        let stale = page.tableRows.filter { $0.count == 2 && matches("^`[TCSERPK][0-9]\\.", in: $0[0]).count == 1 }
            .map { backticked($0[0]).first ?? "" }.filter { !ids.contains($0) }
        #expect(stale.isEmpty, "Docs/Audit.md lists checks the code does not have: \(stale)")
        #expect(rows.map { backticked($0[0])[0] } == Check.allCases.map(\.rawValue), "the checks table's ids and order")
        for check in Check.allCases {
            let row = rows.first { backticked($0[0])[0] == check.rawValue }
            #expect(row?[1] == check.summary, "Docs/Audit.md: `\(check.rawValue)` should read \"\(check.summary)\"")
            let explained = page.text.contains("- **`\(check.rawValue)`**")
            #expect(explained, "Docs/Audit.md: no explanation of `\(check.rawValue)`")
        }
    }

    @Test("the fault table lists every Fault with its summary, phase and exactly the checks that catch it")
    func faultTable() throws {
        let page = try Page("Audit.md")
        let rows = page.tableRows.filter { $0.count == 4 && backticked($0[0]).count == 1 && $0[0] != "`fault`" }
        let documented = rows.map { backticked($0[0])[0] }
        #expect(documented == Fault.allCases.map(\.rawValue), "the fault table's faults and order")
        for fault in Fault.allCases {
            guard let row = rows.first(where: { backticked($0[0])[0] == fault.rawValue }) else { continue }
            let phase =
                switch fault.phase {
                case .during: "during"
                case .afterMint: "after-mint"
                case .afterClose: "after-close"
                }
            #expect(row[1] == fault.summary, "Docs/Audit.md: `\(fault.rawValue)` should read \"\(fault.summary)\"")
            #expect(row[2] == phase, "Docs/Audit.md: `\(fault.rawValue)` acts \(phase)")
            #expect(
                Set(backticked(row[3])) == Set(fault.caughtBy.map(\.rawValue)),
                "Docs/Audit.md: `\(fault.rawValue)` is caught by \(fault.caughtBy.map(\.rawValue).sorted())")
        }
    }

    @Test(
        "an audit of the example passes (exit 0) and its summary is the one CLI.md shows; a leak fails (exit 3) as Audit.md shows; every report field is in the table"
    )
    func auditRuns() throws {
        let folder = try TemporaryFolder()

        // The example's auditor value was thrown away with its key folder (regenerate.sh): with a
        // sample and no --key-folder, K1 fails (the sample cannot be drawn); without one, every check passes.
        let honest = try folder.exampleCeremony("ex-audit")
        let pass = try Run.tool("ceremony-audit", [honest.path, "--sample", "0", "--no-countersign"])
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        try expectBlock(
            in: "CLI.md", command: "$ ceremony-audit /tmp/ex-audit --sample 0 --no-countersign",
            output: pass.stdout.replacingOccurrences(of: honest.path, with: "/tmp/ex-audit"))
        let signed = try Run.tool(
            "ceremony-audit",
            [honest.path, "--sample", "0", "--key-folder", folder.url.appendingPathComponent("auditor").path])
        #expect(signed.status == 0, "\(signed.stdout)\(signed.stderr)")
        let passReport = try Data(contentsOf: honest.appendingPathComponent("audit/report.json"))
        let unrevealed = try folder.exampleCeremony("ex-unrevealed")
        let sampled = try Run.tool("ceremony-audit", [unrevealed.path, "--no-countersign"])
        #expect(sampled.status == 3, "\(sampled.stdout)\(sampled.stderr)")
        #expect(sampled.stdout.contains("the sample cannot be drawn"), "\(sampled.stdout)")
        let sampledReport = try Data(contentsOf: unrevealed.appendingPathComponent("audit/report.json"))

        let leaky = try folder.exampleCeremony("ex-leak")
        let labels = try Example.records("printed/site-a/batch-0001.labels")
        let log = labels.map { "issue: passphrase: \($0["passphrase"] ?? "")\n" }.joined()
        try expectBlock(in: "Audit.md", after: "site A \"forgot\" in `site-a/logs/issue.log`:", equals: log)
        try FileManager.default.createDirectory(
            at: leaky.appendingPathComponent("site-a/logs"), withIntermediateDirectories: true)
        try Data(log.utf8).write(to: leaky.appendingPathComponent("site-a/logs/issue.log"))
        let fail = try Run.tool("ceremony-audit", [leaky.path, "--sample", "0", "--no-countersign"])
        #expect(fail.status == 3, "\(fail.stdout)\(fail.stderr)")
        try expectBlock(
            in: "Audit.md", command: "$ ceremony-audit /tmp/ex-leak --sample 0 --no-countersign; echo \"exit $?\"",
            output: fail.stdout.replacingOccurrences(of: leaky.path, with: "/tmp/ex-leak") + "exit \(fail.status)\n")
        let failReport = try Data(contentsOf: leaky.appendingPathComponent("audit/report.json"))

        // Every key path of both reports (findings appear only in the second) is in the field table.
        let fields = Set(try Page("Audit.md").table(headed: "field").compactMap { $0.first }.flatMap(backticked))
        var paths = Set<String>()
        func collect(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    let name = path.isEmpty ? key : "\(path).\(key)"
                    paths.insert(name)
                    collect(inner, name)
                }
            } else if let array = value as? [Any] {
                for element in array { collect(element, "\(path)[]") }
            }
        }
        for report in [passReport, failReport] { collect(try JSONSerialization.jsonObject(with: report), "") }
        #expect(paths.contains("findings[].offset") && paths.contains("auditor_signature"))
        for path in paths.sorted() {
            let documented = fields.contains(path)
            #expect(documented, "Docs/Audit.md's report table lacks `\(path)`")
        }
        for field in fields.sorted() {
            let real = paths.contains(field)
            #expect(real, "Docs/Audit.md's report table documents `\(field)`, which no report has")
        }

        let report = try #require(try JSONSerialization.jsonObject(with: sampledReport) as? [String: Any])
        #expect(report["sample"] as? [String] == Self.sample(count: 3), "the sample is drawn as Docs/Audit.md says")
    }

    @Test("the sample quoted in Audit.md is the one its rule draws from the example's closing digest")
    func sampleRule() throws {
        let page = try Page("Audit.md")
        let digest = try Example.read("transfer/closing.json").digest
        let quotesDigest = page.says("`\(digest)`")
        #expect(quotesDigest, "Docs/Audit.md should quote the example's closing digest \(digest)")
        let quoted = Self.sample(count: 3).map { "`\($0)`" }.joined(separator: ", ")
        let quotesSample = page.says("the default sample of 3 is \(quoted).")
        #expect(quotesSample, "Docs/Audit.md should give the sample \(quoted)")
    }

    /// The cut-and-choose rule of Docs/Audit.md, implemented from the page.
    static func sample(count: Int) -> [String] {
        guard let digest = try? Example.read("transfer/closing.json").digest else { return [] }
        var pool = (1...2).flatMap { lot in (0..<2).map { Serial(lot: lot, sequence: $0).description } }
        var chosen: [String] = []
        for i in 0..<UInt32(count) {
            let h = SHA256.hash(
                Array(digest.utf8) + [UInt8(i >> 24), UInt8(i >> 16 & 0xFF), UInt8(i >> 8 & 0xFF), UInt8(i & 0xFF)])
            let value = h.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            chosen.append(pool.remove(at: Int(value % UInt64(pool.count))))
        }
        return chosen.sorted()
    }

    /// The block in `page` whose first line is `command` must continue with exactly `output`.
    func expectBlock(in page: String, command: String, output: String) throws {
        let block = try #require(
            try Page(page).blocks.first { $0.lines.first == command }, "Docs/\(page) has no block `\(command)`")
        let documented = Array(block.lines.dropFirst())
        let actual = CLIDoc.lines(output)
        let same = documented == actual
        #expect(
            same,
            "Docs/\(page), `\(command)`: \(firstDifference(documented: documented, actual: actual, firstLine: block.firstLine + 1))"
        )
    }

    /// The first block after the line `line` of `page` must be exactly `text`.
    func expectBlock(in page: String, after line: String, equals text: String) throws {
        let page = try Page(page)
        let index = try #require(page.lines.firstIndex { $0.hasSuffix(line) }, "Docs/\(page.name) lacks \"\(line)\"")
        let block = try #require(page.blocks.first { $0.firstLine > index + 1 })
        let same = block.lines == CLIDoc.lines(text)
        #expect(
            same,
            "Docs/\(page.name) line \(block.firstLine): \(firstDifference(documented: block.lines, actual: CLIDoc.lines(text), firstLine: block.firstLine))"
        )
    }
}
