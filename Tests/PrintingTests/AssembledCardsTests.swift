import BIP38
import Ceremony
import CryptoCore
import Foundation
import Printing
import Testing

/// ``AssembledCards``: how the audit tells what card-print writes in `cards/` from anything
/// else, each file drawn again from public values.
@Suite struct AssembledCardsTests {
    let serial = Serial(lot: 7, sequence: 42)
    let address = PrivateKey.random().address(format: .compressed, network: .mainnet)

    @Test("a card file's name gives its serial and part; any other name, or a serial written otherwise, gives none")
    func names() {
        #expect(
            AssembledCards.part(of: "0000007-0042.front.svg").map { "\($0.serial) \($0.part)" } == "0000007-0042 front")
        #expect(AssembledCards.part(of: "0000007-0042.back.svg").map { "\($0.part)" } == "back")
        #expect(AssembledCards.part(of: "0000007-0042.back-revealed.svg").map { "\($0.part)" } == "revealedBack")
        for name in [
            "0000007-0042.front.svg.bak", "7-42.front.svg", "0000007-0042.side.svg", "index.html", ".front.svg",
        ] {
            #expect(AssembledCards.part(of: name) == nil, "\(name)")
        }
    }

    @Test("a front drawn with any denomination reads it back, escapes and all; drawn again it is the same bytes")
    func denominationRoundTrip() throws {
        for denomination in ["MOCK · NO VALUE", "1 BTC & <more> \"quoted\" 'single'", "&amp; already escaped", ""] {
            let svg = Array(
                try CardArt.front(serial: serial, network: .mainnet, address: address, denomination: denomination).utf8)
            #expect(AssembledCards.denomination(ofFront: svg) == denomination)
            let (problem, read) = AssembledCards.checkFront(svg, serial: serial, network: .mainnet, address: address)
            #expect(problem == nil, "\(denomination): \(problem ?? "")")
            #expect(read == denomination)
        }
    }

    @Test("a front or back as drawn or stamped VOID passes; a byte changed, another card's serial or address, does not")
    func frontsAndBacks() throws {
        let drawn = try CardArt.front(serial: serial, network: .mainnet, address: address, denomination: "X")
        let void = AssembledCards.voided(drawn)
        #expect(void != drawn)
        for svg in [drawn, void] {
            #expect(
                AssembledCards.checkFront(Array(svg.utf8), serial: serial, network: .mainnet, address: address).problem
                    == nil)
        }
        let other = PrivateKey.random().address(format: .compressed, network: .mainnet)
        #expect(
            AssembledCards.checkFront(Array(drawn.utf8), serial: serial, network: .mainnet, address: other).problem
                != nil)
        let next = Serial(lot: 7, sequence: 43)
        #expect(
            AssembledCards.checkFront(Array(drawn.utf8), serial: next, network: .mainnet, address: address).problem
                != nil)
        var changed = Array(drawn.utf8)
        changed[changed.count / 2] ^= 0x01
        #expect(AssembledCards.checkFront(changed, serial: serial, network: .mainnet, address: address).problem != nil)
        #expect(
            AssembledCards.checkFront(Array("<svg/>".utf8), serial: serial, network: .mainnet, address: address).problem
                != nil)

        let back = CardArt.coveredBack(serial: serial)
        #expect(AssembledCards.checkCoveredBack(Array(back.utf8), serial: serial) == nil)
        #expect(AssembledCards.checkCoveredBack(Array(AssembledCards.voided(back).utf8), serial: serial) == nil)
        #expect(AssembledCards.checkCoveredBack(Array((back + " ").utf8), serial: serial) != nil)
        #expect(AssembledCards.checkCoveredBack(Array(back.utf8), serial: next) != nil)
    }

    @Test("the covered back drawn on its own is the back assembly draws for any card")
    func coveredBackIsAssemblys() throws {
        let card = CardContent(
            serial: serial, network: .mainnet, address: address,
            encryptedKey: try EncryptedKey("6PgNBNNzDkKdhkT6uJntUXwwzQV8Rr2tZcbkDcuC9DZRsS6AtHts4Ypo1j"),
            passphrase: SecretBytes(copying: Array("secret".utf8)), denomination: "X")
        #expect(try CardArt.back(card, revealed: false) == CardArt.coveredBack(serial: serial))
        #expect(
            try CardArt.front(card)
                == CardArt.front(serial: serial, network: .mainnet, address: address, denomination: "X"))
        let revealed = try CardArt.back(card, revealed: true)
        #expect(AssembledCards.checkRevealedBack(Array(revealed.utf8), card: card) == nil)
        #expect(AssembledCards.checkRevealedBack(Array(CardArt.coveredBack(serial: serial).utf8), card: card) != nil)
    }
}
