import Audit
import Ceremony
import FaultInjection
import Foundation
import Testing

/// The matrix: a share at the site that made the other half rebuilds there; both ≥ either; exposure attested.
@Suite struct MatrixTests {
    @Test("every encrypted key kept at site A rebuilds every card for A, and it crossed", arguments: AuditMode.allCases)
    func encryptedKeysAtA(_ mode: AuditMode) throws {
        let folder = try Folder(copying: Honest.folder)
        let injector = Injector(layout: folder.layout)
        try injector.inject(.aKeepsEncryptedKeys, batch: 1)
        try injector.inject(.aKeepsEncryptedKeys, batch: 2)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false, mode: mode))
        #expect(report.reconstructable.siteA == 2)
        #expect(report.reconstructable.siteB == 0)
        #expect(report.reconstructable.both == 2)
        let crossed = report.findings.filter { $0.check == .transcriptShares && $0.message.contains("crossed") }
        #expect(Set(crossed.compactMap(\.serial)) == ["0000001-0000", "0000002-0000"])
    }

    @Test(
        "both sites together never read less than either site",
        arguments: [Fault.aKeepsEncryptedKeys, .sitesBothKeepShares, .bSendsEncryptedKeyToA])
    func bothIsNeverLess(_ fault: Fault) throws {
        let folder: Folder
        if fault.phase == .afterClose {
            folder = try Folder(copying: Honest.folder)
            try Injector(layout: folder.layout).inject(fault, batch: 1)
        } else {
            folder = try Folder()
            try MockCeremony.run(at: folder.layout, Honest.configuration, fault: fault)
        }
        let m = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false)).reconstructable
        #expect(m.both >= max(m.siteA, m.siteB), "\(m)")
        #expect(m.both > 0)
    }

    @Test(
        "both sites keeping their shares, plain or gzipped: neither alone rebuilds a key, together every key, and site B holds share 2 of every card",
        arguments: [Fault.sitesBothKeepShares, .bothKeepGzippedShares])
    func bothKeepShares(_ fault: Fault) throws {
        let folder: Folder
        if fault.phase == .afterClose {
            folder = try Folder(copying: Honest.folder)
            try Injector(layout: folder.layout).inject(fault, batch: 1)
            try Injector(layout: folder.layout).inject(fault, batch: 2)
        } else {
            folder = try Folder()
            try MockCeremony.run(at: folder.layout, Honest.configuration, fault: fault)
        }
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.reconstructable == AuditReport.Matrix(siteA: 0, siteB: 0, both: 2, control: 2))
        #expect(report.exposure.cardsExposedSiteA == 0)
        #expect(report.exposure.cardsExposedSiteB == 2)
        #expect(report.verdict == "fail")
    }

    @Test("an honest ceremony attests the declared policy")
    func honestExposure() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.exposure.attestedBits == report.exposure.policyBits)
        #expect(!report.findings.contains { $0.check == .exposure })
    }

    @Test("a 30-bit passphrase generator under a 100-bit policy lowers the exposure figure to about 30 bits")
    func weakGenerator() throws {
        let folder = try Folder()
        try MockCeremony.run(
            at: folder.layout, MockCeremony.Configuration(cards: 8, batchSize: 4), fault: .aWeakPassphraseGenerator)
        let report = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(report.exposure.policyBits == 100)
        #expect(report.exposure.attestedBits > 29.5 && report.exposure.attestedBits < 30.5, "\(report.exposure)")
        #expect(report.exposure.expectedScryptCallsLog2 < 30)
        #expect(report.exposure.attestedFrom.contains("14 of 20 positions never change"))
        #expect(report.findings.contains { $0.check == .exposure && $0.message.contains("attest only") })
        #expect(report.exposure.yearsOnThisMachine < 1e3)
    }
}
