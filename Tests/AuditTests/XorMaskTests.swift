import Ceremony
import Foundation
import PatternSearch
import TestSupport
import Testing

@testable import Audit

/// A value XORed with one byte is found through the file's byte differences
/// (`NeedleForms.differences`, `DifferenceScanner`), at its offset, in a small file and across
/// a big file's windows and raw parts; the plain value is reported by its own needle only.
@Suite struct XorMask {
    /// A random value's plain needle (`v`) and its difference needle (`v (XORed with one byte)`).
    static func needles(_ value: [UInt8]) -> [Needle] {
        let serial = Serial(lot: 1, sequence: 1)
        return [
            Needle(serial: serial, share: .two, name: "v", bytes: value),
            Needle(
                serial: serial, share: .two, name: "v (XORed with one byte)",
                bytes: NeedleForms.differences(value), differenceOf: value[0]),
        ]
    }

    @Test("the differences scanner finds a masked value at its offset, fed in pieces split at every point")
    func scannerAcrossPieces() throws {
        let value = SeededRandom.bytes(24, seed: 5)
        let set = try LiteralSet([NeedleForms.differences(value)])
        let scanner = try DifferenceScanner(set)
        let masked = value.map { $0 ^ 0x3C }
        let stream = SeededRandom.bytes(40, seed: 6) + masked + SeededRandom.bytes(40, seed: 7)
        for split in 1..<stream.count {
            try scanner.begin()
            try scanner.feed(stream[..<split])
            var matches = scanner.take()
            try scanner.feed(stream[split...])
            matches += scanner.take()
            // A match of 23 differences ending at `end` is the value's 24 bytes from `end - 23`.
            #expect(matches.map { $0.end - 23 } == [40], "split at \(split)")
        }
        #expect(NeedleForms.differences([1, 3, 3, 0xFF]) == [2, 0, 0xFC])
        #expect(NeedleForms.differences(masked) == NeedleForms.differences(value))
    }

    @Test("a masked value is a hit of its difference needle; the plain value is a hit of its own needle only")
    func smallFile() throws {
        let value = SeededRandom.bytes(32, seed: 8)
        let noise = ShareSearchEngine.noise(4000)
        for (key, name) in [(UInt8(0x5C), "v (XORed with one byte)"), (0x00, "v")] {
            let folder = try TemporaryFolder(prefix: "xor-mask")
            var bytes = noise
            bytes.replaceSubrange(1000..<1032, with: value.map { $0 ^ key })
            try Data(bytes).write(to: folder.url.appendingPathComponent("f.bin"))
            let result = ShareSearchEngine.search(folder, Self.needles(value))
            #expect(ShareSearchEngine.offsets(result.hits) == ["f.bin \(name)": 1000], "key \(key)")
        }
    }

    @Test("masked values across a big file's window and raw part edges are found at their offsets")
    func bigFile() throws {
        let folder = try TemporaryFolder(prefix: "xor-mask")
        let window = ShareSearch.windowSize
        let size = window + window / 2
        let middle = ShareSearch.rawParts(0..<window, threads: 2)[1].lowerBound
        let values = (0..<3).map { SeededRandom.bytes(32, seed: 20 + UInt64($0)) }
        let places = [middle - 5, window - 13, size - 32]
        let writes = zip(places, values).map { place, value in (place, value.map { $0 ^ 0xA7 }) }
        try ShareSearchEngine.sparseFile(folder, "big.img", size: size, writes)
        let needles = values.enumerated().flatMap { index, value in
            Self.needles(value).map {
                Needle(
                    serial: Serial(lot: 1, sequence: index + 1), share: .two, name: "\($0.name) \(index)",
                    bytes: $0.bytes, differenceOf: $0.differenceOf)
            }
        }
        let result = ShareSearchEngine.search(folder, needles)
        #expect(result.incomplete.isEmpty, "\(result.incomplete)")
        #expect(
            ShareSearchEngine.offsets(result.hits)
                == Dictionary(
                    uniqueKeysWithValues: places.enumerated().map { ("big.img v (XORed with one byte) \($0)", $1) }))
    }
}
