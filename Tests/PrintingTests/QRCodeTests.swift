import CryptoCore
import Foundation
import Testing

@Suite struct QRCodeTests {
    @Test("libqrencode picks the smallest version: 21 modules for a short text, 29 for an address at level M")
    func sizes() throws {
        #expect(try QRCode("hello", correction: .medium).size == 21)
        #expect(try QRCode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", correction: .medium).size == 29)
        let key = try QRCode("6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j", correction: .medium)
        #expect(key.size == 33)
        #expect(key.modules.count == key.size * key.size)
    }

    @Test("finder patterns sit in three corners")
    func finderPatterns() throws {
        let code = try QRCode("hello")
        let n = code.size
        for (x0, y0) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            // The outer ring of a finder pattern is dark, the ring inside it light, the centre dark.
            #expect(code.isDark(x: x0, y: y0) && code.isDark(x: x0 + 6, y: y0 + 6))
            #expect(!code.isDark(x: x0 + 1, y: y0 + 1))
            #expect(code.isDark(x: x0 + 3, y: y0 + 3))
        }
    }

    @Test("text with a NUL byte is refused")
    func refusesNUL() {
        #expect(throws: QRCode.Failure.self) { try QRCode("a\u{0}b") }
    }
}
