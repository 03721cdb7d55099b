import Foundation
import TestSupport
import Testing

@testable import Audit

/// GNU od's decimal words and 8-byte words (`od -t u2`, `d2`, `u4`, `d4`, `u8`, `d8`, `x8`, `o8`)
/// are decoded in the text regions (`Decoding+Words.swift`), told apart by the step between
/// their fields; plain `od` and `od -t o4` are left to the octal decoder, and ordinary text gives
/// no run. The tests build dumps with ``od(_:_:arguments:)``, checked against the real `od`.
@Suite("od word dumps")
struct WordDumpTests {
    /// The word types, as od's `-t` names them.
    enum Form: String, CaseIterable, CustomStringConvertible {
        case u2, d2, u4, d4, u8, d8, x8, o8

        var description: String { "od -t \(rawValue)" }
        var bytes: Int { Int(rawValue.dropFirst())! }
        /// Each field's columns: its widest value.
        var digits: Int {
            switch self {
            case .u2: 5
            case .d2: 6
            case .u4: 10
            case .d4: 11
            case .u8, .d8: 20
            case .x8: 16
            case .o8: 22
            }
        }
    }

    /// `bytes` as GNU od writes them with `-t form` and `arguments` (`-An`, `-Ax`, `-wN`,
    /// `--endian=big`) on this little-endian machine: an offset before each line and alone after
    /// the last, `*` for a line the same as the one before, a last partial word filled out with
    /// zero bytes, each field right-aligned in its digits and one blank.
    static func od(_ bytes: [UInt8], _ form: Form, arguments: [String] = []) -> String {
        let hexOffsets = arguments.contains("-Ax")
        let offsets = !arguments.contains("-An")
        let width = arguments.first { $0.hasPrefix("-w") }.flatMap { Int($0.dropFirst(2)) } ?? 16
        let bigEndian = arguments.contains("--endian=big")
        func padded(_ text: String, _ count: Int, _ pad: Character) -> String {
            String(repeating: pad, count: max(0, count - text.count)) + text
        }
        func offset(_ at: Int) -> String {
            offsets ? padded(String(at, radix: hexOffsets ? 16 : 8), hexOffsets ? 6 : 7, "0") : ""
        }
        func field(_ group: ArraySlice<UInt8>) -> String {
            let word = Array(group) + [UInt8](repeating: 0, count: form.bytes - group.count)
            let ordered = bigEndian ? word : word.reversed()
            let value = ordered.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let text: String
            switch form {
            case .u2, .u4, .u8: text = String(value)
            case .d2: text = String(Int16(truncatingIfNeeded: value))
            case .d4: text = String(Int32(truncatingIfNeeded: value))
            case .d8: text = String(Int64(bitPattern: value))
            case .x8: text = padded(String(value, radix: 16), 16, "0")
            case .o8: text = padded(String(value, radix: 8), 22, "0")
            }
            return " " + padded(text, form.digits, " ")
        }
        return OctalDumpTests.odLines(bytes, width: width, offset: offset) { line in
            stride(from: line.startIndex, to: line.endIndex, by: form.bytes).map {
                field(line[$0..<min(line.endIndex, $0 + form.bytes)])
            }.joined()
        }
    }

    /// A value with every byte value near its edges (0, 0xFF, 0x80: the signed types' limits),
    /// an odd length, and lines that repeat.
    static let value: [UInt8] =
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00]
        + SeededRandom.bytes(85, seed: 12) + [UInt8](repeating: 0x41, count: 48) + [7]

    static let argumentSets: [[String]] = [[], ["-An"], ["-Ax"], ["-w32"], ["--endian=big"]]

    @Test(
        "the test's od writes what GNU od writes, every type, with offsets and without",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/od")), arguments: Form.allCases)
    func matchesRealOd(_ form: Form) throws {
        for arguments in Self.argumentSets {
            let all = ["-t", form.rawValue] + arguments
            let real = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/od"), all, input: Data(Self.value))
            #expect(real.status == 0)
            #expect(real.stdout == Self.od(Self.value, form, arguments: arguments), "od \(all)")
        }
    }

    @Test("each type decodes to the bytes dumped, at an odd offset too", arguments: Form.allCases)
    func decodes(_ form: Form) {
        for arguments in Self.argumentSets {
            let text = Self.od(Self.value, form, arguments: arguments)
            let runs = Decoding.wordDumps(Array(text.utf8))
            let bigEndian = arguments.contains("--endian=big")
            let run = runs.first { $0.bigEndian == bigEndian }
            // od reads the repeated line once; the last word is filled out with zero bytes.
            let shown = CharDumpTests.withoutRepeats(Self.value, width: arguments.contains("-w32") ? 32 : 16)
            let filled = shown + [UInt8](repeating: 0, count: (form.bytes - shown.count % form.bytes) % form.bytes)
            #expect(runs.count == 2, "\(form) \(arguments)")
            #expect(run?.bytes == filled, "\(form) \(arguments)")
            #expect(run?.at == 0)
            // A value one byte into the dump, off the words' boundary, is whole in the run.
            let seed = SeededRandom.bytes(24, seed: 3)
            let off = Decoding.wordDumps(Array(Self.od([0x01] + seed, form, arguments: arguments).utf8))
            #expect(off.contains { $0.bytes.firstRange(of: seed) != nil }, "\(form) \(arguments) at offset 1")
        }
    }

    @Test("plain od and od -t o4 are the octal decoder's; ordinary text and other dumps give no run")
    func notTheseDumps() {
        let value = SeededRandom.bytes(64, seed: 6)
        let texts = [
            OctalDumpTests.od(value, .octal2), OctalDumpTests.od(value, .octal4),
            OctalDumpTests.od(value, .octal1), OctalDumpTests.od(value, .unsigned), OctalDumpTests.od(value, .hex2),
            "2026-12-03T12:00:00Z card 0000001-0001 minted in 12 ms\n",
            "  PID TTY          TIME CMD\n 4242 pts/0    00:00:00 bash\n",
            "total 12\n-rw-r--r-- 1 root root  5120 Dec  3 12:00 ledger.json\n",
        ]
        for text in texts { #expect(Decoding.wordDumps(Array(text.utf8)).isEmpty, "\(text)") }
        // The octal decoder still reads plain od (the two do not fight over it).
        #expect(!Decoding.octalDumps(Array(OctalDumpTests.od(value, .octal2).utf8)).isEmpty)
    }

    @Test("a field out of its type's range, or off its step, is no word dump")
    func outOfRange() {
        // 65536 is no 2-byte word; a field one column off its step ends the line's claim.
        let lines = [
            "0000000 65536     1     2     3     4     5     6     7\n",
            "0000000     1     2    3      4     5     6     7     8\n",
            "0000000 -32769      1      2      3      4      5      6      7\n",
        ]
        for line in lines { #expect(Decoding.wordDumps(Array(line.utf8)).isEmpty, "\(line)") }
        let good = "0000000 65535     1     2     3     4     5     6     7\n"
        #expect(Decoding.wordDumps(Array(good.utf8)).first?.bytes.prefix(4) == [0xFF, 0xFF, 1, 0])
    }
}
