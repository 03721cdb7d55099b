import Foundation
import Synchronization

/// scrypt (RFC 7914): the parameters, the choice of implementation and the
/// calls the rest of the package makes.
///
/// Two implementations give the same bytes: libsodium's
/// `crypto_pwhash_scryptsalsa208sha256_ll` (``deriveWithLibsodium(password:salt:parameters:length:)``,
/// Scrypt+Sodium.swift, the reference) and this package's ROMix over OpenSSL's
/// PBKDF2, which can run the p lanes side by side
/// (``deriveInLanes(password:salt:parameters:length:threads:)``, ScryptLanes.swift).
/// ``derive(password:salt:parameters:length:)`` picks the one measured faster
/// for the call (``Implementation/preferred(for:cores:optimized:)``).
package enum Scrypt {
    /// One named parameter set.
    package struct Parameters: Sendable, Equatable {
        package let n: UInt64
        package let r: UInt32
        package let p: UInt32

        package init(n: UInt64, r: UInt32, p: UInt32) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// BIP38's heavy scrypt over the passphrase: N=16384, r=8, p=8.
        package static let bip38Passphrase = Parameters(n: 16384, r: 8, p: 8)
        /// BIP38's light scrypt over the passpoint: N=1024, r=1, p=1.
        package static let bip38Passpoint = Parameters(n: 1024, r: 1, p: 1)
    }
}

extension Scrypt.Parameters {
    /// One ROMix lane's working memory, 128·r·(N + 2) bytes, or nil when the
    /// product overflows (the call will be refused).
    var laneWorkingBytes: Int? {
        guard let n = Int(exactly: n), case (let entries, false) = n.addingReportingOverflow(2),
            case (let width, false) = 128.multipliedReportingOverflow(by: Int(r)),
            case (let product, false) = width.multipliedReportingOverflow(by: entries)
        else { return nil }
        return product
    }

    /// Checks the parameters before anything is allocated, for both implementations:
    /// - RFC 7914's conditions (N a power of two above 1 and below 2^32, r and p
    ///   at least 1, r·p below 2^30): else ``CryptoError/libraryFailure(_:)``,
    ///   the message libsodium's refusal gets;
    /// - the memory of the call: the p lanes (128·r·p bytes), one ROMix working
    ///   area (128·r·(N + 2) bytes) and the `length` output bytes, each product
    ///   and sum checked for overflow and the total within the machine's physical
    ///   memory: else ``CryptoError/memoryUnavailable(_:)``. A call past physical
    ///   memory could only swap or be killed; refused at once instead.
    func check(length: Int) throws(CryptoError) {
        let name = "scrypt(N=\(n), r=\(r), p=\(p))"
        guard n > 1, n & (n - 1) == 0, n <= UInt64(UInt32.max), r >= 1, p >= 1,
            UInt64(r) * UInt64(p) < 1 << 30, length >= 0
        else { throw .libraryFailure("\(name) failed") }
        guard case (let laneBytes, false) = 128.multipliedReportingOverflow(by: Int(r)),
            case (let lanes, false) = laneBytes.multipliedReportingOverflow(by: Int(p)),
            let working = laneWorkingBytes,
            case (let partial, false) = lanes.addingReportingOverflow(working),
            case (let total, false) = partial.addingReportingOverflow(length)
        else { throw .memoryUnavailable("\(name) with \(length) output bytes: its memory overflows") }
        let physical = Scrypt.physicalMemoryBytes
        guard total <= physical else {
            throw .memoryUnavailable("\(name) needs \(total) bytes, more than this machine's \(physical)")
        }
    }
}

extension Scrypt {
    /// The machine's physical memory in bytes (Int.max when the system does not say).
    static var physicalMemoryBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0, case (let bytes, false) = pages.multipliedReportingOverflow(by: size) else {
            return .max
        }
        return bytes
    }

    /// Where scrypt's working memory comes from: 16-byte aligned, nil when the
    /// system has none (a failure the caller throws, never a trap), released with `free`.
    @safe package struct Allocator: Sendable {
        package let allocate: @Sendable (Int) -> UnsafeMutableRawPointer?

        package init(allocate: @escaping @Sendable (Int) -> UnsafeMutableRawPointer?) {
            unsafe self.allocate = allocate
        }

        /// `aligned_alloc(16, ...)` from the C library.
        package static let system = unsafe Allocator { bytes in
            let rounded = (bytes + 15) & ~15
            return unsafe aligned_alloc(16, max(rounded, 16))
        }
    }
}

/// scrypt calls of this process running now through ``Scrypt/derive(password:salt:parameters:length:)``.
private let callsInFlight = Atomic<Int>(0)

extension Scrypt {
    /// Which code computes a scrypt call.
    package enum Implementation: Sendable, Equatable, CustomStringConvertible {
        /// libsodium's `crypto_pwhash_scryptsalsa208sha256_ll`: the reference.
        /// It runs the p lanes one after another on the calling thread.
        case libsodium
        /// This package's ROMix (Sources/CryptoCore/ROMix.swift, the C kernel in
        /// Sources/CKernels/CSalsa) over OpenSSL's PBKDF2, with the p lanes spread
        /// over `threads` threads and run side by side on each.
        case lanes(threads: Int)

        package var description: String {
            switch self {
            case .libsodium: "libsodium"
            case .lanes(let threads): "lanes on \(threads) thread\(threads == 1 ? "" : "s")"
            }
        }

        /// The implementation for one call that has `cores` cores to itself.
        ///
        /// Chosen by measurement (`make bench`, Docs/Performance.md): in a
        /// release build, the lanes implementation always, on up to p threads
        /// (one per core given), each thread running its lanes side by side in
        /// the C kernel (Sources/CKernels/CSalsa: 8 at once with AVX-512, 4 with
        /// AVX2, SSE2 or NEON). BIP38's heavy scrypt on one core takes about
        /// half of libsodium's time (its 8 lanes in one call), and its light
        /// scrypt over the passpoint reuses a wiped workspace where libsodium
        /// maps and unmaps fresh memory for every call.
        ///
        /// A caller that already keeps every core busy with other calls (site
        /// A's batch) should pass `cores: 1`; ``Scrypt/derive(password:salt:parameters:length:)``
        /// does that count itself.
        ///
        /// In a debug build (`swift build`, `swift test`) the kernel is compiled
        /// without optimisation and runs many times slower than libsodium, so
        /// there the measured choice is libsodium for every call (`optimized: false`).
        package static func preferred(
            for parameters: Parameters, cores: Int, optimized: Bool = Implementation.buildIsOptimized
        ) -> Implementation {
            guard optimized else { return .libsodium }
            return .lanes(threads: max(1, min(cores, Int(parameters.p))))
        }

        /// Whether this code was compiled with optimisation (a release build).
        package static var buildIsOptimized: Bool {
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
    ///   (N not a power of two above 1, r or p zero), ``CryptoError/memoryUnavailable(_:)``
    ///   for memory that overflows, exceeds physical memory or cannot be allocated.
    package static func derive(
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
    /// lanes side by side on its own thread. The bytes are the same whichever runs.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` for parameters scrypt refuses
    ///   (N not a power of two above 1, r or p zero), ``CryptoError/memoryUnavailable(_:)``
    ///   for memory it cannot get (128·N·r bytes per lane).
    package static func derive(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int
    ) throws(CryptoError) -> SecretBytes {
        let others = callsInFlight.add(1, ordering: .relaxed).oldValue
        defer { callsInFlight.subtract(1, ordering: .relaxed) }
        let free = max(1, availableCores() - others)
        return try derive(
            password: password, salt: salt, parameters: parameters, length: length,
            using: .preferred(for: parameters, cores: free))
    }
}
