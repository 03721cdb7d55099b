import CryptoCore
import Foundation
import Testing

/// Many scrypt calls with their lanes side by side (ScryptBatch.swift) against
/// libsodium, the reference path, one call at a time.
@Suite struct ScryptBatchTests {
    static func randomBytes(_ count: ClosedRange<Int>, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<Int.random(in: count, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Random passwords, salts and odd output lengths for r 1 to 3 (and p 1 to 3, N
    /// 2 to 1024): every call of the batch gets libsodium's bytes for it. The counts
    /// cover one lane, part of the kernel's width, exactly it (4 or 8) and past it.
    @Test(arguments: [1, 2, 3, 7, 8, 9, 17])
    func agreesWithLibsodiumCallByCall(count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for r in UInt32(1)...3 {
            let parameters = Scrypt.Parameters(
                n: 1 << UInt64.random(in: 1...10, using: &generator), r: r,
                p: UInt32.random(in: 1...3, using: &generator))
            let length = 2 * Int.random(in: 0...50, using: &generator) + 1
            let calls = (0..<count).map { _ in
                (
                    password: Self.randomBytes(0...80, using: &generator),
                    salt: Self.randomBytes(0...40, using: &generator)
                )
            }
            let batched = try Scrypt.derive(
                many: calls, parameters: parameters, length: length, using: .lanes(threads: 1))
            #expect(batched.count == count)
            for (index, call) in calls.enumerated() {
                let reference = try Scrypt.deriveWithLibsodium(
                    password: call.password, salt: call.salt, parameters: parameters, length: length)
                #expect(
                    batched[index] == reference,
                    "call \(index) of \(count), N=\(parameters.n) r=\(parameters.r) p=\(parameters.p) length \(length)")
            }
        }
    }

    /// BIP38's light scrypt (N=1024, r=1, p=1) over 33-byte passpoints and 12-byte
    /// salts, the way site B runs it: a batch of 17 (two full kernel calls with
    /// AVX-512 and a remainder), through both implementations and the build's own choice.
    @Test func bip38PasspointBatchAgreesWithLibsodium() throws {
        let calls = (0..<17).map { _ in (password: SystemRandom.bytes(count: 33), salt: SystemRandom.bytes(count: 12)) }
        let expected = try calls.map {
            try Scrypt.deriveWithLibsodium(
                password: $0.password, salt: $0.salt, parameters: .bip38Passpoint, length: 64)
        }
        for implementation: Scrypt.Implementation in [.lanes(threads: 1), .libsodium] {
            #expect(
                try Scrypt.derive(many: calls, parameters: .bip38Passpoint, length: 64, using: implementation)
                    == expected, "\(implementation)")
        }
        #expect(try Scrypt.derive(many: calls, parameters: .bip38Passpoint, length: 64) == expected)
        // The same password and salt twice in one batch: the same bytes twice.
        let twice = try Scrypt.derive(
            many: [calls[0], calls[0]], parameters: .bip38Passpoint, length: 64, using: .lanes(threads: 1))
        #expect(twice == [expected[0], expected[0]])
    }

    /// No calls, no work; parameters scrypt refuses are refused for the batch as for one call.
    @Test func emptyBatchesAndRefusals() throws {
        let none: [(password: [UInt8], salt: [UInt8])] = []
        #expect(
            try Scrypt.derive(many: none, parameters: .bip38Passpoint, length: 64, using: .lanes(threads: 1)).isEmpty)
        let parameters = Scrypt.Parameters(n: 1000, r: 1, p: 1)
        #expect(throws: CryptoError.libraryFailure("scrypt(N=1000, r=1, p=1) failed")) {
            try Scrypt.derive(
                many: [(password: [UInt8](), salt: [UInt8]())], parameters: parameters, length: 32,
                using: .lanes(threads: 1))
        }
        #expect(throws: CryptoError.libraryFailure("scrypt(N=1000, r=1, p=1) failed")) {
            try Scrypt.derive(
                many: [(password: [UInt8](), salt: [UInt8]())], parameters: parameters, length: 32, using: .libsodium)
        }
    }

    /// An allocation that fails throws memoryUnavailable, for the lanes and for the
    /// workspace (over ROMix.reusableBytes for two lanes of N=2^18, r=8: never pooled).
    @Test func allocationFailureThrows() {
        let parameters = Scrypt.Parameters(n: 1 << 18, r: 8, p: 1)
        let calls = [(password: [UInt8](), salt: [UInt8]()), (password: [UInt8](1...3), salt: [UInt8]())]
        for budget in [0, 1] {
            let allocations = Counter()
            let failing = Scrypt.Allocator { bytes in
                allocations.next() < budget ? malloc(max(bytes, 16)) : nil
            }
            #expect(throws: CryptoError.memoryUnavailable("scrypt(N=262144, r=8, p=1): allocation failed")) {
                try Scrypt.deriveManyInLanes(calls, parameters: parameters, length: 32, allocator: failing)
            }
            #expect(allocations.next() == budget + 1, "budget \(budget): the failing allocation was the last")
        }
    }
}
