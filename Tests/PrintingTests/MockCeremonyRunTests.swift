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

    /// Removes a mock ceremony folder and what the run keeps beside it (auditor keys, views, medium).
    static func remove(_ folder: URL) {
        for suffix in ["", ".auditor", ".views", ".medium"] {
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: folder.path + suffix))
        }
    }

    @Test("a 6-card mock ceremony runs end to end, assembles its cards and passes its audit")
    func honestRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { Self.remove(folder) }
        let result = try runCeremony(folder)
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout.suffix(2000))")
        #expect(result.stdout.contains("verdict:         audit PASS"))
        // Sandboxed with the medium where the machine allows it; the run says which isolation it got.
        #expect(result.stdout.contains("\nisolation: "))
        if result.stdout.contains("isolation: sandbox") {
            #expect(result.stdout.contains("the two sites' views of the transcript agree"))
            #expect(
                result.stdout.contains(
                    "site A's retention statement signs the wipe of exactly the medium the auditor imaged"))
            for image in ["#1: \(folder.path).medium/batch-0001.img", "#2: \(folder.path).medium/batch-0002.img"] {
                #expect(
                    result.stdout.contains("searched image:medium\(image), 35651584 bytes, fat32"), "\(result.stdout)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".medium-sums").path))
            // The honest run's medium is clean: two batches' images and the last trip's, no finding.
            #expect(result.stdout.contains("medium:          3 image(s) searched by the audit, 0 finding(s) on them"))
        }
        // Audited in both modes: production (the sample's secrets only) and mock.
        #expect(result.stdout.contains("production:      audit PASS"))
        #expect(result.stdout.contains("keys rebuildable: site A 0, site B 0, both 0, control 3 (must be 0, 0, 0, 3)"))
        #expect(result.stdout.contains("keys rebuildable: site A 0, site B 0, both 0, control 6"))
        #expect(result.stdout.contains("exposure:        share 2 held by one site: site A 0, site B 0 (must be 0, 0)"))
        #expect(result.stdout.contains("cards made:      6 in 2 batch(es)"))
        let cards = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cards").path)
        #expect(cards.filter { $0.hasSuffix(".front.svg") }.count == 6)
        // The opened backs (both halves of a key in one file) are written only on request.
        #expect(cards.filter { $0.hasSuffix(".back-revealed.svg") }.isEmpty)
        #expect(cards.filter { $0.hasSuffix(".pdf") }.isEmpty)
        // After the audit, its 3 sampled cards are marked VOID on the contact sheet, the other 3 not.
        let index = try String(contentsOf: folder.appendingPathComponent("cards/index.html"), encoding: .utf8)
        #expect(index.components(separatedBy: "<figure>").count - 1 == 3)
        #expect(index.components(separatedBy: "<figure class=\"void\">").count - 1 == 3)
        #expect(result.stdout.contains("   voided 3 sampled card(s) in cards/: "))
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
        #expect(signoff.contains("| audit verdict | **PASS** |"))
        // The same sheet on paper: one page, its values readable back from the PDF.
        let pdf = folder.appendingPathComponent("audit/signoff.pdf").path
        let text = try run("pdftotext", ["-layout", pdf, "-"])
        #expect(text.status == 0, "\(text.stderr)")
        for value in ["Ceremony sign-off", "audit verdict", "PASS", "witness", "date and time (UTC)"] {
            #expect(text.stdout.contains(value), "signoff.pdf lacks \(value)")
        }
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
        defer { Self.remove(folder) }
        let result = try runCeremony(folder, fault: "b-keeps-seedb")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("INJECTED FAULT: b-keeps-seedb"))
        #expect(result.stdout.contains("verdict:         audit FAIL"))
        #expect(result.stdout.contains("S2.site-b-cannot-rebuild"))
    }

    @Test("a site B that leaves seedb on the medium, deleted, fails the audit, which names the medium")
    func seedOnMediumRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { Self.remove(folder) }
        let result = try runCeremony(folder, fault: "b-leaves-seedb-on-medium")
        // Where no sandbox can be made the run shares one folder and has no medium to leave it on.
        guard result.stdout.contains("isolation: sandbox") else {
            #expect(result.stdout.contains("medium: none"))
            return
        }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("verdict:         audit FAIL"))
        #expect(
            result.stdout.contains(
                "S1.site-a-cannot-rebuild card 0000001-0000 image:medium#1!/seeds-batch-0001.txt (deleted): site A holds the seedb"
            ), "\(result.stdout)")
        #expect(result.stdout.contains("failed: S1.site-a-cannot-rebuild, S2.site-b-cannot-rebuild"))
    }

    @Test("an unknown fault is a usage error")
    func unknownFault() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mock-\(UUID().uuidString)")
        defer { Self.remove(folder) }
        let result = try runCeremony(folder, fault: "no-such-fault")
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown fault no-such-fault"))
    }
}
