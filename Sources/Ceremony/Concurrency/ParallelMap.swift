import Foundation
import Synchronization

/// Runs `work` for every index on all cores and collects the results in order.
/// The first error (by index) is rethrown after all work has finished.
/// With `progress`, each finished index is one ``CardProgress/step()``.
package func parallelMap<T: Sendable, Failure: Error>(
    _ count: Int, progress: (any CardProgress)? = nil, _ work: @Sendable (Int) throws(Failure) -> T
) throws(Failure) -> [T] {
    let results = Mutex<[Int: Result<T, Failure>]>([:])
    DispatchQueue.concurrentPerform(iterations: count) { index in
        let outcome: Result<T, Failure>
        do throws(Failure) { outcome = .success(try work(index)) } catch { outcome = .failure(error) }
        results.withLock { $0[index] = outcome }
        progress?.step()
    }
    progress?.finish()
    var ordered: [T] = []
    ordered.reserveCapacity(count)
    for index in 0..<count {
        // concurrentPerform ran every index before returning, so each has its result.
        switch results.withLock({ $0[index]! }) {
        case .success(let value): ordered.append(value)
        case .failure(let error): throw error
        }
    }
    return ordered
}
