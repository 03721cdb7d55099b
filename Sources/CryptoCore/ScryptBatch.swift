import Foundation

// Many independent scrypt calls of one parameter set, their ROMix lanes side by
// side in the C kernel (Sources/CKernels/CSalsa): site B's light scrypt, one call
// per card, whose single lane alone leaves most of a core's vector units idle.
extension Scrypt {
    /// Derives `length` bytes for each of `calls` (a password and a salt each,
    /// all with `parameters`), in order, with `implementation`: libsodium one
    /// call after another, or the lanes implementation with every call's lanes
    /// side by side (``deriveManyInLanes(_:parameters:length:allocator:)``; its
    /// thread count is ignored, the calls run on the calling thread). Both give
    /// each call the bytes ``derive(password:salt:parameters:length:using:)``
    /// gives it alone (Tests/CryptoCoreTests).
    /// - Throws: ``CryptoError/libraryFailure(_:)`` and ``CryptoError/memoryUnavailable(_:)``
    ///   as ``derive(password:salt:parameters:length:using:)``, for the whole batch.
    package static func derive<Password: ContiguousBytes, Salt: ContiguousBytes>(
        many calls: [(password: Password, salt: Salt)], parameters: Parameters, length: Int,
        using implementation: Implementation
    ) throws(CryptoError) -> [SecretBytes] {
        switch implementation {
        case .libsodium:
            var outputs: [SecretBytes] = []
            outputs.reserveCapacity(calls.count)
            for call in calls {
                outputs.append(
                    try deriveWithLibsodium(
                        password: call.password, salt: call.salt, parameters: parameters, length: length))
            }
            return outputs
        case .lanes:
            return try deriveManyInLanes(calls, parameters: parameters, length: length)
        }
    }

    /// Derives `length` bytes for each of `calls` with the implementation measured
    /// fastest for a thread that keeps to itself (``Implementation/preferred(for:cores:optimized:)``
    /// with one core: a caller that spreads batches over the cores, as site B does,
    /// runs one batch per core). In a release build that is the lanes
    /// implementation, every call's lanes side by side; in a debug build libsodium.
    /// - Throws: as ``derive(many:parameters:length:using:)``.
    package static func derive<Password: ContiguousBytes, Salt: ContiguousBytes>(
        many calls: [(password: Password, salt: Salt)], parameters: Parameters, length: Int
    ) throws(CryptoError) -> [SecretBytes] {
        try derive(
            many: calls, parameters: parameters, length: length, using: .preferred(for: parameters, cores: 1))
    }

    /// scrypt (RFC 7914, section 6) for each of `calls`, with the ROMix lanes of
    /// all of them run together on the calling thread:
    ///
    ///     B_c   = PBKDF2-HMAC-SHA256(P_c, S_c, 1, p·128·r)    for each call c, OpenSSL
    ///     B_c,i = scryptROMix(r, B_c,i, N)                     every lane of every call,
    ///                                                          side by side (ROMix.swift)
    ///     DK_c  = PBKDF2-HMAC-SHA256(P_c, B_c, 1, dkLen)       for each call c, OpenSSL
    ///
    /// The lanes go through one workspace as many at a time as the kernel runs
    /// (ROMix.lanesAtOnce: 8 with AVX-512, else 4), whatever their count: a
    /// remainder runs in the kernel's narrower widths. For BIP38's light scrypt
    /// (N=1024, r=1, p=1) that is one 128 KiB V per card in flight, a pooled
    /// workspace of about 1 MiB, wiped after use; the lanes' buffer is wiped too.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` for parameters scrypt refuses,
    ///   ``CryptoError/memoryUnavailable(_:)`` when the lanes of all calls together
    ///   overflow or exceed physical memory, or `allocator` has no memory for them
    ///   or for a workspace.
    package static func deriveManyInLanes<Password: ContiguousBytes, Salt: ContiguousBytes>(
        _ calls: [(password: Password, salt: Salt)], parameters: Parameters, length: Int,
        allocator: Allocator = .system
    ) throws(CryptoError) -> [SecretBytes] {
        // RFC 7914's conditions and one call's memory (check() allows 128·r·p bytes of lanes).
        try parameters.check(length: length)
        guard !calls.isEmpty else { return [] }
        let r = Int(parameters.r)
        let laneBytes = 128 * r
        let callBytes = laneBytes * Int(parameters.p)
        let name = "scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p))"
        let working = parameters.laneWorkingBytes ?? .max
        guard case (let total, false) = callBytes.multipliedReportingOverflow(by: calls.count),
            total <= Scrypt.physicalMemoryBytes - min(working, Scrypt.physicalMemoryBytes)
        else { throw .memoryUnavailable("\(name) for \(calls.count) calls: their lanes do not fit in memory") }
        let unavailable = CryptoError.memoryUnavailable("\(name): allocation failed")

        guard let lanesBase = unsafe allocator.allocate(total) else { throw unavailable }
        let lanes = unsafe UnsafeMutableRawBufferPointer(start: lanesBase, count: total)
        defer {
            unsafe wipe(lanesBase, total)
            unsafe free(lanesBase)
        }
        for (index, call) in calls.enumerated() {
            try unsafe pbkdf2(
                password: call.password, salt: call.salt,
                into: UnsafeMutableRawBufferPointer(rebasing: lanes[(index * callBytes)..<((index + 1) * callBytes)]))
        }
        // Every lane of every call, as many side by side as the kernel runs (fewer
        // when so many working areas would not fit in physical memory).
        let count = total / laneBytes
        let pointers = unsafe (0..<count).map { unsafe lanesBase + $0 * laneBytes }
        let fitting = max(1, Scrypt.physicalMemoryBytes / max(1, working))
        let done: Void? = ROMix.borrow(
            n: Int(parameters.n), r: r, lanes: min(count, fitting), allocator: allocator
        ) { romix in
            unsafe romix.mix(lanes: pointers)
        }
        guard done != nil else { throw unavailable }
        var outputs: [SecretBytes] = []
        outputs.reserveCapacity(calls.count)
        for (index, call) in calls.enumerated() {
            let mixed = unsafe UnsafeRawBufferPointer(
                rebasing: lanes[(index * callBytes)..<((index + 1) * callBytes)])
            outputs.append(try unsafe pbkdf2(password: call.password, salt: mixed, length: length))
        }
        return outputs
    }
}
