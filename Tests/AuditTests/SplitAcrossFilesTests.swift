import Ceremony
import Foundation
import TestSupport
import Testing

@testable import Audit

/// A value cut in two at a file boundary is found between any two files of a folder's search
/// (`ShareSearch+Splits.swift`), in other folders and in either name order, in any case for a
/// caseless needle; a split between neighbours is reported once, by their join; random files
/// give none.
@Suite struct SplitAcrossFilesTests {
    /// Writes `bytes` at `path` below `folder`, making its folders.
    static func write(_ folder: TemporaryFolder, _ path: String, _ bytes: [UInt8]) throws {
        let url = folder.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    @Test("a value cut between files in other folders is found, whichever sorts first", arguments: [1, 12, 31])
    func acrossFolders(cut: Int) throws {
        let needles = ShareSearchEngine.needles(3)
        let value = needles[1].bytes
        for (first, second) in [("kept/a/first.bin", "kept/z/second.bin"), ("kept/z/first.bin", "kept/a/second.bin")] {
            let folder = try TemporaryFolder(prefix: "split")
            try Self.write(folder, first, ShareSearchEngine.noise(5000, seed: 1) + value[..<cut])
            try Self.write(folder, second, Array(value[cut...]) + ShareSearchEngine.noise(300, seed: 2))
            // A file between them in name order, so they are no neighbours.
            try Self.write(folder, "kept/m/other.bin", ShareSearchEngine.noise(700, seed: 3))
            let result = ShareSearchEngine.search(folder, needles)
            #expect(result.hits.isEmpty)
            #expect(ShareSearchEngine.derivedNames(result) == ["\(first) + \(second) n1"], "\(first) cut \(cut)")
            // Its offset is where the first part starts in the first file's last 4 KiB.
            #expect(result.derived.first?.offset == ShareSearch.joinSpan - cut)
        }
    }

    @Test("a caseless needle is found cut in two in another case; a neighbours' split once, by their join")
    func caselessAndNeighbours() throws {
        let passphrase = Array("ABCD-EFGH-JKLM-NPQR-STUV".utf8)
        let needles = [
            Needle(serial: Serial(lot: 1, sequence: 1), share: .one, name: "p", bytes: passphrase, caseless: true),
            Needle(serial: Serial(lot: 1, sequence: 2), share: .two, name: "s", bytes: SeededRandom.bytes(32, seed: 8)),
        ]
        let folder = try TemporaryFolder(prefix: "split")
        let lower = Array(String(decoding: passphrase, as: UTF8.self).lowercased().utf8)
        try Self.write(folder, "notes/log.txt", Array("passphrase ".utf8) + lower[..<9])
        try Self.write(folder, "zz/rest.txt", Array(lower[9...]) + Array(" end\n".utf8))
        // Neighbours in one folder: their join search reports the split, and only it.
        let seed = needles[1].bytes
        try Self.write(folder, "kept/part.1", ShareSearchEngine.noise(100, seed: 4) + seed[..<10])
        try Self.write(folder, "kept/part.2", Array(seed[10...]) + ShareSearchEngine.noise(100, seed: 5))
        let result = ShareSearchEngine.search(folder, needles)
        #expect(
            ShareSearchEngine.derivedNames(result) == ["kept/part.1 + part.2 s", "notes/log.txt + zz/rest.txt p"])
    }

    @Test("random files give no split; past the file limit the splits are a finding, not a hang")
    func honestAndBounded() throws {
        let folder = try TemporaryFolder(prefix: "split")
        for k in 0..<12 {
            try Self.write(folder, "f\(k % 3)/file\(k).bin", ShareSearchEngine.noise(4000 + k, seed: 40 + UInt64(k)))
        }
        let result = ShareSearchEngine.search(folder, ShareSearchEngine.needles(64))
        #expect(result.hits.isEmpty && result.derived.isEmpty && result.incomplete.isEmpty)
        #expect(ShareSearch.splitsUnsearched(ShareSearch.splitFileLimit) == nil)
        #expect(ShareSearch.splitsUnsearched(ShareSearch.splitFileLimit + 1)?.contains("not searched") == true)
        // The look itself: two of many files, the needle's cut at every point.
        let search = ShareSearch(needles: ShareSearchEngine.needles(2))
        let value = search.needles[0].bytes
        var ends = (0..<50).map {
            ShareSearch.FileEnds(
                display: "f\($0)", head: ShareSearchEngine.noise(64, seed: 100 + UInt64($0)),
                tail: ShareSearchEngine.noise(64, seed: 200 + UInt64($0)))
        }
        for cut in 1..<value.count {
            ends[7] = ShareSearch.FileEnds(display: "f7", head: ends[7].head, tail: ends[7].tail + value[..<cut])
            ends[40] = ShareSearch.FileEnds(
                display: "f40", head: Array(value[cut...]) + ends[40].head, tail: ends[40].tail)
            let hits = search.splitsAcross(ends, skip: [])
            #expect(hits.map(\.hit.file) == ["f7 + f40"], "cut \(cut)")
            #expect(hits.map(\.files) == [["f7", "f40"]])
            ends[7] = ShareSearch.FileEnds(display: "f7", head: ends[7].head, tail: Array(ends[7].tail.prefix(64)))
            ends[40] = ShareSearch.FileEnds(display: "f40", head: Array(ends[40].head.suffix(64)), tail: ends[40].tail)
        }
        // A pair the neighbours' search read is skipped.
        ends[7] = ShareSearch.FileEnds(display: "f7", head: ends[7].head, tail: ends[7].tail + value[..<5])
        ends[8] = ShareSearch.FileEnds(display: "f8", head: Array(value[5...]) + ends[8].head, tail: ends[8].tail)
        #expect(search.splitsAcross(ends, skip: [[7, 8]]).isEmpty)
        #expect(search.splitsAcross(ends, skip: []).map(\.hit.file) == ["f7 + f8"])
    }
}
