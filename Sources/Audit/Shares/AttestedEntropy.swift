import Ceremony
import Foundation

/// The passphrase entropy the audit can attest (Docs/Audit.md, "The matrix"): the declared
/// policy's, lowered when the passphrases the audit saw (every label in mock mode, the
/// sample's in production) show less than the policy claims.
///
/// Two tests, each only when the evidence is strong (a chance under ``significance`` that a
/// uniform draw from the whole alphabet would look like it):
/// - each position on its own: if its n characters fall in a set of d of the alphabet's k
///   symbols and C(k, d) · (d / k)^n is under the threshold, it counts log2(d) bits (a
///   position that never changes counts 0);
/// - the other positions together: the same bound over all their characters; if it holds,
///   each counts log2(d) bits for the d symbols they use, not log2(k).
/// Statistics can lower the figure, never raise it: a keyed generator passes them.
enum AttestedEntropy {
    static let significance = 1e-6

    static func attested(_ passphrases: [[UInt8]], policy: PassphrasePolicy) -> (bits: Double, from: String) {
        let declared = policy.entropyBits
        let drawn = passphrases.map { $0.filter { $0 != UInt8(ascii: "-") } }.filter { $0.count == policy.length }
        guard drawn.count >= 2 else {
            return (declared, "the declared policy: \(drawn.count) passphrase(s) seen, too few to test")
        }
        let k = Double(Set(policy.alphabet.utf8).count)
        var bits = 0.0
        var constant = 0
        var free: [Int] = []
        for position in 0..<policy.length {
            let d = Double(Set(drawn.map { $0[position] }).count)
            if significant(used: d, of: k, draws: Double(drawn.count)) {
                bits += log2(max(d, 1))
                if d <= 1 { constant += 1 }
            } else {
                free.append(position)
            }
        }
        let used = Double(Set(free.flatMap { position in drawn.map { $0[position] } }).count)
        let perSymbol = significant(used: used, of: k, draws: Double(free.count * drawn.count)) ? used : k
        bits += Double(free.count) * log2(perSymbol)
        guard bits < declared - 0.5 else {
            return (declared, "the declared policy: \(drawn.count) passphrases seen show no less")
        }
        let why =
            "\(drawn.count) passphrases seen use \(Int(used)) of \(Int(k)) symbols where they vary"
            + (constant > 0 ? ", \(constant) of \(policy.length) positions never change" : "")
        return (bits, why)
    }

    /// Whether n draws falling in d of k symbols is too unlikely for a uniform draw:
    /// C(k, d) · (d / k)^n under ``significance`` (a union bound over the d-sets).
    static func significant(used d: Double, of k: Double, draws n: Double) -> Bool {
        guard d < k, n > 0 else { return false }
        let logChoose = lgamma(k + 1) - lgamma(d + 1) - lgamma(k - d + 1)
        let log = logChoose + n * (d > 0 ? Foundation.log(d / k) : -.infinity)
        return log < Foundation.log(significance)
    }
}
