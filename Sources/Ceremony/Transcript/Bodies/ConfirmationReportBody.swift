import BIP38
import CryptoCore
import Foundation

/// A: every confirmation code of one batch checked against its passphrase.
package struct ConfirmationReportBody: Codable, Sendable {
    package struct Failure: Codable, Sendable, Equatable {
        package let serial: Serial
        package let reason: String
    }

    package let checked: Int
    package let confirmed: Int
    package let failures: [Failure]

    package init(checked: Int, confirmed: Int, failures: [Failure]) {
        self.checked = checked
        self.confirmed = confirmed
        self.failures = failures
    }
}
