import CryptoCore
import Foundation
import Synchronization

/// A progress line on stderr (cards done, rate, time left), shown only when
/// stderr is a terminal, so scripts and logs stay quiet.
public final class Progress: Sendable {
    private struct State {
        var done = 0
        var lastPrint = 0.0
    }

    private let label: String
    private let total: Int
    private let start = Date()
    private let enabled: Bool
    private let state = Mutex(State())

    public init(_ label: String, total: Int, enabled: Bool = SecretInput.standardErrorIsTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Records one finished card.
    public func step() {
        guard enabled else { return }
        let line: String? = state.withLock { s in
            s.done += 1
            let elapsed = Date().timeIntervalSince(start)
            guard s.done == total || elapsed - s.lastPrint >= 0.25 else { return nil }
            s.lastPrint = elapsed
            let rate = Double(s.done) / max(elapsed, 0.001)
            let left = Double(total - s.done) / max(rate, 0.001)
            return "\r\(label): \(s.done)/\(total) cards, \(String(format: "%.1f", rate)) cards/s, \(Int(left.rounded())) s left   "
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Ends the line.
    public func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
