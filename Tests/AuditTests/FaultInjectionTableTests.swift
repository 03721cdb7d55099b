import Ceremony
import FaultInjection
import Testing

/// The fault catalogue's table (``Fault/spec``): what Docs/Audit.md's fault table does not
/// show. Its summaries, phases and checks are compared with that table by DocsTests
/// (`AuditDocTests.faultTable`); the forms the deep-search faults keep their shares in are
/// recorded here.
@Suite struct FaultInjectionTable {
    /// The form each deep-search fault keeps its share in, as recorded from the catalogue.
    static let keptForms: [Fault: KeptForm] = [
        .aKeepsUTF16Passphrase: .utf16le,
        .aKeepsBarePassphrase: .bare,
        .aKeepsMixedCasePassphrase: .mixedCase,
        .aKeepsQuotedPrintablePassphrases: .quotedPrintableText,
        .aKeepsROT13Passphrases: .rot13,
        .aKeepsBackwardsPassphrases: .backwards,
        .aKeepsEBCDICPassphrases: .ebcdic,
        .aKeepsOdCharsPassphrases: .odChars,
        .aKeepsRawDeflatePassphrases: .rawDeflate,
        .aKeepsEscapedPassphrase: .jsonEscapes,
        .aKeepsGzippedPassphrase: .gzip,
        .aKeepsArchivedPassphrase: .tarGzip,
        .aKeepsNestedPassphrase: .nested,
        .aKeepsSQLiteUTF16Passphrase: .sqliteUTF16,
        .aHidesZlibBehindDecoys: .zlibBehindDecoys,
        .aHidesPassphrasesAcrossWindow: .acrossWindow,
        .aHidesGzipAtOffset: .gzipAtOffset,
        .aMisalignsBase64Gzip: .misalignedBase64,
        .aKeepsXzPassphrase: .xz,
        .aLeavesDecompressionBomb: .bomb,
        .bKeepsSeedbByteArray: .byteArray,
        .bKeepsSeedb0x: .hex0xList,
        .bKeepsSeedbLittleEndian: .littleEndianHex,
        .bKeepsSeedbBase32: .base32,
        .bKeepsSeedbBase58: .base58,
        .bKeepsSeedbXxd: .xxd,
        .bSplitsSeedb: .split,
        .bSplitsSeedbAcrossFolders: .splitAcrossFolders,
        .bKeepsUTF16Key: .keyUTF16,
        .bKeepsKeySecretBytes: .keySecretBytes,
        .bKeepsFaceSheet: .faceSheet,
        .bHidesFaceSheetInBinary: .faceSheetInBinary,
        .aKeepsUTF32Passphrase: .utf32le,
        .aKeepsBzip2Passphrase: .bzip2,
        .aKeepsZstdPassphrase: .zstd,
        .aKeepsZippedPassphrase: .zip,
        .bKeepsReversedSeedb: .reversed,
        .bKeepsBitReversedSeedb: .bitReversed,
        .bKeepsXoredSeedb: .xored,
        .aKeepsXoredPassphrases: .xoredText,
        .bKeepsSeedbSpacedDecimal: .spaced,
        .bKeepsSeedbHexPairs: .hexPairs,
        .bKeepsSeedbURLEncoded: .urlEncoded,
        .bKeepsSeedbQuotedPrintable: .quotedPrintable,
        .bKeepsSeedbLatin1JSON: .latin1JSON,
        .bKeepsSeedbLatin1Text: .latin1Text,
        .bKeepsSeedbUUencoded: .uuencoded,
        .bKeepsSeedbAscii85: .ascii85,
        .bKeepsSeedbBase85: .base85,
        .bKeepsSeedbOctalDump: .octalDump,
        .bKeepsSeedbOd: .od,
        .bKeepsSeedbOdChars: .seedbOdChars,
        .bKeepsSeedbOdDecimalWords: .seedbOdDecimalWords,
        .bKeepsSeedbOdLongWords: .seedbOdLongWords,
    ]

    @Test("each deep-search fault keeps its share in its recorded form, and no other fault keeps one")
    func keptFormsAreTheRecordedOnes() {
        #expect(Self.keptForms.count == 54)
        for fault in Fault.allCases {
            #expect(
                fault.keptForm == Self.keptForms[fault],
                "\(fault.rawValue) keeps its share as \(String(describing: fault.keptForm))")
        }
    }

    @Test("no two faults keep a share in the same form, and each form is kept by the site the fault names")
    func keptFormsAreDistinctAndAtTheirSite() {
        let kept = Fault.allCases.compactMap { fault in fault.keptForm.map { (fault, $0) } }
        #expect(Set(kept.map(\.1)).count == kept.count, "a form kept by two faults: \(kept.map(\.1.rawValue).sorted())")
        for (fault, form) in kept {
            let site: Party? = fault.rawValue.hasPrefix("a-") ? .siteA : fault.rawValue.hasPrefix("b-") ? .siteB : nil
            #expect(form.party == site, "\(fault.rawValue) keeps \(form.rawValue), which \(form.party) keeps")
        }
    }
}
