import Foundation
import Synchronization

// scrypt's lanes scheduler: PBKDF2 (PBKDF2+OpenSSL.swift) around ROMix (ROMix.swift,
// over the C kernel in Sources/CKernels/CSalsa) on up to p threads.
extension Scrypt {
    /// scrypt (RFC 7914, section 6) with its p lanes run on up to `threads`
    /// threads at once:
    ///
    ///     B   = PBKDF2-HMAC-SHA256(P, S, 1, p·128·r)       OpenSSL
    ///     B_i = scryptROMix(r, B_i, N) for each lane i     ROMix.swift, side by side
    ///     DK  = PBKDF2-HMAC-SHA256(P, B, 1, dkLen)         OpenSSL
    ///
    /// Each thread takes every `threads`-th lane and runs them in one workspace,
    /// as many side by side as the kernel runs (ROMix.lanesAtOnce: 8 with
    /// AVX-512, else 4), holding 128·r·N bytes for each lane in flight (16 MiB
    /// for BIP38's N=16384, r=8), wiped before it returns.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` and ``CryptoError/memoryUnavailable(_:)``
    ///   as ``deriveWithLibsodium(password:salt:parameters:length:)``; memoryUnavailable
    ///   too when `allocator` has no memory for the lanes or a workspace.
    package static func deriveInLanes(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int, threads: Int,
        allocator: Allocator = .system
    ) throws(CryptoError) -> SecretBytes {
        // RFC 7914's conditions, and every product of the parameters checked for
        // overflow and against physical memory: after this, n·8·r rows and
        // p·128·r bytes are representable.
        try parameters.check(length: length)
        let n = parameters.n
        let r = Int(parameters.r)
        let p = Int(parameters.p)
        let laneBytes = 128 * r
        let workers = max(1, min(threads, p))
        let unavailable = CryptoError.memoryUnavailable(
            "scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)): allocation failed")

        guard let lanesBase = unsafe allocator.allocate(p * laneBytes) else { throw unavailable }
        let lanes = unsafe UnsafeMutableRawBufferPointer(start: lanesBase, count: p * laneBytes)
        defer {
            unsafe wipe(lanesBase, lanes.count)
            unsafe free(lanesBase)
        }
        try unsafe pbkdf2(password: password, salt: salt, into: lanes)
        let base = unsafe SendablePointer(lanesBase)
        let workspaceMissing = Atomic<Bool>(false)
        // Lanes in flight on each thread: as many as it has, up to what the kernel
        // runs at once, and fewer when so many working areas would not fit in
        // physical memory (check() allowed one).
        let working = parameters.laneWorkingBytes ?? .max
        let fitting = max(1, Scrypt.physicalMemoryBytes / workers / max(1, working))
        let mixLanes = { @Sendable (worker: Int) in
            // This worker's lanes: worker, worker + workers, ..., all in one
            // workspace, as many side by side as the kernel runs (ROMix.swift).
            let mine = unsafe stride(from: worker, to: p, by: workers).map { unsafe base.pointer + $0 * laneBytes }
            let done: Void? = unsafe ROMix.borrow(
                n: Int(n), r: r, lanes: min(mine.count, fitting), allocator: allocator
            ) { romix in
                unsafe romix.mix(lanes: mine)
            }
            if done == nil { workspaceMissing.store(true, ordering: .relaxed) }
        }
        if workers == 1 {
            mixLanes(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: mixLanes)
        }
        if workspaceMissing.load(ordering: .relaxed) { throw unavailable }
        return try unsafe pbkdf2(password: password, salt: UnsafeRawBufferPointer(lanes), length: length)
    }

    /// PBKDF2-HMAC-SHA256(`password`, `salt`, 1) into `output`: scrypt's first and last step.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` as ``PBKDF2/sha256(password:salt:iterations:into:)``.
    static func pbkdf2(
        password: some ContiguousBytes, salt: some ContiguousBytes, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        var failure: CryptoError?
        unsafe password.withUnsafeBytes { passwordBytes in
            unsafe salt.withUnsafeBytes { saltBytes in
                do throws(CryptoError) {
                    try unsafe PBKDF2.sha256(password: passwordBytes, salt: saltBytes, iterations: 1, into: output)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }

    /// PBKDF2-HMAC-SHA256(`password`, `salt`, 1) as `length` secret bytes: scrypt's last step.
    /// - Throws: ``CryptoError/libraryFailure(_:)`` as ``PBKDF2/sha256(password:salt:iterations:into:)``.
    static func pbkdf2(
        password: some ContiguousBytes, salt: some ContiguousBytes, length: Int
    ) throws(CryptoError) -> SecretBytes {
        var failure: CryptoError?
        let output = unsafe SecretBytes(count: length) { out in
            do throws(CryptoError) {
                try unsafe pbkdf2(password: password, salt: salt, into: out)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return output
    }
}

/// A raw pointer handed to worker threads that each touch their own lanes only.
@unsafe struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { unsafe self.pointer = pointer }
}
