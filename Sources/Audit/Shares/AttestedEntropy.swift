import Ceremony
import Foundation

/// The passphrase entropy the audit can attest (Docs/Audit.md, "The matrix"): the declared
/// policy's, lowered when the passphrases the audit saw (every label in mock mode, the
/// sample's in production) show less than the policy claims.
///
/// Two tests, each only when the evidence is strong (a chance under ``significance`` that a
/// uniform draw from the whole alphabet would look like it):
/// - the characters used at all: if every drawn character of every passphrase falls in a
///   set of d of the alphabet's k symbols, and C(k, d) · (d / k)^(all characters) is under
///   the threshold, each position is counted at log2(d) bits, not log2(k);
/// - each position on its own: the same bound with that position's n characters; a
///   position that never changes counts 0 bits.
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
        let used = Double(Set(drawn.flatMap { $0 }).count)
        let total = Double(drawn.count * policy.length)
        let perSymbol = significant(used: used, of: k, draws: total) ? used : k
        var bits = 0.0
        var constant = 0
        for position in 0..<policy.length {
            let column = drawn.map { $0[position] }
            let d = Double(Set(column).count)
            let symbols = significant(used: d, of: perSymbol, draws: Double(column.count)) ? d : perSymbol
            if symbols <= 1 { constant += 1 }
            bits += log2(max(symbols, 1))
        }
        guard bits < declared - 0.5 else {
            return (declared, "the declared policy: \(drawn.count) passphrases seen show no less")
        }
        let why =
            "\(drawn.count) passphrases seen use \(Int(used)) of \(Int(k)) symbols"
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
