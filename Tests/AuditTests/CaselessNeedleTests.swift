import Ceremony
import Foundation
import PatternSearch
import TestSupport
import Testing

@testable import Audit

/// Hex, base32, `0x` lists, JSON escapes and the passphrase (whose alphabet is case-blind)
/// are searched in any ASCII case, mixed too, through caseless literals
/// (`HS_FLAG_CASELESS`); base64, base58 and raw bytes still match exactly.
@Suite("Caseless needles")
struct CaselessNeedleTests {
    /// `text` with each letter's case flipped when the seeded coin says so.
    static func mixedCase(_ text: String, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed)
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { s in
                    Bool.random(using: &random)
                        ? (s.properties.isUppercase ? s.properties.lowercaseMapping : s.properties.uppercaseMapping)
                            .unicodeScalars.first!
                        : s
                }))
    }

    @Test("a caseless literal matches in any case, and only its letters fold")
    func literalSet() throws {
        let set = try LiteralSet(
            [Array("deadbeef0a1b".utf8), Array("CafeBabe0000".utf8)], caseless: [true, false])
        let scanner = try LiteralScanner(set)
        #expect(try scanner.matches(in: Array("..DeAdBEeF0A1b..".utf8)).map(\.literal) == [0])
        // The exact literal in another case is not found; digits never fold.
        #expect(try scanner.matches(in: Array("cafebabe0000".utf8)).isEmpty)
        #expect(try scanner.matches(in: Array("CafeBabe0000".utf8)).map(\.literal) == [1])
        #expect(try scanner.matches(in: Array("deadbeef0a1c".utf8)).isEmpty)
        // A caseless literal across two pieces of a stream.
        try scanner.begin()
        try scanner.feed(Array("xxDEADb".utf8))
        try scanner.feed(Array("Eef0A1Byy".utf8))
        #expect(scanner.take().map(\.end) == [14])
        #expect(throws: PatternSearchError.self) { try LiteralSet([Array("abcdefgh".utf8)], caseless: [true, false]) }
    }

    @Test("the forms that mean the same in any case are caseless, and no other case of them is a second needle")
    func forms() {
        let raw = SeededRandom.bytes(32, seed: 3)
        let binary = NeedleForms.binaryForms(raw)
        let caseless = Set(binary.filter(\.caseless).map(\.name))
        #expect(caseless == ["hex", "little-endian hex", "0x bytes", "base32"])
        #expect(!binary.contains { $0.name.contains("HEX") })
        #expect(binary.filter { $0.name == "base32" }.count == 5)
        let passphrase = Array("ABCD-EFGH-JKMN-PQRS-TVWX".utf8)
        let text = NeedleForms.textForms(passphrase, caseBlind: true)
        // EBCDIC's letters are no ASCII letters: its lower case is a form of the lower-case passphrase.
        #expect(text.filter { !$0.caseless }.map(\.name) == ["base64", "EBCDIC"])
        let byName = Dictionary(text.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["ROT13"] == Array("NOPQ-RSTU-WXZA-CDEF-GIJK".utf8))
        #expect(byName["reversed"] == Array("XWVT-SRQP-NMKJ-HGFE-DCBA".utf8))
        #expect(Array("Hello, World 42".utf8).map(NeedleForms.rot13) == Array("Uryyb, Jbeyq 42".utf8))
        // Python's "ABCD-efgh 0189 IJKRSZijrsz".encode("cp037"), which code page 500 gives too.
        #expect(
            NeedleForms.ebcdic(Array("ABCD-efgh 0189 IJKRSZijrsz".utf8))?.hex
                == "c1c2c3c4608586878840f0f1f8f940c9d1d2d9e2e9899199a2a9")
        #expect(byName["EBCDIC"] == NeedleForms.ebcdic(passphrase))
        #expect(NeedleForms.ebcdic(Array("a.b".utf8)) == nil)
        // Bit reversal, against a walk over the bits, for every byte.
        for byte in 0...255 {
            let walked = (0..<8).reduce(0) { $0 | (byte >> $1 & 1) << (7 - $1) }
            #expect(NeedleForms.bitReversed(UInt8(byte)) == UInt8(walked))
        }
        #expect(binary.first { $0.name == "bit-reversed" }?.bytes == raw.map(NeedleForms.bitReversed))
        let wif = NeedleForms.textForms(Array("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ".utf8))
        #expect(wif.filter(\.caseless).map(\.name) == ["JSON escapes"])
    }

    @Test(
        "a seedb in mixed-case hex and a passphrase in mixed case are found; base64 with a letter's case flipped is not"
    )
    func search() throws {
        let folder = try TemporaryFolder(prefix: "caseless")
        let seedb = SeededRandom.bytes(24, seed: 11)
        let passphrase = "ABCD-EFGH-JKMN-PQRS-TVWX"
        let serial = Serial(lot: 1, sequence: 1)
        var needles = NeedleForms.binaryForms(seedb).map {
            Needle(serial: serial, share: .two, name: "seedb (\($0.name))", bytes: $0.bytes, caseless: $0.caseless)
        }
        needles += NeedleForms.textForms(Array(passphrase.utf8), caseBlind: true).map {
            Needle(serial: serial, share: .one, name: "passphrase (\($0.name))", bytes: $0.bytes, caseless: $0.caseless)
        }
        let base64 = Data(seedb).base64EncodedString()
        let flipped = base64.firstIndex { $0.isLetter }.map { at in
            base64.replacingCharacters(
                in: at...at, with: base64[at].isUppercase ? base64[at].lowercased() : base64[at].uppercased())
        }!
        let mixedHex = Self.mixedCase(seedb.hex, seed: 5)
        #expect(mixedHex != seedb.hex && mixedHex != seedb.hex.uppercased())
        try Data("seedb \(mixedHex)\n".utf8).write(to: folder.url.appendingPathComponent("a"))
        try Data("card \(Self.mixedCase(passphrase, seed: 6))\n".utf8).write(to: folder.url.appendingPathComponent("b"))
        try Data("seedb \(flipped)\n".utf8).write(to: folder.url.appendingPathComponent("c"))
        let result = ShareSearchEngine.search(folder, needles)
        let hits = (result.hits + result.derived).map { "\($0.file) \($0.name)" }
        #expect(hits.contains("a seedb (hex)"))
        #expect(hits.contains("b passphrase ()"), "\(hits)")
        #expect(!hits.contains { $0.hasPrefix("c ") }, "\(hits)")
    }
}
