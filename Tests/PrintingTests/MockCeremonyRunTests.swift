import Foundation
import TestSupport
import Testing

/// `Ceremony/run-ceremony.sh`, as `make ceremony` runs it, on a small ceremony.
@Suite(.serialized) struct MockCeremonyRun {
    static let bin = BuildFolder.url.path
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Ceremony/run-ceremony.sh").path

    func runCeremony(_ folder: URL, fault: String = "") throws -> RunResult {
        try run(
            "bash", [Self.script],
            environment: [
                "BIN": Self.bin, "CARDS": "6", "BATCH_SIZE": "4", "CEREMONY_DIR": folder.path, "FAULT": fault,
            ])
    }

    @Test("a 6-card mock ceremony runs end to end, assembles its cards and passes its audit")
    func honestRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runCeremony(folder)
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout.suffix(2000))")
        #expect(result.stdout.contains("verdict:         audit PASS"))
        // Audited in both modes: production (the sample's secrets only) and mock.
        #expect(result.stdout.contains("production:      audit PASS"))
        #expect(result.stdout.contains("keys rebuildable: site A 0, site B 0, both 0, control 3 (must be 0, 0, 0, 3)"))
        #expect(result.stdout.contains("keys rebuildable: site A 0, site B 0, both 0, control 6"))
        #expect(result.stdout.contains("cards made:      6 in 2 batch(es)"))
        let cards = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cards").path)
        #expect(cards.filter { $0.hasSuffix(".front.svg") }.count == 6)
        #expect(cards.filter { $0.hasSuffix(".back-revealed.svg") }.count == 6)
        let index = try String(contentsOf: folder.appendingPathComponent("cards/index.html"), encoding: .utf8)
        #expect(index.components(separatedBy: "<figure>").count - 1 == 6)
        // Secret printouts are private to their owner.
        for name in cards where name.hasSuffix(".svg") {
            let mode =
                try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("cards/\(name)").path)[
                    .posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) is \(String(mode ?? 0, radix: 8))")
        }
        // After assembly the sites destroyed their spools; the mock audit read its own copy.
        for party in ["site-a", "site-b"] {
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("printed/\(party)").path))
            #expect(
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent("transfer/spools.retention-\(party).json").path))
        }
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("mock-secrets/site-a/batch-0001.labels").path))
        #expect(result.stdout.contains("exceptions: 1 logged"))
        let signoff = try String(contentsOf: folder.appendingPathComponent("audit/signoff.md"), encoding: .utf8)
        #expect(signoff.contains("| audit verdict | **PASS**"))
        // It prints Ceremony/RUNBOOK.md's step ids, in the runbook's order.
        var printed: [String] = []
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("== ") {
            let id = String(line.dropFirst(3).prefix { $0 != " " })
            if id.contains("-") && !printed.contains(id) { printed.append(id) }
        }
        let runbook = try String(
            contentsOf: URL(fileURLWithPath: Self.script).deletingLastPathComponent().appendingPathComponent(
                "RUNBOOK.md"),
            encoding: .utf8)
        let ids = runbook.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), let id = line.dropFirst(2).split(separator: " ").first,
                id.count <= 6, id.contains("-"), id.first!.isUppercase
            else { return nil }
            return String(id)
        }
        #expect(ids.count == 28)
        #expect(printed == ids)
    }

    @Test("the same run with a site that keeps seedb fails its audit, naming the check")
    func faultyRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runCeremony(folder, fault: "b-keeps-seedb")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("INJECTED FAULT: b-keeps-seedb"))
        #expect(result.stdout.contains("verdict:         audit FAIL"))
        #expect(result.stdout.contains("S2.site-b-cannot-rebuild"))
    }

    @Test("an unknown fault is a usage error")
    func unknownFault() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runCeremony(folder, fault: "no-such-fault")
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown fault no-such-fault"))
    }
}
