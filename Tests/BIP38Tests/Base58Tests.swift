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
}
