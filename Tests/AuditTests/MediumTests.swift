import Audit
import Ceremony
import CryptoCore
import DiskImage
import FaultInjection
import Foundation
import TestSupport
import Testing

/// The transfer medium (Ceremony/MEDIUM.md): a FAT32 image the bundles crossed on, searched
/// with `--image medium=PATH` in both sites' views.
@Suite struct MediumSearch {
    @Test("an honest medium, the transcript on it and one bundle deleted, adds no finding; FAT32 is listed")
    func honestMediumIsClean() throws {
        let folder = try Folder(copying: Honest.folder)
        let work = try TemporaryFolder(prefix: "medium-tests")
        let medium = FATMedium(image: work.url.appendingPathComponent("medium.img"))
        try medium.format()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.layout.transfer.path).sorted()
        #expect(names.count >= 8, "\(names)")
        for name in names {
            try medium.write(try Data(contentsOf: folder.layout.transfer.appendingPathComponent(name)), as: name)
        }
        try medium.delete(names[0])

        let report = try Auditor.audit(
            folder.layout,
            options: .init(sample: 0, countersign: false, images: [.init(view: .medium, path: medium.image)]))
        #expect(report.verdict == "pass")
        #expect(report.findings.isEmpty, "\(report.findings)")
        let searched = try #require(report.images.first)
        #expect(searched.name == "image:medium")
        #expect(searched.bytes == Int64(FATMedium.kibibytes) << 10)
        #expect(searched.fileSystem.lowercased().contains("fat32"), "\(searched.fileSystem)")
        #expect(searched.deletedNames >= 1)
        #expect(searched.names >= names.count)
    }

    @Test("seedb written onto the medium and deleted is found in both views, named on the medium")
    func seedLeftOnMediumIsFound() throws {
        let folder = try Folder()
        try MockCeremony.run(at: folder.layout, Honest.configuration, fault: .bLeavesSeedbOnMedium)
        let image = MockCeremony.medium(for: folder.layout)
        let serials = try Transcript.load(folder.layout).body.serials(batch: 1).map(\.description)

        // Without the medium's image, nothing in the ceremony folder shows it.
        let blind = try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
        #expect(blind.verdict == "pass", "\(blind.findings)")

        let report = try Auditor.audit(
            folder.layout, options: .init(sample: 0, countersign: false, images: [.init(view: .medium, path: image)]))
        #expect(report.verdict == "fail")
        let failed = Set(report.checks.filter { !$0.passed }.map(\.id))
        #expect(failed.isSuperset(of: [.siteA, .siteB]), "\(failed)")
        for check in [Check.siteA, .siteB] {
            let hits = report.findings.filter { $0.check == check && $0.serial == serials[0] }
            let files = Set(hits.compactMap(\.file))
            // In the raw bytes: the deleted file's cluster is free now, but not cleared.
            #expect(files.contains("image:medium"), "\(report.findings)")
        }
        // The FAT still names the deleted file.
        let searched = try #require(report.images.first)
        #expect(searched.name == "image:medium" && searched.deletedNames >= 1, "\(searched)")
    }
}
