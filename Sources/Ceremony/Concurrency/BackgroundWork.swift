import Foundation
import Synchronization

/// One piece of work started on another thread now, its result taken later:
/// what the main thread overlaps with its own work (the executable's digest
/// while it reads, ``Provenance/digestInBackground()``).
package final class BackgroundWork<T: Sendable, Failure: Error>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<T, Failure>?>(nil)

    /// Starts `work` on a global queue.
    package init(_ work: @escaping @Sendable () throws(Failure) -> T) {
        DispatchQueue.global().async { [self] in
            let result: Result<T, Failure>
            do throws(Failure) { result = .success(try work()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// Waits for the work to finish and returns its result, or throws its error.
    /// May be called more than once (every call after the first returns at once).
    package func wait() throws(Failure) -> T {
        done.wait()
        done.signal()
        // The work stored its outcome before signalling.
        return try outcome.withLock { $0! }.get()
    }
}
