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
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("printed/site-a/batch-0001.labels.svg").path))
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("printed/site-b/batch-0002.faces.svg").path))
        for pdf in ["printed/site-a/batch-0002.labels.pdf", "printed/site-b/batch-0001.faces.pdf"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(pdf).path), "\(pdf)")
        }
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
