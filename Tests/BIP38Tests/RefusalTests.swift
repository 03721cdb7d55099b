import BIP38
import CryptoCore
import Testing

/// Every way the three BIP38 objects and the passphrase refuse their input.
@Suite struct RefusalTests {
    static let nonECKey = "6PRVWUbkzzsbcVac2qwfssoUJAN1Xhrg6bNk8J7Nzm5H7kxEbn2Nh2ZoGg"
    static let ecKey = "6PfQu77ygVyJLZjfvMLyhLMQbYnu5uguoJJ4kMCLqWwPEdfpwANVS76gTX"
    static let intermediateCode = "passphrasepxFy57B9v8HtUsszJYKReoNDV6VHjUSGt8EVJmux9n1J3Ltf1gRxyDGXqnf9qm"
    static let confirmationCode = "cfrm38V8aXBn7JWA1ESmFMUn6erxeBGZGAxJPY4e36S9QWkzZKtaVqLNMgnifETYw7BPwWC9aPD"
    /// x = 5 is not the x of any secp256k1 point (5³ + 7 is not a square mod p).
    static let xOffCurve = [UInt8](repeating: 0, count: 31) + [5]

    /// The three kinds of object, for tests that apply to each.
    enum Kind: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case encryptedKey, intermediateCode, confirmationCode

        var validText: String {
            switch self {
            case .encryptedKey: RefusalTests.nonECKey
            case .intermediateCode: RefusalTests.intermediateCode
            case .confirmationCode: RefusalTests.confirmationCode
            }
        }
        var name: String {
            switch self {
            case .encryptedKey: "an encrypted key"
            case .intermediateCode: "an intermediate code"
            case .confirmationCode: "a confirmation code"
            }
        }
        var byteCount: Int {
            switch self {
            case .encryptedKey: 39
            case .intermediateCode: 49
            case .confirmationCode: 51
            }
        }
        func parse(_ text: String) throws(BIP38Error) {
            switch self {
            case .encryptedKey: _ = try EncryptedKey(text)
            case .intermediateCode: _ = try IntermediateCode(text)
            case .confirmationCode: _ = try ConfirmationCode(text)
            }
        }
        var testDescription: String { rawValue }
    }

    static func payload(_ text: String) -> [UInt8] {
        // The texts above are known-good Base58Check.
        try! Base58.checkDecode(text)
    }

    // MARK: - Text and framing

    @Test(arguments: Kind.allCases)
    func validTextParses(kind: Kind) {
        #expect(throws: Never.self) { try kind.parse(kind.validText) }
    }

    @Test(arguments: Kind.allCases)
    func badChecksum(kind: Kind) {
        // A payload byte changed under the old checksum.
        var bytes = try! Base58.decode(kind.validText)
        bytes[10] ^= 0x01
        #expect(throws: BIP38Error.badChecksum) { try kind.parse(Base58.encode(bytes)) }
        // The checksum itself changed.
        bytes[10] ^= 0x01
        bytes[bytes.count - 1] ^= 0x01
        #expect(throws: BIP38Error.badChecksum) { try kind.parse(Base58.encode(bytes)) }
    }

    @Test(arguments: Kind.allCases)
    func wrongLength(kind: Kind) {
        let payload = Self.payload(kind.validText)
        #expect(throws: BIP38Error.wrongLength(kind: kind.name, expected: kind.byteCount, actual: kind.byteCount - 1)) {
            try kind.parse(Base58.checkEncode(Array(payload.dropLast())))
        }
        #expect(throws: BIP38Error.wrongLength(kind: kind.name, expected: kind.byteCount, actual: kind.byteCount + 1)) {
            try kind.parse(Base58.checkEncode(payload + [0x00]))
        }
    }

    @Test(arguments: Kind.allCases)
    func invalidBase58Character(kind: Kind) {
        var text = Array(kind.validText)
        text[12] = "0"
        #expect(throws: BIP38Error.invalidBase58Character("0")) { try kind.parse(String(text)) }
        text[12] = "l"
        #expect(throws: BIP38Error.invalidBase58Character("l")) { try kind.parse(String(text)) }
    }

    /// Prefix bytes changed (index, new value) in a valid payload, and the prefix the refusal names.
    struct PrefixCase: Sendable, CustomTestStringConvertible {
        let kind: Kind
        let edits: [(index: Int, value: UInt8)]
        let found: String
        var testDescription: String { "\(kind.rawValue) \(found)" }
    }

    static let prefixCases: [PrefixCase] = [
        PrefixCase(kind: .encryptedKey, edits: [(1, 0x44)], found: "0x0144"),
        PrefixCase(kind: .encryptedKey, edits: [(0, 0x02), (1, 0x42)], found: "0x0242"),
        PrefixCase(kind: .intermediateCode, edits: [(7, 0x52)], found: "0x2CE9B3E1FF39E252"),
        PrefixCase(kind: .intermediateCode, edits: [(7, 0x53), (0, 0x2D)], found: "0x2DE9B3E1FF39E253"),
        PrefixCase(kind: .confirmationCode, edits: [(4, 0x9B)], found: "0x643BF6A89B"),
    ]

    @Test(arguments: prefixCases)
    func unexpectedPrefix(_ prefix: PrefixCase) {
        var bytes = Self.payload(prefix.kind.validText)
        for edit in prefix.edits { bytes[edit.index] = edit.value }
        #expect(throws: BIP38Error.unexpectedPrefix(kind: prefix.kind.name, found: prefix.found)) {
            try prefix.kind.parse(Base58.checkEncode(bytes))
        }
    }

    /// The other objects' texts are refused by prefix, not misread.
    @Test func objectsOfTheWrongKind() {
        #expect(throws: BIP38Error.wrongLength(kind: "an encrypted key", expected: 39, actual: 49)) {
            try EncryptedKey(Self.intermediateCode)
        }
        #expect(throws: BIP38Error.wrongLength(kind: "a confirmation code", expected: 51, actual: 39)) {
            try ConfirmationCode(Self.ecKey)
        }
    }

    // MARK: - Flags

    /// Bits 0x01, 0x02, 0x08 and 0x10 are reserved.
    @Test(arguments: [0x01, 0x02, 0x08, 0x10, 0x1B] as [UInt8])
    func reservedFlagBits(bit: UInt8) {
        var nonEC = Self.payload(Self.nonECKey)
        nonEC[2] = 0xC0 | bit
        #expect(throws: BIP38Error.reservedFlagBits(flag: 0xC0 | bit)) { try EncryptedKey(Base58.checkEncode(nonEC)) }
        var ec = Self.payload(Self.ecKey)
        ec[2] = 0x04 | bit
        #expect(throws: BIP38Error.reservedFlagBits(flag: 0x04 | bit)) { try EncryptedKey(Base58.checkEncode(ec)) }
        var confirmation = Self.payload(Self.confirmationCode)
        confirmation[5] = 0x20 | bit
        #expect(throws: BIP38Error.reservedFlagBits(flag: 0x20 | bit)) {
            try ConfirmationCode(Base58.checkEncode(confirmation))
        }
    }

    /// EC-multiply objects must have 0xC0 clear.
    @Test(arguments: [0xC0, 0xE0, 0x40, 0x80, 0xC4] as [UInt8])
    func flagNotAllowedForECMultiply(flag: UInt8) {
        var ec = Self.payload(Self.ecKey)
        ec[2] = flag
        #expect(throws: BIP38Error.flagNotAllowed(flag: flag, kind: "an EC-multiply key")) {
            try EncryptedKey(Base58.checkEncode(ec))
        }
        var confirmation = Self.payload(Self.confirmationCode)
        confirmation[5] = flag
        #expect(throws: BIP38Error.flagNotAllowed(flag: flag, kind: "a confirmation code")) {
            try ConfirmationCode(Base58.checkEncode(confirmation))
        }
    }

    /// Non-EC keys must have both 0xC0 bits set and 0x04 clear.
    @Test(arguments: [0xC4, 0xE4, 0x00, 0x04, 0x20, 0x40, 0x80, 0xA0] as [UInt8])
    func flagNotAllowedForNonEC(flag: UInt8) {
        var nonEC = Self.payload(Self.nonECKey)
        nonEC[2] = flag
        #expect(throws: BIP38Error.flagNotAllowed(flag: flag, kind: "a non-EC key")) {
            try EncryptedKey(Base58.checkEncode(nonEC))
        }
    }

    /// Every flag BIP38 allows parses, with the meaning the bits give it.
    @Test func allowedFlags() throws {
        for flag: UInt8 in [0xC0, 0xE0] {
            var bytes = Self.payload(Self.nonECKey)
            bytes[2] = flag
            let key = try EncryptedKey(Base58.checkEncode(bytes))
            #expect(!key.isECMultiply)
            #expect(key.format == AddressFormat(compressed: flag == 0xE0))
            #expect(key.ownerEntropy == nil)
        }
        for flag: UInt8 in [0x00, 0x04, 0x20, 0x24] {
            var bytes = Self.payload(Self.ecKey)
            bytes[2] = flag
            let key = try EncryptedKey(Base58.checkEncode(bytes))
            #expect(key.isECMultiply)
            #expect(key.format == AddressFormat(compressed: flag & 0x20 != 0))
            #expect(key.ownerEntropy?.hasLotSequence == (flag & 0x04 != 0))
            #expect(key.flag.description == "0x" + [flag].hex.uppercased())
        }
    }

    // MARK: - Points

    @Test func passpointNotOnCurve() {
        let valid = Self.payload(Self.intermediateCode)
        let head = Array(valid.prefix(16))
        let x = Array(valid[17..<49])
        for point in [[0x02] + Self.xOffCurve, [0x03] + Self.xOffCurve, [0x04] + x, [0x00] + x] {
            #expect(throws: BIP38Error.pointNotOnCurve(what: "passpoint")) {
                try IntermediateCode(Base58.checkEncode(head + point))
            }
        }
        // The same framing with the original point parses, so the point is what failed.
        #expect(throws: Never.self) { try IntermediateCode(Base58.checkEncode(head + [valid[16]] + x)) }
    }

    @Test(arguments: [0x00, 0x01, 0x04, 0x05, 0xFF] as [UInt8])
    func confirmationPointBPrefix(prefix: UInt8) {
        var bytes = Self.payload(Self.confirmationCode)
        bytes[18] = prefix
        #expect(throws: BIP38Error.pointNotOnCurve(what: "encrypted pointb prefix")) {
            try ConfirmationCode(Base58.checkEncode(bytes))
        }
    }

    // MARK: - Numbers and passphrases

    @Test func lotOutOfRange() {
        #expect(throws: BIP38Error.lotOutOfRange(1_048_576)) { try LotSequence(lot: 1_048_576, sequence: 0) }
        #expect(throws: BIP38Error.lotOutOfRange(-1)) { try LotSequence(lot: -1, sequence: 0) }
    }

    @Test func sequenceOutOfRange() {
        #expect(throws: BIP38Error.sequenceOutOfRange(4096)) { try LotSequence(lot: 0, sequence: 4096) }
        #expect(throws: BIP38Error.sequenceOutOfRange(-1)) { try LotSequence(lot: 1_048_575, sequence: -1) }
    }

    @Test func emptyPassphrase() {
        #expect(throws: BIP38Error.invalidPassphrase(reason: "empty")) { try Passphrase("") }
        #expect(throws: BIP38Error.invalidPassphrase(reason: "empty")) { try Passphrase(utf8: SecretBytes()) }
    }

    /// A lone continuation byte, a truncated sequence, an invalid lead byte,
    /// an overlong encoding and an encoded surrogate.
    @Test(arguments: [[0x61, 0x80], [0xC3], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] as [[UInt8]])
    func invalidUTF8Passphrase(bytes: [UInt8]) {
        #expect(throws: BIP38Error.invalidPassphrase(reason: "not valid UTF-8")) {
            try Passphrase(utf8: SecretBytes(copying: bytes))
        }
    }

    @Test func passphraseDescriptionIsRedacted() throws {
        #expect(try Passphrase("TestingOneTwoThree").description == "<redacted passphrase>")
    }

    @Test func seedbOfWrongLength() throws {
        let code = try IntermediateCode(Self.intermediateCode)
        #expect(throws: BIP38Error.wrongLength(kind: "seedb", expected: 24, actual: 23)) {
            try code.generateKey(
                seedb: SecretBytes(copying: [UInt8](repeating: 1, count: 23)), format: .uncompressed, network: .mainnet)
        }
    }

    // MARK: - Wrong passphrase and network (each runs the heavy scrypt once)

    @Test func wrongPassphraseNonEC() throws {
        let key = try EncryptedKey(Self.nonECKey)
        #expect(throws: BIP38Error.wrongPassphrase) { try key.decrypt(passphrase: Passphrase("TestingOneTwoThreE")) }
    }

    @Test func wrongPassphraseECMultiply() throws {
        let key = try EncryptedKey(Self.ecKey)
        #expect(throws: BIP38Error.wrongPassphrase) { try key.decrypt(passphrase: Passphrase("testingonetwothree")) }
    }

    @Test func wrongPassphraseConfirmation() throws {
        let code = try ConfirmationCode(Self.confirmationCode)
        #expect(throws: BIP38Error.wrongPassphrase) { try code.confirm(passphrase: Passphrase("MOLON LAB")) }
    }

    @Test func networkMismatchNonEC() throws {
        let key = try EncryptedKey(Self.nonECKey)
        #expect(throws: BIP38Error.networkMismatch(expected: .testnet, found: .mainnet)) {
            try key.decrypt(passphrase: Passphrase("TestingOneTwoThree"), network: .testnet)
        }
    }

    @Test func networkMismatchECMultiply() throws {
        let key = try EncryptedKey(Self.ecKey)
        #expect(throws: BIP38Error.networkMismatch(expected: .testnet, found: .mainnet)) {
            try key.decrypt(passphrase: Passphrase("TestingOneTwoThree"), network: .testnet)
        }
    }

    @Test func networkMismatchConfirmation() throws {
        let code = try ConfirmationCode(Self.confirmationCode)
        #expect(throws: BIP38Error.networkMismatch(expected: .testnet, found: .mainnet)) {
            try code.confirm(passphrase: Passphrase("MOLON LABE"), network: .testnet)
        }
    }

    /// Refusals print one line that names the cause and never a secret.
    @Test func errorDescriptions() {
        #expect(BIP38Error.badChecksum.description == "bad checksum")
        #expect(BIP38Error.wrongPassphrase.description == "wrong passphrase")
        #expect(BIP38Error.invalidBase58Character("0").description == "invalid base58 character '0'")
        #expect(BIP38Error.invalidBase58Character(" ").description == "invalid base58 character 'U+20'")
        #expect(BIP38Error.reservedFlagBits(flag: 0xC1).description == "reserved flag bits set (flag 0xC1)")
        #expect(
            BIP38Error.networkMismatch(expected: .testnet, found: .mainnet).description
                == "made for mainnet, not testnet: pass --network mainnet")
        #expect(BIP38Error.lotOutOfRange(1_048_576).description == "lot 1048576 out of range 0...1048575")
    }
}
