import CryptoCore
import Testing

@Suite struct HexTests {
    @Test func parsesUpperAndLowerCase() {
        #expect([UInt8](hexString: "00aFF10b") == [0x00, 0xaf, 0xf1, 0x0b])
        #expect([UInt8](hexString: "") == [])
    }

    @Test(arguments: ["0", "abc", "0g", "0x00", " 00"])
    func refusesMalformedHex(text: String) {
        #expect([UInt8](hexString: text) == nil)
    }

    @Test func printsLowercase() {
        #expect([0x00, 0xAB, 0x0F, 0xF0].hex == "00ab0ff0")
        #expect([UInt8]().hex == "")
    }
}
