import Foundation

/// Simple statistical tests on values that should be uniformly random.
///
/// These catch gross failures (a stuck bit, a 7-bit generator, a tiny
/// alphabet, repeats). They cannot tell a good generator from a keyed one:
/// values derived from a secret the site keeps look just as random. That is
/// what cut-and-choose and the retention statements are for (Docs/ThreatModel.md).
package struct RandomnessResult: Codable, Sendable {
    package let source: String
    package let samples: Int
    package let bytes: Int
    package let duplicates: Int
    /// The largest |z| over the eight bit positions of the bytes (or the chi-square z for characters).
    package let worstZ: Double
    /// The smallest bias in a bit's probability the test detects at this size (|z| >= threshold at ~50% power).
    package let detectableBias: Double
    package let passed: Bool
    package let note: String

    /// |z| at or above which a test fails: about a 1e-6 false alarm rate per test.
    package static let threshold = 5.0
}

enum Randomness {
    /// Tests byte strings: duplicates and, for each of the 8 bit positions, the
    /// share of bytes with that bit set against a fair coin.
    static func bytes(_ source: String, _ values: [[UInt8]]) -> RandomnessResult {
        let all = values.flatMap { $0 }
        let duplicates = values.count - Set(values).count
        var worst = 0.0
        if !all.isEmpty {
            let n = Double(all.count)
            for bit in 0..<8 {
                let ones = Double(all.filter { $0 >> bit & 1 == 1 }.count)
                worst = max(worst, abs(ones - n / 2) / (n.squareRoot() / 2))
            }
        }
        let detectable = all.isEmpty ? 1 : RandomnessResult.threshold / (2 * Double(all.count).squareRoot())
        let passed = duplicates == 0 && worst < RandomnessResult.threshold
        return RandomnessResult(
            source: source, samples: values.count, bytes: all.count, duplicates: duplicates, worstZ: rounded(worst),
            detectableBias: rounded(detectable), passed: passed,
            note:
                "per-bit frequency over \(all.count) bytes; detects a bit probability off 0.5 by >= \(rounded(detectable))"
        )
    }

    /// Tests passphrase characters against a uniform draw from `alphabet` (chi-square, as a z score).
    static func characters(_ source: String, _ values: [[UInt8]], alphabet: [UInt8]) -> RandomnessResult {
        let characters = values.flatMap { $0.filter { $0 != UInt8(ascii: "-") } }
        let duplicates = values.count - Set(values).count
        var z = 0.0
        let k = Double(alphabet.count)
        if !characters.isEmpty && k > 1 {
            let n = Double(characters.count)
            let expected = n / k
            var chi = 0.0
            for symbol in alphabet {
                let observed = Double(characters.filter { $0 == symbol }.count)
                chi += (observed - expected) * (observed - expected) / expected
            }
            let outside = Double(characters.filter { !alphabet.contains($0) }.count)
            chi += outside * 1e6
            // Wilson–Hilferty: chi-square with k-1 degrees of freedom to a standard normal.
            let df = k - 1
            z = (pow(chi / df, 1.0 / 3) - (1 - 2 / (9 * df))) / (2 / (9 * df)).squareRoot()
        }
        let passed = duplicates == 0 && z < RandomnessResult.threshold
        return RandomnessResult(
            source: source, samples: values.count, bytes: characters.count, duplicates: duplicates, worstZ: rounded(z),
            detectableBias: 0, passed: passed,
            note:
                "chi-square of \(characters.count) characters against a uniform \(Int(k))-symbol alphabet, as a z score; weak below ~\(Int(5 * k)) characters"
        )
    }

    static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
