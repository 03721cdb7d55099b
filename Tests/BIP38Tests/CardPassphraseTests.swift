import BIP38
import CryptoCore
import Foundation
import TestSupport
import Testing

/// The card passphrase format (crockford-20), its canonical form
/// (`Vectors/card-passphrase-forms.json`), and the tries decrypt and confirm make.
@Suite struct CardPassphraseForms {
    @Test func theVectorFileNamesThisFormat() throws {
        let file = try CardPassphraseVector.file()
        #expect(file.format == CardPassphrase.formatName)
        #expect(file.alphabet == CardPassphrase.alphabet)
        #expect(file.vectors.count >= 40)
        #expect(file.vectors.contains { $0.canonical == nil } && file.vectors.contains { $0.canonical != nil })
    }

    @Test func theAlphabetIsCrockfordsBase32() {
        let alphabet = Array(CardPassphrase.alphabet)
        #expect(alphabet.count == 32 && Set(alphabet).count == 32)
        #expect(!alphabet.contains { "ILOU".contains($0) })
        #expect(alphabet.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) })
    }

    @Test(arguments: try CardPassphraseVector.all())
    func canonicalForm(_ vector: CardPassphraseVector) throws {
        #expect(CardPassphrase.canonical(vector.input) == vector.canonical)
        // The zeroing-buffer reading of the NFC bytes gives the same.
        let typed = try Passphrase(utf8: SecretBytes(copying: Array(vector.input.utf8)), allowingEmpty: true)
        let bytes = CardPassphrase.canonical(typed.normalizedUTF8).map {
            String(decoding: $0.revealedBytes(), as: UTF8.self)
        }
        #expect(bytes == vector.canonical)
        // A canonical form is its own.
        if let canonical = vector.canonical {
            #expect(CardPassphrase.canonical(canonical) == canonical)
            #expect(canonical.utf8.count == 24)
        }
    }

    @Test(arguments: try CardPassphraseVector.all())
    func atMostTwoTries(_ vector: CardPassphraseVector) throws {
        let typed = try Passphrase(utf8: SecretBytes(copying: Array(vector.input.utf8)), allowingEmpty: true)
        for nonStandard in [false, true] {
            let tries = PassphraseTries.schedule(
                typed: typed, tryingCanonicalForm: true, nonStandardReading: nonStandard)
            #expect(tries.count <= PassphraseTries.maximum)
            #expect(tries.first?.form == .exact && tries.first?.reading == .specification)
            if let canonical = vector.canonical, canonical != vector.input {
                #expect(tries.map(\.form) == [.exact, .canonical])
                #expect(tries[1].passphrase.normalizedUTF8.revealedBytes() == Array(canonical.utf8))
            } else {
                #expect(tries.map(\.form) == (nonStandard ? [.exact, .exact] : [.exact]))
            }
        }
        // Without the tolerant reading, the schedule is the one it always was.
        #expect(
            PassphraseTries.schedule(typed: typed, tryingCanonicalForm: false, nonStandardReading: false).count == 1)
    }
}

/// Keys and confirmation codes made from a card passphrase open when it is typed loosely.
@Suite struct CardPassphraseDecryption {
    static let printed = "0F1Z-10PD-GE8S-Y6Y0-1W0Q"
    /// Lower case, no dashes, O for 0, l for 1.
    static let typed = "of1zlopdge8sy6yo1woq"

    static let card: GeneratedKey = {
        let owner = try! IntermediateCode.make(
            passphrase: Passphrase(printed), lotSequence: LotSequence(lot: 7, sequence: 3))
        return try! owner.intermediateCode.generateKey(format: .compressed, network: .mainnet)
    }()

    @Test func aLooselyTypedPassphraseOpensTheKeyInItsCanonicalForm() throws {
        let key = Self.card.encryptedKey
        let exact = try key.decrypt(passphrase: Passphrase(Self.printed), tryingCanonicalForm: true)
        #expect(exact.passphraseForm == .exact)
        #expect(exact.address == Self.card.address)
        let loose = try key.decrypt(passphrase: Passphrase(Self.typed), tryingCanonicalForm: true)
        #expect(loose.passphraseForm == .canonical)
        #expect(loose.reading == .specification)
        #expect(loose.key.scalar == exact.key.scalar)
        #expect(loose.address == Self.card.address)
        // Without the tolerant reading the loose text is simply wrong.
        #expect(throws: BIP38Error.wrongPassphrase) { try key.decrypt(passphrase: Passphrase(Self.typed)) }
    }

    @Test func aLooselyTypedPassphraseConfirmsTheCode() throws {
        let code = Self.card.confirmationCode
        let loose = try code.confirm(passphrase: Passphrase(Self.typed), tryingCanonicalForm: true)
        #expect(loose.passphraseForm == .canonical)
        #expect(loose.address == Self.card.address)
        #expect(
            try code.confirm(passphrase: Passphrase(Self.printed), tryingCanonicalForm: true).passphraseForm == .exact)
    }

    /// Runs the real decryption for every try, counting them (one heavy scrypt each).
    static func countedTries(_ text: String, nonStandard: Bool) throws -> (Int, Result<DecryptedKey, BIP38Error>) {
        var count = 0
        let key = card.encryptedKey
        let result = Result { () throws(BIP38Error) in
            try PassphraseTries.first(
                typed: try Passphrase(text), tryingCanonicalForm: true, nonStandardReading: nonStandard
            ) { (tried) throws(BIP38Error) in
                count += 1
                return try key.decrypt(passphrase: tried.passphrase)
            }.0
        }
        return (count, result)
    }

    @Test func aWrongCardPassphraseFailsAfterTwoTries() throws {
        let wrong = "0F1Z-10PD-GE8S-Y6Y0-1W0R"
        // Typed loosely: as typed, then the canonical form.
        let (looseCount, loose) = try Self.countedTries(wrong.lowercased(), nonStandard: true)
        #expect(looseCount == 2)
        #expect(throws: BIP38Error.wrongPassphrase) { try loose.get() }
        // Typed canonically: as typed, then (allowed here) the non-standard reading.
        let (exactCount, exact) = try Self.countedTries(wrong, nonStandard: true)
        #expect(exactCount == 2)
        #expect(throws: BIP38Error.wrongPassphrase) { try exact.get() }
        #expect(throws: BIP38Error.wrongPassphrase) {
            try Self.card.encryptedKey.decrypt(
                passphrase: Passphrase(wrong.lowercased()), allowNonStandardReading: true, tryingCanonicalForm: true)
        }
    }

    @Test func aPassphraseNotOfTheCardFormatGetsOneTry() throws {
        let (count, result) = try Self.countedTries("0F1Z-10PD-GE8S-Y6Y0-1W0", nonStandard: false)
        #expect(count == 1)
        #expect(throws: BIP38Error.wrongPassphrase) { try result.get() }
        // The right passphrase typed exactly also takes one.
        let (exactCount, exact) = try Self.countedTries(Self.printed, nonStandard: false)
        #expect(exactCount == 1)
        #expect(try exact.get().address == Self.card.address)
    }
}
