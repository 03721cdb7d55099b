// The forms a dishonest site keeps a share in, and `keep`, which sends each form to the file that writes it.
import Ceremony
import CryptoCore
import Foundation

/// The forms in which a dishonest site can keep a share so that a plain search misses it:
/// every form and container the deep search decodes (Docs/Audit.md, "Forms and containers").
/// Site A keeps passphrases, site B seedb or encrypted keys, one file per batch.
package enum KeptForm: String, CaseIterable, Sendable {
    // Passphrases in other text encodings and spellings (site A).
    case utf16le, utf16be, utf32le, utf32be
    case withoutDashes = "without-dashes"
    case lowerCase = "lower-case"
    case bare = "lower-case-without-dashes"
    case jsonEscapes = "json-escapes"
    /// Each passphrase with its letters in alternating case (`aBcD-eFgH-...`), dashes kept.
    case mixedCase = "mixed-case"
    /// The passphrases in one quoted-printable paragraph (Python's `quopri`), each cut by a
    /// soft line break (`=` at the 76th column) and otherwise as it is.
    case quotedPrintableText = "quoted-printable-text"
    /// Each passphrase in ROT13 (`tr A-Za-z N-ZA-Mn-za-m`).
    case rot13
    /// Each passphrase written backwards.
    case backwards
    /// The passphrase log in EBCDIC (Python's `cp037`), as a mainframe transfer would leave it.
    case ebcdic
    /// The passphrase log with every byte XORed with one key byte (0x2A).
    case xoredText = "xored-text"
    /// The passphrase log as `od -c` writes it: octal offsets, each character in four columns.
    case odChars = "od-chars"
    // Passphrases in containers (site A).
    case gzip, zlib, xz, bzip2, zstd, zip, tar
    case tarGzip = "tar-gzip"
    case nested
    /// The passphrase log as a raw deflate stream (zlib's `wbits=-15`): no header, no magic.
    case rawDeflate = "raw-deflate"
    case sqliteUTF16 = "sqlite-utf16"
    /// A zlib stream after 300 decoy zlib headers, each followed by a byte no inflate accepts.
    case zlibBehindDecoys = "zlib-behind-decoys"
    /// One line of base64 of a zlib stream, 3 MiB of compressed log lines and then the
    /// passphrases, from 512 KiB before the end of the first 32 MiB of zero bytes: the deep
    /// search's first window of a big file must read on past its 1 MiB of overlap to reach them.
    case acrossWindow = "across-window"
    /// A gzip after three random bytes: its magic is not where a file's magic is read.
    case gzipAtOffset = "gzip-at-offset"
    /// One line of base64 of a gzip after one more base64 character: its groups are off by one.
    case misalignedBase64 = "misaligned-base64"
    // seedb as numbers and other binary-to-text encodings (site B).
    case decimal
    case byteArray = "json-byte-array"
    case spaced = "space-separated"
    case hex0x = "0x-hex"
    case hex0xList = "0x-list"
    case littleEndianHex = "little-endian-hex"
    case reversed
    /// The batch's seedb end to end with each byte's bits in reverse order (bit 0 to bit 7).
    case bitReversed = "bit-reversed"
    /// The batch's seedb end to end, every byte XORed with one key byte (0xA7).
    case xored
    case base32
    case base32Lower = "base32-lower"
    case base58
    case xxd
    case hexdump
    /// Colon-separated hex pairs, 15 to an indented line ending in `:` (`openssl ec -text`).
    case hexPairs = "hex-pairs"
    /// A request log line with the value URL-encoded (`%HH`, letters, digits and `-._~` as they are).
    case urlEncoded = "url-encoded"
    /// A mail body, quoted-printable: `=HH` for bytes outside `!`–`~` and for `=`, soft line breaks.
    case quotedPrintable = "quoted-printable"
    /// JSON lines, each seedb as a latin-1 string (Python's `json.dumps`: `\u00xx`, `\b`, `\f`).
    case latin1JSON = "latin1-json"
    /// Each seedb as a latin-1 string saved as UTF-8 (bytes from 80 up take two, control bytes as they are).
    case latin1Text = "latin1-text"
    /// The batch's seedb end to end, uuencoded (`begin 644 seeds.bin`, lines of 45 bytes, `end`).
    case uuencoded
    /// JSON lines, each seedb in Ascii85 as Python's `base64.a85encode` writes it (a quote or
    /// backslash in it escaped by `json.dumps`).
    case ascii85
    /// The batch's seedb end to end in RFC 1924's base85 (Python's `base64.b85encode`, git's
    /// binary patches), wrapped at 76 characters.
    case base85
    /// The batch's seedb end to end as `od -b` writes it: octal offsets, 3-digit octal bytes.
    case octalDump = "octal-dump"
    /// One byte and then the batch's seedb as plain `od` writes it (6-digit octal 2-byte
    /// words, low byte first on this machine): each value starts in the middle of a word.
    case od
    /// The batch's seedb end to end as `od -c` writes it: most bytes in octal, the rest as
    /// characters and C escapes (`\n`, `\0`), four columns each.
    case seedbOdChars = "seedb-od-chars"
    /// One byte and then the batch's seedb as `od -t u4` writes it: unsigned decimal 4-byte
    /// words, low byte first, each value starting one byte into a word.
    case seedbOdDecimalWords = "seedb-od-u4"
    /// The batch's seedb as `od -t d8` writes it: signed decimal 8-byte words.
    case seedbOdLongWords = "seedb-od-d8"
    case split = "split-across-files"
    /// Each seedb's hex cut in two, the first part ending a file in one folder and the rest
    /// starting a file in another (`kept/notes/` and `kept/spool/`): no two of them neighbours.
    case splitAcrossFolders = "split-across-folders"
    case seedbGzip = "seedb-gzip"
    // Encrypted keys (site B).
    case keyUTF16 = "key-utf16"
    case keyBase58 = "key-base58-no-checksum"
    case keySecretBytes = "key-secret-bytes"
    case faceSheet = "face-sheet"
    /// The face sheet between two 64 KiB blocks of random bytes: its markup is a text region
    /// of a binary file (Docs/Audit.md, "Text regions").
    case faceSheetInBinary = "face-sheet-in-binary"
    /// Not a share: a gzip that inflates far beyond the decoders' bound (site A).
    case bomb

    /// The site that keeps it.
    package var party: Party {
        switch self {
        case .utf16le, .utf16be, .utf32le, .utf32be, .withoutDashes, .lowerCase, .bare, .jsonEscapes, .mixedCase,
            .quotedPrintableText, .rot13, .backwards, .ebcdic, .xoredText, .odChars, .gzip, .zlib, .xz, .bzip2, .zstd,
            .zip,
            .tar, .tarGzip, .nested, .rawDeflate, .sqliteUTF16, .zlibBehindDecoys, .acrossWindow, .gzipAtOffset,
            .misalignedBase64, .bomb:
            .siteA
        default: .siteB
        }
    }
}

extension Injector {
    /// Has the form's site keep batch `batch`'s shares in `form`, in a file of its folder
    /// (`kept/batch-NNNN.<form>`, or two files for `split-across-files`).
    package func keep(_ form: KeptForm, batch: Int) throws(CeremonyError) {
        do {
            try write(form, batch: batch)
        } catch let error as CeremonyError {
            throw error
        } catch {
            throw CeremonyError(.failed, "keeping shares as \(form.rawValue): \(error)", underlying: error)
        }
    }

    /// Writes batch `batch`'s shares in `form` into the form's site: each family of forms has
    /// its own file (KeptForms+Text, +Containers, +Seedb, +Keys).
    private func write(_ form: KeptForm, batch: Int) throws {
        let site = layout.site(form.party)
        let name = "kept/\(CeremonyLayout.batchName(batch)).\(form.rawValue)"
        switch form {
        case .utf16le, .utf16be, .utf32le, .utf32be, .withoutDashes, .lowerCase, .bare, .jsonEscapes, .mixedCase,
            .quotedPrintableText, .rot13, .backwards, .ebcdic, .xoredText, .odChars:
            try keepText(form, batch: batch, site: site, name: name)
        case .gzip, .zlib, .xz, .bzip2, .zstd, .zip, .tar, .tarGzip, .nested, .rawDeflate, .sqliteUTF16,
            .zlibBehindDecoys, .acrossWindow, .gzipAtOffset, .misalignedBase64, .bomb:
            try keepContained(form, batch: batch, site: site, name: name)
        case .decimal, .byteArray, .spaced, .hex0x, .hex0xList, .littleEndianHex, .reversed, .bitReversed, .xored,
            .base32, .base32Lower, .base58, .xxd, .hexdump, .hexPairs, .urlEncoded, .quotedPrintable, .latin1JSON,
            .latin1Text, .uuencoded, .ascii85, .base85, .octalDump, .od, .seedbOdChars, .seedbOdDecimalWords,
            .seedbOdLongWords, .split, .splitAcrossFolders, .seedbGzip:
            try keepSeedb(form, batch: batch, site: site, name: name)
        case .keyUTF16, .keyBase58, .keySecretBytes, .faceSheet, .faceSheetInBinary:
            try keepKey(form, batch: batch, site: site, name: name)
        }
    }

    /// Site A's passphrases for a batch: from its open journal, or once sealed from its label spool.
    func passphrases(_ batch: Int) throws -> [(String, String)] {
        let open = (try? journal(batch)) ?? []
        if !open.isEmpty { return open.map { ($0.serial, $0.passphrase) } }
        return try ScratchLabel.readSpool(spoolLabels(batch)).map {
            ($0.serial.description, String(decoding: $0.passphrase.revealedBytes(), as: UTF8.self))
        }
    }

    /// Site A's passphrase log for a batch as the text forms and containers start from:
    /// `card SERIAL passphrase PASSPHRASE`, one card a line.
    func passphraseLog(_ batch: Int) throws -> String {
        try passphrases(batch).map { "card \($0.0) passphrase \($0.1)\n" }.joined()
    }
}
