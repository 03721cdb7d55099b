import Audit
import Ceremony
import FaultInjection
import Foundation
import Testing

/// Issue 15 item 3: every form and container a site could keep a share in is searched.
/// Each test takes the honest ceremony, has one site keep batch 1's shares in one form in its
/// folder (`kept/`), and expects that site's check to fail for exactly batch 1's card, in that file.
@Suite struct DeepSearch {
    static let forms = KeptForm.allCases.filter { $0 != .bomb }

    func audit(_ folder: Folder) throws -> AuditReport {
        try Auditor.audit(folder.layout, options: .init(sample: 0, countersign: false))
    }

    @Test("a share kept in each form or container is found, for its card, at its site", arguments: forms)
    func formIsFound(_ form: KeptForm) throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).keep(form, batch: 1)
        let report = try audit(folder)
        let (check, other, site): (Check, Check, String) =
            form.party == .siteA ? (.siteA, .siteB, "site-a") : (.siteB, .siteA, "site-b")
        let failed = Set(report.checks.filter { !$0.passed }.map(\.id))
        #expect(failed.contains(check), "\(form.rawValue): \(report.findings)")
        #expect(!failed.contains(other), "\(form.rawValue): \(report.findings)")
        let batchOne = try CardFace.readSpool(folder.layout.faces(1)).map(\.serial.description)
        let hits = report.findings.filter {
            $0.check == check && $0.serial != nil && $0.file?.hasPrefix("\(site)/kept/") == true
        }
        #expect(!hits.isEmpty, "\(form.rawValue): \(report.findings)")
        #expect(Set(hits.compactMap(\.serial)) == Set(batchOne), "\(form.rawValue): \(hits)")
    }

    @Test(
        "a hit in a derived source names each step from the file: outer!inner",
        arguments: [
            (KeptForm.tarGzip, ["site-a/kept/batch-0001.tar-gzip!notes/cards.txt"]),
            (.nested, ["site-a/kept/batch-0001.nested!unwrapped@0!notes/cards.txt!notes/cards.txt"]),
            // The UTF-16 pages are found raw; the cells, read through SQLite, as UTF-8.
            (.sqliteUTF16, ["site-a/kept/batch-0001.sqlite-utf16", "site-a/kept/batch-0001.sqlite-utf16!cards"]),
            // 300 decoy headers of 3 bytes each, then the stream.
            (.zlibBehindDecoys, ["site-a/kept/batch-0001.zlib-behind-decoys!zlib@900"]),
            // One line of base64 from 512 KiB before the first window's end; its zlib stream in it.
            // A gzip after 3 bytes, read from where its magic is; base64 from its second character.
            (.gzipAtOffset, ["site-a/kept/batch-0001.gzip-at-offset!archive@3!data"]),
            (.misalignedBase64, ["site-a/kept/batch-0001.misaligned-base64!decoded@1!data"]),
            (.acrossWindow, ["site-a/kept/batch-0001.across-window!decoded@\((32 << 20) - (512 << 10))!zlib@0"]),
            (.faceSheet, ["site-b/kept/batch-0001.faces.svg!text"]),
            (.faceSheetInBinary, ["site-b/kept/batch-0001.face-sheet-in-binary!text"]),
            (.xxd, ["site-b/kept/batch-0001.xxd!dump"]),
            // "0000001-0000: 12, 255, ...": the needle finds the list, the decoder its 24 bytes.
            (.decimal, ["site-b/kept/batch-0001.decimal", "site-b/kept/batch-0001.decimal!bytes@14"]),
            // od's octal bytes, and its 2-byte words one byte off: found low byte first, from line one.
            (.octalDump, ["site-b/kept/batch-0001.octal-dump!od@0"]),
            (.od, ["site-b/kept/batch-0001.od!od@0"]),
        ])
    func derivedSourceIsNamed(_ form: KeptForm, _ expected: [String]) throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).keep(form, batch: 1)
        let report = try audit(folder)
        let check: Check = form.party == .siteA ? .siteA : .siteB
        let files = Set(report.findings.filter { $0.check == check && $0.serial != nil }.compactMap(\.file))
        #expect(files == Set(expected), "\(report.findings)")
    }

    @Test("a value split over two neighbouring files is found across their join")
    func splitIsJoined() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).keep(.split, batch: 1)
        let report = try audit(folder)
        let serial = try CardFace.readSpool(folder.layout.faces(1))[0].serial.description
        let files = Set(report.findings.filter { $0.check == .siteB && $0.serial != nil }.compactMap(\.file))
        #expect(files == ["site-b/kept/seedb-\(serial).1 + seedb-\(serial).2"], "\(report.findings)")
    }

    @Test("a gzip that inflates beyond the bound is a finding of its site, not a hang")
    func bombIsAFinding() throws {
        let folder = try Folder(copying: Honest.folder)
        try Injector(layout: folder.layout).keep(.bomb, batch: 1)
        let size =
            try FileManager.default.attributesOfItem(
                atPath: folder.layout.site(.siteA).appendingPathComponent("kept/batch-0001.bomb").path)[.size] as! Int
        #expect(size < 1 << 20)
        let report = try audit(folder)
        let bomb = report.findings.filter { $0.check == .siteA && $0.file == "site-a/kept/batch-0001.bomb" }
        #expect(bomb.count == 1, "\(report.findings)")
        #expect(bomb.first?.message.contains("passes the bound of \(16 << 20) bytes") == true, "\(bomb)")
        #expect(bomb.first?.severity == .high)
        #expect(report.checks.first { $0.id == .siteB }?.passed == true)
    }

    @Test("the honest ceremony passes the deep search: no decoder makes a finding")
    func honestPasses() throws {
        let folder = try Folder(copying: Honest.folder)
        let report = try audit(folder)
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.passed)
    }
}
