/// The first 64 bits of a hex digest in four groups of four digits, for people to
/// compare aloud (`3f2a 9c01 77de 04b5`): the one short form of digests and keys.
package func shortForm(ofHex hex: String) -> String {
    let digits = Array(hex.prefix(16))
    return stride(from: 0, to: digits.count, by: 4).map { String(digits[$0..<min($0 + 4, digits.count)]) }
        .joined(separator: " ")
}
