import Foundation
import Synchronization
internal import CSodium

/// scrypt calls of this process running now through ``Scrypt/derive(password:salt:parameters:length:)``.
private let callsInFlight = Atomic<Int>(0)

extension Scrypt {
    /// Which code computes a scrypt call.
    public enum Implementation: Sendable, Equatable, CustomStringConvertible {
        /// libsodium's `crypto_pwhash_scryptsalsa208sha256_ll`: the reference.
        /// It runs the p lanes one after another on the calling thread.
        case libsodium
        /// This package's ROMix (Sources/CryptoCore/ROMix.swift) over OpenSSL's
        /// PBKDF2, with the p lanes spread over `threads` threads.
        case lanes(threads: Int)

        public var description: String {
            switch self {
            case .libsodium: "libsodium"
            case .lanes(let threads): "lanes on \(threads) thread\(threads == 1 ? "" : "s")"
            }
        }

        /// The implementation for one call that has `cores` cores to itself.
        ///
        /// Chosen by measurement (`make bench`, Docs/Performance.md):
        /// - two or more lanes (p ≥ 2, BIP38's heavy scrypt has 8): the lanes
        ///   implementation on up to p/2 threads, each thread running its lanes
        ///   two at a time (ROMixPair.swift). On one core that takes 0.75 ×
        ///   libsodium's time, on two 0.46 ×;
        /// - one small lane (its working memory within ``ROMix/reusableBytes``,
        ///   such as BIP38's light scrypt over the passpoint): the lanes on one
        ///   thread, which reuse a wiped workspace where libsodium maps and
        ///   unmaps fresh memory for every call (0.85 to 0.9 ×);
        /// - one large lane: libsodium, whose single-lane ROMix is a few per
        ///   cent faster than ours.
        ///
        /// A caller that already keeps every core busy with other calls (site
        /// A's batch) should pass `cores: 1`; ``Scrypt/derive(password:salt:parameters:length:)``
        /// does that count itself.
        ///
        /// In a debug build (`swift build`, `swift test`) ROMix.swift is not
        /// optimised and runs many times slower than libsodium, so there the
        /// measured choice is libsodium for every call (`optimized: false`).
        public static func preferred(
            for parameters: Parameters, cores: Int, optimized: Bool = Implementation.buildIsOptimized
        ) -> Implementation {
            guard optimized else { return .libsodium }
            if parameters.p >= 2 { return .lanes(threads: max(1, min(cores, Int(parameters.p) / 2))) }
            if let laneBytes = parameters.laneWorkingBytes, laneBytes <= ROMix.reusableBytes {
                return .lanes(threads: 1)
            }
            return .libsodium
        }

        /// Whether this code was compiled with optimisation (a release build).
        public static var buildIsOptimized: Bool {
            #if DEBUG
                false
            #else
                true
            #endif
        }
    }

    /// Derives `length` bytes from `password` and `salt` with `implementation`.
    /// Both give the same bytes for the same inputs (Tests/CryptoCoreTests).
    /// - Throws: ``CryptoError/libraryFailure(_:)`` for parameters scrypt refuses
    ///   (N not a power of two above 1, r or p zero, or memory out of range).
    public static func derive(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int,
        using implementation: Implementation
    ) throws(CryptoError) -> SecretBytes {
        switch implementation {
        case .libsodium:
            try deriveWithLibsodium(password: password, salt: salt, parameters: parameters, length: length)
        case .lanes(let threads):
            try deriveInLanes(password: password, salt: salt, parameters: parameters, length: length, threads: threads)
        }
    }

    /// Derives `length` bytes from `password` and `salt` with the implementation
    /// measured fastest for a call that has the cores this process is not
    /// already using for other scrypt calls (``Implementation/preferred(for:cores:optimized:)``):
    /// alone on two or more cores, a heavy call spreads its lanes over them;
    /// next to other calls (site A's batch keeps every core busy), it runs its
    /// lanes two at a time on its own thread. The bytes are the same whichever runs.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` for parameters scrypt refuses
    ///   (N not a power of two above 1, r or p zero) or memory it cannot get
    ///   (128·N·r bytes per lane).
    public static func derive(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int
    ) throws(CryptoError) -> SecretBytes {
        let others = callsInFlight.add(1, ordering: .relaxed).oldValue
        defer { callsInFlight.subtract(1, ordering: .relaxed) }
        let free = max(1, availableCores() - others)
        return try derive(
            password: password, salt: salt, parameters: parameters, length: length,
            using: .preferred(for: parameters, cores: free))
    }

    /// scrypt (RFC 7914, section 6) with its p lanes run on up to `threads`
    /// threads at once:
    ///
    ///     B   = PBKDF2-HMAC-SHA256(P, S, 1, p·128·r)       OpenSSL
    ///     B_i = scryptROMix(r, B_i, N) for each lane i     ROMix.swift, in parallel
    ///     DK  = PBKDF2-HMAC-SHA256(P, B, 1, dkLen)         OpenSSL
    ///
    /// Each thread holds the working memory of two lanes (2 · 128·r·N bytes,
    /// 32 MiB for BIP38's N=16384, r=8) when it has two or more lanes to run,
    /// one lane's otherwise, and wipes it before returning.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` as ``deriveWithLibsodium(password:salt:parameters:length:)``.
    public static func deriveInLanes(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int, threads: Int
    ) throws(CryptoError) -> SecretBytes {
        let refused = CryptoError.libraryFailure("scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)) failed")
        let n = parameters.n
        let r = Int(parameters.r)
        let p = Int(parameters.p)
        // RFC 7914: N a power of two above 1 and below 2^(128·r/8); r·p < 2^30. And the memory must be addressable.
        guard n > 1, n & (n - 1) == 0, n <= UInt64(UInt32.max), r >= 1, p >= 1, r * p < 1 << 30, length >= 0,
            case (let laneMemory, false) = (128 * r).multipliedReportingOverflow(by: Int(n)),
            laneMemory <= 1 << 40
        else { throw refused }
        let laneBytes = 128 * r
        let workers = max(1, min(threads, p))

        let lanes = UnsafeMutableRawBufferPointer.allocate(byteCount: p * laneBytes, alignment: 16)
        defer {
            unsafe wipe(lanes.baseAddress!, lanes.count)
            unsafe lanes.deallocate()
        }
        var failure: CryptoError?
        unsafe password.withUnsafeBytes { passwordBytes in
            unsafe salt.withUnsafeBytes { saltBytes in
                do throws(CryptoError) {
                    try unsafe PBKDF2.sha256(password: passwordBytes, salt: saltBytes, iterations: 1, into: lanes)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        let base = unsafe SendablePointer(lanes.baseAddress!)
        let mixLanes = { @Sendable (worker: Int) in
            // This worker's lanes: worker, worker + workers, ... Two at a time
            // where there are two (ROMixPair.swift), the odd one alone.
            let mine = Array(stride(from: worker, to: p, by: workers))
            ROMix.borrow(n: Int(n), r: r) { romix in
                if mine.count >= 2 {
                    ROMix.borrow(n: Int(n), r: r) { partner in
                        for pair in stride(from: 0, to: mine.count - 1, by: 2) {
                            unsafe romix.mix(
                                lane: base.pointer + mine[pair] * laneBytes, pairedWith: partner,
                                lane: base.pointer + mine[pair + 1] * laneBytes)
                        }
                    }
                }
                if mine.count % 2 == 1 { unsafe romix.mix(lane: base.pointer + mine[mine.count - 1] * laneBytes) }
            }
        }
        if workers == 1 {
            mixLanes(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: mixLanes)
        }
        let mixed = UnsafeRawBufferPointer(lanes)
        let output = unsafe password.withUnsafeBytes { passwordBytes in
            unsafe SecretBytes(count: length) { out in
                do throws(CryptoError) {
                    try unsafe PBKDF2.sha256(password: passwordBytes, salt: mixed, iterations: 1, into: out)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}

extension Scrypt.Parameters {
    /// One ROMix lane's working memory, 128·r·(N + 2) bytes, or nil when it
    /// does not fit in memory (the call will be refused).
    var laneWorkingBytes: Int? {
        guard n <= UInt64(Int.max), case (let product, false) = (128 * Int(r)).multipliedReportingOverflow(by: Int(n) + 2)
        else { return nil }
        return product
    }
}

/// The cores this process may run on: its CPU affinity (`taskset`, a cgroup
/// cpuset) from the mask in /proc/self/status where there is one, else every
/// active processor. Read once per process.
func availableCores() -> Int { affinityCores }

private let affinityCores: Int = {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
    {
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && !$0.isWhitespace }
        let count = mask.compactMap { $0.hexDigitValue }.reduce(0) { $0 + $1.nonzeroBitCount }
        if count > 0 { return count }
    }
    return ProcessInfo.processInfo.activeProcessorCount
}()

/// A raw pointer handed to worker threads that each touch their own lanes only.
@unsafe struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { unsafe self.pointer = pointer }
}

/// Overwrites `count` bytes with zeros in a way the compiler may not drop.
func wipe(_ pointer: UnsafeMutableRawPointer, _ count: Int) {
    unsafe sodium_memzero(pointer, count)
}
