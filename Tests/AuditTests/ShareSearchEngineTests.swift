import Ceremony
import Foundation
import TestSupport
import Testing

@testable import Audit

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 item 7: the share search streams files through Hyperscan, with no size limit, on all cores.
@Suite struct ShareSearchEngine {
    /// `count` needles of `length` random bytes each, named `n0`, `n1`, ... (card 1-<index>).
    static func needles(_ count: Int, length: Int = 32, seed: UInt64 = 7) -> [Needle] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            Needle(
                serial: Serial(lot: 1, sequence: index + 1), share: .two, name: "n\(index)",
                bytes: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    /// `count` random bytes that hold none of the needles (a fixed seed; checked by the tests' expectations).
    static func noise(_ count: Int, seed: UInt64 = 99) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// The deep search of `folder` for `needles` on 2 workers, paths relative to the folder.
    static func search(_ folder: TemporaryFolder, _ needles: [Needle]) -> ShareSearch.FolderSearch {
        ShareSearch(needles: needles).search(folder: folder.url, layout: CeremonyLayout(root: folder.url), workers: 2)
    }

    /// Each derived hit as `source name`, sorted.
    static func derivedNames(_ result: ShareSearch.FolderSearch) -> [String] {
        result.derived.map { "\($0.file) \($0.name)" }.sorted()
    }

    static func offsets(_ hits: [Hit]) -> [String: Int] {
        Dictionary(hits.map { ("\($0.file) \($0.name)", $0.offset) }, uniquingKeysWith: min)
    }

    @Test("a needle split across a chunk boundary is found at every split, at its own offset")
    func chunkBoundaryInMemory() throws {
        let needle = Self.needles(1)
        let search = ShareSearch(needles: needle)
        let chunk = 4096
        for split in 0...needle[0].bytes.count {
            var bytes = Self.noise(3 * chunk)
            let at = chunk - split
            bytes.replaceSubrange(at..<(at + needle[0].bytes.count), with: needle[0].bytes)
            let hits = try search.scan(source: MemorySource(display: "m", bytes: bytes, chunkSize: chunk))
            #expect(hits.map(\.offset) == [at], "split \(split)")
        }
    }

    @Test("a needle across the reader's 1 MiB chunk boundary of a real file is found", arguments: [1, 5, 16, 31])
    func chunkBoundaryInFile(split: Int) throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needle = Self.needles(1)
        var bytes = Self.noise(FileSource.chunkSize + 4096)
        let at = FileSource.chunkSize - split
        bytes.replaceSubrange(at..<(at + 32), with: needle[0].bytes)
        let file = folder.url.appendingPathComponent("f.bin")
        try Data(bytes).write(to: file)
        let hits = try ShareSearch(needles: needle).scan(source: FileSource(url: file, display: "f.bin"))
        #expect(hits.map(\.offset) == [at])
    }

    @Test("needles at the very start and the very end of a file are found")
    func startAndEnd() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(2)
        let bytes = needles[0].bytes + Self.noise(10_000) + needles[1].bytes
        try Data(bytes).write(to: folder.url.appendingPathComponent("edge.bin"))
        var skipped: [String] = []
        let hits = ShareSearch(needles: needles).scan(
            folder: folder.url, layout: CeremonyLayout(root: folder.url), skipped: &skipped)
        #expect(skipped.isEmpty)
        #expect(Self.offsets(hits) == ["edge.bin n0": 0, "edge.bin n1": bytes.count - 32])
    }

    /// A sparse file of `size` zero bytes in `folder` named `name`, with `writes` (offset, bytes) in it.
    static func sparseFile(
        _ folder: TemporaryFolder, _ name: String, size: Int, _ writes: [(Int, [UInt8])]
    ) throws {
        let file = folder.url.appendingPathComponent(name)
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        for (at, bytes) in writes {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, bytes.count, off_t(at)) }
            #expect(written == bytes.count)
        }
        #expect(ftruncate(descriptor, off_t(size)) == 0)
    }

    @Test("a sparse 300 MiB file (over the old 256 MiB limit) is searched to its end, across its range boundaries")
    func bigSparseFile() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(3)
        let size = 300 << 20
        // One needle across the first range boundary, one across the decode limit, one 10 bytes before the end.
        let places = [ShareSearch.rangeSize - 7, ShareSearch.decodeLimit - 16, size - 42]
        try Self.sparseFile(folder, "big.img", size: size, Array(zip(places, needles.map(\.bytes))))
        var skipped: [String] = []
        let hits = ShareSearch(needles: needles).scan(
            folder: folder.url, layout: CeremonyLayout(root: folder.url), skipped: &skipped, workers: 2)
        #expect(skipped.isEmpty)
        #expect(hits.count == 3)
        #expect(Self.offsets(hits) == ["big.img n0": places[0], "big.img n1": places[1], "big.img n2": places[2]])
        // The deep search reads it to its end too, window by window: nothing is incomplete.
        let deep = Self.search(folder, needles)
        #expect(deep.incomplete.isEmpty, "\(deep.incomplete)")
        #expect(deep.skipped.isEmpty)
        #expect(Self.offsets(deep.hits) == ["big.img n0": places[0], "big.img n1": places[1], "big.img n2": places[2]])
    }

    @Test(
        "raw needles across the edges of windows and of the parts each window's raw bytes are streamed in are found at their offsets"
    )
    func rawPartsAndWindowEdges() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(6)
        let window = ShareSearch.windowSize
        // Two windows: on 2 workers each window's own bytes are streamed in two parts, the
        // second from the middle of what the window owns.
        let size = window + window / 2
        let middles = [0..<window, window..<size].map { ShareSearch.rawParts($0, threads: 2)[1].lowerBound }
        #expect(middles == [window / 2, window + window / 4])
        let places = [middles[0] - 5, window - 31, window + 3, middles[1] - 16, middles[1] + 20, size - 32]
        try Self.sparseFile(folder, "big.img", size: size, Array(zip(places, needles.map(\.bytes))))
        let result = Self.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(
            Self.offsets(result.hits)
                == Dictionary(uniqueKeysWithValues: places.enumerated().map { ("big.img n\($0)", $1) }))
    }

    @Test("base64 past the 256 MiB mark and across window boundaries is decoded, each found at its file offset, once")
    func windowedDecoding() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(4)
        func base64(_ bytes: [UInt8]) -> [UInt8] { Array(Data(bytes).base64EncodedString().utf8) }
        let window = ShareSearch.windowSize
        // n0 past 256 MiB, n1 across the first window's end; n2 and n3 base64 twice (found in the
        // source the first decoding derives, named by its file offset), n3 across the second window's end.
        // A window starts every 32 MiB, so the file has ten.
        let places = [(270 << 20) + 5, window - 20, (290 << 20) + 3, 2 * window - 30]
        let texts = [
            base64(needles[0].bytes), base64(needles[1].bytes), base64(base64(needles[2].bytes)),
            base64(base64(needles[3].bytes)),
        ]
        try Self.sparseFile(folder, "big.img", size: 300 << 20, Array(zip(places, texts)))
        let result = Self.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(result.skipped.isEmpty)
        #expect(Self.offsets(result.hits) == ["big.img n0": places[0], "big.img n1": places[1]])
        // Each once (not again by the window after), and once more one step down, where the inner base64 is decoded.
        #expect(
            result.derived.map { "\($0.file) \($0.name) \($0.offset)" }.sorted() == [
                "big.img!decoded@\(places[2]) n2 0", "big.img!decoded@\(places[2])!decoded@0 n2 0",
                "big.img!decoded@\(places[3]) n3 0", "big.img!decoded@\(places[3])!decoded@0 n3 0",
            ])
    }

    /// `data` as a zlib stream of stored (uncompressed) deflate blocks: a real stream, built
    /// without a compressor, as long as `data` (plus 5 bytes a block and 6 for the stream).
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(data.count, start + 65_535)
            let length = UInt16(end - start)
            out += [end == data.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8)]
            out += [UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        let adler = b << 16 | a
        return out + [24, 16, 8, 0].map { UInt8((adler >> $0) & 0xFF) }
    }

    /// A zlib stream (python3's zlib, level 6) of random log lines that compress to about
    /// `count` bytes, then `needle`: the needle's bytes are Huffman-coded, seen only inflated.
    static func compressedText(after count: Int, then needle: [UInt8]) throws -> [UInt8] {
        let script = """
            import sys, zlib, random, base64
            r = random.Random(15)
            lines, size, c = [], 0, zlib.compressobj(6)
            while size < int(sys.argv[1]):
                chunk = "".join(f"line {r.getrandbits(20):07d} ok {r.getrandbits(32):08x}\\n" for _ in range(4096))
                lines.append(c.compress(chunk.encode())); size += len(lines[-1])
            lines.append(c.compress(bytes.fromhex(sys.argv[2]) + b"\\n")); lines.append(c.flush())
            sys.stdout.write(base64.b64encode(b"".join(lines)).decode())
            """
        let result = try ProcessRunner.run(onPath: "python3", ["-c", script, "\(count)", needle.hex])
        try #require(result.status == 0, "\(result.stderr)")
        return Array(try #require(Data(base64Encoded: result.stdout)))
    }

    @Test(
        "a base64 run or a zlib stream that starts in a window and goes on past what it holds is read on to its end: the needle 3 MiB in is found"
    )
    func windowCarriesLongRun() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(2)
        let window = ShareSearch.windowSize
        // Each needle after 3 MiB of compressed text, in a zlib stream (so it is seen only
        // inflated): as base64 (one line) from 512 KiB before the first window's end, and raw
        // from 512 KiB before the second's.
        let streams = try needles.map { try Self.compressedText(after: 3 << 20, then: $0.bytes) }
        let encoded = Array(Data(streams[0]).base64EncodedString().utf8)
        let places = [window - (512 << 10), 2 * window - (512 << 10)]
        try Self.sparseFile(folder, "big.img", size: 80 << 20, [(places[0], encoded), (places[1], streams[1])])
        let result = Self.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(result.hits.isEmpty)
        #expect(
            Self.derivedNames(result) == [
                "big.img!decoded@\(places[0])!zlib@0 n0", "big.img!zlib@\(places[1]) n1",
            ])
    }

    @Test(
        "a base64 run or a zlib stream that goes on past what a window reads on is a finding, not a silent cut; one that ends inside is not"
    )
    func windowCutsLongRun() throws {
        let needles = Self.needles(1)
        let window = ShareSearch.windowSize
        let past = ShareSearch.windowOverlap + ShareSearch.windowCarry
        let start = window - (512 << 10)
        let run = [UInt8](repeating: UInt8(ascii: "Q"), count: past + (1 << 20))
        let stream = Self.storedZlib(Self.noise(past + (1 << 20)))
        for (kind, content) in [("base64 or hex run", run), ("zlib stream", stream)] {
            let folder = try TemporaryFolder(prefix: "share-search")
            try Self.sparseFile(folder, "big.img", size: 100 << 20, [(start, content)])
            let result = Self.search(folder, needles)
            #expect(result.incomplete.count == 1, "\(kind): \(result.incomplete)")
            #expect(result.incomplete.first?.0 == "big.img")
            #expect(
                result.incomplete.first?.1.contains("\(kind) at offset \(start) goes on past \(past) bytes") == true,
                "\(result.incomplete)")
            // The same, ending inside what the window reads on.
            let short = try TemporaryFolder(prefix: "share-search")
            let shorter = kind == "zlib stream" ? Self.storedZlib(Self.noise(4 << 20)) : Array(run.prefix(4 << 20))
            try Self.sparseFile(short, "big.img", size: 100 << 20, [(start, shorter)])
            let whole = Self.search(short, needles)
            #expect(whole.incomplete.isEmpty, "\(kind): \(whole.incomplete)")
        }
    }

    @Test("a file that starts with gzip's magic but is no gzip is a finding; a decoded run that does is not")
    func falseMagicFile() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(1)
        try Data([0x1F, 0x8B] + Self.noise(4096)).write(to: folder.url.appendingPathComponent("f.gz"))
        // Base64 of the same bytes: its decoded run starts with the magic too.
        let text = Data([0x1F, 0x8B] + Self.noise(4096)).base64EncodedString()
        try Data("note \(text)\n".utf8).write(to: folder.url.appendingPathComponent("g.txt"))
        let result = Self.search(folder, needles)
        #expect(result.incomplete.map(\.0) == ["f.gz"], "\(result.incomplete)")
        #expect(result.incomplete.first?.1.contains("starts like an archive or a compressed stream") == true)
    }

    @Test("in a big file, markup text is named by its window's start and a zlib stream by its file offset")
    func windowedNames() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        func needle(_ name: String, _ text: String) -> Needle {
            Needle(serial: Serial(lot: 1, sequence: 1), share: .one, name: name, bytes: Array(text.utf8))
        }
        let needles = [
            needle("inside", "abcdefghijklmnopqrstuvwx"), needle("across", "ABCDEFGHIJKLMNOPQRSTUVWX"),
            needle("zlib", "card 0000001-0000 passphrase ABCD-EFGH\n"),
        ]
        func markup(_ text: String) -> [UInt8] {
            Array("<svg><text>\(text.prefix(12))</text>\n<text>\(text.dropFirst(12))</text></svg>".utf8)
        }
        let window = ShareSearch.windowSize
        // Window 3 (from 96 MiB) owns both regions, the second running into window 4.
        let places = [(100 << 20) + 7, 4 * window - 10, (200 << 20) + 11]
        // zlib.compress of the third needle's text (ContainersTests' stream).
        let stream = Array(Data(base64Encoded: "eJxLTixKUTAAA0NdEKlQkFhcXJBRlFicquDo5Oyi6+rm7sEFANg3Cs4=")!)
        try Self.sparseFile(
            folder, "big.img", size: 260 << 20,
            [
                (places[0], markup("abcdefghijklmnopqrstuvwx")), (places[1], markup("ABCDEFGHIJKLMNOPQRSTUVWX")),
                (places[2], stream),
            ])
        let result = Self.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(result.hits.isEmpty)
        #expect(
            Self.derivedNames(result) == [
                "big.img!text@\(3 * window) across", "big.img!text@\(3 * window) inside",
                "big.img!zlib@\(places[2]) zlib",
            ])
    }

    @Test("in a big text file (one text region), markup in a later window is decoded, and once across a window's end")
    func windowedTextRegion() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        func needle(_ name: String, _ text: String) -> Needle {
            Needle(serial: Serial(lot: 1, sequence: 1), share: .one, name: name, bytes: Array(text.utf8))
        }
        let needles = [needle("inside", "abcdefghijklmnopqrstuvwx"), needle("across", "ABCDEFGHIJKLMNOPQRSTUVWX")]
        func markup(_ text: String) -> [UInt8] {
            Array("<svg><text>\(text.prefix(12))</text>\n<text>\(text.dropFirst(12))</text></svg>".utf8)
        }
        // Text with no base64 or hex run in it: one region from the first byte to the last.
        let line = Array(". . . . ; . . . .\n".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(70 << 20)
        while bytes.count < 70 << 20 { bytes += line }
        let window = ShareSearch.windowSize
        // Window 1 (from 32 MiB) takes the region up again and owns both: the second runs into window 2.
        let places = [50 << 20, 2 * window - 10]
        for (at, text) in zip(places, ["abcdefghijklmnopqrstuvwx", "ABCDEFGHIJKLMNOPQRSTUVWX"]) {
            let sheet = markup(text)
            bytes.replaceSubrange(at..<(at + sheet.count), with: sheet)
        }
        try Data(bytes).write(to: folder.url.appendingPathComponent("big.txt"))
        let result = Self.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(
            Self.derivedNames(result) == [
                "big.txt!text@\(window) across", "big.txt!text@\(window) inside",
            ])
    }

    @Test("a 40 MiB file that starts with gzip magic is held whole: its text is named without a window")
    func containerStaysWhole() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = [
            Needle(
                serial: Serial(lot: 1, sequence: 1), share: .one, name: "n",
                bytes: Array("abcdefghijklmnopqrstuvwx".utf8))
        ]
        let sheet = Array("<svg><text>abcdefghijkl</text>\n<text>mnopqrstuvwx</text></svg>".utf8)
        // Gzip's magic (then no gzip): the file is read as an archive would be, whole.
        try Self.sparseFile(folder, "c.gz", size: 40 << 20, [(0, [0x1F, 0x8B, 0x08, 0x00]), (36 << 20, sheet)])
        let result = Self.search(folder, needles)
        #expect(result.derived.map { "\($0.file) \($0.name)" } == ["c.gz!text n"])
    }

    @Test("overlapping needles, a needle inside another and two needles of the same bytes are all found")
    func overlapping() throws {
        let bytes = Array("noise:abcdefgh12345678ABCDEFGH:noise".utf8)
        func needle(_ name: String, _ text: String) -> Needle {
            Needle(serial: Serial(lot: 1, sequence: 1), share: .one, name: name, bytes: Array(text.utf8))
        }
        let needles = [
            needle("left", "abcdefgh12345678"), needle("right", "12345678ABCDEFGH"), needle("inner", "h1234"),
            needle("whole", "abcdefgh12345678ABCDEFGH"), needle("twin", "12345678ABCDEFGH"),
        ]
        let hits = try ShareSearch(needles: needles).scan(
            source: MemorySource(display: "t", bytes: bytes, chunkSize: 13))
        #expect(Self.offsets(hits) == ["t left": 6, "t right": 14, "t inner": 13, "t whole": 6, "t twin": 14])
    }

    @Test("1500 needles at once: exactly the ones written are found, each at its offset")
    func manyNeedles() throws {
        let needles = Self.needles(1500)
        var bytes: [UInt8] = []
        var expected: [String: Int] = [:]
        for (index, needle) in needles.enumerated() where index % 3 == 0 {
            bytes += Self.noise(100, seed: 10_000 + UInt64(index))
            expected["m \(needle.name)"] = bytes.count
            bytes += needle.bytes
        }
        let hits = try ShareSearch(needles: needles).scan(source: MemorySource(display: "m", bytes: bytes))
        #expect(hits.count == 500)
        #expect(Self.offsets(hits) == expected)
    }

    @Test("base64 of a raw needle is still found through the decoded runs, at the run's offset")
    func decodedRuns() throws {
        let needles = Self.needles(1)
        let text = "key: " + Data(needles[0].bytes).base64EncodedString()
        let hits = try ShareSearch(needles: needles).scan(source: MemorySource(display: "d", bytes: Array(text.utf8)))
        #expect(Self.offsets(hits) == ["d n0": 5])
    }

    @Test("the folder walk on 4 workers finds exactly what one worker finds")
    func parallelMatchesSerial() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(40)
        let sub = folder.url.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        var expected: [String: Int] = [:]
        for file in 0..<20 {
            var bytes = Self.noise(1000 * (file + 1), seed: 1000 + UInt64(file))
            for k in 0..<2 {
                let needle = needles[2 * file + k]
                let at = (bytes.count / 3) * (k + 1)
                bytes.replaceSubrange(at..<(at + 32), with: needle.bytes)
                expected["\(file % 2 == 0 ? "" : "a/b/")f\(file).bin \(needle.name)"] = at
            }
            try Data(bytes).write(to: (file % 2 == 0 ? folder.url : sub).appendingPathComponent("f\(file).bin"))
        }
        let search = ShareSearch(needles: needles)
        let layout = CeremonyLayout(root: folder.url)
        var skippedSerial: [String] = []
        var skippedParallel: [String] = []
        let serial = search.scan(folder: folder.url, layout: layout, skipped: &skippedSerial, workers: 1)
        let parallel = search.scan(folder: folder.url, layout: layout, skipped: &skippedParallel, workers: 4)
        #expect(Set(serial) == Set(parallel))
        #expect(serial.count == 40)
        #expect(Self.offsets(parallel) == expected)
        #expect(skippedSerial.isEmpty && skippedParallel.isEmpty)
    }

    @Test(
        "a FIFO and a symbolic link in the folder are reported as not searched, at once; the files beside them are searched"
    )
    func fifoAndLinkSkipped() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let needles = Self.needles(1)
        try Data(needles[0].bytes).write(to: folder.url.appendingPathComponent("real.bin"))
        #expect(mkfifo(folder.url.appendingPathComponent("pipe").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("link.bin"),
            withDestinationURL: folder.url.appendingPathComponent("real.bin"))
        // A link to a folder outside, holding a needle: not followed.
        let outside = try TemporaryFolder(prefix: "share-search-outside")
        try Data(needles[0].bytes).write(to: outside.url.appendingPathComponent("kept.bin"))
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("elsewhere"), withDestinationURL: outside.url)
        var skipped: [String] = []
        let hits = ShareSearch(needles: needles).scan(
            folder: folder.url, layout: CeremonyLayout(root: folder.url), skipped: &skipped)
        #expect(skipped.sorted() == ["elsewhere", "link.bin", "pipe"])
        #expect(Self.offsets(hits) == ["real.bin n0": 0])
    }

    @Test("a FIFO handed to the reader directly is refused, not waited on")
    func fifoRefusedByReader() throws {
        let folder = try TemporaryFolder(prefix: "share-search")
        let pipe = folder.url.appendingPathComponent("pipe")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        #expect(throws: UnreadableFile.self) {
            try ShareSearch(needles: Self.needles(1)).scan(source: FileSource(url: pipe, display: "pipe"))
        }
    }
}
