import Foundation

/// A value behind a lock, shared by the workers.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// A value handed to `concurrentPerform`'s threads, which the code using it keeps free of races.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Work shared out over threads: each takes the next item in turn until none is left.
enum WorkQueue {
    /// Calls `body(thread, index)` for every index below `count`, on `threads` threads
    /// (`concurrentPerform`; on the calling thread alone when `threads` is 1), each index once.
    /// A `body` that returns false stops every thread from taking further items.
    static func run(count: Int, threads: Int, _ body: (_ thread: Int, _ index: Int) -> Bool) {
        let next = Locked(0)
        let stopped = Locked(false)
        withoutActuallyEscaping(body) { body in
            let loop = Unchecked { (thread: Int) in
                while true {
                    let index = next.update { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count, !stopped.update({ $0 }) else { return }
                    if !body(thread, index) { stopped.update { $0 = true } }
                }
            }
            if threads <= 1 {
                loop.value(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { loop.value($0) }
            }
        }
    }
}
