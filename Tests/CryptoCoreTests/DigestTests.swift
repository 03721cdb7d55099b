import CryptoCore
import Testing

/// SHA-256 (FIPS 180-4) and RIPEMD-160 known answers, and hash160 over a
/// public key whose address the Bitcoin wiki works through by hand.
@Suite struct DigestTests {
    @Test func sha256OfABC() {
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256OfEmpty() {
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func doubleSHA256OfABC() {
        let expected = "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358"
        #expect(SHA256.doubleHash(Array("abc".utf8)).hex == expected)
        #expect(SHA256.doubleHash(secret: SecretBytes(copying: Array("abc".utf8))).revealedHex() == expected)
    }

    /// The RIPEMD-160 authors' published test set (Dobbertin, Bosselaers, Preneel).
    @Test(arguments: [
        ("", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
        ("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
        ("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
        (String(repeating: "1234567890", count: 8), "9b752e45573d4b39f4dbd3323cab82bf63326bfb"),
    ])
    func ripemd160(message: String, digest: String) {
        #expect(RIPEMD160.hash(Array(message.utf8)).hex == digest)
    }

    @Test func hash160OfPublicKey() {
        let publicKey = [UInt8](hex: "0250863ad64a87ae8a2fe83c1af1a8403cb53f53e486d8511dad8a04887e5b2352")
        #expect(hash160(publicKey).hex == "f54a5851e9372b87810a8e60cdd2e7cfd80b6e31")
    }
}
