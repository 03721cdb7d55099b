import Foundation
import Testing

@testable import Audit

/// `Decoding.groupedRuns`: groups of letters and digits with one separator between them,
/// joined again (Decoding+Grouped.swift).
@Suite struct GroupedRunsTests {
    func runs(_ text: String) -> [(Int, String)] {
        Decoding.groupedRuns(Array(text.utf8)).map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
    }

    @Test("a passphrase spaced out, dotted or one group a line is joined, from its first group")
    func passphrases() {
        let spaced = runs("card 0000001 0000 passphrase ABCD EFGH JKLM NPQR STUV WX\n")
        #expect(spaced.map(\.1) == ["ABCDEFGHJKLMNPQRSTUVWX"])
        #expect(spaced.first?.0 == 29)
        #expect(runs("note: abcd.efgh.jklm.npqr.stuv").map(\.1) == ["abcdefghjklmnpqrstuv"])
        #expect(runs("ABCD\r\nEFGH\r\nJKLM\r\nNPQR\r\n").map(\.1) == ["ABCDEFGHJKLMNPQR"])
        #expect(runs("ABCD\nEFGH\nJKLM\nNPQR\n").map(\.1) == ["ABCDEFGHJKLMNPQR"])
        #expect(runs("[ABCD, EFGH, JKLM, NPQR]").map(\.1) == ["ABCDEFGHJKLMNPQR"])
        #expect(runs("ABCD; EFGH; JKLM; NPQR").map(\.1) == ["ABCDEFGHJKLMNPQR"])
        // A word of the groups' length before them is taken in; the value is still whole in the run.
        #expect(runs("code ABCD EFGH JKLM NPQR").map(\.1) == ["codeABCDEFGHJKLMNPQR"])
    }

    @Test("hex in groups of eight joins to a hex run, which decodes to the value's bytes")
    func hexGroups() throws {
        let value = (0..<24).map { UInt8($0 * 11 & 0xFF) }
        let groups = stride(from: 0, to: 24, by: 4).map { Array(value[$0..<$0 + 4]).hex.uppercased() }
        let found = runs("seedb " + groups.joined(separator: " ") + "\n")
        #expect(found.map(\.1) == [value.hex.uppercased()])
        let derived = Decoding.textDecodings(Array(("seedb " + groups.joined(separator: " ")).utf8))
        let grouped = try #require(derived.first { $0.0.hasPrefix("grouped@") })
        #expect(grouped.0 == "grouped@6")
    }

    @Test("no run: fewer than four groups, groups of other lengths, too few after a separator changes, other gaps")
    func notRuns() {
        #expect(runs("ABCD EFGH JKLM").isEmpty)
        #expect(runs("ABCD EFGHI JKLM NPQR STUV").map(\.1) == [])
        #expect(runs("ABCD EFGH.JKLM.NPQR").isEmpty)
        // The group before a change of separator starts the next run.
        #expect(runs("ABCD EFGH.JKLM.NPQR.STUV").map(\.1) == ["EFGHJKLMNPQRSTUV"])
        #expect(runs("ABCD  EFGH  JKLM  NPQR  STUV").isEmpty)
        #expect(runs("card 0000001-0000 passphrase ABCD-EFGH-JKLM-NPQR-STUV").isEmpty, "a passphrase as it is")
        #expect(runs("ABCD ,EFGH ,JKLM ,NPQR").isEmpty)
        #expect(runs("ABCD, EFGH; JKLM; NPQR; STUV").map(\.1) == ["EFGHJKLMNPQRSTUV"])
        #expect(runs("ab cd ef gh ij kl mn op qr").isEmpty, "groups of two are hex pairs' (Decoding+HexPairs)")
        #expect(runs("The quick brown fox jumps over the lazy dog; it was a dark and stormy night.").isEmpty)
        // Base64's own punctuation is no separator.
        #expect(runs("QUJD/REVG/R0hJ/SktM/TU5P+UFFS").isEmpty)
    }

    @Test("a shorter last group ends a run; a longer group starts a new one")
    func edges() {
        #expect(runs("ABCD EFGH JKLM NPQR ST then more").map(\.1) == ["ABCDEFGHJKLMNPQRST"])
        #expect(runs("ABCD EFGH JKLM NP").isEmpty, "a run gives 16 bytes or more")
        #expect(runs("passphrase ABCD EFGH JKLM NPQR").map(\.1) == ["ABCDEFGHJKLMNPQR"])
        #expect(
            runs("AAAA BBBB CCCC DDDD EEEEEEEE FFFFFFFF GGGGGGGG HHHHHHHH").map(\.1) == [
                "AAAABBBBCCCCDDDD", "EEEEEEEEFFFFFFFFGGGGGGGGHHHHHHHH",
            ])
    }

    @Test("ordinary text gives few and short runs: the licences and headers of this machine")
    func ordinaryText() throws {
        var total = 0
        var joined = 0
        for folder in ["/usr/share/common-licenses", "/usr/include/linux"] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted().prefix(400) {
                guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
                let bytes = Array(data)
                total += bytes.count
                joined += Decoding.groupedRuns(bytes).reduce(0) { $0 + $1.1.count }
            }
        }
        try #require(total > 100_000, "too little text on this machine to judge")
        #expect(joined * 100 < total, "\(joined) of \(total) bytes joined")
    }
}
