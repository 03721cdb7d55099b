import BIP38
import CryptoCore
import Testing

/// Base58 and Base58Check known answers.
@Suite struct Base58Tests {
    struct Case: Sendable, CustomTestStringConvertible {
        let hex: String
        let text: String
        var testDescription: String { "\(hex.isEmpty ? "(empty)" : hex) ↔ \(text.isEmpty ? "(empty)" : text)" }
    }

    static let cases = [
        Case(hex: "", text: ""),
        Case(hex: "00", text: "1"),
        Case(hex: "0000", text: "11"),
        Case(hex: "00000001", text: "1112"),
        Case(hex: "39", text: "z"),
        Case(hex: "3a", text: "21"),
        Case(hex: "68656c6c6f20776f726c64", text: "StV1DL6CwTryKyV"),  // "hello world"
        Case(hex: "0000287fb4cd", text: "11233QC4"),
        Case(hex: "ffffffff", text: "7YXq9G"),
    ]

    @Test(arguments: cases)
    func encodes(test: Case) throws {
        #expect(Base58.encode(try #require([UInt8](hexString: test.hex))) == test.text)
    }

    @Test(arguments: cases)
    func decodes(test: Case) throws {
        #expect(try Base58.decode(test.text).hex == test.hex)
    }

    /// The Bitcoin wiki's worked address: version 0x00 and hash160
    /// f54a5851...6e31 give 1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs.
    @Test func checkEncodesAnAddressPayload() throws {
        let payload = [UInt8](hex: "00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31")
        #expect(Base58.checkEncode(payload) == "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs")
        #expect(try Base58.checkDecode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs") == payload)
    }

    @Test func checkEncodesShortPayloads() throws {
        #expect(Base58.checkEncode([]) == "3QJmnh")
        #expect(Base58.checkEncode([0x00]) == "1Wh4bh")
        #expect(try Base58.checkDecode("3QJmnh") == [])
        #expect(try Base58.checkDecode("1Wh4bh") == [0x00])
    }

    @Test func checkDecodeRefusesACorruptedCharacter() {
        #expect(throws: BIP38Error.badChecksum) { try Base58.checkDecode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt") }
        #expect(throws: BIP38Error.badChecksum) { try Base58.checkDecode("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAS") }
    }

    @Test func checkDecodeRefusesFewerThanFourBytes() {
        #expect(throws: BIP38Error.wrongLength(kind: "Base58Check data", expected: 4, actual: 3)) {
            try Base58.checkDecode("111")
        }
        #expect(throws: BIP38Error.wrongLength(kind: "Base58Check data", expected: 4, actual: 0)) {
            try Base58.checkDecode("")
        }
    }

    /// 0, O, I and l are left out of the alphabet; anything non-ASCII is refused too.
    @Test(arguments: ["0", "O", "I", "l", "+", " ", "é", "💩"] as [Character])
    func refusesCharactersOutsideTheAlphabet(character: Character) {
        #expect(throws: BIP38Error.invalidBase58Character(character)) { try Base58.decode("12\(character)3") }
        #expect(throws: BIP38Error.invalidBase58Character(character)) { try Base58.checkDecode("1PMyc\(character)") }
    }

    @Test func randomBytesRoundTrip() throws {
        for count in [1, 21, 39, 49, 51] {
            let bytes = [0, 0] + SystemRandom.bytes(count: count)
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
            #expect(try Base58.checkDecode(Base58.checkEncode(bytes)) == bytes)
        }
    }

    /// The limb-based conversion against the textbook one (one byte into one
    /// digit at a time, as the Bitcoin Core code reads), on random lengths with
    /// and without leading zeros, both ways.
    @Test func agreesWithTheTextbookConversion() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let zeros = Int.random(in: 0...3, using: &generator)
            let count = Int.random(in: 0...80, using: &generator)
            var bytes = [UInt8](repeating: 0, count: zeros)
            for _ in 0..<count { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
            if Bool.random(using: &generator), !bytes.isEmpty { bytes[bytes.count - 1] = 0 }  // trailing zeros too
            let text = Self.textbookEncode(bytes)
            #expect(Base58.encode(bytes) == text, "\(bytes)")
            #expect(try Base58.decode(text) == bytes, "\(text)")
        }
        #expect(Base58.encode([]) == "")
        #expect(try Base58.decode("") == [])
        #expect(try Base58.decode("111") == [0, 0, 0])
    }

    /// Base-256 to base-58 one byte at a time, most significant digit last.
    static func textbookEncode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits: [Int] = []
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for i in digits.indices {
                carry += digits[i] << 8
                digits[i] = carry % 58
                carry /= 58
            }
            while carry > 0 {
                digits.append(carry % 58)
                carry /= 58
            }
        }
        return String(repeating: "1", count: zeros) + String(digits.reversed().map { alphabet[$0] })
    }
}
