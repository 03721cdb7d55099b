import CryptoCore
import Testing

@Suite struct SecretBytesTests {
    static let bytes: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0xfe, 0xff]

    @Test func descriptionIsRedacted() {
        let secret = SecretBytes(copying: Self.bytes)
        #expect(secret.description == "<redacted 6 bytes>")
        #expect(secret.debugDescription == "<redacted 6 bytes>")
        #expect("\(secret)" == "<redacted 6 bytes>")
        #expect(String(reflecting: secret) == "<redacted 6 bytes>")
        #expect(SecretBytes().description == "<redacted 0 bytes>")
    }

    @Test func revealsOnRequest() {
        let secret = SecretBytes(copying: Self.bytes)
        #expect(secret.count == 6)
        #expect(secret.revealedBytes() == Self.bytes)
        #expect(secret.revealedHex() == "00112233feff")
        #expect(secret[4] == 0xfe)
    }

    @Test func equalityComparesContents() {
        let secret = SecretBytes(copying: Self.bytes)
        #expect(secret == SecretBytes(copying: Self.bytes))
        #expect(secret != SecretBytes(copying: [0x00, 0x11, 0x22, 0x33, 0xfe, 0xfe]))
        #expect(secret != SecretBytes(copying: [0x01, 0x11, 0x22, 0x33, 0xfe, 0xff]))
        #expect(secret != SecretBytes(copying: Self.bytes.dropLast()))
        #expect(secret != SecretBytes())
        #expect(SecretBytes() == SecretBytes(copying: [UInt8]()))
    }

    @Test func slices() {
        let secret = SecretBytes(copying: Self.bytes)
        #expect(secret[1..<4].revealedBytes() == [0x11, 0x22, 0x33])
        #expect(secret[0..<6] == secret)
        #expect(secret[6..<6].count == 0)
        #expect(secret[2..<3].description == "<redacted 1 bytes>")
    }

    @Test func xor() {
        let secret = SecretBytes(copying: [0x0f, 0xf0, 0xaa, 0x00])
        #expect(secret.xor([0xff, 0xff, 0x55, 0x00]).revealedBytes() == [0xf0, 0x0f, 0xff, 0x00])
        #expect(secret.xor(SecretBytes(copying: [0x0f, 0xf0, 0xaa, 0x00])).revealedBytes() == [0, 0, 0, 0])
        #expect(secret.revealedBytes() == [0x0f, 0xf0, 0xaa, 0x00], "xor must not change its operand")
    }

    @Test func appending() {
        let secret = SecretBytes(copying: [0x01, 0x02])
        #expect(secret.appending([0x03]).revealedBytes() == [0x01, 0x02, 0x03])
        #expect(secret.appending(SecretBytes(copying: [0x04, 0x05])).revealedBytes() == [0x01, 0x02, 0x04, 0x05])
        #expect(secret.appending([UInt8]()) == secret)
        #expect(SecretBytes().appending(secret) == secret)
        #expect(secret.count == 2)
    }

    @Test func initializerWritesOnceAndPropagatesErrors() throws {
        let written = SecretBytes(count: 3) { buffer in
            #expect(Array(buffer) == [0, 0, 0], "the buffer starts zeroed")
            buffer[1] = 7
        }
        #expect(written.revealedBytes() == [0, 7, 0])

        struct Stop: Error, Equatable {}
        #expect(throws: Stop()) {
            try SecretBytes(count: 4) { _ in throw Stop() }
        }
    }

    @Test func systemRandomGivesFreshBytes() {
        let a = SystemRandom.secretBytes(count: 32)
        let b = SystemRandom.secretBytes(count: 32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(SystemRandom.bytes(count: 16).count == 16)
        #expect(SystemRandom.bytes(count: 16) != SystemRandom.bytes(count: 16))
        #expect((0..<100).allSatisfy { _ in SystemRandom.uniform(below: 10) < 10 })
    }
}
