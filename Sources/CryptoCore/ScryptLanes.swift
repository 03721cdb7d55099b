import Foundation
import Synchronization

// scrypt's lanes scheduler: PBKDF2 (PBKDF2+OpenSSL.swift) around ROMix (ROMix.swift,
// ROMixPair.swift) on up to p threads.
extension Scrypt {
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
        let base = unsafe SendablePointer(lanesBase)
        let workspaceMissing = Atomic<Bool>(false)
        let mixLanes = { @Sendable (worker: Int) in
            // This worker's lanes: worker, worker + workers, ... Two at a time
            // where there are two (ROMixPair.swift), the odd one alone.
            let mine = Array(stride(from: worker, to: p, by: workers))
            let done: Void? = ROMix.borrow(n: Int(n), r: r, allocator: allocator) { romix in
                if mine.count >= 2 {
                    let paired: Void? = ROMix.borrow(n: Int(n), r: r, allocator: allocator) { partner in
                        for pair in stride(from: 0, to: mine.count - 1, by: 2) {
                            unsafe romix.mix(
                                lane: base.pointer + mine[pair] * laneBytes, pairedWith: partner,
                                lane: base.pointer + mine[pair + 1] * laneBytes)
                        }
                    }
                    if paired == nil {
                        workspaceMissing.store(true, ordering: .relaxed)
                        return
                    }
                }
                if mine.count % 2 == 1 { unsafe romix.mix(lane: base.pointer + mine[mine.count - 1] * laneBytes) }
            }
            if done == nil { workspaceMissing.store(true, ordering: .relaxed) }
        }
        if workers == 1 {
            mixLanes(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: mixLanes)
        }
        if workspaceMissing.load(ordering: .relaxed) { throw unavailable }
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

/// A raw pointer handed to worker threads that each touch their own lanes only.
@unsafe struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { unsafe self.pointer = pointer }
}
