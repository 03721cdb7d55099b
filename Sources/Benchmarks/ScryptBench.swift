import CryptoCore
import Foundation
import Synchronization

/// One heavy scrypt call: wall time and the calling thread's CPU time, in milliseconds.
struct ScryptSample: Sendable {
    let wallMilliseconds: Double
    let cpuMilliseconds: Double
}

/// The baseline: one libsodium `crypto_pwhash_scryptsalsa208sha256_ll` call at
/// N=16384, r=8, p=8 (through `Scrypt.deriveWithLibsodium`, a direct wrapper), on one thread.
///
/// The machine is shared and noisy, so the bench takes baseline calls all
/// along the run, next to the figures they are compared with, not only once.
enum ScryptBench {
    /// One heavy scrypt of a random 24-byte passphrase and a 4-byte ownersalt.
    static func heavyCall() -> ScryptSample {
        let password = SystemRandom.secretBytes(count: 24)
        let salt = SystemRandom.bytes(count: 4)
        let cpu = threadCPU()
        let wall = timed {
            _ = try! Scrypt.deriveWithLibsodium(
                password: password, salt: salt, parameters: .bip38Passphrase, length: 32)
        }
        return ScryptSample(wallMilliseconds: wall * 1000, cpuMilliseconds: (threadCPU() - cpu) * 1000)
    }

    /// `runs` single calls on one thread.
    static func calls(_ runs: Int) -> [ScryptSample] { (0..<runs).map { _ in heavyCall() } }

    /// `cores` threads, each making `calls` heavy calls at once: the wall time of
    /// each call in milliseconds. Shows what running every core costs each
    /// call (shared caches, memory bandwidth, a busy host), which bounds site A
    /// whatever its code does.
    static func concurrent(cores: Int, calls: Int) -> [Double] {
        let times = Mutex<[Double]>([])
        DispatchQueue.concurrentPerform(iterations: cores) { _ in
            var mine: [Double] = []
            for _ in 0..<calls { mine.append(heavyCall().wallMilliseconds) }
            times.withLock { $0 += mine }
        }
        return times.withLock { $0 }
    }
}

/// Every baseline call of the run, in order, tagged with where it was taken.
struct BaselineLog {
    private(set) var samples: [ScryptSample] = []

    /// Takes `count` calls now; returns their index range.
    mutating func take(_ count: Int) -> Range<Int> {
        let start = samples.count
        samples += ScryptBench.calls(count)
        return start..<samples.count
    }

    mutating func append(_ sample: ScryptSample) { samples.append(sample) }

    func wall(_ ranges: [Range<Int>]) -> [Double] { ranges.flatMap { samples[$0].map(\.wallMilliseconds) } }
    func cpu(_ ranges: [Range<Int>]) -> [Double] { ranges.flatMap { samples[$0].map(\.cpuMilliseconds) } }
    var allWall: [Double] { samples.map(\.wallMilliseconds) }
    var allCPU: [Double] { samples.map(\.cpuMilliseconds) }
}

extension ScryptBench {
    /// `runs` rounds of (libsodium call, lanes call) on the same random input.
    static func lanes(threads: Int, runs: Int, baseline: inout BaselineLog) -> LanesPoint {
        var times: [Double] = []
        var ratios: [Double] = []
        var agrees = true
        for _ in 0..<runs {
            let password = SystemRandom.secretBytes(count: 24)
            let salt = SystemRandom.bytes(count: 4)
            let reference = baseline.take(password: password, salt: salt)
            var output = SecretBytes()
            let seconds = timed {
                output = try! Scrypt.derive(
                    password: password, salt: salt, parameters: .bip38Passphrase, length: 32,
                    using: .lanes(threads: threads))
            }
            agrees = agrees && output == reference.output
            times.append(seconds * 1000)
            ratios.append(seconds * 1000 / reference.wallMilliseconds)
        }
        return LanesPoint(
            threads: threads, milliseconds: Summary(times, unit: "ms"), ratioToBaseline: Summary(ratios, unit: "ratio"),
            agreesWithLibsodium: agrees)
    }
}

extension BaselineLog {
    /// One baseline call on a given input, logged like the others; returns its output too.
    mutating func take(password: SecretBytes, salt: [UInt8]) -> (wallMilliseconds: Double, output: SecretBytes) {
        var output = SecretBytes()
        let cpu = threadCPU()
        let wall = timed {
            output = try! Scrypt.deriveWithLibsodium(
                password: password, salt: salt, parameters: .bip38Passphrase, length: 32)
        }
        append(ScryptSample(wallMilliseconds: wall * 1000, cpuMilliseconds: (threadCPU() - cpu) * 1000))
        return (wall * 1000, output)
    }
}

extension ScryptBench {
    static func light(rounds: Int, callsPerRound: Int = 200) -> LightScryptPoint {
        let inputs = (0..<callsPerRound).map { _ in (SystemRandom.bytes(count: 33), SystemRandom.bytes(count: 12)) }
        var agrees = true
        func round(_ implementation: Scrypt.Implementation) -> (Double, [SecretBytes]) {
            var outputs: [SecretBytes] = []
            outputs.reserveCapacity(inputs.count)
            let seconds = timed {
                for (password, salt) in inputs {
                    outputs.append(
                        try! Scrypt.derive(
                            password: password, salt: salt, parameters: .bip38Passpoint, length: 64,
                            using: implementation))
                }
            }
            return (seconds * 1e6 / Double(inputs.count), outputs)
        }
        var sodium: [Double] = []
        var lanes: [Double] = []
        _ = round(.libsodium)
        _ = round(.lanes(threads: 1))
        for _ in 0..<rounds {
            let (sodiumTime, reference) = round(.libsodium)
            let (lanesTime, outputs) = round(.lanes(threads: 1))
            agrees = agrees && outputs == reference
            sodium.append(sodiumTime)
            lanes.append(lanesTime)
        }
        return LightScryptPoint(
            libsodiumMicroseconds: Summary(sodium, unit: "µs"), lanesMicroseconds: Summary(lanes, unit: "µs"),
            ratio: Summary(zip(lanes, sodium).map { $0 / $1 }, unit: "ratio"), agreesWithLibsodium: agrees)
    }
}

extension ScryptBench {
    /// The compute floor: `runs` measurements of 131,072 chained Salsa20/8 cores on
    /// each lane the kernel runs at once (and on 4), after one to warm up.
    static func floor(runs: Int) -> ComputeFloor {
        let (kernel, lanes) = Scrypt.kernel
        let count = 131_072
        _ = Scrypt.salsaCoreNanoseconds(lanes: lanes, count: count)
        var widest: [Double] = []
        var four: [Double] = []
        for _ in 0..<runs {
            widest.append(Scrypt.salsaCoreNanoseconds(lanes: lanes, count: count)!)
            four.append(Scrypt.salsaCoreNanoseconds(lanes: min(4, lanes), count: count)!)
        }
        return ComputeFloor(
            kernel: kernel, lanesAtOnce: lanes, salsaCoreNanoseconds: Summary(widest, unit: "ns"),
            salsaCoreNanosecondsFourLanes: Summary(four, unit: "ns"),
            heavyScryptMilliseconds: Summary(
                widest.map { $0 * Double(ComputeFloor.coresPerHeavyScrypt) / 1e6 }, unit: "ms"))
    }
}
