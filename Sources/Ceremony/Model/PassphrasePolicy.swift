import BIP38
import CryptoCore
import Foundation

/// How site A makes passphrases: `length` characters drawn uniformly from
/// `alphabet`, printed in groups of `group` joined by `-`.
///
/// The printed text, dashes included, *is* the BIP38 passphrase. Only the
/// drawn characters count towards the entropy.
///
/// The default, ``standard``, is the card format ``CardPassphrase`` describes
/// ("crockford-20": 20 characters of Crockford's base32, no look-alikes, 100
/// bits), which `bip38 decrypt` and `confirm` also read when typed in lower
/// case, without dashes or with `O` for `0`. A proposal may name any other
/// alphabet (``base36`` was the default before); its passphrases are read
/// exactly as printed.
package struct PassphrasePolicy: Codable, Sendable, Equatable {
    /// Policies under this many bits are refused unless forced.
    package static let minimumBits = 80.0
    /// The card format, "crockford-20": 20 of `0123456789ABCDEFGHJKMNPQRSTVWXYZ` in groups of 4.
    package static let crockford20 = PassphrasePolicy(
        alphabet: CardPassphrase.alphabet, length: CardPassphrase.length, group: CardPassphrase.group)
    /// The earlier default: 20 of `0-9A-Z` in groups of 4 (103.4 bits, with look-alikes such as `0`/`O`).
    package static let base36 = PassphrasePolicy(alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", length: 20, group: 4)
    /// The default for new ceremonies.
    package static let standard = crockford20

    package let alphabet: String
    package let length: Int
    package let group: Int

    package init(alphabet: String, length: Int, group: Int) {
        self.alphabet = alphabet
        self.length = length
        self.group = group
    }

    /// Whether this policy makes card-format passphrases, which `bip38` reads tolerantly.
    package var isCardFormat: Bool { self == .crockford20 }

    /// length · log2(|alphabet|).
    package var entropyBits: Double { Double(length) * log2(Double(Set(alphabet).count)) }

    /// Checks the policy is well formed and strong enough.
    /// - Throws: ``CeremonyError/weakPolicy(bits:)`` under ``minimumBits`` unless `force`.
    package func validate(force: Bool) throws(CeremonyError) {
        let characters = Array(alphabet)
        guard characters.count >= 2, Set(characters).count == characters.count,
            characters.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "-" })
        else { throw .invalidPolicy("alphabet must be at least 2 distinct printable ASCII characters, no '-'") }
        guard (1...256).contains(length), (1...256).contains(group) else {
            throw .invalidPolicy("length and group must be 1...256")
        }
        if !force && entropyBits < Self.minimumBits { throw .weakPolicy(bits: entropyBits) }
    }

    /// A fresh passphrase from the system's generator (libsodium `randombytes_uniform`,
    /// no modulo bias), written straight into a zeroing buffer, dashes included.
    package func generate() -> SecretBytes {
        let symbols = Array(alphabet.utf8)
        let groups = (length + group - 1) / group
        return SecretBytes(count: length + groups - 1) { out in
            var position = 0
            for i in 0..<length {
                if i > 0 && i % group == 0 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                out[position] = symbols[Int(SystemRandom.uniform(below: UInt32(symbols.count)))]
                position += 1
            }
        }
    }
}
