import Foundation
import TestSupport
import Testing

@testable import Audit

/// Octal and decimal dumps as GNU `od` writes them (`od -b`, plain `od`, `od -t o2
/// --endian=big`, `od -t o4`, `od -t d1`, `od -t u1`, each with its offset column or with
/// `-An`), and od's hex words (`od -x`, `od -t x4`), are decoded in the text regions (`Decoding+Octal.swift`), and ordinary text gives
/// no run. The tests build dumps with ``od(_:_:offsets:)``, which writes what GNU od writes
/// (checked against the real `od` where it is installed), and read hand-made lines too.
@Suite("octal dumps")
struct OctalDumpTests {
    /// The dump forms of `od`, each with its arguments.
    enum Form: String, CaseIterable, CustomStringConvertible {
        case octal1 = "-b"
        case octal2 = "-t o2"
        case octal2Big = "-t o2 --endian=big"
        case octal4 = "-t o4"
        case signed = "-t d1"
        case unsigned = "-t u1"
        case hex2 = "-x"
        case hex4 = "-t x4"

        var description: String { "od \(rawValue)" }
        /// The bytes one field stands for.
        var width: Int {
            switch self {
            case .octal2, .octal2Big, .hex2: 2
            case .octal4, .hex4: 4
            case .octal1, .signed, .unsigned: 1
            }
        }
        /// Whether the decoder's high-first run (`od-be@N`) is the one that holds the bytes.
        var bigEndian: Bool { self == .octal2Big }
    }

    /// `bytes` as GNU od writes them in `form` on a little-endian machine: 16 bytes a line, a
    /// 7-digit octal offset before each line and alone after the last (or none, `-An`), a
    /// line the same as the one before it written as `*`, a last partial word filled out
    /// with zero bytes.
    static func od(_ bytes: [UInt8], _ form: Form, offsets: Bool = true) -> String {
        func padded(_ text: String, _ width: Int, _ pad: Character) -> String {
            String(repeating: pad, count: max(0, width - text.count)) + text
        }
        func offset(_ at: Int) -> String { offsets ? padded(String(at, radix: 8), 7, "0") : "" }
        func field(_ group: [UInt8]) -> String {
            let word = group + [UInt8](repeating: 0, count: form.width - group.count)
            let little = word.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let big = word.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            switch form {
            case .octal1: return " " + padded(String(word[0], radix: 8), 3, "0")
            case .octal2: return " " + padded(String(little, radix: 8), 6, "0")
            case .octal2Big: return " " + padded(String(big, radix: 8), 6, "0")
            case .octal4: return " " + padded(String(little, radix: 8), 11, "0")
            case .signed: return " " + padded(String(Int8(bitPattern: word[0])), 4, " ")
            case .unsigned: return " " + padded(String(word[0]), 3, " ")
            case .hex2: return " " + padded(String(little, radix: 16), 4, "0")
            case .hex4: return " " + padded(String(little, radix: 16), 8, "0")
            }
        }
        return Self.odLines(bytes, width: 16, offset: offset) { line in
            stride(from: line.startIndex, to: line.endIndex, by: form.width).map {
                field(Array(line[$0..<min(line.endIndex, $0 + form.width)]))
            }.joined()
        }
    }

    /// The lines od writes of `bytes`, `width` bytes a line: `offset(start)` and `fields(line)`
    /// for each, `*` once for a run of lines the same as the one before, and `offset(count)`
    /// alone after the last (no such line where `offset` gives the empty string, `-An`).
    static func odLines(
        _ bytes: [UInt8], width: Int, offset: (Int) -> String, fields: (ArraySlice<UInt8>) -> String
    ) -> String {
        var text = ""
        var previous: ArraySlice<UInt8>?
        var starred = false
        for start in stride(from: 0, to: bytes.count, by: width) {
            let line = bytes[start..<min(bytes.count, start + width)]
            if line.count == width, let previous, line.elementsEqual(previous) {
                if !starred { text += "*\n" }
                starred = true
                continue
            }
            previous = line
            starred = false
            text += offset(start) + fields(line) + "\n"
        }
        let last = offset(bytes.count)
        return last.isEmpty ? text : text + last + "\n"
    }

    /// The run of `text` that holds a `form` dump's bytes: the low-first one, or for
    /// `--endian=big` the high-first one.
    static func decoded(_ text: String, _ form: Form) -> [(at: Int, bytes: [UInt8])] {
        Decoding.octalDumps(Array(text.utf8)).filter { $0.bigEndian == form.bigEndian }.map { ($0.at, $0.bytes) }
    }

    /// `bytes` with zero bytes after them up to a whole number of `form`'s words.
    static func filledOut(_ bytes: [UInt8], _ form: Form) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (form.width - bytes.count % form.width) % form.width)
    }

    @Test(
        "the test's od writes what GNU od writes, in every form, with offsets and without",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/od")),
        arguments: Form.allCases)
    func matchesRealOd(_ form: Form) throws {
        for seed in 1...6 as ClosedRange<UInt64> {
            var value = SeededRandom.bytes(Int(seed) * 29, seed: seed)
            // Lines that repeat: od writes `*` for them.
            if seed == 3 { value += [UInt8](repeating: 0, count: 64) + [7] }
            for offsets in [true, false] {
                let arguments = (offsets ? [] : ["-An"]) + form.rawValue.split(separator: " ").map(String.init)
                let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), arguments, input: Data(value))
                #expect(real.status == 0)
                #expect(real.stdout == Self.od(value, form, offsets: offsets), "\(form) \(arguments) \(seed)")
            }
        }
    }

    @Test("GNU od's own lines decode: od -b, od, od --endian=big, od -t d1, od -An -t u1")
    func handMadeLines() {
        // `od -b`, `od`, `od -t o2 --endian=big` and `od -t d1` of `printf '\1\2\3ABCDEFGHIJKLM\377\376'`.
        let value: [UInt8] = [1, 2, 3] + Array("ABCDEFGHIJKLM".utf8) + [0xFF, 0xFE]
        let octal1 = """
            0000000 001 002 003 101 102 103 104 105 106 107 110 111 112 113 114 115
            0000020 377 376
            0000022

            """
        let octal2 = """
            0000000 001001 040403 041502 042504 043506 044510 045512 046514
            0000020 177377
            0000022

            """
        let octal2Big = """
            0000000 000402 001501 041103 042105 043107 044111 045113 046115
            0000020 177776
            0000022

            """
        let signed = """
            0000000    1    2    3   65   66   67   68   69   70   71   72   73   74   75   76   77
            0000020   -1   -2
            0000022

            """
        let unsignedBare = """
               1   2   3  65  66  67  68  69  70  71  72  73  74  75  76  77
             255 254

            """
        #expect(Self.decoded(octal1, .octal1).map(\.bytes) == [value])
        #expect(Self.decoded(octal2, .octal2).map(\.bytes) == [value])
        #expect(Self.decoded(octal2Big, .octal2Big).map(\.bytes) == [value])
        #expect(Self.decoded(signed, .signed).map(\.bytes) == [value])
        #expect(Self.decoded(unsignedBare, .unsigned).map(\.bytes) == [value])
        // Plain od's words read high byte first are the bytes of each pair swapped.
        let swapped = Decoding.octalDumps(Array(octal2.utf8)).filter(\.bigEndian).map(\.bytes)
        #expect(
            swapped == [
                [2, 1, 0x41, 3, 0x43, 0x42, 0x45, 0x44, 0x47, 0x46, 0x49, 0x48, 0x4B, 0x4A, 0x4D, 0x4C, 0xFE, 0xFF]
            ])
    }

    @Test("seeded random values round trip in every form, with offsets and without", arguments: Form.allCases)
    func roundTrips(_ form: Form) throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(8 + Int(seed * 37 % 200), seed: seed)
            for offsets in [true, false] {
                let text = Self.od(value, form, offsets: offsets)
                let runs = Self.decoded(text, form)
                try #require(runs.count == 1, "\(form) \(seed) \(offsets):\n\(text)")
                #expect(runs[0].at == 0)
                #expect(runs[0].bytes == Self.filledOut(value, form), "\(form) \(seed) \(offsets)")
            }
        }
    }

    @Test("a wide dump (od -w1024) is read whole: a line may hold any number of fields")
    func wideLines() throws {
        let value = SeededRandom.bytes(1500, seed: 31)
        // `od -w1024 -b`: 1024 fields on the first line, the rest on the second.
        let lines = [value.prefix(1024), value.dropFirst(1024)].enumerated().map { index, part in
            String(format: "%07o", index * 1024) + part.map { String(format: " %03o", $0) }.joined() + "\n"
        }
        let text = lines.joined() + String(format: "%07o\n", value.count)
        #expect(Self.decoded(text, .octal1).map(\.bytes) == [value])
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/od") {
            let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), ["-w1024", "-b"], input: Data(value))
            #expect(real.stdout == text)
        }
    }

    @Test("a value at an odd byte offset of plain od's words is found in the low-first run")
    func oddOffsetInWords() throws {
        for seed in 1...20 as ClosedRange<UInt64> {
            let needle = SeededRandom.bytes(24, seed: seed)
            let before = SeededRandom.bytes(2 * Int(seed) + 1, seed: seed + 100)
            for form in [Form.octal2, .octal2Big] {
                let runs = Self.decoded(Self.od(before + needle + [0x5A], form), form)
                let run = try #require(runs.first?.bytes)
                #expect(run.firstRange(of: needle)?.lowerBound == before.count, "\(form) \(seed)")
            }
        }
    }

    @Test("a repeated line (`*`) is read as one copy of it, and a value that ends or starts there is kept")
    func repeatsAreOneCopy() {
        let line = SeededRandom.bytes(16, seed: 21)
        let before = SeededRandom.bytes(16, seed: 22)
        let after = SeededRandom.bytes(16, seed: 23)
        let data = before + line + line + line + after
        // A value that starts in the line before the repeats and ends in the first copy, one
        // that starts in the last copy and ends after it, and one that spans two copies.
        let ending = Array(before.suffix(8) + line)
        let starting = Array(line.suffix(8) + after)
        let spanning = Array(line.suffix(8) + line)
        for form in [Form.octal1, .octal2, .signed] {
            let text = Self.od(data, form)
            #expect(text.components(separatedBy: "\n*\n").count == 2, "\(form):\n\(text)")
            let run = Self.decoded(text, form).first?.bytes ?? []
            #expect(run == before + line + after, "\(form)")
            #expect(run.firstRange(of: ending) != nil, "\(form)")
            #expect(run.firstRange(of: starting) != nil, "\(form)")
            #expect(data.firstRange(of: spanning) != nil && run.firstRange(of: spanning) == nil, "\(form)")
        }
    }

    @Test("a dump amid other text: lines before and after, indented, with CRLF line breaks")
    func amidText() throws {
        let value = SeededRandom.bytes(40, seed: 7)
        let other = SeededRandom.bytes(24, seed: 8)
        let indented = Self.od(other, .octal1).split(separator: "\n").map { "    " + $0 }.joined(separator: "\r\n")
        let text = """
            notes for batch 1, kept by site b
            $ od -b seeds.bin
            \(Self.od(value, .octal1))$ od -An seeds.bin
            \(Self.od(value, .octal2, offsets: false))more notes after the block
            \(indented)
            done 2025-11-24T12:00:01Z

            """
        let bytes = Array(text.utf8)
        let runs = Decoding.octalDumps(bytes)
        #expect(runs.map(\.bytes) == [value, value, Self.swappedPairs(value), other])
        #expect(runs.map(\.bigEndian) == [false, false, true, false])
        let first = try #require(bytes.firstRange(of: Array("0000000 ".utf8))).lowerBound
        #expect(runs.first?.at == first)
    }

    /// `bytes` with each pair's two bytes swapped.
    static func swappedPairs(_ bytes: [UInt8]) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: 2).flatMap { [bytes[min(bytes.count - 1, $0 + 1)], bytes[$0]] }
    }

    @Test("ordinary text, logs, JSON, number tables and random bytes give no run")
    func noFalseRuns() throws {
        let words = ["card", "batch", "seal", "mint", "verify", "the", "of", "site", "OK", "INFO", "A", "B", "101"]
        let prose = SeededRandom.prose(words, lines: 4000, seed: 3)
        let digest = SeededRandom.bytes(32, seed: 5).map { String(format: "%02x", $0) }.joined()
        let log = """
            2025-11-24T12:00:01.5Z INFO card=0001 digest=\(digest)
            {"serial":"0000001-0000","passphrase":"E6WA-QDTX-E5VT-9YFQ-D5YB"}
            {"counts": [12, 255, 3, 4, 5, 6, 7, 8, 9, 10]}
            0000001-0000 E6WA-QDTX-E5VT-9YFQ-D5YB
            1234567 card 12 ok
            Room 101 102 103 104 105 106 107 110 111
            *

            """
        #expect(Decoding.octalDumps(Array((prose + log).utf8)).isEmpty)
        #expect(Decoding.octalDumps(SeededRandom.bytes(4 << 20, seed: 11)).isEmpty)
        // A column of 7-digit numbers with one small number each is read as a dump of those
        // small numbers: a bounded run, no copy of the text.
        let table = (0..<100).map { "\(1_000_000 + $0 * 16) \($0 % 200)\n" }.joined()
        let runs = Decoding.octalDumps(Array(table.utf8))
        #expect(runs.map(\.bytes) == [(0..<100).map { UInt8($0 % 200) }])
    }

    @Test("what the runs give is at most the length of the text they are read from", arguments: Form.allCases)
    func bounded(_ form: Form) {
        var text: [UInt8] = []
        var expected = 0
        for seed in 1...50 as ClosedRange<UInt64> {
            let value = SeededRandom.bytes(Int(seed) * 13, seed: seed)
            text += Array(("line \(seed)\n" + Self.od(value, form, offsets: seed % 2 == 0)).utf8)
            expected += Self.filledOut(value, form).count * (form.width > 1 ? 2 : 1)
        }
        let decoded = Decoding.octalDumps(text).reduce(0) { $0 + $1.bytes.count }
        #expect(decoded == expected)
        // Words are read both ways: od -x gives 4 bytes for its 5 characters, od -t x4 8 for 9;
        // a dump of bytes gives one for 4 or 5 characters.
        #expect(decoded <= text.count)
        if form.width == 1 { #expect(decoded * 4 <= text.count) }
    }

    @Test("the text decoders name a run by its offset: od@N, and od-be@N for words read high byte first")
    func named() {
        let value = SeededRandom.bytes(48, seed: 4)
        let bytes = Array(("kept\n" + Self.od(value, .octal1) + "more\n" + Self.od(value, .octal2)).utf8)
        let derived = Decoding.textDecodings(bytes).filter { $0.0.hasPrefix("od") }
        let second = "kept\n\(Self.od(value, .octal1))more\n".utf8.count
        #expect(derived.map(\.0) == ["od@5", "od@\(second)", "od-be@\(second)"])
        #expect(derived.map(\.1) == [value, value, Self.swappedPairs(value)])
    }

    @Test("od -t x1, -An -t x1 and -An -t u1 are read by the decoders that were there; -An -x only here")
    func otherFormsAreFound() {
        let value = SeededRandom.bytes(40, seed: 9)
        // `od -t x1`: an octal offset, then hex bytes; the hex dump decoder reads it.
        let hex1 = (0..<3).map { line in
            String(format: "%07o", line * 16)
                + value.dropFirst(line * 16).prefix(16).map { String(format: " %02x", $0) }.joined() + "\n"
        }.joined()
        #expect(Decoding.hexDumps(Array(hex1.utf8)).first?.1 == value)
        // `od -An -t x1`: lines of hex pairs after a space; the hex pair decoder reads them.
        let bareHex = (0..<3).map { line in
            value.dropFirst(line * 16).prefix(16).map { String(format: " %02x", $0) }.joined() + "\n"
        }.joined()
        #expect(Decoding.hexPairs(Array(bareHex.utf8)).map(\.1) == [value])
        // `od -An -t u1`: numbers between spaces; the byte list decoder reads them.
        let bareDecimal = Self.od(value, .unsigned, offsets: false)
        #expect(Decoding.byteLists(Array(bareDecimal.utf8)).map(\.1) == [value])
        // `od -t u1` with offsets and `od -t d1`: the byte lists end at each offset and each
        // negative number, so only the octal dump decoder reads them whole.
        #expect(!Decoding.byteLists(Array(Self.od(value, .unsigned).utf8)).map(\.1).contains(value))
        #expect(Self.decoded(Self.od(value, .unsigned), .unsigned).map(\.bytes) == [value])
        // `od -An -x`: the hex dump decoder takes each line's first word for an offset and
        // loses it; this decoder reads every word.
        let bareWords = Array(Self.od(value, .hex2, offsets: false).utf8)
        #expect(!Decoding.hexDumps(bareWords).contains { $0.1 == value })
        #expect(Self.decoded(Self.od(value, .hex2, offsets: false), .hex2).map(\.bytes) == [value])
    }
}
