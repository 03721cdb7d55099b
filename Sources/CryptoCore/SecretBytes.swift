internal import CSodium
import Foundation

/// A buffer of secret bytes that zeroes itself when released.
///
/// Every secret the toolkit handles (passphrase bytes, prefactor, passfactor,
/// seedb, factorb, private keys, scrypt-derived halves) lives in one of these.
/// The contents are written once, when the value is made, and never change
/// afterwards, which is why the type may cross threads.
///
/// - `description` never shows the contents: it prints `<redacted N bytes>`.
/// - `==` compares in constant time (`sodium_memcmp`).
/// - The memory is wiped with `sodium_memzero` when the last reference goes.
///
/// Reading the bytes back is deliberate and visible: ``withUnsafeBytes(_:)``
/// for C calls, ``revealedHex()`` for teaching output and tests.
///
/// Public, unlike the rest of CryptoCore (`package`): the BIP38 library
/// product's API takes and returns secrets (private keys, passphrases,
/// `RandomSource` output). Making, reading and comparing are public;
/// slicing, `appending` and `xor` are `package`.
@safe
public final class SecretBytes: @unchecked Sendable, ContiguousBytes, Equatable,
    CustomStringConvertible, CustomDebugStringConvertible
{
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of bytes held.
    public var count: Int { unsafe storage.count }

    /// Makes a buffer of `count` bytes and lets `body` write them, once.
    ///
    /// The bytes are zero before `body` runs. If `body` throws, the buffer is
    /// wiped and released before the error propagates.
    public init(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        precondition(count >= 0, "negative secret length")
        ensureSodiumInitialized()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        let visible = unsafe UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
        unsafe visible.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try unsafe body(visible)
        } catch {
            unsafe sodium_memzero(buffer.baseAddress, buffer.count)
            unsafe buffer.deallocate()
            throw error
        }
        unsafe storage = visible
    }

    /// Copies `bytes` into a new secret buffer.
    ///
    /// The source is not wiped: callers that hold a secret in an ordinary
    /// array should build the ``SecretBytes`` directly instead where they can.
    public convenience init(copying bytes: some ContiguousBytes) {
        let count = unsafe bytes.withUnsafeBytes { $0.count }
        unsafe self.init(count: count) { target in
            unsafe bytes.withUnsafeBytes { source in
                unsafe target.copyMemory(from: source)
            }
        }
    }

    /// An empty secret.
    package convenience init() {
        unsafe self.init(count: 0) { _ in }
    }

    deinit {
        unsafe sodium_memzero(storage.baseAddress, storage.count)
        unsafe storage.deallocate()
    }

    /// Calls `body` with the secret bytes. Do not let them escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try unsafe body(UnsafeRawBufferPointer(storage))
    }

    /// The bytes `range` as a new secret.
    package subscript(range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "secret slice out of bounds")
        return unsafe SecretBytes(count: range.count) { target in
            unsafe target.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[range]))
        }
    }

    /// The byte at `index`. Reading single bytes is for format decisions
    /// (a point's prefix, a parity bit), not for copying secrets out.
    package subscript(index: Int) -> UInt8 {
        precondition(index >= 0 && index < count, "secret index out of bounds")
        return unsafe storage[index]
    }

    /// This secret followed by `other`, as a new secret.
    package func appending(_ other: some ContiguousBytes) -> SecretBytes {
        let otherCount = unsafe other.withUnsafeBytes { $0.count }
        return unsafe SecretBytes(count: count + otherCount) { target in
            unsafe target.copyMemory(from: UnsafeRawBufferPointer(storage))
            unsafe other.withUnsafeBytes { source in
                unsafe UnsafeMutableRawBufferPointer(rebasing: target[count...]).copyMemory(from: source)
            }
        }
    }

    /// The byte-wise XOR of this secret and `other`, which must have the same length.
    package func xor(_ other: some ContiguousBytes) -> SecretBytes {
        unsafe other.withUnsafeBytes { source in
            precondition(source.count == count, "xor of unequal lengths")
            return unsafe SecretBytes(count: count) { target in
                for i in 0..<count {
                    unsafe target[i] = storage[i] ^ source[i]
                }
            }
        }
    }

    /// The secret as lowercase hexadecimal. Only for teaching output, tests and
    /// the files a site is meant to print: the returned string is not wiped.
    public func revealedHex() -> String {
        unsafe UnsafeRawBufferPointer(storage).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    /// A copy of the bytes in an ordinary array, which is not wiped. Only for
    /// values about to be printed or written to a secret file on purpose.
    public func revealedBytes() -> [UInt8] {
        unsafe Array(UnsafeRawBufferPointer(storage))
    }

    /// Constant-time comparison of contents (lengths are not secret).
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.count == 0 { return true }
        return unsafe sodium_memcmp(lhs.storage.baseAddress!, rhs.storage.baseAddress!, lhs.count) == 0
    }

    public var description: String { "<redacted \(count) bytes>" }
    public var debugDescription: String { description }
}
