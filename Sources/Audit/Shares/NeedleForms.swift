import BIP38
import Ceremony
import CryptoCore
import Foundation

/// The forms in which the audit looks for each card's secrets: every value, in every
/// encoding a site could have written it in, as literal byte strings for the search.
///
/// Text values (passphrase, WIF, encrypted key) are searched as UTF-8, UTF-16 and UTF-32
/// (both byte orders), base64, JSON `\u00xx` escapes (hex digits in any case), backwards,
/// in ROT13 and in EBCDIC; the passphrase also without its dashes, and in any case but in base64 (its alphabet is
/// case-blind, so `aBcD` is the same passphrase; base64 of it in lower case is searched too).
/// Binary values (prefactor, passfactor, private key, seedb, factorb, the encrypted key's 39
/// bytes and its 24 non-public bytes) are searched raw, byte-reversed and bit-reversed, as hex and
/// little-endian hex (in any case, mixed too), base64 and base32 (each alignment; base32 in
/// any case), base58, decimal byte lists, `0x` byte lists (digits in any case), and as a
/// latin-1 string in UTF-8. Every value's raw bytes (text as UTF-8) XORed with any one byte are
/// found through its byte differences (``differences(_:)``), in each file's own bytes. What a file holds inside containers, dumps and markup is decoded
/// first (``Decoding``) and searched with the same needles.
enum NeedleForms {
    static func needles(for cards: [AuditedCard]) -> [Needle] {
        var needles: [Needle] = []
        // Per card: a caseless form is seen by its lower-case bytes (another case of it adds nothing).
        var seen = Set<[UInt8]>()
        var seenCaseless = Set<[UInt8]>()
        func add(_ serial: Serial, _ share: Share, _ name: String, _ form: Form) {
            guard form.bytes.count >= 8 else { return }
            if form.caseless {
                guard seenCaseless.insert(form.bytes.map(asciiLower)).inserted else { return }
            } else {
                guard seen.insert(form.bytes).inserted else { return }
            }
            needles.append(
                Needle(
                    serial: serial, share: share, name: form.name.isEmpty ? name : "\(name) (\(form.name))",
                    bytes: form.bytes, caseless: form.caseless))
        }
        // The value XORed with one byte: searched as its byte differences (``differences(_:)``).
        var seenDifferences = Set<[UInt8]>()
        func masked(_ serial: Serial, _ share: Share, _ name: String, _ raw: [UInt8]) {
            let bytes = differences(raw)
            guard bytes.count >= 8, let first = raw.first, seenDifferences.insert(bytes).inserted else { return }
            needles.append(
                Needle(
                    serial: serial, share: share, name: "\(name) (XORed with one byte)", bytes: bytes,
                    differenceOf: first))
        }
        func text(_ serial: Serial, _ share: Share, _ name: String, _ raw: [UInt8], caseBlind: Bool = false) {
            for form in textForms(raw, caseBlind: caseBlind) { add(serial, share, name, form) }
        }
        func binary(_ serial: Serial, _ share: Share, _ name: String, _ raw: [UInt8]) {
            for form in binaryForms(raw) { add(serial, share, name, form) }
            masked(serial, share, name, raw)
        }
        for card in cards {
            seen.removeAll()
            seenCaseless.removeAll()
            seenDifferences.removeAll()
            let s = card.serial
            if let secrets = card.secrets {
                let passphrase = secrets.passphrase.revealedBytes()
                text(s, .one, "passphrase", passphrase, caseBlind: true)
                masked(s, .one, "passphrase", passphrase)
                for (variant, bytes) in passphraseVariants(passphrase) {
                    text(s, .one, "passphrase \(variant)", bytes, caseBlind: true)
                    masked(s, .one, "passphrase \(variant)", bytes)
                }
                binary(s, .one, "prefactor", secrets.prefactor.revealedBytes())
                binary(s, .one, "passfactor", secrets.passfactor.revealedBytes())
                if let key = secrets.privateKey { binary(s, .key, "private key", key.revealedBytes()) }
                if let wif = secrets.wif {
                    text(s, .key, "WIF", Array(wif.utf8))
                    masked(s, .key, "WIF", Array(wif.utf8))
                }
            }
            if let seedb = card.seedb ?? card.secrets?.seedb {
                binary(s, .two, "seedb", seedb.revealedBytes())
                binary(s, .two, "factorb", SHA256.doubleHash(secret: seedb).revealedBytes())
            }
            if let key = card.face?.encryptedKey ?? card.secrets?.encryptedKey {
                text(s, .two, "encrypted key", Array(key.text.utf8))
                masked(s, .two, "encrypted key", Array(key.text.utf8))
                binary(s, .two, "encrypted key (raw)", key.bytes)
                binary(s, .two, "encrypted key's non-public bytes", secretPart(of: key.bytes))
            }
        }
        return needles
    }

    /// Each byte of `raw` XOR the next (one fewer than `raw`): the same for `raw` XORed with
    /// any one byte, so that one needle finds a value masked with every key of a byte.
    static func differences(_ raw: [UInt8]) -> [UInt8] {
        raw.count < 2 ? [] : (1..<raw.count).map { raw[$0 - 1] ^ raw[$0] }
    }

    /// Bytes 15..<39 of an EC-multiply encrypted key: encryptedpart1's first 8 bytes and
    /// encryptedpart2. The first 15 (prefix 2, flag 1, addresshash 4, ownerentropy 8) are public.
    static func secretPart(of key: [UInt8]) -> [UInt8] { key.count == 39 ? Array(key[15..<39]) : [] }

    /// The passphrase without dashes, in lower case, and both (the lower-case ones add their
    /// base64 forms: the others are caseless).
    static func passphraseVariants(_ raw: [UInt8]) -> [(String, [UInt8])] {
        let text = String(decoding: raw, as: UTF8.self)
        let bare = text.replacingOccurrences(of: "-", with: "")
        return [
            ("without dashes", Array(bare.utf8)), ("in lower case", Array(text.lowercased().utf8)),
            ("in lower case without dashes", Array(bare.lowercased().utf8)),
        ]
    }

    /// One encoding of a value: its name in a hit (empty for the value as it is), its bytes,
    /// and whether it matches in any ASCII case.
    struct Form {
        let name: String
        let bytes: [UInt8]
        var caseless = false
    }

    /// A text value as UTF-8, base64, UTF-16 and UTF-32 (both byte orders), JSON escapes
    /// (their hex digits in any case), backwards, in ROT13 and in EBCDIC (``ebcdic(_:)``). With `caseBlind` (a passphrase: its alphabet does not
    /// tell cases apart), every form but base64 matches in any case.
    static func textForms(_ raw: [UInt8], caseBlind: Bool = false) -> [Form] {
        let text = String(decoding: raw, as: UTF8.self)
        let units = Array(text.utf16)
        let scalars = text.unicodeScalars.map(\.value)
        let escapes = units.map {
            "\\u" + String(repeating: "0", count: 4 - String($0, radix: 16).count) + String($0, radix: 16)
        }
        .joined()
        return [
            Form(name: "", bytes: raw, caseless: caseBlind), Form(name: "base64", bytes: base64(raw, shift: 0)),
            Form(name: "UTF-16LE", bytes: units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, caseless: caseBlind),
            Form(name: "UTF-16BE", bytes: units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, caseless: caseBlind),
            Form(
                name: "UTF-32LE", bytes: scalars.flatMap { v in (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } },
                caseless: caseBlind),
            Form(
                name: "UTF-32BE",
                bytes: scalars.flatMap { v in (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } },
                caseless: caseBlind),
            // A caseless escape is its hex digits in any case: `\u004a` is `\u004A`, and not `\u006a`.
            Form(name: "JSON escapes", bytes: Array(escapes.utf8), caseless: true),
            // The two oldest ways to "hide" a string: backwards, and each letter 13 places on.
            Form(name: "reversed", bytes: Array(String(text.reversed()).utf8), caseless: caseBlind),
            Form(name: "ROT13", bytes: raw.map(rot13), caseless: caseBlind),
        ] + (ebcdic(raw).map { [Form(name: "EBCDIC", bytes: $0)] } ?? [])
    }

    /// `raw` in EBCDIC, when it holds only letters, digits, dashes and spaces: the characters on
    /// which the common EBCDIC code pages (037, 500, 1047, 1140) agree, and all a passphrase,
    /// a WIF or an encrypted key holds. Nil for any other text.
    static func ebcdic(_ raw: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        for c in raw {
            switch c {
            case 0x20: out.append(0x40)
            case 0x2D: out.append(0x60)
            case 0x30...0x39: out.append(c - 0x30 + 0xF0)
            // A–I, J–R, S–Z (and a–i, j–r, s–z): EBCDIC's three letter blocks, lower case 0x40 below upper.
            case 0x41...0x49, 0x61...0x69: out.append((c & 0xDF) - 0x41 + (c < 0x61 ? 0xC1 : 0x81))
            case 0x4A...0x52, 0x6A...0x72: out.append((c & 0xDF) - 0x4A + (c < 0x61 ? 0xD1 : 0x91))
            case 0x53...0x5A, 0x73...0x7A: out.append((c & 0xDF) - 0x53 + (c < 0x61 ? 0xE2 : 0xA2))
            default: return nil
            }
        }
        return out
    }

    /// `c` 13 letters on when it is an ASCII letter (ROT13, its own inverse).
    static func rot13(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x41...0x5A: (c - 0x41 + 13) % 26 + 0x41
        case 0x61...0x7A: (c - 0x61 + 13) % 26 + 0x61
        default: c
        }
    }

    /// `byte` with its bits in reverse order (bit 0 to bit 7).
    static func bitReversed(_ byte: UInt8) -> UInt8 {
        var b = byte
        b = (b & 0xF0) >> 4 | (b & 0x0F) << 4
        b = (b & 0xCC) >> 2 | (b & 0x33) << 2
        return (b & 0xAA) >> 1 | (b & 0x55) << 1
    }

    /// A binary value in every encoding searched for.
    static func binaryForms(_ raw: [UInt8]) -> [Form] {
        let reversed = Array(raw.reversed())
        func list(_ items: [String], _ separator: String) -> [UInt8] { Array(items.joined(separator: separator).utf8) }
        let decimal = raw.map { String($0) }
        let hex = raw.map { ($0 < 16 ? "0x0" : "0x") + String($0, radix: 16) }
        var forms: [Form] = [
            Form(name: "", bytes: raw), Form(name: "reversed", bytes: reversed),
            Form(name: "bit-reversed", bytes: raw.map(bitReversed)),
            // Hex in any case, mixed too: one caseless needle each.
            Form(name: "hex", bytes: Array(raw.hex.utf8), caseless: true),
            Form(name: "little-endian hex", bytes: Array(reversed.hex.utf8), caseless: true),
            Form(name: "decimal bytes", bytes: list(decimal, ", ")),
            Form(name: "decimal bytes", bytes: list(decimal, ",")),
            Form(name: "decimal bytes", bytes: list(decimal, " ")),
            Form(name: "0x bytes", bytes: list(hex, ", "), caseless: true),
            Form(name: "0x bytes", bytes: list(hex, ","), caseless: true),
            Form(name: "base58", bytes: Array(Base58.encode(raw).utf8)),
            // Each byte as the character of that code point, in UTF-8: a value written as a
            // latin-1 string (`bytes.decode("latin-1")` saved as UTF-8, or JSON's `\u00xx` once
            // decoded), where each byte from 80 up takes two.
            Form(
                name: "latin-1 as UTF-8", bytes: raw.flatMap { $0 < 0x80 ? [$0] : [0xC0 | $0 >> 6, 0x80 | $0 & 0x3F] }),
        ]
        for shift in 0..<3 { forms.append(Form(name: "base64", bytes: base64(raw, shift: shift))) }
        for shift in 0..<5 { forms.append(Form(name: "base32", bytes: base32(raw, shift: shift), caseless: true)) }
        return forms
    }

    /// The base64 characters that `raw` alone fixes when it starts `shift` bytes into a stream
    /// (the characters shared with the bytes before and after it left out).
    static func base64(_ raw: [UInt8], shift: Int) -> [UInt8] {
        let encoded = Array(Data([UInt8](repeating: 0, count: shift) + raw).base64EncodedString().utf8)
        return inner(encoded, shift: shift, count: raw.count, bits: 6)
    }

    /// The RFC 4648 base32 characters (upper case) that `raw` alone fixes at `shift` bytes into a stream.
    static func base32(_ raw: [UInt8], shift: Int) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        let bytes = [UInt8](repeating: 0, count: shift) + raw
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8 | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return inner(out, shift: shift, count: raw.count, bits: 5)
    }

    /// The characters of `encoded` whose bits all come from the `count` bytes after `shift`.
    private static func inner(_ encoded: [UInt8], shift: Int, count: Int, bits: Int) -> [UInt8] {
        let first = (shift * 8 + bits - 1) / bits
        let end = min(encoded.count, (shift + count) * 8 / bits)
        return first < end ? Array(encoded[first..<end]) : []
    }
}
