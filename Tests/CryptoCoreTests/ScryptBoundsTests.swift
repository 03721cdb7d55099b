import CryptoCore
import Foundation
import Testing

/// scrypt refuses, with a thrown ``CryptoError/memoryUnavailable(_:)`` and at
/// once, parameters whose memory overflows or exceeds the machine, and an
/// allocation that fails: never a trap, never an hour of swapping.
@Suite struct ScryptBoundsTests {
    static let huge: [(Scrypt.Parameters, Int)] = [
        (Scrypt.Parameters(n: 1 << 31, r: (1 << 30) - 1, p: 1), 32),  // 128·r·N overflows
        (Scrypt.Parameters(n: 1 << 20, r: 1 << 13, p: 1), 32),  // 1 TiB of V
        (Scrypt.Parameters(n: 2, r: 1 << 29, p: 1), 32),  // 128·r = 64 GiB per entry
        (Scrypt.Parameters(n: 2, r: 1, p: (1 << 30) - 1), 32),  // 128·r·p = 128 GiB of lanes
        (Scrypt.Parameters(n: 16, r: 1, p: 1), Int.max),  // output length
        (Scrypt.Parameters(n: 16, r: 1, p: 1), Int.max - 100),
    ]

    @Test("huge N, r, p or length: every implementation throws memoryUnavailable (before allocating)")
    func hugeParametersThrow() {
        for (parameters, length) in Self.huge {
            for implementation: Scrypt.Implementation in [.libsodium, .lanes(threads: 1), .lanes(threads: 2)] {
                #expect(throws: CryptoError.self) {
                    try Scrypt.derive(
                        password: [UInt8](), salt: [UInt8](), parameters: parameters, length: length,
                        using: implementation)
                }
                do {
                    _ = try Scrypt.derive(
                        password: [UInt8](), salt: [UInt8](), parameters: parameters, length: length,
                        using: implementation)
                } catch {
                    guard case .memoryUnavailable = error else {
                        Issue.record("\(parameters) \(implementation): \(error)")
                        continue
                    }
                }
            }
        }
    }

    @Test("the implementation choice does not trap on N near Int.max")
    func choiceDoesNotOverflow() {
        let parameters = Scrypt.Parameters(n: UInt64(Int.max), r: UInt32.max, p: 1)
        #expect(Scrypt.Implementation.preferred(for: parameters, cores: 2, optimized: true) == .lanes(threads: 1))
    }

    @Test("an allocation that fails throws memoryUnavailable: the lanes, the workspace")
    func allocationFailureThrows() throws {
        // A workspace over ROMix.reusableBytes (256 MiB): never pooled, so always allocated.
        let parameters = Scrypt.Parameters(n: 1 << 18, r: 8, p: 1)
        for budget in [0, 1] {
            let calls = Counter()
            let failing = Scrypt.Allocator { bytes in
                calls.next() < budget ? malloc(max(bytes, 16)) : nil
            }
            #expect(throws: CryptoError.memoryUnavailable("scrypt(N=262144, r=8, p=1): allocation failed")) {
                try Scrypt.deriveInLanes(
                    password: [UInt8](), salt: [UInt8](), parameters: parameters, length: 32, threads: 1,
                    allocator: failing)
            }
            #expect(calls.next() == budget + 1, "budget \(budget): the failing allocation was the last")
        }
        // With memory it gives libsodium's bytes.
        let small = Scrypt.Parameters(n: 1024, r: 8, p: 4)
        let reference = try Scrypt.deriveWithLibsodium(
            password: [UInt8](), salt: [UInt8](), parameters: small, length: 32)
        let lanes = try Scrypt.deriveInLanes(
            password: [UInt8](), salt: [UInt8](), parameters: small, length: 32, threads: 1)
        #expect(lanes == reference)
    }
}

/// A thread-safe count of calls.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
