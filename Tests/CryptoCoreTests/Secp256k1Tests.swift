import CryptoCore
import Testing

/// secp256k1 through libsecp256k1: scalars, points and their products (SEC 2, section 2.4.1).
@Suite struct Secp256k1Tests {
    static let generator = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    static let generatorUncompressed =
        "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
    static let nMinusOne = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"

    static func scalar(_ hex: String) -> SecretBytes {
        SecretBytes(copying: [UInt8](hexString: hex)!)
    }

    static func scalar(_ value: UInt8) -> SecretBytes {
        SecretBytes(copying: [UInt8](repeating: 0, count: 31) + [value])
    }

    @Test func orderConstant() {
        #expect(Secp256k1.order.hex == "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    }

    @Test func oneTimesGIsTheGenerator() throws {
        let point = try Secp256k1.publicPoint(of: Self.scalar(1))
        #expect(point.compressed.hex == Self.generator)
        #expect(point.uncompressed.hex == Self.generatorUncompressed)
        #expect(point.encoded(compressed: true) == point.compressed)
        #expect(point.encoded(compressed: false) == point.uncompressed)
        #expect(point.description == Self.generator)
    }

    @Test func twoTimesG() throws {
        let expected = "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"
        #expect(try Secp256k1.publicPoint(of: Self.scalar(2)).compressed.hex == expected)
        let g = try CurvePoint([UInt8](hexString: Self.generator)!)
        #expect(try g.multiplied(by: Self.scalar(2)).compressed.hex == expected)
    }

    /// (n-1)·G = -G: same x as G, odd y.
    @Test func minusOneTimesGIsTheNegatedGenerator() throws {
        let point = try Secp256k1.publicPoint(of: Self.scalar(Self.nMinusOne))
        #expect(point.compressed.hex == "03" + Self.generator.dropFirst(2))
    }

    @Test func validScalars() {
        #expect(!Secp256k1.isValidScalar(Self.scalar(0)))
        #expect(!Secp256k1.isValidScalar(SecretBytes(copying: Secp256k1.order)))
        #expect(!Secp256k1.isValidScalar(Self.scalar(String(repeating: "ff", count: 32))))
        #expect(Secp256k1.isValidScalar(Self.scalar(Self.nMinusOne)))
        #expect(Secp256k1.isValidScalar(Self.scalar(1)))
        #expect(!Secp256k1.isValidScalar(SecretBytes(copying: [UInt8](repeating: 1, count: 31))))
        #expect(!Secp256k1.isValidScalar(SecretBytes(copying: [UInt8](repeating: 1, count: 33))))
    }

    @Test func publicPointRefusesInvalidScalars() {
        #expect(throws: CryptoError.invalidScalar) { try Secp256k1.publicPoint(of: Self.scalar(0)) }
        #expect(throws: CryptoError.invalidScalar) {
            try Secp256k1.publicPoint(of: SecretBytes(copying: Secp256k1.order))
        }
        #expect(throws: CryptoError.invalidScalar) { try Secp256k1.publicPoint(of: SecretBytes(copying: [1])) }
    }

    @Test func multiplicationIsAssociative() throws {
        let fixed = [
            ("7e2b897b8cebc6361663ad410835639826d590f393d90a9538881735256dfae3", Self.nMinusOne),
            (
                "0000000000000000000000000000000000000000000000000000000000000003",
                "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
            ),
        ].map { (Self.scalar($0.0), Self.scalar($0.1)) }
        let random = (0..<3).map { _ in (randomScalar(), randomScalar()) }
        for (a, b) in fixed + random {
            let bG = try Secp256k1.publicPoint(of: b)
            let left = try bG.multiplied(by: a)
            let right = try Secp256k1.publicPoint(of: Secp256k1.multiply(a, b))
            #expect(left == right)
            #expect(try Secp256k1.multiply(bG, by: a) == left)
            #expect(try Secp256k1.multiply(a, b) == Secp256k1.multiply(b, a))
        }
    }

    /// (n-1)² = 1 (mod n).
    @Test func scalarProductReducesModN() throws {
        let product = try Secp256k1.multiply(Self.scalar(Self.nMinusOne), Self.scalar(Self.nMinusOne))
        #expect(product == Self.scalar(1))
        #expect(try Secp256k1.multiply(Self.scalar(2), Self.scalar(3)) == Self.scalar(6))
    }

    @Test func productsRefuseInvalidScalars() throws {
        let g = try Secp256k1.publicPoint(of: Self.scalar(1))
        #expect(throws: CryptoError.invalidScalar) { try g.multiplied(by: Self.scalar(0)) }
        #expect(throws: CryptoError.invalidScalar) { try g.multiplied(by: SecretBytes(copying: Secp256k1.order)) }
        #expect(throws: CryptoError.invalidScalar) { try Secp256k1.multiply(Self.scalar(0), Self.scalar(1)) }
        #expect(throws: CryptoError.invalidScalar) {
            try Secp256k1.multiply(Self.scalar(1), SecretBytes(copying: Secp256k1.order))
        }
    }

    @Test func parsesBothEncodingsToTheSamePoint() throws {
        let compressed = try CurvePoint([UInt8](hexString: Self.generator)!)
        let uncompressed = try CurvePoint([UInt8](hexString: Self.generatorUncompressed)!)
        #expect(compressed == uncompressed)
        #expect(uncompressed.compressed.hex == Self.generator)
    }

    @Test(arguments: ["00", "01", "04", "05", "ff"])
    func curvePointRefusesWrongPrefix(prefix: String) {
        #expect(throws: CryptoError.pointNotOnCurve) {
            try CurvePoint([UInt8](hexString: prefix + Self.generator.dropFirst(2))!)
        }
    }

    @Test(arguments: [0, 1, 32, 34, 64, 66])
    func curvePointRefusesWrongLength(length: Int) {
        let bytes = Array(([UInt8](hexString: Self.generatorUncompressed)! + [0x00]).prefix(length))
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint(bytes) }
    }

    /// x³ + 7 is not a square mod p for x = 0 or 5, so no point has those x;
    /// x = 1 is on the curve (checked so the refusals mean something).
    @Test func curvePointRefusesXNotOnCurve() throws {
        let one = [UInt8](repeating: 0, count: 31) + [1]
        #expect(throws: Never.self) { try CurvePoint([0x02] + one) }
        for x: UInt8 in [0, 5] {
            let bytes = [UInt8](repeating: 0, count: 31) + [x]
            #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x02] + bytes) }
            #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x03] + bytes) }
        }
    }

    /// SEC1's 65-byte "hybrid" form (06/07 || x || y) is not an encoding BIP38 or
    /// Bitcoin uses; libsecp256k1 alone would accept it.
    @Test func curvePointRefusesHybridEncoding() {
        let xy = [UInt8]([UInt8](hexString: Self.generatorUncompressed)!.dropFirst())
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x06] + xy) }
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x07] + xy) }
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x02] + xy) }
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint([0x04] + xy.prefix(32)) }
    }

    @Test func curvePointRefusesUncompressedPointOffTheCurve() {
        var bytes = [UInt8](hexString: Self.generatorUncompressed)!
        bytes[64] ^= 0x01
        #expect(throws: CryptoError.pointNotOnCurve) { try CurvePoint(bytes) }
    }

    private func randomScalar() -> SecretBytes {
        while true {
            let candidate = SystemRandom.secretBytes(count: 32)
            if Secp256k1.isValidScalar(candidate) { return candidate }
        }
    }
}
