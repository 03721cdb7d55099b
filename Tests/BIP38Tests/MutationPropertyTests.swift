import BIP38
import CryptoCore
import Foundation
import TestSupport
import Testing

/// Bad input, as a property: every parser that reads outside data, fed
/// thousands of mutations of valid inputs, either refuses with its typed
/// error or returns a value that survives its own round trip. A trap (an
/// overflow, an out-of-range index) would end the test process; a hang is
/// caught by a time bound on each input. The mutations are seeded, so a
/// failure names its seed and reproduces. (Fuzz/ runs the same parsers under
/// libFuzzer for longer; this keeps the property in the normal suite.)
@Suite("Mutated valid inputs: a typed error or a valid value, never a crash or a hang")
struct MutationPropertyTests {
    static let rounds = 400

    /// One parser over text: parse, and the text form of what it accepted.
    struct TextParser: Sendable, CustomTestStringConvertible {
        let name: String
        let valid: @Sendable () throws -> [String]
        /// Parses; returns the canonical text of an accepted value, or nil on a typed refusal.
        let parse: @Sendable (String) -> String?
        var testDescription: String { name }

        /// A ``TextCodable`` type's parser: its `init(_:)`, and the text of what it accepted.
        static func textCodable<Value: TextCodable & Sendable>(
            _ name: String, _: Value.Type, valid: @escaping @Sendable () throws -> [String]
        ) -> TextParser {
            TextParser(name: name, valid: valid, parse: { text in (try? Value(text))?.text })
        }
    }

    static let parsers: [TextParser] = [
        TextParser(
            name: "Base58Check",
            valid: { try allBase58Texts() },
            parse: { text in (try? Base58.checkDecode(text)).map { Base58.checkEncode($0) } }
        ),
        TextParser(
            name: "WIF",
            valid: { try SpecVector.all().map(\.unencryptedWIF) },
            parse: { text in (try? WIF(text))?.revealedText() }
        ),
        .textCodable("P2PKH address", Address.self) { try SpecVector.all().compactMap(\.bitcoinAddress) },
        .textCodable("encrypted key", EncryptedKey.self) { try SpecVector.all().map(\.encryptedKey) },
        .textCodable("intermediate code", IntermediateCode.self) { try SpecVector.all().compactMap(\.passphraseCode) },
        .textCodable("confirmation code", ConfirmationCode.self) {
            try SpecVector.all().compactMap(\.confirmationCode)
        },
    ]

    static func allBase58Texts() throws -> [String] {
        try SpecVector.all().flatMap { v in
            [v.encryptedKey, v.unencryptedWIF]
                + [v.passphraseCode, v.confirmationCode, v.bitcoinAddress].compactMap { $0 }
        }
    }

    @Test("mutated text", arguments: parsers)
    func mutatedText(_ parser: TextParser) throws {
        var random = SeededRandom(seed: 0x2F_4B_47 &+ UInt64(parser.name.utf8.count))
        for valid in try parser.valid() {
            #expect(parser.parse(valid) == valid, "\(parser.name) refuses its own vector \(valid)")
            for round in 0..<Self.rounds {
                let bytes = ByteMutator.mutate(
                    Array(valid.utf8),
                    &random,
                    favouring: Self.base58Bytes + ByteMutator.edgeBytes
                )
                let mutated = String(decoding: bytes, as: UTF8.self)
                try Self.expectStable(parser, mutated, context: "\(parser.name) round \(round) of \(valid)")
            }
        }
    }

    /// Mutations of the payload under a valid checksum reach the checks after
    /// Base58Check: length, prefix, flag, curve point, version byte.
    @Test("mutated payload behind a valid checksum", arguments: parsers)
    func mutatedPayload(_ parser: TextParser) throws {
        var random = SeededRandom(seed: 0x2F_4B_48 &+ UInt64(parser.name.utf8.count))
        for valid in try parser.valid() {
            let payload = try Base58.checkDecode(valid)
            for round in 0..<Self.rounds {
                let mutated = Base58.checkEncode(ByteMutator.mutate(payload, &random))
                try Self.expectStable(parser, mutated, context: "\(parser.name) payload round \(round) of \(valid)")
            }
        }
    }

    /// Accepted text re-parses to the same canonical text (how fast is `make fuzz`'s question, not a test's).
    static func expectStable(_ parser: TextParser, _ text: String, context: String) throws {
        if let canonical = parser.parse(text) {
            #expect(
                parser.parse(canonical) == canonical,
                "\(context): \(text.debugDescription) accepted but not stable"
            )
        }
    }

    static let base58Bytes = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    @Test("inputs far longer than any object are refused by their length, before any Base58 arithmetic")
    func hugeInputsAreRefusedByLength() throws {
        for character in ["1", "z", "2"] {
            let text = String(repeating: character, count: 1 << 20)
            #expect(throws: BIP38Error.tooLong(kind: "Base58 text", limit: Base58.maxTextLength, actual: 1 << 20)) {
                try Base58.checkDecode(text)
            }
            #expect(throws: BIP38Error.self) { try IntermediateCode(text) }
            #expect(throws: BIP38Error.self) { try WIF(text) }
        }
        // The longest accepted text still decodes.
        #expect(try Base58.decode(String(repeating: "z", count: Base58.maxTextLength)).count > 700)
    }

    /// Passphrase bytes as read from a file: invalid UTF-8, NUL bytes, lone
    /// continuation bytes, decomposed forms. Refused as invalid, or normalised
    /// to NFC, which normalising again does not change.
    /// Bytes that make or break UTF-8 and NFC: NUL, a continuation byte, lead
    /// bytes of two-, three- and four-byte sequences, U+0301 (CC 81), 0xFF
    /// (never in UTF-8) and a newline.
    static let passphraseBytes: [UInt8] = [0x00, 0x80, 0xC3, 0xCC, 0x81, 0xE2, 0xF0, 0xFF, 0x0A]

    @Test("mutated passphrase bytes")
    func mutatedPassphrases() throws {
        var random = SeededRandom(seed: 0x50_41_53_53)
        let valid = try SpecVector.all().map { Array($0.passphrase.utf8) } + [Array("e\u{301}".utf8), [0]]
        for bytes in valid {
            for round in 0..<Self.rounds {
                let mutated = ByteMutator.mutate(
                    bytes,
                    &random,
                    favouring: Self.passphraseBytes + ByteMutator.edgeBytes
                )
                do {
                    let passphrase = try Passphrase(utf8: SecretBytes(copying: mutated))
                    let again = try Passphrase(utf8: passphrase.normalizedUTF8)
                    #expect(
                        again.normalizedUTF8 == passphrase.normalizedUTF8,
                        "round \(round): NFC not idempotent for \(mutated.hex)"
                    )
                } catch {
                    guard case .invalidPassphrase = error else {
                        Issue.record("round \(round): \(mutated.hex) refused with \(error)")
                        continue
                    }
                }
            }
        }
    }
}
