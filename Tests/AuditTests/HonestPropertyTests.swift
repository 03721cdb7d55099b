import Audit
import BIP38
import Ceremony
import FaultInjection
import Foundation
import TestSupport
import Testing

/// Issue 15: an honest ceremony passes in both modes whatever its size, network,
/// batches and first lot, not only the one fixed shape the other suites copy.
@Suite struct HonestPropertyTests {
    /// Seeded shapes: 1 to 5 cards, any batch size up to them, either network, a first
    /// lot anywhere in BIP38's range (1 to 1,048,575) so that some runs end on its last lots.
    static let shapes: [MockCeremony.Configuration] = {
        var random = SeededRandom(seed: 0x2F4B_2026)
        return (0..<4).map { index in
            let cards = Int.random(in: 1...5, using: &random)
            let batchSize = Int.random(in: 1...cards, using: &random)
            let batches = (cards + batchSize - 1) / batchSize
            let lastLot = 1_048_575 - batches + 1
            let firstLot = index == 0 ? lastLot : Int.random(in: 1...lastLot, using: &random)
            return MockCeremony.Configuration(
                cards: cards, batchSize: batchSize, network: index % 2 == 0 ? .testnet : .mainnet, firstLot: firstLot)
        }
    }()

    @Test("an honest ceremony of a seeded shape passes in both modes, with the matrix at 0, 0, 0 and its control")
    func passesWhateverItsShape() throws {
        for shape in Self.shapes {
            let described =
                "\(shape.cards) cards, batches of \(shape.batchSize), \(shape.network), lot \(shape.firstLot)"
            let made = try Folder()
            try MockCeremony.run(at: made.layout, shape)
            let manifest = try Transcript.load(made.layout).body
            #expect(manifest.cards == shape.cards && manifest.batchSize == shape.batchSize, "\(described)")
            #expect(manifest.network == shape.network && manifest.firstLot == shape.firstLot, "\(described)")
            for mode in AuditMode.allCases {
                let folder = try Folder(copying: made)
                // As the runbook has it: the mock audit keeps its copy, then the sites destroy their spools.
                _ = try Auditor.keepMockSecrets(folder.layout)
                try FileManager.default.removeItem(at: folder.layout.printed)
                let report = try Auditor.audit(
                    folder.layout, options: .init(sample: 1, keyFolder: made.auditor, countersign: false, mode: mode))
                #expect(report.verdict == "pass", "\(described), \(mode): \(report.findings)")
                #expect(report.cards == shape.cards)
                let control = mode == .mock ? shape.cards : 1
                #expect(
                    report.reconstructable == AuditReport.Matrix(siteA: 0, siteB: 0, both: 0, control: control),
                    "\(described), \(mode)")
                #expect(report.sample.count == 1)
            }
        }
    }
}
