import CryptoCore
import Synchronization

/// Where EC-multiply operations take their randomness (ownersalt, seedb).
///
/// Production code uses ``SystemRandomSource``; tests and teaching walks use
/// ``FixedRandomSource`` so the specification's values reproduce byte for byte.
public protocol RandomSource: Sendable {
    /// `count` bytes, as a secret.
    func bytes(count: Int) -> SecretBytes
}

/// The operating system's generator (libsodium `randombytes_buf`).
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func bytes(count: Int) -> SecretBytes { SystemRandom.secretBytes(count: count) }
}

/// Hands out a fixed list of byte strings in order, for reproducible runs.
/// Asking for more values than were given, or for a different length than
/// the next value has, is a programming error and traps.
public final class FixedRandomSource: RandomSource {
    private let queue: Mutex<[[UInt8]]>

    public init(_ values: [[UInt8]]) {
        queue = Mutex(values)
    }

    public func bytes(count: Int) -> SecretBytes {
        let next = queue.withLock { values -> [UInt8] in
            precondition(!values.isEmpty, "FixedRandomSource ran out of values")
            return values.removeFirst()
        }
        precondition(next.count == count, "FixedRandomSource: next value has \(next.count) bytes, \(count) asked")
        return SecretBytes(copying: next)
    }
}
