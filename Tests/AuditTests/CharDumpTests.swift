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
            text += offset(start) + line.map(named ? Self.named : Self.character).joined() + "\n"
        }
        if offsets { text += offset(bytes.count) + "\n" }
        return text
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
