import CryptoCore
import Foundation
import Synchronization
import Testing

/// The lanes implementation of scrypt (ROMix.swift over OpenSSL's PBKDF2)
/// against RFC 7914's vectors and against libsodium, the reference path.
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

    /// Random passwords, salts, parameters and output lengths: both paths agree byte for byte.
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
                n: 1 << UInt64.random(in: 1...9, using: &generator), r: UInt32.random(in: 1...9, using: &generator),
                p: UInt32.random(in: 1...9, using: &generator))
            let length = Int.random(in: 1...200, using: &generator)
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

    /// BIP38's own parameters (N=16384, r=8, p=8) on a random passphrase and 4-byte ownersalt.
    @Test func agreesWithLibsodiumOnBIP38Parameters() throws {
        let password = SystemRandom.bytes(count: 24)
        let salt = SystemRandom.bytes(count: 4)
        let reference = try Scrypt.deriveWithLibsodium(
            password: password, salt: salt, parameters: .bip38Passphrase, length: 32)
        let lanes = try Scrypt.derive(
            password: password, salt: salt, parameters: .bip38Passphrase, length: 32, using: .lanes(threads: 2))
        #expect(lanes == reference)
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
    /// once, gives the reference bytes: for a large lane (2 MiB, not pooled) and
    /// for BIP38's light scrypt (workspaces reused across calls and threads).
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
    @Test func choosesLanesOnlyWithSpareCores() {
        func preferred(_ parameters: Scrypt.Parameters, _ cores: Int) -> Scrypt.Implementation {
            Scrypt.Implementation.preferred(for: parameters, cores: cores, optimized: true)
        }
        // Lanes two at a time on each thread: p/2 threads at most.
        #expect(preferred(.bip38Passphrase, 1) == .lanes(threads: 1))
        #expect(preferred(.bip38Passphrase, 2) == .lanes(threads: 2))
        #expect(preferred(.bip38Passphrase, 64) == .lanes(threads: 4))
        #expect(preferred(Scrypt.Parameters(n: 16384, r: 8, p: 3), 8) == .lanes(threads: 1))
        #expect(preferred(Scrypt.Parameters(n: 16384, r: 8, p: 1), 8) == .libsodium)
        // Small calls reuse a pooled workspace on the calling thread, whatever the cores.
        #expect(preferred(.bip38Passpoint, 1) == .lanes(threads: 1))
        #expect(preferred(.bip38Passpoint, 8) == .lanes(threads: 1))
    }

    /// Unoptimised (debug) code runs ROMix.swift many times slower than libsodium: there libsodium always.
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
