import CryptoCore

/// The card passphrase format ("crockford-20") and the tolerant reading of a
/// typed passphrase (Docs/Design.md, "Card passphrases").
///
/// A card passphrase is 20 characters drawn uniformly from Crockford's base32
/// alphabet (no `I`, `L`, `O`, `U`), printed as 5 groups of 4 joined by `-`
/// (24 characters, 100 bits). The printed text, dashes included, is the BIP38
/// passphrase.
///
/// The canonical form of typed text: remove every ASCII space, tab and `-`,
/// the dashes U+2010...U+2015 and U+00A0; upper-case ASCII letters; map `O` to
/// `0` and `I`, `L` to `1`. If exactly 20 characters remain, all in the
/// alphabet, the canonical form is those 20 in groups of 4 joined by `-`;
/// otherwise the text has none. The holder's web page applies the same rule;
/// both are tested against `Tests/TestSupport/Vectors/card-passphrase-forms.json`.
public enum CardPassphrase {
    /// Crockford's base32 alphabet: digits and upper-case letters without I, L, O, U.
    public static let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    /// Drawn characters of a card passphrase.
    public static let length = 20
    /// Characters between dashes.
    public static let group = 4
    /// The format's name, as ceremony documents and outputs give it.
    public static let formatName = "crockford-20"

    /// Characters of the printed form: 20 drawn and 4 dashes.
    static var printedCount: Int { length + (length - 1) / group }

    /// The canonical form of the typed UTF-8 `typed` (NFC), in a zeroing
    /// buffer, or nil when the text is not of the card format.
    public static func canonical(_ typed: SecretBytes) -> SecretBytes? {
        typed.withUnsafeBytes { bytes in
            guard drawnCount(bytes) == length else { return nil }
            return SecretBytes(count: printedCount) { out in write(bytes, into: out) }
        }
    }

    /// The canonical form of a typed passphrase, or nil when it is not of the card format.
    public static func canonical(_ typed: Passphrase) -> Passphrase? {
        canonical(typed.normalizedUTF8).map(Passphrase.init(ascii:))
    }

    /// The canonical form of `typed` (tests, the vectors), or nil.
    public static func canonical(_ typed: String) -> String? {
        let bytes = Array(typed.utf8)
        guard drawnCount(bytes) == length else { return nil }
        var out = [UInt8](repeating: 0, count: printedCount)
        out.withUnsafeMutableBytes { write(bytes, into: $0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One step of the reading: a separator to drop, a character kept (canonical), or a refusal.
    private enum Unit {
        case separator
        case symbol(UInt8)
        case refused
    }

    /// Reads the unit starting at `bytes[index]`, and how many bytes it takes.
    private static func unit<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, at index: Bytes.Index
    ) -> (
        Unit, Int
    ) where Bytes.Index == Int {
        let byte = bytes[index]
        switch byte {
        case 0x20, 0x09, 0x2D: return (.separator, 1)
        case 0xC2:
            // U+00A0 NO-BREAK SPACE.
            if index + 1 < bytes.endIndex, bytes[index + 1] == 0xA0 { return (.separator, 2) }
            return (.refused, 1)
        case 0xE2:
            // U+2010...U+2015, hyphen to horizontal bar: E2 80 90...95.
            if index + 2 < bytes.endIndex, bytes[index + 1] == 0x80, (0x90...0x95).contains(bytes[index + 2]) {
                return (.separator, 3)
            }
            return (.refused, 1)
        default:
            guard let symbol = symbol(byte) else { return (.refused, 1) }
            return (.symbol(symbol), 1)
        }
    }

    /// The alphabet character one typed ASCII byte stands for, or nil.
    private static func symbol(_ byte: UInt8) -> UInt8? {
        var upper = byte
        if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { upper = byte - 0x20 }
        switch upper {
        case UInt8(ascii: "O"): return UInt8(ascii: "0")
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return UInt8(ascii: "1")
        case UInt8(ascii: "U"): return nil
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return upper
        default: return nil
        }
    }

    /// How many alphabet characters `bytes` reads as, or nil when a byte is refused.
    private static func drawnCount<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Int?
    where Bytes.Index == Int {
        var index = bytes.startIndex
        var count = 0
        while index < bytes.endIndex {
            let (unit, width) = unit(bytes, at: index)
            switch unit {
            case .separator: break
            case .symbol: count += 1
            case .refused: return nil
            }
            index += width
        }
        return count
    }

    /// Writes the canonical form of `bytes` (already counted: exactly ``length`` symbols) into `out`.
    private static func write<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, into out: UnsafeMutableRawBufferPointer
    ) where Bytes.Index == Int {
        var index = bytes.startIndex
        var drawn = 0
        var position = 0
        while index < bytes.endIndex {
            let (unit, width) = unit(bytes, at: index)
            if case .symbol(let symbol) = unit {
                if drawn > 0 && drawn % group == 0 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                out[position] = symbol
                position += 1
                drawn += 1
            }
            index += width
        }
    }
}

/// Which text of a typed passphrase opened a key or confirmed a code.
public enum PassphraseForm: String, Sendable {
    /// The text exactly as typed (NFC).
    case exact
    /// The card format's canonical form of the typed text (``CardPassphrase``).
    case canonical
}

/// One try at opening a key or confirming a code: a form of the typed
/// passphrase with one reading of the ownerentropy. Each costs one heavy
/// scrypt(16384, 8, 8).
package struct PassphraseTry: Sendable {
    package let form: PassphraseForm
    package let passphrase: Passphrase
    package let reading: ECMultiplyReading
}

/// The tries `bip38 decrypt` and `confirm` make, in order: at most ``maximum``.
///
/// 1. the text exactly as typed, with the specification's reading;
/// 2. when the canonical form is wanted, exists and differs from the typed
///    text: the canonical form, with the specification's reading;
///    otherwise, when the non-standard reading is allowed (and applies): the
///    typed text with that reading.
///
/// So a text of the card format that is not already canonical never gets the
/// non-standard reading (a malformed wallet tool's keys, ``ECMultiplyReading``,
/// do not come with card passphrases), and a wrong passphrase costs two heavy
/// scrypt calls at most.
package enum PassphraseTries {
    package static let maximum = 2

    /// The tries for `typed`, in order.
    package static func schedule(
        typed: Passphrase, tryingCanonicalForm: Bool, nonStandardReading: Bool
    ) -> [PassphraseTry] {
        var tries = [PassphraseTry(form: .exact, passphrase: typed, reading: .specification)]
        if tryingCanonicalForm, let canonical = CardPassphrase.canonical(typed.normalizedUTF8),
            canonical != typed.normalizedUTF8
        {
            tries.append(
                PassphraseTry(form: .canonical, passphrase: Passphrase(ascii: canonical), reading: .specification))
        } else if nonStandardReading {
            tries.append(PassphraseTry(form: .exact, passphrase: typed, reading: .eightByteSaltDespiteLotSequenceFlag))
        }
        return tries
    }

    /// Runs `attempt` on each try of ``schedule(typed:tryingCanonicalForm:nonStandardReading:)``
    /// until one does not find ``BIP38Error/wrongPassphrase``.
    /// - Returns: the first result, with the try that gave it.
    /// - Throws: the last try's error; any error but ``BIP38Error/wrongPassphrase`` at once.
    package static func first<Result>(
        typed: Passphrase, tryingCanonicalForm: Bool, nonStandardReading: Bool,
        _ attempt: (PassphraseTry) throws(BIP38Error) -> Result
    ) throws(BIP38Error) -> (Result, PassphraseTry) {
        let tries = schedule(
            typed: typed, tryingCanonicalForm: tryingCanonicalForm, nonStandardReading: nonStandardReading)
        for (index, tried) in tries.enumerated() {
            do {
                return (try attempt(tried), tried)
            } catch .wrongPassphrase where index + 1 < tries.count {
                continue
            }
        }
        throw .wrongPassphrase  // not reached: the last try returns or throws
    }
}

extension Passphrase {
    /// A passphrase from ASCII bytes, already NFC (a canonical card form).
    fileprivate init(ascii bytes: SecretBytes) { normalizedUTF8 = bytes }
}
