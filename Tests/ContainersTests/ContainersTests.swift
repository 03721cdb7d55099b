import Containers
import Foundation
import TestSupport
import Testing

/// The container readers on small inputs made by other tools (Python's gzip, zlib, tarfile and
/// sqlite3): exact content out, and the budget stopping a reader before its output passes it.
@Suite struct ContainersTests {
    static let text = Array("card 0000001-0000 passphrase ABCD-EFGH\n".utf8)

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// What a Python script writes to stdout.
    static func python(_ script: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    @Test("a lone gzip stream is one member, data, with the exact text")
    func gzipStream() throws {
        let gzip = Self.bytes(
            "1f8b08000000000002034b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500de65250027000000"
        )
        #expect(Containers.looksLikeArchive(gzip))
        var budget = Budget(limit: 1 << 20)
        var members: [(String, [UInt8])] = []
        #expect(try Containers.archiveMembers(gzip, budget: &budget) { members.append(($0, $1)) })
        #expect(members.map(\.0) == ["data"])
        #expect(members.first?.1 == Self.text)
        #expect(budget.remaining == (1 << 20) - Self.text.count - 512)
    }

    @Test("a zlib stream inflates to the exact text, found at its header")
    func zlibStream() throws {
        let stream = Self.bytes(
            "789c4b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500d8370ace")
        let file = Array("junk ".utf8) + stream
        #expect(Containers.zlibCandidates(file) == [5])
        var budget = Budget(limit: 1 << 20)
        let inflated = try #require(try Containers.inflateZlib(file, at: 5, budget: &budget))
        #expect(inflated.content == Self.text)
        #expect(inflated.complete)
        #expect(try Containers.inflateZlib(Array("not zlib at all".utf8), at: 0, budget: &budget) == nil)
    }

    @Test("zlib headers are found at every offset, the last three bytes included, as a byte-by-byte walk finds them")
    func zlibCandidatesMatchWalk() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        // Bytes rich in 0x78 and in the four check bytes, of lengths around every small edge.
        let alphabet: [UInt8] = [0x78, 0x78, 0x01, 0x5E, 0x9C, 0xDA, 0x00, 0xFF, 0x79]
        for count in Array(0...40) + [255, 256, 257, 4099] {
            let bytes = (0..<count).map { _ in alphabet[Int(next()) % alphabet.count] }
            let walk = bytes.indices.filter { i in
                i + 2 < bytes.count && bytes[i] == 0x78 && [0x01, 0x5E, 0x9C, 0xDA].contains(bytes[i + 1])
            }
            #expect(Containers.zlibCandidates(bytes) == walk, "\(count) bytes")
            // Consecutive ranges give every header once, read past a range's end.
            for piece in [1, 2, 3, 7] {
                let pieces = stride(from: 0, to: max(1, count), by: piece).flatMap {
                    Containers.zlibCandidates(bytes, in: $0..<($0 + piece))
                }
                #expect(pieces == walk, "\(count) bytes, pieces of \(piece)")
            }
        }
    }

    @Test("a zlib stream after 300 decoy headers is found at its offset; the decoys take nothing from the budget")
    func zlibBehindDecoys() throws {
        let stream = Self.bytes(
            "789c4b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500d8370ace")
        let file = Array(repeating: [0x78, 0x9C, 0xFF] as [UInt8], count: 300).flatMap { $0 } + stream
        let candidates = Containers.zlibCandidates(file)
        #expect(candidates.count == 301)
        #expect(candidates.last == 900)
        var budget = Budget(limit: 1 << 20)
        var found: [(Int, [UInt8])] = []
        try Containers.zlibStreams(file, at: candidates, budget: &budget) { found.append(($0, $1)) }
        #expect(found.map(\.0) == [900])
        #expect(found.first?.1 == Self.text)
        #expect(budget.remaining == (1 << 20) - Self.text.count)
    }

    @Test("a zlib stream past the maximum is an issue, after the first ones are visited")
    func zlibStreamsPastMaximum() throws {
        let stream = Self.bytes(
            "789c4b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500d8370ace")
        let file = stream + stream + stream
        var budget = Budget(limit: 1 << 20)
        var found: [Int] = []
        #expect(throws: ContainerError.unreadable("it holds more than 2 zlib streams")) {
            try Containers.zlibStreams(file, at: Containers.zlibCandidates(file), maximum: 2, budget: &budget) {
                offset, _ in found.append(offset)
            }
        }
        #expect(found == [0, stream.count])
    }

    @Test("a gzip of 1 MiB of zeros stops at a 64 KiB budget, the budget used to the byte (content and one header)")
    func budgetStopsABomb() throws {
        let bomb = try Self.python("import sys, gzip; sys.stdout.buffer.write(gzip.compress(bytes(1 << 20), 9))")
        #expect(bomb.count < 4096)
        var budget = Budget(limit: 64 << 10)
        var read: [UInt8] = []
        #expect(throws: ContainerError.exceedsBudget(limit: 64 << 10)) {
            _ = try Containers.archiveMembers(bomb, budget: &budget) { read += $1 }
        }
        #expect(read.count == (64 << 10) - 512)
        #expect(read.allSatisfy { $0 == 0 })
        #expect(budget.remaining == 0)
    }

    @Test("a tar of a thousand empty members passes a budget of a hundred headers")
    func emptyMembersCount() throws {
        let tar = try Self.python(
            """
            import sys, io, tarfile
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as t:
                for i in range(1000): t.addfile(tarfile.TarInfo(f"m{i}"), io.BytesIO(b""))
            sys.stdout.buffer.write(buf.getvalue())
            """)
        var budget = Budget(limit: 100 * 512)
        var members = 0
        #expect(throws: ContainerError.exceedsBudget(limit: 100 * 512)) {
            _ = try Containers.archiveMembers(tar, budget: &budget) { _, _ in members += 1 }
        }
        #expect(members == 100)
    }

    @Test("a SQLite database with UTF-16 text gives its cells as UTF-8, table by table")
    func sqliteUTF16() throws {
        let database = try Self.python(
            """
            import sys, sqlite3, tempfile, os
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "d.sqlite")
                db = sqlite3.connect(path)
                db.execute('pragma encoding = "UTF-16le"')
                db.execute("create table cards (serial text, passphrase text, n integer)")
                db.execute("insert into cards values ('0000001-0000', 'ABCD-EFGH', 7)")
                db.commit(); db.close()
                sys.stdout.buffer.write(open(path, "rb").read())
            """)
        #expect(Containers.looksLikeSQLite(database))
        // UTF-16 in the pages: the UTF-8 text is not there as is.
        #expect(!String(decoding: database, as: UTF8.self).contains("ABCD-EFGH"))
        var budget = Budget(limit: 1 << 20)
        var tables: [String: [UInt8]] = [:]
        try Containers.sqliteTables(database, budget: &budget) { tables[$0] = $1 }
        #expect(Set(tables.keys) == ["sqlite_schema", "cards"])
        #expect(tables["cards"] == Array("0000001-0000\nABCD-EFGH\n".utf8))
        #expect(String(decoding: tables["sqlite_schema"] ?? [], as: UTF8.self).hasPrefix("cards\nCREATE TABLE cards"))
    }

    @Test("bytes that are no SQLite database are refused with a ContainerError, not a trap")
    func sqliteRefusal() throws {
        var damaged = Array("SQLite format 3\u{0}".utf8) + [UInt8](repeating: 0xFF, count: 200)
        damaged[16] = 0x00
        var budget = Budget(limit: 1 << 20)
        #expect(throws: ContainerError.self) {
            try Containers.sqliteTables(damaged, budget: &budget) { _, _ in }
        }
    }

    @Test("archive and stream magic past the start is found at every offset, as a byte-by-byte walk finds it")
    func embeddedCandidatesMatchWalk() {
        let magics: [[UInt8]] = [
            [0x1F, 0x8B, 0x08], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD],
            [0x04, 0x22, 0x4D, 0x18],
            Array("PK\u{03}\u{04}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
            Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for round in 0..<200 {
            // Noise made of magic bytes, whole magics and their prefixes, cut at random lengths.
            var bytes: [UInt8] = []
            while bytes.count < 64 + round {
                let magic = magics[next() % magics.count]
                bytes += next() % 3 == 0 ? Array(magic.prefix(next() % magic.count)) : magic
                bytes.append(UInt8(truncatingIfNeeded: next()))
            }
            bytes = Array(bytes.prefix(next() % bytes.count + 1))
            /// Whether `magic` is at `at` (bzip2's level digit may be any of 1 to 9).
            func holds(_ magic: [UInt8], at: Int) -> Bool {
                guard at + magic.count <= bytes.count else { return false }
                guard magic.count == 10 else { return bytes[at..<(at + magic.count)].elementsEqual(magic) }
                let level: ClosedRange<UInt8> = 0x31...0x39
                return bytes[at..<(at + 3)].elementsEqual(magic[0..<3]) && level.contains(bytes[at + 3])
                    && bytes[(at + 4)..<(at + 10)].elementsEqual(magic[4...])
            }
            let walk = (1..<max(1, bytes.count)).filter { at in magics.contains { holds($0, at: at) } }
            #expect(Containers.embeddedCandidates(bytes) == walk, "round \(round)")
            // Consecutive ranges give every magic once, read past a range's end.
            let piece = 1 + round % 9
            let pieces = stride(from: 0, to: bytes.count, by: piece).flatMap {
                Containers.embeddedCandidates(bytes, in: $0..<($0 + piece))
            }
            #expect(pieces == walk, "round \(round), pieces of \(piece)")
        }
    }

    @Test(
        "in long sources (the kernel's 32-byte nibble path) every zlib and embedded header is found at every offset, near misses are not, and headerCandidates gives both at once"
    )
    func headerCandidatesMatchWalk() {
        let magics: [[UInt8]] = [
            [0x1F, 0x8B, 0x08], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD],
            [0x04, 0x22, 0x4D, 0x18], Array("PK\u{03}\u{04}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
            Array("BZh7".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
            [0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA],
        ]
        // Pairs made of the real pairs' nibbles crossed (the nibble tables' false hits), and
        // first bytes with the right second byte but one nibble changed.
        let nearMisses: [[UInt8]] = [
            [0x78, 0x0E], [0x78, 0x5A], [0x78, 0x9E], [0x78, 0xD1], [0x78, 0x51], [0x78, 0x91],
            [0x18, 0x01], [0x7F, 0x8B, 0x08], [0x1B, 0x8B, 0x08], [0x28, 0xB7, 0x2F, 0xFD], [0x58, 0x4B, 0x03, 0x04],
            [0x47, 0x7A, 0xBC], [0x32, 0x5A, 0x68], [0x04, 0x2D, 0x4D], [0xFD, 0x3B, 0x7A], [0x22, 0xB5],
        ]
        var random = SeededRandom(seed: 1_5015)
        for round in 0..<6 {
            var bytes = SeededRandom.bytes(40_000 + round * 9_999, seed: random.next())
            var at = Int(random.next() % 40)
            while at + 12 < bytes.count {
                let all = random.next() % 2 == 0 ? magics : nearMisses
                let piece = all[Int(random.next() % UInt64(all.count))]
                bytes.replaceSubrange(at..<(at + piece.count), with: piece)
                at += piece.count + Int(random.next() % 61)
            }
            func holds(_ magic: [UInt8], at: Int) -> Bool {
                guard at + magic.count <= bytes.count else { return false }
                guard magic.count == 10 else { return bytes[at..<(at + magic.count)].elementsEqual(magic) }
                return bytes[at..<(at + 3)].elementsEqual(magic[0..<3]) && (0x31...0x39).contains(bytes[at + 3])
                    && bytes[(at + 4)..<(at + 10)].elementsEqual(magic[4...])
            }
            let zlibWalk = bytes.indices.filter { i in
                i + 2 < bytes.count && bytes[i] == 0x78 && [0x01, 0x5E, 0x9C, 0xDA].contains(bytes[i + 1])
            }
            let embeddedWalk = (1..<bytes.count).filter { i in magics.prefix(7).contains { holds($0, at: i) } }
            #expect(zlibWalk.count > 100 && embeddedWalk.count > 100)
            #expect(Containers.zlibCandidates(bytes) == zlibWalk, "round \(round): zlib")
            #expect(Containers.embeddedCandidates(bytes) == embeddedWalk, "round \(round): embedded")
            let both = Containers.headerCandidates(bytes)
            #expect(both.zlib == zlibWalk && both.embedded == embeddedWalk, "round \(round): together")
            // Ranges that start and end anywhere, long enough for the nibble path, give each once.
            let piece = 4_096 + Int(random.next() % 3_000)
            let pieces = stride(from: 0, to: bytes.count, by: piece).map {
                Containers.headerCandidates(bytes, in: $0..<($0 + piece))
            }
            #expect(pieces.flatMap(\.zlib) == zlibWalk, "round \(round): zlib in pieces of \(piece)")
            #expect(pieces.flatMap(\.embedded) == embeddedWalk, "round \(round): embedded in pieces of \(piece)")
        }
    }

    @Test("more headers than one kernel call returns: every one, in order, in a big source and in ranges")
    func embeddedCandidatesPastOneCall() {
        // 10,000 gzip magics 5 bytes apart, then random bytes, then 3,000 bzip2 headers.
        var random = SystemRandomNumberGenerator()
        var bytes: [UInt8] = [0x00]
        for _ in 0..<10_000 { bytes += [0x1F, 0x8B, 0x08, 0x00, 0x7A] }
        bytes += (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        for _ in 0..<3_000 { bytes += Array("BZh5".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] }
        let magics: [[UInt8]] = [
            [0x1F, 0x8B, 0x08], Array("BZh5".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
            [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD], [0x04, 0x22, 0x4D, 0x18],
            Array("PK\u{03}\u{04}".utf8), [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
        ]
        func holds(_ magic: [UInt8], at: Int) -> Bool {
            at + magic.count <= bytes.count && bytes[at..<(at + magic.count)].elementsEqual(magic)
        }
        let walk = (1..<bytes.count).filter { at in magics.contains { holds($0, at: at) } }
        #expect(walk.count >= 13_000)
        #expect(Containers.embeddedCandidates(bytes) == walk)
        let pieces = stride(from: 0, to: bytes.count, by: 7_777).flatMap {
            Containers.embeddedCandidates(bytes, in: $0..<($0 + 7_777))
        }
        #expect(pieces == walk)
    }

    @Test("holdsHeader on a slice finds what zlibCandidates and embeddedCandidates find in its bytes, from any start")
    func holdsHeaderMatchesCandidates() {
        let headers: [[UInt8]] = [
            [0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA], [0x1F, 0x8B, 0x08],
            [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00],
            [0x28, 0xB5, 0x2F, 0xFD], [0x04, 0x22, 0x4D, 0x18], Array("PK\u{03}\u{04}".utf8),
            [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var held = 0
        for round in 0..<2000 {
            // A slice of bytes that hold a header, its prefix or none, at a random place near its edges.
            var bytes = (0..<(8 + next() % 56)).map { _ in UInt8(truncatingIfNeeded: next() % 7 == 0 ? 0x78 : next()) }
            let header = headers[next() % headers.count]
            let cut = next() % 3 == 0 ? Array(header.prefix(1 + next() % header.count)) : header
            let at = max(0, min(bytes.count, [0, 1, 2, bytes.count - cut.count, next() % bytes.count][next() % 5]))
            bytes.replaceSubrange(at..<min(bytes.count, at + cut.count), with: cut)
            let lead = next() % 4
            let slice = (Array(repeating: UInt8(0x78), count: lead) + bytes)[lead...]
            let whole = Array(slice)
            for from in [0, 1] {
                let expected =
                    !Containers.zlibCandidates(whole).isEmpty || !Containers.embeddedCandidates(whole).isEmpty
                    || (from == 0 && Containers.embeddedCandidates([0] + whole).contains(1))
                #expect(Containers.holdsHeader(slice, from: from) == expected, "round \(round), from \(from)")
                if expected { held += 1 }
            }
        }
        #expect(held > 1000)
    }

    @Test(
        "a gzip three bytes into the bytes is read from its magic; a false magic before it is a decoy that costs nothing"
    )
    func embeddedGzip() throws {
        let gzip = Self.bytes(
            "1f8b08000000000002034b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500de65250027000000"
        )
        // A false gzip header first (reserved flag bits set), then the real one.
        let file: [UInt8] = [0x01, 0x1F, 0x8B, 0x08, 0xE0, 0xFF, 0x4E, 0x07, 0xC3] + gzip + [0x0A]
        #expect(!Containers.looksLikeArchive(file))
        let candidates = Containers.embeddedCandidates(file)
        #expect(candidates == [1, 9])
        var budget = Budget(limit: 1 << 20)
        var found: [(Int, String, [UInt8])] = []
        try Containers.embeddedArchives(file, at: candidates, budget: &budget) { found.append(($0, $1, $2)) }
        #expect(found.map(\.0) == [9])
        #expect(found.first?.1 == "data")
        #expect(found.first?.2 == Self.text)
        // Past the maximum of headers read: a finding, after the first are read.
        #expect(throws: ContainerError.unreadable("it holds more than 1 archive or stream headers past its start")) {
            try Containers.embeddedArchives(file, at: candidates, maximum: 1, budget: &budget) { _, _, _ in }
        }
    }
}
