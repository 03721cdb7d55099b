import Ceremony
import CryptoCore
import Foundation
import Synchronization

/// A progress line on stderr (cards done, rate, time left), shown only when
/// stderr is a terminal, so scripts and logs stay quiet.
package final class TerminalProgress: CardProgress {
    private struct State {
        var label = ""
        var total = 0
        var done = 0
        var start = Date()
        var lastPrint = 0.0
    }

    private let enabled: Bool
    private let state = Mutex(State())

    /// A progress line, or nil when stderr is not a terminal (nothing to show).
    package static func ifTerminal() -> TerminalProgress? {
        SecretInput.standardErrorIsTerminal ? TerminalProgress() : nil
    }

    package init(enabled: Bool = true) { self.enabled = enabled }

    package func begin(_ label: String, total: Int) {
        state.withLock { $0 = State(label: label, total: total, start: Date()) }
    }

    package func step() {
        guard enabled else { return }
        let line: String? = state.withLock { s in
            s.done += 1
            let elapsed = Date().timeIntervalSince(s.start)
            guard s.done == s.total || elapsed - s.lastPrint >= 0.25 else { return nil }
            s.lastPrint = elapsed
            let rate = Double(s.done) / max(elapsed, 0.001)
            let left = Double(s.total - s.done) / max(rate, 0.001)
            return
                "\r\(s.label): \(s.done)/\(s.total) cards, \(String(format: "%.1f", rate)) cards/s, \(Int(left.rounded())) s left   "
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    package func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
