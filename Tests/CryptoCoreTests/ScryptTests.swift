import CryptoCore
import Testing

/// RFC 7914, section 12 (test vectors for scrypt).
@Suite struct ScryptTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let password: String
        let salt: String
        let parameters: Scrypt.Parameters
        let derived: String
        var testDescription: String {
            "scrypt(\"\(password)\", \"\(salt)\", N=\(parameters.n), r=\(parameters.r), p=\(parameters.p))"
        }
    }

    static let vectors: [Vector] = [
        Vector(
            password: "", salt: "", parameters: .init(n: 16, r: 1, p: 1),
            derived: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        Vector(
            password: "password", salt: "NaCl", parameters: .init(n: 1024, r: 8, p: 16),
            derived: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        Vector(
            password: "pleaseletmein", salt: "SodiumChloride", parameters: .init(n: 16384, r: 8, p: 1),
            derived: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ]

    /// The reference (libsodium) and the path every caller takes (`derive`, which
    /// picks an implementation per call) both give the RFC's bytes.
    @Test(arguments: vectors)
    func rfc7914(vector: Vector) throws {
        let reference = try Scrypt.deriveWithLibsodium(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8), parameters: vector.parameters,
            length: 64)
        #expect(reference.revealedHex() == vector.derived)
        let derived = try Scrypt.derive(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8), parameters: vector.parameters,
            length: 64)
        #expect(derived.revealedHex() == vector.derived)
    }

    @Test func shorterOutputIsAPrefix() throws {
        let derived = try Scrypt.derive(
            password: [UInt8](), salt: [UInt8](), parameters: Scrypt.Parameters(n: 16, r: 1, p: 1), length: 32)
        #expect(derived.revealedHex() == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442")
    }

    @Test func bip38ParameterSets() {
        #expect(Scrypt.Parameters.bip38Passphrase == Scrypt.Parameters(n: 16384, r: 8, p: 8))
        #expect(Scrypt.Parameters.bip38Passpoint == Scrypt.Parameters(n: 1024, r: 1, p: 1))
    }

    @Test func refusesNWhichIsNotAPowerOfTwo() {
        #expect(throws: CryptoError.libraryFailure("scrypt(N=1000, r=1, p=1) failed")) {
            try Scrypt.deriveWithLibsodium(
                password: [UInt8](), salt: [UInt8](), parameters: Scrypt.Parameters(n: 1000, r: 1, p: 1), length: 32)
        }
        #expect(throws: CryptoError.libraryFailure("scrypt(N=1000, r=1, p=1) failed")) {
            try Scrypt.derive(
                password: [UInt8](), salt: [UInt8](), parameters: Scrypt.Parameters(n: 1000, r: 1, p: 1), length: 32)
        }
    }
}
