import BIP38
import CryptoCore
import Foundation
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
    }

    static let parsers: [TextParser] = [
        TextParser(name: "Base58Check", valid: { try allBase58Texts() }) { text in
            (try? Base58.checkDecode(text)).map { Base58.checkEncode($0) }
        },
        TextParser(name: "WIF", valid: { try SpecVector.all().map(\.unencryptedWIF) }) { text in
            (try? WIF(text))?.revealedText()
        },
        TextParser(name: "P2PKH address", valid: { try SpecVector.all().compactMap(\.bitcoinAddress) }) { text in
            (try? Address(text))?.text
        },
        TextParser(name: "encrypted key", valid: { try SpecVector.all().map(\.encryptedKey) }) { text in
            (try? EncryptedKey(text))?.text
        },
        TextParser(name: "intermediate code", valid: { try SpecVector.all().compactMap(\.passphraseCode) }) { text in
            (try? IntermediateCode(text))?.text
        },
        TextParser(name: "confirmation code", valid: { try SpecVector.all().compactMap(\.confirmationCode) }) { text in
            (try? ConfirmationCode(text))?.text
        },
    ]

    static func allBase58Texts() throws -> [String] {
        try SpecVector.all().flatMap { v in
            [v.encryptedKey, v.unencryptedWIF] + [v.passphraseCode, v.confirmationCode, v.bitcoinAddress].compactMap { $0 }
        }
    }

    @Test("mutated text", arguments: parsers)
    func mutatedText(_ parser: TextParser) throws {
        var random = SeededRandom(seed: 0x2F_4B_47 &+ UInt64(parser.name.utf8.count))
        for valid in try parser.valid() {
            #expect(parser.parse(valid) == valid, "\(parser.name) refuses its own vector \(valid)")
            for round in 0..<Self.rounds {
                let mutated = String(decoding: Mutator.mutate(Array(valid.utf8), &random, alphabet: Self.base58Bytes), as: UTF8.self)
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
                let mutated = Base58.checkEncode(Mutator.mutate(payload, &random))
                try Self.expectStable(parser, mutated, context: "\(parser.name) payload round \(round) of \(valid)")
            }
        }
    }

    /// Accepted text re-parses to the same canonical text; each parse is fast.
    static func expectStable(_ parser: TextParser, _ text: String, context: String) throws {
        let clock = ContinuousClock()
        var canonical: String?
        let elapsed = clock.measure { canonical = parser.parse(text) }
        #expect(elapsed < .milliseconds(250), "\(context): took \(elapsed)")
        if let canonical {
            #expect(parser.parse(canonical) == canonical, "\(context): \(text.debugDescription) accepted but not stable")
        }
    }

    static let base58Bytes = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    @Test("inputs far longer than any object are refused at once")
    func hugeInputsAreRefusedFast() throws {
        let clock = ContinuousClock()
        for character in ["1", "z", "2"] {
            let text = String(repeating: character, count: 1 << 20)
            let elapsed = clock.measure {
                #expect(throws: BIP38Error.tooLong(kind: "Base58 text", limit: Base58.maxTextLength, actual: 1 << 20)) {
                    try Base58.checkDecode(text)
                }
                #expect(throws: BIP38Error.self) { try IntermediateCode(text) }
                #expect(throws: BIP38Error.self) { try WIF(text) }
            }
            #expect(elapsed < .seconds(1), "a megabyte of '\(character)' took \(elapsed)")
        }
        // The longest accepted text still decodes.
        #expect(try Base58.decode(String(repeating: "z", count: Base58.maxTextLength)).count > 700)
    }

    /// Passphrase bytes as read from a file: invalid UTF-8, NUL bytes, lone
    /// continuation bytes, decomposed forms. Refused as invalid, or normalised
    /// to NFC, which normalising again does not change.
    @Test("mutated passphrase bytes")
    func mutatedPassphrases() throws {
        var random = SeededRandom(seed: 0x50_41_53_53)
        let valid = try SpecVector.all().map { Array($0.passphrase.utf8) } + [Array("e\u{301}".utf8), [0]]
        for bytes in valid {
            for round in 0..<Self.rounds {
                let mutated = Mutator.mutate(bytes, &random, alphabet: [0x00, 0x80, 0xC3, 0xCC, 0x81, 0xE2, 0xF0, 0xFF, 0x0A])
                do {
                    let passphrase = try Passphrase(utf8: SecretBytes(copying: mutated))
                    let again = try Passphrase(utf8: passphrase.normalizedUTF8)
                    #expect(again.normalizedUTF8 == passphrase.normalizedUTF8, "round \(round): NFC not idempotent for \(mutated.hex)")
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

/// A small seeded generator (SplitMix64), so every mutation reproduces.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level mutations in the style of libFuzzer's: flip, replace, insert,
/// delete, duplicate, swap, truncate; one to four per input.
enum Mutator {
    static func mutate(_ input: [UInt8], _ random: inout SeededRandom, alphabet: [UInt8] = []) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            let interesting: [UInt8] = alphabet + [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x22, 0x5C]
            let byte = Bool.random(using: &random)
                ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty: bytes[position] = byte
            case 2: bytes.insert(byte, at: position)
            case 3 where !bytes.isEmpty: bytes.remove(at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...8, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5 where bytes.count > 1:
                bytes.swapAt(position, Int.random(in: 0..<bytes.count, using: &random))
            case 6 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
            default: bytes.append(byte)
            }
        }
        return bytes
    }
}
