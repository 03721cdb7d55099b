import Foundation

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
    /// - Throws: ``CryptoError/libraryFailure(_:)`` as ``deriveWithLibsodium(password:salt:parameters:length:)``.
    package static func deriveInLanes(
        password: some ContiguousBytes, salt: some ContiguousBytes, parameters: Parameters, length: Int, threads: Int
    ) throws(CryptoError) -> SecretBytes {
        let refused = CryptoError.libraryFailure(
            "scrypt(N=\(parameters.n), r=\(parameters.r), p=\(parameters.p)) failed")
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

/// A raw pointer handed to worker threads that each touch their own lanes only.
@unsafe struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { unsafe self.pointer = pointer }
}
