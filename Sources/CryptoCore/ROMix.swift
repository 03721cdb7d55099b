internal import CSalsa
import Foundation
import Synchronization

/// scrypt's memory-hard core (RFC 7914, sections 3 to 5), scryptROMix, on
/// several lanes at once: the workspace of this package's C kernel
/// (Sources/CKernels/CSalsa), which runs up to ``lanesAtOnce`` lanes side by side.
///
/// Salsa20/8 is one long chain of dependent vector operations; a single lane
/// leaves most of a core's vector units idle. The kernel holds one 16-byte row
/// of each of W lanes in one register (W = 8 with AVX-512: two 512-bit chains;
/// 4 with AVX2: two 256-bit chains; 4 on SSE2 and arm64), so W independent
/// chains fill those units, and W lanes' random reads of V overlap their
/// memory latency. Each lane keeps its own V; the kernel is chosen for the CPU
/// at each call (Docs/Performance.md, "Which kernel runs where").
///
/// The lanes of one scrypt call are independent (RFC 7914, section 6, step 2),
/// which is what lets ``Scrypt/deriveInLanes(password:salt:parameters:length:threads:allocator:)``
/// run them side by side and on several cores; libsodium runs them one after another.
@safe final class ROMix: @unchecked Sendable {
    let n: Int
    let r: Int
    /// How many lanes this workspace runs at once (at most ``lanesAtOnce``).
    let lanes: Int
    /// V for each lane in flight and the interleaved X buffers: `bytes` bytes.
    private let workspace: UnsafeMutableRawPointer
    private let bytes: Int

    /// The most lanes one kernel call runs side by side on this CPU.
    static var lanesAtOnce: Int { Int(csalsa_lanes_at_once()) }

    /// The kernel this CPU runs: "avx512", "avx2", "sse2" or "portable".
    static var kernelName: String { unsafe String(cString: csalsa_kernel_name()) }

    /// Allocates the working memory for `lanes` lanes in flight (up to
    /// ``lanesAtOnce``: 128·r·(N + 2) bytes and a few cache lines each) from
    /// `allocator`, asks for huge pages on it and locks it where allowed; nil
    /// when the allocator has none (or the size overflows).
    /// Prefer ``borrow(n:r:lanes:allocator:_:)``, which reuses small workspaces.
    init?(n: Int, r: Int, lanes: Int, allocator: Scrypt.Allocator = .system) {
        let inFlight = min(max(1, lanes), Self.lanesAtOnce)
        guard n >= 2, r >= 1, let r32 = UInt32(exactly: r) else { return nil }
        let bytes = Int(csalsa_workspace_bytes(UInt64(n), r32, inFlight))
        guard bytes > 0, bytes <= Int.max - 15, let raw = unsafe allocator.allocate(bytes) else { return nil }
        _ = unsafe csalsa_prepare_workspace(raw, bytes)
        self.n = n
        self.r = r
        self.lanes = inFlight
        self.bytes = bytes
        unsafe workspace = raw
    }

    deinit {
        wipeWorkingMemory()
        unsafe free(workspace)
    }

    /// V and X hold values derived from the password: wiped after every use and before release.
    private func wipeWorkingMemory() {
        unsafe wipe(workspace, bytes)
    }

    /// Workspaces up to this size are kept for reuse between calls, wiped: every
    /// workspace a call of BIP38's two scrypts makes. The light one (N=1024, r=1:
    /// 128 KiB a lane) is made thousands of times per batch at site B, and the
    /// heavy one (16 MiB a lane, 128 MiB for 8 lanes in flight) once per card at
    /// site A and in the audit. A fresh workspace is a fresh `mmap`, page faults,
    /// zeroing and, under `mlockall`, page locking each time: for 128 MiB that
    /// took a third of the call (Docs/Performance.md). What stays is wiped after
    /// every use, locked where allowed, and freed when the process ends; larger
    /// workspaces (scrypt calls beyond BIP38's) are freed after each call.
    static let reusableBytes = 1 << 28

    /// At most this many workspaces wait for reuse (one per core is what a
    /// batch on every core needs)...
    private static let poolLimit = max(2, availableCores())

    /// ...holding at most this many bytes together: an eighth of physical memory.
    private static let poolBytesLimit = Scrypt.physicalMemoryBytes / 8

    /// Idle workspaces of at most ``reusableBytes``, wiped.
    private static let pool = Mutex<[ROMix]>([])

    /// Runs `body` with a workspace for `lanes` lanes of (n, r): a wiped one from
    /// the pool when the size allows, else a new one from `allocator`. The
    /// workspace is wiped before it is pooled or freed. Nil, without running
    /// `body`, when no memory can be had.
    static func borrow<Result>(
        n: Int, r: Int, lanes: Int, allocator: Scrypt.Allocator = .system, _ body: (ROMix) -> Result
    ) -> Result? {
        let inFlight = min(max(1, lanes), lanesAtOnce)
        let small =
            (Scrypt.Parameters(n: UInt64(n), r: UInt32(truncatingIfNeeded: r), p: 1).laneWorkingBytes ?? .max)
            <= reusableBytes / inFlight
        guard
            let workspace =
                (small
                    ? pool.withLock { pool in
                        pool.firstIndex { $0.n == n && $0.r == r && $0.lanes == inFlight }.map { pool.remove(at: $0) }
                    }
                    : nil)
                ?? ROMix(n: n, r: r, lanes: inFlight, allocator: allocator)
        else { return nil }
        let result = body(workspace)
        if small {
            workspace.wipeWorkingMemory()
            pool.withLock { pool in
                let pooled = pool.reduce(0) { $0 + $1.bytes }
                if pool.count < poolLimit && workspace.bytes <= poolBytesLimit - pooled { pool.append(workspace) }
            }
        }
        return result
    }

    /// scryptROMix(r, B, N) in place on each lane of 128·r little-endian bytes,
    /// ``lanes`` at a time, in this CPU's kernel or the one named `kernel` (which
    /// the CPU must have). The workspace is wiped when the pool or `deinit` takes it.
    func mix(lanes pointers: [UnsafeMutableRawPointer], kernel: String? = nil) {
        precondition(unsafe !pointers.isEmpty, "no lanes to mix")
        var typed = unsafe pointers.map {
            unsafe $0.assumingMemoryBound(to: UInt8.self) as UnsafeMutablePointer<UInt8>?
        }
        let total = unsafe typed.count
        var start = 0
        while start < total {
            let count = min(lanes, total - start)
            let status = unsafe typed.withUnsafeMutableBufferPointer { buffer in
                if let kernel {
                    unsafe csalsa_romix_with(
                        kernel, buffer.baseAddress! + start, count, UInt64(n), UInt32(r), workspace)
                } else {
                    unsafe csalsa_romix(buffer.baseAddress! + start, count, UInt64(n), UInt32(r), workspace)
                }
            }
            // The arguments were checked when the workspace was made (n a power of two
            // by Parameters.check, r ≥ 1, at most `lanes` lanes in its memory), and a
            // named kernel against ``Scrypt/runnableKernels`` by the caller.
            precondition(status == 0, "csalsa_romix refused checked arguments")
            start += count
        }
    }
}

extension Scrypt {
    /// The kernel ``deriveInLanes(password:salt:parameters:length:threads:allocator:)``
    /// runs on this CPU ("avx512", "avx2", "sse2" or "portable") and how many lanes it
    /// runs side by side, for `make bench` and the documentation.
    package static var kernel: (name: String, lanesAtOnce: Int) { (ROMix.kernelName, ROMix.lanesAtOnce) }

    /// Every kernel this CPU can run, its own first: the narrower x86-64 ones run
    /// on any CPU that has the wider (AVX-512 CPUs have AVX2; every x86-64 has SSE2).
    package static var runnableKernels: [String] {
        switch ROMix.kernelName {
        case "avx512": ["avx512", "avx2", "sse2"]
        case "avx2": ["avx2", "sse2"]
        default: [ROMix.kernelName]
        }
    }

    /// scryptROMix (RFC 7914, section 5) on a copy of each of `lanes` (128·r bytes
    /// each, N = `n` a power of two of at least 2) in `kernel`, one of
    /// ``runnableKernels``, all side by side as that kernel runs them: for the
    /// tests that hold every kernel to the one ``derive(password:salt:parameters:length:)``
    /// runs. Nil for arguments it refuses or no memory.
    package static func romix(lanes: [[UInt8]], n: Int, r: Int, kernel: String) -> [[UInt8]]? {
        guard runnableKernels.contains(kernel), !lanes.isEmpty, n >= 2, n & (n - 1) == 0, r >= 1,
            lanes.allSatisfy({ $0.count == 128 * r })
        else { return nil }
        let laneBytes = 128 * r
        var joined = lanes.flatMap { $0 }
        let done: Void? = unsafe joined.withUnsafeMutableBytes { buffer -> Void? in
            let pointers = unsafe (0..<lanes.count).map { unsafe buffer.baseAddress! + $0 * laneBytes }
            return ROMix.borrow(n: n, r: r, lanes: lanes.count) { romix in
                unsafe romix.mix(lanes: pointers, kernel: kernel)
            }
        }
        guard done != nil else { return nil }
        return (0..<lanes.count).map { Array(joined[($0 * laneBytes)..<(($0 + 1) * laneBytes)]) }
    }

    /// `count` Salsa20/8 cores (RFC 7914, section 3, with the feed-forward) chained
    /// on each of `lanes` 64-byte blocks (`blocks`, one after another), the lanes
    /// side by side in this CPU's kernel: the blocks after, or nil for a lane count
    /// the kernel has no width for (1, 2, 4 or 8, at most ``kernel``'s lanesAtOnce).
    package static func salsa208(blocks: [UInt8], lanes: Int, count: Int) -> [UInt8]? {
        guard lanes >= 1, count >= 0, blocks.count == 64 * lanes else { return nil }
        var output = blocks
        let status = unsafe output.withUnsafeMutableBytes { buffer in
            unsafe csalsa_salsa_chain(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), lanes, UInt64(count))
        }
        return status == 0 ? output : nil
    }

    /// The compute floor: nanoseconds per Salsa20/8 core when `lanes` independent
    /// chains of `count` cores each run side by side in this CPU's kernel, with no
    /// memory traffic (``salsa208(blocks:lanes:count:)``). Nil as that is.
    package static func salsaCoreNanoseconds(lanes: Int, count: Int) -> Double? {
        guard count >= 1 else { return nil }
        let blocks = (0..<(64 * max(lanes, 0))).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let start = ContinuousClock.now
        guard salsa208(blocks: blocks, lanes: lanes, count: count) != nil else { return nil }
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(lanes * count)
    }
}
