import BIP38
import CryptoCore
import Foundation

/// Text read from a file (or a file's name), made fit to show: control,
/// format and line-separator characters escaped (`\n`, `\u{1B}`, `\u{202E}`),
/// and cut to `limit` characters. A hostile bundle cannot add lines to a
/// site's error output, the audit's report or logs, move the cursor or
/// reorder text, nor flood them.
///
/// The one escaping function of the toolkit: the sites' one-line refusals use
/// it, and so does the audit for every finding, the report and what
/// `ceremony-audit` prints (with `limit: .max` where nothing is cut). It never
/// escapes a backslash, so escaping escaped text again changes nothing.
package func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
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
