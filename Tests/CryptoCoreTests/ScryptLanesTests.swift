import CryptoCore
import Foundation
import Synchronization
import Testing

/// The lanes implementation of scrypt (ROMix.swift over the C kernel in
/// Sources/CKernels/CSalsa, and OpenSSL's PBKDF2) against RFC 7914's vectors
/// and against libsodium, the reference path.
@Suite struct ScryptLanesTests {
    /// RFC 7914, section 12 (the same vectors ScryptTests checks libsodium with);
    /// the fourth (N=2^20, 1 GiB) is left out for time.
    static let vectors: [ScryptTests.Vector] = ScryptTests.vectors

    /// Each vector on one thread, and on three (so lanes are shared unevenly when p > 1).
    @Test(arguments: vectors, [1, 3])
    func rfc7914(vector: ScryptTests.Vector, threads: Int) throws {
        let derived = try Scrypt.deriveInLanes(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            parameters: vector.parameters, length: 64, threads: threads)
        #expect(derived.revealedHex() == vector.derived)
    }

    /// RFC 7914, section 8: one Salsa20/8 core, in every lane of every width the kernel has.
    @Test func salsa208MatchesRFC7914() throws {
        let input = try #require(
            [UInt8](
                hexString: "7e879a214f3ec9867ca940e641718f26baee555b8c61c1b50df846116dcd3b1d"
                    + "ee24f319df9b3d8514121e4b5ac5aa3276021d2909c74829edebc68db8b8c25e"))
        let output = try #require(
            [UInt8](
                hexString: "a41f859c6608cc993b81cacb020cef05044b2181a2fd337dfd7b1c6396682f29"
                    + "b4393168e3c9e6bcfe6bc5b7a06d96bae424cc102c91745c24ad673dc7618f81"))
        for lanes in [1, 2, 4, 8] where lanes <= Scrypt.kernel.lanesAtOnce {
            let mixed = try #require(
                Scrypt.salsa208(blocks: Array(repeating: input, count: lanes).flatMap { $0 }, lanes: lanes, count: 1))
            #expect(mixed == Array(repeating: output, count: lanes).flatMap { $0 }, "\(lanes) lanes")
        }
        // Lanes side by side are independent chains: each as it would be alone.
        let blocks = (0..<Scrypt.kernel.lanesAtOnce).flatMap { lane in input.map { $0 ^ UInt8(lane) } }
        let together = try #require(Scrypt.salsa208(blocks: blocks, lanes: Scrypt.kernel.lanesAtOnce, count: 3))
        for lane in 0..<Scrypt.kernel.lanesAtOnce {
            let alone = try #require(
                Scrypt.salsa208(blocks: Array(blocks[(64 * lane)..<(64 * lane + 64)]), lanes: 1, count: 3))
            #expect(Array(together[(64 * lane)..<(64 * lane + 64)]) == alone, "lane \(lane)")
        }
        #expect(Scrypt.salsa208(blocks: Array(repeating: 0, count: 192), lanes: 3, count: 1) == nil)
        #expect(Scrypt.salsa208(blocks: input, lanes: 2, count: 1) == nil)
    }

    /// Every kernel this CPU can run (on this machine AVX-512, AVX2 and the SSE2
    /// baseline) gives the bytes of the one `derive` runs, which the tests above
    /// hold to libsodium: random lanes, N, r and lane counts 1 to 9 (every split into widths).
    @Test func everyKernelAgreesWithTheOneThatRuns() throws {
        var generator = SystemRandomNumberGenerator()
        let kernels = Scrypt.runnableKernels
        #expect(kernels.first == Scrypt.kernel.name)
        for count in 1...9 {
            let n = 1 << Int.random(in: 1...7, using: &generator)
            let r = Int.random(in: 1...5, using: &generator)
            let lanes = (0..<count).map { _ in
                (0..<(128 * r)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            let expected = try #require(Scrypt.romix(lanes: lanes, n: n, r: r, kernel: kernels[0]))
            #expect(expected != lanes)
            for kernel in kernels.dropFirst() {
                #expect(
                    Scrypt.romix(lanes: lanes, n: n, r: r, kernel: kernel) == expected,
                    "\(kernel) N=\(n) r=\(r) lanes \(count)")
            }
        }
        #expect(Scrypt.romix(lanes: [[UInt8](repeating: 0, count: 128)], n: 16, r: 1, kernel: "none") == nil)
        #expect(Scrypt.romix(lanes: [[UInt8](repeating: 0, count: 128)], n: 12, r: 1, kernel: kernels[0]) == nil)
    }

    /// The kernel this CPU runs, and the width it claims.
    @Test func kernelNamesItsWidth() {
        let (name, lanes) = Scrypt.kernel
        #expect(["avx512", "avx2", "sse2", "portable"].contains(name))
        #expect(lanes == (name == "avx512" ? 8 : 4))
        #expect(Scrypt.salsaCoreNanoseconds(lanes: lanes, count: 100).map { $0 > 0 } == true)
        #expect(Scrypt.salsaCoreNanoseconds(lanes: 2 * lanes, count: 100) == nil)
    }

    /// Random passwords, salts, parameters (r and p 1 to 16: every split of p into
    /// kernel widths) and odd output lengths: both paths agree byte for byte.
    @Test func agreesWithLibsodiumOnRandomInputs() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let password = (0..<Int.random(in: 0...80, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let salt = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let parameters = Scrypt.Parameters(
                n: 1 << UInt64.random(in: 1...8, using: &generator), r: UInt32.random(in: 1...16, using: &generator),
                p: UInt32.random(in: 1...16, using: &generator))
            let length = 2 * Int.random(in: 0...100, using: &generator) + 1
            let threads = Int.random(in: 1...4, using: &generator)
            let reference = try Scrypt.deriveWithLibsodium(
                password: password, salt: salt, parameters: parameters, length: length)
            let lanes = try Scrypt.deriveInLanes(
                password: password, salt: salt, parameters: parameters, length: length, threads: threads)
            #expect(
                lanes == reference,
                "N=\(parameters.n) r=\(parameters.r) p=\(parameters.p) length \(length) threads \(threads)")
        }
    }

    /// BIP38's two parameter sets (N=16384, r=8, p=8 on a random passphrase and
    /// 4-byte ownersalt; N=1024, r=1, p=1 on a passpoint and 12-byte salt), all
    /// lanes on one thread (8 side by side with AVX-512) and on two.
    @Test(arguments: [1, 2])
    func agreesWithLibsodiumOnBIP38Parameters(threads: Int) throws {
        let password = SystemRandom.bytes(count: 24)
        let salt = SystemRandom.bytes(count: 4)
        let reference = try Scrypt.deriveWithLibsodium(
            password: password, salt: salt, parameters: .bip38Passphrase, length: 32)
        let lanes = try Scrypt.derive(
            password: password, salt: salt, parameters: .bip38Passphrase, length: 32, using: .lanes(threads: threads))
        #expect(lanes == reference)
        let passpoint = SystemRandom.bytes(count: 33)
        let addressSalt = SystemRandom.bytes(count: 12)
        #expect(
            try Scrypt.derive(
                password: passpoint, salt: addressSalt, parameters: .bip38Passpoint, length: 64,
                using: .lanes(threads: threads))
                == Scrypt.deriveWithLibsodium(
                    password: passpoint, salt: addressSalt, parameters: .bip38Passpoint, length: 64))
    }

    @Test(arguments: [
        Scrypt.Parameters(n: 1000, r: 1, p: 1), Scrypt.Parameters(n: 1, r: 1, p: 1),
        Scrypt.Parameters(n: 16, r: 0, p: 1),
        Scrypt.Parameters(n: 16, r: 1, p: 0),
    ])
    func refusesWhatLibsodiumRefuses(parameters: Scrypt.Parameters) {
        let message = CryptoError.libraryFailure(
            "scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)) failed")
        #expect(throws: message) {
            try Scrypt.deriveInLanes(
                password: [UInt8](), salt: [UInt8](), parameters: parameters, length: 32, threads: 2)
        }
        #expect(throws: message) {
            try Scrypt.deriveWithLibsodium(password: [UInt8](), salt: [UInt8](), parameters: parameters, length: 32)
        }
        #expect(throws: message) {
            try Scrypt.derive(password: [UInt8](), salt: [UInt8](), parameters: parameters, length: 32)
        }
    }

    /// What a release build's `derive` runs (the lanes on free cores for a large
    /// call, a pooled workspace for a small one), alone and from many threads at
    /// once, gives the reference bytes: for large lanes (2 MiB each) and for
    /// BIP38's light scrypt (workspaces reused across calls and threads, both).
    @Test(arguments: [Scrypt.Parameters(n: 2048, r: 8, p: 8), .bip38Passpoint])
    func releaseChoiceAgreesWithLibsodiumAloneAndTogether(parameters: Scrypt.Parameters) throws {
        let inputs = (0..<24).map { _ in (SystemRandom.bytes(count: 33), SystemRandom.bytes(count: 12)) }
        let expected = try inputs.map {
            try Scrypt.deriveWithLibsodium(password: $0.0, salt: $0.1, parameters: parameters, length: 64)
        }
        let alone = Scrypt.Implementation.preferred(for: parameters, cores: 2, optimized: true)
        #expect(alone != .libsodium)
        #expect(
            try Scrypt.derive(
                password: inputs[0].0, salt: inputs[0].1, parameters: parameters, length: 64, using: alone)
                == expected[0])
        let results = Mutex<[Int: SecretBytes]>([:])
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let implementation = Scrypt.Implementation.preferred(for: parameters, cores: index % 3 + 1, optimized: true)
            let derived = try? Scrypt.derive(
                password: inputs[index].0, salt: inputs[index].1, parameters: parameters, length: 64,
                using: implementation)
            results.withLock { $0[index] = derived }
        }
        for index in inputs.indices { #expect(results.withLock { $0[index] } == expected[index], "input \(index)") }
        // And the path every caller takes, whichever implementation this build picks.
        #expect(
            try Scrypt.derive(password: inputs[1].0, salt: inputs[1].1, parameters: parameters, length: 64)
                == expected[1])
    }

    /// The rule of a release build (`optimized: true`), measured in Docs/Performance.md.
    @Test func choosesLanesOnEveryCoreGiven() {
        func preferred(_ parameters: Scrypt.Parameters, _ cores: Int) -> Scrypt.Implementation {
            Scrypt.Implementation.preferred(for: parameters, cores: cores, optimized: true)
        }
        // The lanes side by side on each thread: one thread per core, p threads at most.
        #expect(preferred(.bip38Passphrase, 1) == .lanes(threads: 1))
        #expect(preferred(.bip38Passphrase, 2) == .lanes(threads: 2))
        #expect(preferred(.bip38Passphrase, 64) == .lanes(threads: 8))
        #expect(preferred(Scrypt.Parameters(n: 16384, r: 8, p: 3), 8) == .lanes(threads: 3))
        #expect(preferred(Scrypt.Parameters(n: 16384, r: 8, p: 1), 8) == .lanes(threads: 1))
        // Small calls reuse a pooled workspace on the calling thread, whatever the cores.
        #expect(preferred(.bip38Passpoint, 1) == .lanes(threads: 1))
        #expect(preferred(.bip38Passpoint, 8) == .lanes(threads: 1))
    }

    /// Unoptimised (debug) code runs the C kernel many times slower than libsodium: there libsodium always.
    @Test func debugBuildsUseLibsodium() {
        for parameters in [Scrypt.Parameters.bip38Passphrase, .bip38Passpoint] {
            #expect(Scrypt.Implementation.preferred(for: parameters, cores: 8, optimized: false) == .libsodium)
        }
        #expect(Scrypt.Implementation.buildIsOptimized == Self.testedOptimized)
    }

    #if DEBUG
    static let testedOptimized = false
    #else
    static let testedOptimized = true
    #endif
}
