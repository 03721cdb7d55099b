import BIP38
import Ceremony
import Foundation
import Testing

/// The default passphrase policy is the card format (crockford-20); earlier policies still work.
@Suite struct PassphrasePolicyDefaults {
    @Test func theDefaultIsCrockford20WithAHundredBits() throws {
        let policy = PassphrasePolicy.standard
        #expect(policy == .crockford20)
        #expect(policy.isCardFormat)
        #expect(policy.alphabet == "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(policy.length == 20 && policy.group == 4)
        #expect(policy.entropyBits == 100)
        #expect(policy.entropyBits >= PassphrasePolicy.minimumBits)
        try policy.validate(force: false)
    }

    @Test func theEarlierBase36PolicyStillValidates() throws {
        let old = PassphrasePolicy.base36
        #expect(!old.isCardFormat)
        #expect(abs(old.entropyBits - 103.4) < 0.05)
        try old.validate(force: false)
        // The policy is part of the signed proposal: it round-trips as it was.
        let decoded = try JSONDecoder().decode(PassphrasePolicy.self, from: JSONEncoder().encode(old))
        #expect(decoded == old)
    }

    @Test func generatedPassphrasesUseOnlyTheAlphabetAndAreCanonical() throws {
        let allowed = Set(PassphrasePolicy.standard.alphabet.utf8)
        var seen = Set<UInt8>()
        for _ in 0..<200 {
            let bytes = PassphrasePolicy.standard.generate().revealedBytes()
            #expect(bytes.count == 24)
            for (index, byte) in bytes.enumerated() {
                if index % 5 == 4 {
                    #expect(byte == UInt8(ascii: "-"))
                } else {
                    #expect(allowed.contains(byte))
                    seen.insert(byte)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(CardPassphrase.canonical(text) == text)
            #expect(CardPassphrase.canonical(text.lowercased()) == text)
        }
        // 4000 draws from 32 symbols: missing one has probability about 32·(31/32)^4000 < 10^-50.
        #expect(seen == allowed)
    }
}
