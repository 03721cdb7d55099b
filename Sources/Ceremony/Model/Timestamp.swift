import BIP38
import CryptoCore
import Foundation

/// A time in ISO 8601 (UTC, whole seconds: `2026-12-02T18:49:07Z`), for `created` and
/// ledger `time` fields: what `ISO8601DateFormatter` writes by default, made from the
/// calendar fields of `gmtime_r`, without the formatter's ICU set-up (about 3 ms at its
/// first use, once per `key-site mint`).
package func timestamp(_ date: Date = Date()) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var fields = tm()
    gmtime_r(&seconds, &fields)
    /// A field written with at least `width` digits, zeros before it.
    func padded(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return padded(fields.tm_year + 1900, 4) + "-" + padded(fields.tm_mon + 1, 2) + "-" + padded(fields.tm_mday, 2)
        + "T" + padded(fields.tm_hour, 2) + ":" + padded(fields.tm_min, 2) + ":" + padded(fields.tm_sec, 2) + "Z"
}
