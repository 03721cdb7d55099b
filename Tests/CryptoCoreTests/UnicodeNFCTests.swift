import CryptoCore
import Foundation
import Testing

/// CryptoCore's NFC (ICU) gives the bytes Python's `unicodedata.normalize('NFC', ...)`
/// gives: on the Hangul and Tibetan cases Foundation on Linux gets wrong, and on
/// random strings of mixed scripts with combining marks.
@Suite struct UnicodeNFCTests {
    static func nfc(_ text: String) throws -> [UInt8] {
        try UnicodeNFC.normalize(utf8: SecretBytes(copying: Array(text.utf8))).revealedBytes()
    }

    /// Python's NFC of each string (one per line, no newlines inside), as UTF-8 bytes.
    static func pythonNFC(_ texts: [String]) throws -> [[UInt8]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = """
            import sys, unicodedata
            for line in sys.stdin.buffer.read().decode('utf-8').split('\\n'):
                print(unicodedata.normalize('NFC', line).encode('utf-8').hex())
            """
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(texts.joined(separator: "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .prefix(texts.count).map { line in
                stride(from: 0, to: line.count, by: 2).map { offset in
                    let start = line.index(line.startIndex, offsetBy: offset)
                    return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16)!
                }
            }
    }

    static let cases: [String] = [
        "\u{AC00}\u{11A8}",  // Hangul LV syllable + trailing jamo: U+AC01
        "\u{1100}\u{1161}\u{11A8}",  // leading, vowel, trailing jamo: U+AC01
        "\u{0F40}\u{0F74}\u{0F71}",  // Tibetan: ccc 132 before ccc 129, reordered
        "\u{0F40}\u{0F72}\u{0F71}\u{0F80}",
        "\u{0F73}\u{0F75}\u{0F81}",  // Tibetan vowels that decompose and do not recompose
        "e\u{0301}\u{0327}",
    ]

    @Test("Hangul syllable + jamo composes: U+AC00 U+11A8 is U+AC01")
    func hangul() throws {
        #expect(try Self.nfc("\u{AC00}\u{11A8}") == Array("\u{AC01}".utf8))
        #expect(try Self.nfc("\u{1100}\u{1161}\u{11A8}") == Array("\u{AC01}".utf8))
    }

    @Test("the Hangul and Tibetan cases agree with Python's unicodedata")
    func knownCasesAgreeWithPython() throws {
        let expected = try Self.pythonNFC(Self.cases)
        for (text, python) in zip(Self.cases, expected) {
            #expect(try Self.nfc(text) == python, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("400 random strings of mixed scripts and combining marks agree with Python's unicodedata")
    func randomStringsAgreeWithPython() throws {
        var random = SplitMix(seed: 0x4E46_4321)
        let pools: [ClosedRange<UInt32>] = [
            0x41...0x7A, 0xC0...0x17F, 0x300...0x36F, 0x391...0x3C9, 0x400...0x44F, 0x591...0x5C7, 0x610...0x65F,
            0x900...0x97F, 0x9BC...0x9D7, 0xE31...0xE4E, 0xF40...0xF84, 0x1100...0x11FF, 0x1E00...0x1EFF,
            0x1DC0...0x1DFF, 0x20D0...0x20F0, 0x3099...0x309A, 0x304B...0x3094, 0xAC00...0xAC40, 0xFB1D...0xFB4F,
            0x1D15E...0x1D164, 0x2F800...0x2F810,
        ]
        var texts: [String] = []
        while texts.count < 400 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + Int(random.next() % 12)) {
                let pool = pools[Int(random.next() % UInt64(pools.count))]
                let value = pool.lowerBound + UInt32(random.next() % UInt64(pool.count))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            texts.append(String(scalars))
        }
        let expected = try Self.pythonNFC(texts)
        #expect(expected.count == texts.count)
        var mismatches = 0
        for (text, python) in zip(texts, expected) where try Self.nfc(text) != python {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(text.unicodeScalars.map { String($0.value, radix: 16) })") }
        }
        #expect(mismatches == 0)
    }

    @Test("ill-formed UTF-8 is refused: overlong, surrogate, truncated, stray continuation")
    func illFormedRefused() {
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0x61, 0xFF]] {
            #expect(throws: CryptoError.invalidText("not valid UTF-8")) {
                try UnicodeNFC.normalize(utf8: SecretBytes(copying: bytes))
            }
        }
    }
}

/// SplitMix64: a small seeded generator (CryptoCoreTests does not use TestSupport).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
