import BIP38
import CryptoCore
import Foundation

/// Text read from a file, made fit to quote in a one-line refusal: control,
/// format and line-separator characters escaped (`\n`, `\u{202E}`), and cut
/// to `limit` characters. A hostile bundle cannot add lines to a site's
/// error output or logs, nor flood them.
func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        guard count < limit else { return out + "…" }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: out += scalar.escaped(asASCII: true)
        default: out.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return out
}
