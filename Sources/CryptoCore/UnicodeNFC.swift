internal import CICU

/// Unicode Normalization Form C computed by ICU (Debian's libicu, through the
/// small C target Sources/CLibraries/CICU), the NFC Python's `unicodedata`, Perl
/// and other BIP38 tools agree on. Foundation's on Linux leaves Hangul syllable +
/// jamo pairs uncomposed and misorders some Tibetan marks, so keys made from such
/// passphrases could not be opened elsewhere.
///
/// The text never passes through a Swift `String`: the output is a zeroing
/// ``SecretBytes``, and the C side wipes its UTF-16 buffers before freeing them.
package enum UnicodeNFC {
    /// The NFC form of the UTF-8 text in `utf8`, as UTF-8.
    /// - Throws: ``CryptoError/invalidText(_:)`` for ill-formed UTF-8 (overlong
    ///   forms, surrogates, truncated sequences) or text over 2^28 bytes;
    ///   ``CryptoError/libraryFailure(_:)`` for any other ICU failure.
    package static func normalize(utf8: SecretBytes) throws(CryptoError) -> SecretBytes {
        guard utf8.count <= 1 << 28 else { throw .invalidText("longer than 2^28 bytes") }
        // NFC is rarely longer than its input: three times the length, then what ICU asks for.
        var capacity = utf8.count * 3 + 16
        for _ in 0..<2 {
            var result: Int32 = 0
            var needed: Int32 = 0
            let output = unsafe SecretBytes(count: capacity) { out in
                unsafe utf8.withUnsafeBytes { source in
                    var empty: CChar = 0
                    result = unsafe withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        unsafe cicu_nfc_utf8(
                            source.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(emptyPointer),
                            Int32(source.count), out.baseAddress!.assumingMemoryBound(to: CChar.self),
                            Int32(out.count), &needed)
                    }
                }
            }
            switch result {
            case 0...: return output[0..<Int(result)]
            case -1: throw .invalidText("not valid UTF-8")
            case -2 where Int(needed) > capacity:
                capacity = Int(needed)
                continue
            default: throw .libraryFailure("ICU NFC normalisation failed (status \(needed))")
            }
        }
        throw .libraryFailure("ICU NFC normalisation: output length unstable")
    }
}
