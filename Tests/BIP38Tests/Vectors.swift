import BIP38
import CryptoCore
import Foundation
import TestSupport
import Testing

// SpecVector and DeterministicVector, and the vector files, are TestSupport's
// (Tests/TestSupport/Vectors.swift and Vectors/).

extension LotAndSequence {
    /// The vector's lot and sequence as BIP38 reads them, or nil when it has none.
    var lotSequence: LotSequence? {
        get throws {
            guard let lot, let sequence else { return nil }
            return try LotSequence(lot: lot, sequence: sequence)
        }
    }
}

/// The vector files themselves: complete, and the passphrases as the specification gives them.
@Suite struct VectorFileTests {
    @Test func specVectorsAreAllPresent() throws {
        let vectors = try SpecVector.all()
        #expect(vectors.count == 9)
        #expect(Set(vectors.map(\.id)).count == 9)
        #expect(vectors.filter(\.isECMultiply).count == 4)
        #expect(vectors.filter { $0.confirmationCode != nil }.count == 2)
    }

    @Test func deterministicVectorsAreAllPresent() throws {
        let vectors = try DeterministicVector.all()
        #expect(vectors.map(\.id) == ["pybip38-ec-compressed-no-lotseq", "pybip38-ec-uncompressed-lotseq"])
    }

    /// The third non-EC vector's passphrase is stored un-normalised, as the
    /// specification prints it, so its test really exercises NFC.
    @Test func specPassphraseThreeIsNotYetNFC() throws {
        let vector = try #require(try SpecVector.all().first { $0.id == "non-ec-uncompressed-3" })
        #expect(Array(vector.passphrase.utf8).hex == "cf92cc8100f0909080f09f92a9")
        #expect(Array(vector.passphrase.utf8).hex != vector.passphraseNFCUTF8Hex)
    }
}

extension SpecVector {
    /// The vector's `compressed` field as an address format.
    var format: AddressFormat { AddressFormat(compressed: compressed) }
}

extension DeterministicVector {
    /// The vector's `compressed` field as an address format.
    var format: AddressFormat { AddressFormat(compressed: compressed) }
}
