import BIP38
import CryptoCore
import Testing

@Test func smokeDeterministic() throws {
    let passphrase = try Passphrase("MOLON LABE")
    let owner = try IntermediateCode.make(
        passphrase: passphrase, lotSequence: try LotSequence(lot: 100000, sequence: 1),
        random: FixedRandomSource([[UInt8](hexString: "d7ebe42c")!]))
    #expect(owner.intermediateCode.text == "passphrasedYVZ6EdRqSmcHHsYWmJ7wzWcWYuDQmf9EGH9Pnrv67eHy4qswaAGGc8Et3eeGp")
    let key = try owner.intermediateCode.generateKey(
        seedb: SecretBytes(copying: [UInt8](hexString: "9b6cad86daddae99ac3b76c1e47e61bc7f4665d02e10c290")!),
        compressed: false, network: .mainnet)
    #expect(key.encryptedKey.text == "6PgRAPfrPWjPXfC6x9XB139RHzUP8GFcVen5Ju3qJDhRP69Q4Vd8Wbct6B")
    #expect(key.confirmationCode.text == "cfrm38V8kEzECGczWJmEoGuYfkoamcmVij3tHUhD6DEEquSRXp61HzhnT8jwQwBBZiKs9Jg4LXZ")
    #expect(key.address.text == "1KRg2YJxuHiNcqfp9gVpkgRFhcvALy1zgk")
    let c = try key.confirmationCode.confirm(passphrase: passphrase)
    #expect(c.address == key.address)
    let d = try key.encryptedKey.decrypt(passphrase: passphrase)
    #expect(d.address == key.address)
    let ne = try EncryptedKey("6PYNKZ1EAgYgmQfmNVamxyXVWHzK5s6DGhwP4J5o44cvXdoY7sRzhtpUeo").decrypt(passphrase: Passphrase("TestingOneTwoThree"))
    #expect(ne.wif.revealedText() == "L44B5gGEpqEDRS9vVPz7QT35jcBG2r3CZwSwQ4fCewXAhAhqGVpP")
}
