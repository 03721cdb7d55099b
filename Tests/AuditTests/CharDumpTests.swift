import Foundation
import TestSupport
import Testing

@testable import Audit

/// Character dumps as GNU `od -c` and `od -a` write them are decoded in the text regions
/// (`Decoding+CharDump.swift`): every byte value through `od -c`, a passphrase through `od -a`,
/// with offsets in octal, decimal or hex or none, other widths and od's `*` lines; ordinary
/// text and other dumps give no run. The tests build dumps with ``od(_:named:arguments:)``,
/// checked against the real `od` where it is installed.
@Suite("character dumps")
struct CharDumpTests {
    /// How `od -c` writes `byte` (four columns): the character, a C escape, or 3 octal digits.
    static func character(_ byte: UInt8) -> String {
        let escapes: [UInt8: String] = [0: "0", 7: "a", 8: "b", 0x0C: "f", 0x0A: "n", 0x0D: "r", 9: "t", 0x0B: "v"]
        if (0x20...0x7E).contains(byte) { return "   " + String(UnicodeScalar(byte)) }
        if let escape = escapes[byte] { return "  \\" + escape }
        let octal = String(byte, radix: 8)
        return " " + String(repeating: "0", count: 3 - octal.count) + octal
    }

    /// How `od -a` writes `byte`: its low seven bits' name or character.
    static func named(_ byte: UInt8) -> String {
        let names = [
            "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
            "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us",
            "sp",
        ]
        let low = byte & 0x7F
        let name = low <= 0x20 ? names[Int(low)] : low == 0x7F ? "del" : String(UnicodeScalar(low))
        return String(repeating: " ", count: 4 - name.count) + name
    }

    /// `bytes` as GNU od writes them with `-c` (or `-a` when `named`) and `arguments` (`-An`,
    /// `-Ad`, `-Ax`, `-wN`): `width` bytes a line, an offset before each line and alone after
    /// the last (7 octal digits, 7 decimal, 6 hex, or none), a line the same as the one before
    /// it written as `*`.
    static func od(_ bytes: [UInt8], named: Bool = false, arguments: [String] = []) -> String {
        let radix = arguments.contains("-Ad") ? 10 : arguments.contains("-Ax") ? 16 : 8
        let digits = radix == 16 ? 6 : 7
        let offsets = !arguments.contains("-An")
        let width = arguments.first { $0.hasPrefix("-w") }.flatMap { Int($0.dropFirst(2)) } ?? 16
        func offset(_ at: Int) -> String {
            guard offsets else { return "" }
            let text = String(at, radix: radix)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return OctalDumpTests.odLines(bytes, width: width, offset: offset) {
            $0.map(named ? Self.named : Self.character).joined()
        }
    }

    /// Every byte value, in an order that puts each next to many others, and lines that repeat.
    static let everyByte: [UInt8] =
        (0..<256).map { UInt8(($0 * 97 + 13) % 256) } + [UInt8](repeating: 0x41, count: 40)
        + [0x0A, 0x20, 0x5C]

    static let argumentSets: [[String]] = [[], ["-An"], ["-Ad"], ["-Ax"], ["-w8"], ["-An", "-w32"]]

    @Test(
        "the test's od writes what GNU od writes, -c and -a, with every offset column and widths",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/od")))
    func matchesRealOd() throws {
        let passphrase = Array("card 0000001-0001 passphrase ABCD-EFGH-JKLM-NPQR\n".utf8)
        for arguments in Self.argumentSets {
            for (value, named) in [(Self.everyByte, false), (Self.everyByte, true), (passphrase, true)] {
                let all = [named ? "-a" : "-c"] + arguments
                let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), all, input: Data(value))
                #expect(real.status == 0)
                #expect(real.stdout == Self.od(value, named: named, arguments: arguments), "od \(all)")
            }
        }
    }

    @Test(
        "od -c of every byte value decodes to those bytes, with each offset column and width", arguments: argumentSets)
    func everyByteValue(_ arguments: [String]) {
        let runs = Decoding.charDumps(Array(Self.od(Self.everyByte, arguments: arguments).utf8))
        // One run: `*` and the offset alone end none; the repeated line is read once.
        #expect(runs.count == 1)
        let width = arguments.first { $0.hasPrefix("-w") }.flatMap { Int($0.dropFirst(2)) } ?? 16
        let shown = Self.od(Self.everyByte, arguments: arguments).contains("*\n")
        let expected = shown ? Self.withoutRepeats(Self.everyByte, width: width) : Self.everyByte
        #expect(runs.first?.bytes == expected)
        #expect(runs.first?.at == 0)
    }

    /// `bytes` as a dump's lines read them: a line the same as the one before it, once.
    static func withoutRepeats(_ bytes: [UInt8], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        var previous: ArraySlice<UInt8>?
        for start in stride(from: 0, to: bytes.count, by: width) {
            let line = bytes[start..<min(bytes.count, start + width)]
            if line.count == width, let previous, line.elementsEqual(previous) { continue }
            previous = line
            out += line
        }
        return out
    }

    @Test("od -a of a passphrase log decodes to it; of binary bytes, to their low seven bits")
    func namedCharacters() {
        let log = Array("card 0000001-0001 passphrase ABCD-EFGH-JKLM-NPQR\n\t\u{1B}\u{7F}".utf8)
        #expect(Decoding.charDumps(Array(Self.od(log, named: true).utf8)).map(\.bytes) == [log])
        let binary = SeededRandom.bytes(64, seed: 9)
        #expect(
            Decoding.charDumps(Array(Self.od(binary, named: true, arguments: ["-An"]).utf8)).map(\.bytes)
                == [binary.map { $0 & 0x7F }])
    }

    @Test("GNU od's own lines decode, a dump inside a log is found at its offset, a trailing space cut")
    func handMadeLines() {
        // `printf 'ABCD-efgh\n\0\1\177\303\251 \t\\z' | od -c`, its first line's last field (a
        // space) cut to nothing, as an editor that strips trailing blanks leaves it.
        let dump = """
            0000000   A   B   C   D   -   e   f   g   h  \\n  \\0 001 177 303 251
            0000020  \\t   \\   z
            0000023

            """
        let value = Array("ABCD-efgh\n".utf8) + [0, 1, 0x7F, 0xC3, 0xA9] + Array("\t\\z".utf8)
        let prefix = "2026-12-03T12:00:00Z kept a dump:\n"
        let runs = Decoding.charDumps(Array((prefix + dump + "done\n").utf8))
        #expect(runs.map(\.bytes) == [value])
        #expect(runs.map(\.at) == [prefix.utf8.count])
    }

    @Test("ordinary text, code and other dumps give no run")
    func ordinaryText() {
        let texts = [
            "    if x {\n        return y\n    }\n   }\n   }\n   }\n   }\n   }\n   }\n   }\n   }\n",
            "2026-12-03T12:00:00Z card 0000001-0001 minted\n2026-12-03T12:00:01Z card 0000001-0002 minted\n",
            OctalDumpTests.od(SeededRandom.bytes(64, seed: 4), .octal1),
            OctalDumpTests.od(SeededRandom.bytes(64, seed: 5), .hex2),
            String(repeating: "        \n", count: 8),
        ]
        for text in texts { #expect(Decoding.charDumps(Array(text.utf8)).isEmpty, "\(text)") }
    }
}

/// ``Decoding/charDumps(_:regions:)`` against the real GNU od: random values (with long
/// stretches of spaces, so that whole lines of them occur) through random od options (`-c`,
/// `-t c`, `-a`; each offset radix or none; widths 1 to 33; `-j`, `-N`, `-v`), each dump decoded
/// back to the bytes od read.
@Suite("character dumps against GNU od")
struct CharDumpDifferentialTests {
    /// A value of `count` bytes: spaces in stretches, printable characters, escapes, any byte.
    static func value(_ count: Int, using random: inout SeededRandom) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes += [UInt8](repeating: 0x20, count: Int.random(in: 1...40, using: &random))
            case 1, 2:
                bytes += (0..<Int.random(in: 1...20, using: &random)).map { _ in
                    UInt8.random(in: 0x21...0x7E, using: &random)
                }
            case 3: bytes.append([0, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x0D, 0x5C][Int.random(in: 0..<9, using: &random)])
            default: bytes.append(UInt8.random(in: 0...255, using: &random))
            }
        }
        return Array(bytes.prefix(count))
    }

    /// What the decoder gives of a dump of `read`, `width` bytes a line (`*` lines when not
    /// `verbose`), `named` for `od -a`: the lines' bytes (a repeated line once); without offsets,
    /// not the lines of spaces alone before the first other (a blank line, not a dump's) nor a
    /// short last line of them; nothing when that has under 8 bytes other than spaces, or only
    /// octal fields, or for
    /// `od -An -w1` (a line of one field starts no run: it may be code's `   }`).
    static func expected(_ read: [UInt8], width: Int, verbose: Bool, offsets: Bool, named: Bool) -> [[UInt8]] {
        let kept = verbose ? read : CharDumpTests.withoutRepeats(read, width: width)
        var lines = stride(from: 0, to: kept.count, by: width).map { Array(kept[$0..<min(kept.count, $0 + width)]) }
        func blank(_ line: [UInt8]) -> Bool { !named && line.allSatisfy { $0 == 0x20 } }
        if !offsets {
            if width == 1 { return [] }
            while let first = lines.first, blank(first) { lines.removeFirst() }
            if let last = lines.last, last.count < width, blank(last) { lines.removeLast() }
        }
        let bytes = lines.flatMap { $0 }.map { named ? $0 & 0x7F : $0 }
        let escapes: Set<UInt8> = [0, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x0D]
        let characters = named || bytes.contains { (0x20...0x7E).contains($0) || escapes.contains($0) }
        let shown = bytes.count { $0 != 0x20 }
        return shown >= Decoding.octalRunMinimum && characters ? [bytes] : []
    }

    @Test(
        "random values through random od -c and -a options decode to the bytes od read",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/od")), arguments: 1...6)
    func randomOptions(seed: UInt64) throws {
        var random = SeededRandom(seed: seed * 7919)
        for _ in 0..<60 {
            let bytes = Self.value(Int.random(in: 24...400, using: &random), using: &random)
            let width = [1, 2, 3, 4, 5, 8, 16, 16, 16, 32, 33][Int.random(in: 0..<11, using: &random)]
            let radix = ["-Ao", "-Ad", "-Ax", "-An"][Int.random(in: 0..<4, using: &random)]
            let skip = Bool.random(using: &random) ? Int.random(in: 0..<8, using: &random) : 0
            let limit = Bool.random(using: &random) ? Int.random(in: 16...bytes.count - skip, using: &random) : nil
            let verbose = Bool.random(using: &random)
            let type = ["-c", "-tc", "-a"][Int.random(in: 0..<3, using: &random)]
            // Often with another type's lines between the characters', before or after them.
            // (Hex bytes: other types' short numbers, `-tu1`'s `   7`, read as characters.)
            let other = ["-tx1", "-tx1z"][Int.random(in: 0..<2, using: &random)]
            let types = [[type], [type, other], [other, type]][Int.random(in: 0...2, using: &random)]
            var arguments = types + [radix, "-w\(width)", "-j\(skip)"]
            if let limit { arguments.append("-N\(limit)") }
            if verbose { arguments.append("-v") }
            let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), arguments, input: Data(bytes))
            try #require(real.status == 0, "od \(arguments)")
            let read = Array(bytes[skip..<(limit.map { skip + $0 } ?? bytes.count)])
            let expected = Self.expected(
                read, width: width, verbose: verbose, offsets: radix != "-An", named: type == "-a")
            // Inside a log, its lines ended by CRLF or LF.
            let prefix = "2026-12-03T12:00:00Z kept:\n"
            let crlf = Bool.random(using: &random)
            let dump = crlf ? real.stdout.replacingOccurrences(of: "\n", with: "\r\n") : real.stdout
            let runs = Decoding.charDumps(Array((prefix + dump + "done\n").utf8))
            #expect(runs.map(\.bytes) == expected, "od \(arguments) crlf \(crlf)\n\(real.stdout)")
            // A run starts at its first line, the other type's when that comes first.
            if radix != "-An" && !expected.isEmpty && types.first == type {
                #expect(runs.first?.at == prefix.utf8.count)
            }
        }
    }

    @Test("a line of 16 spaces inside a dump, with an offset or without, is 16 bytes of it")
    func spacesLine() throws {
        let value =
            Array("card 0000001-0001 passphrase:".utf8) + [UInt8](repeating: 0x20, count: 35)
            + Array("ABCD-EFGH-JKLM-NPQR\n".utf8)
        for (arguments, width) in [([], 16), (["-Ad"], 16), (["-An"], 16), (["-An", "-w8"], 8)] {
            // The second line of spaces is od's `*`.
            let dump = CharDumpTests.od(value, arguments: arguments)
            #expect(
                Decoding.charDumps(Array(dump.utf8)).map(\.bytes) == [
                    CharDumpTests.withoutRepeats(value, width: width)
                ],
                "\(arguments)\n\(dump)")
        }
        // Without offsets, blank lines before a dump and after it are no part of it.
        let blank = String(repeating: " ", count: 64) + "\n"
        let dump = blank + CharDumpTests.od(value, arguments: ["-An"]) + blank
        #expect(Decoding.charDumps(Array(dump.utf8)).map(\.bytes) == [CharDumpTests.withoutRepeats(value, width: 16)])
    }

    @Test("od -An -w2 and -w3 lines are a run; code's closing braces and macro continuations are not")
    func narrowLines() {
        let value = Array("ABCD-EFGH-JKLM-NPQR".utf8)
        for width in [2, 3] {
            let dump = CharDumpTests.od(value, arguments: ["-An", "-w\(width)"])
            #expect(Decoding.charDumps(Array(dump.utf8)).map(\.bytes) == [value], "\(dump)")
        }
        let code = String(repeating: "   }\n", count: 12) + String(repeating: "   x = 1\n", count: 12)
        #expect(Decoding.charDumps(Array(code.utf8)).isEmpty)
        // A C macro's continuations aligned in column 20 (as in gmpxx.h, brotli/decode.h):
        // lines of blank fields and a `\` are fields, but give no 8 bytes other than spaces (8
        // such lines in a row would: none in 311 MB of /usr/include and /usr/share).
        let macro =
            "#define __GMP_DEFINE_UNARY_FUNCTION(fun, eval_fun) \\\n"
            + String(repeating: String(repeating: " ", count: 19) + "\\\n", count: 6) + "  /* end */\n"
        #expect(Decoding.charDumps(Array(macro.utf8)).isEmpty)
    }
}

extension CharDumpDifferentialTests {
    @Test("the package's own text (code, Markdown with its tables, JSON, CSV) gives no run")
    func ownText() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var read = 0
        for case let url as URL in files where !url.path.contains("/.build") && !url.path.contains("/.git/") {
            guard ["swift", "md", "c", "h", "json", "csv", "txt", "sh"].contains(url.pathExtension),
                let text = try? Data(contentsOf: url)
            else { continue }
            // The character-dump tests' own fixtures are dumps.
            guard !url.lastPathComponent.hasPrefix("CharDump") else { continue }
            read += text.count
            let runs = Decoding.charDumps(Array(text))
            #expect(runs.isEmpty, "\(url.path): \(runs.map { String(decoding: $0.bytes, as: UTF8.self) })")
        }
        #expect(read > 1 << 20)
    }
}

extension CharDumpDifferentialTests {
    @Test(
        "od -c -tx1 and od -tx1 -c: the hex lines between the character lines end no run",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/od")))
    func withHexLines() throws {
        let log = Array("card 0000001-0001 passphrase ABCD-EFGH-JKLM-NPQR\n".utf8)
        for arguments in [["-c", "-tx1"], ["-tx1", "-c"], ["-Ax", "-tx1z", "-c"], ["-An", "-c", "-tx1"]] {
            let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), arguments, input: Data(log))
            #expect(Decoding.charDumps(Array(real.stdout.utf8)).map(\.bytes) == [log], "od \(arguments)")
        }
    }
}
