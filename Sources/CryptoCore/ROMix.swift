import Synchronization

#if arch(x86_64)
internal import _Builtin_intrinsics.intel
#endif

/// scrypt's memory-hard core (RFC 7914, sections 3 to 5): Salsa20/8,
/// scryptBlockMix and scryptROMix, on one lane of 128·r bytes.
///
/// Pure Swift over SSE-width vectors. Each 64-byte block is held in the
/// "diagonal" order of the SSE2 code in Colin Percival's scrypt
/// (crypto_scrypt-sse.c), word i of a vector row being word (5·i mod 16) of
/// the block, so Salsa20's column and row rounds are whole-vector operations
/// with three lane rotations in between. Blocks are converted on the way in
/// and out of a lane; the working array V never leaves that order.
///
/// The lanes of one scrypt call are independent (RFC 7914, section 6, step 2),
/// which is what lets ``Scrypt/deriveInLanes(password:salt:parameters:length:threads:)``
/// run them on several cores; libsodium runs them one after another.
@safe final class ROMix: @unchecked Sendable {
    typealias Row = SIMD4<UInt32>

    let n: Int
    let r: Int
    /// V: n entries of 2r blocks of 4 rows. n·128·r bytes.
    private let v: UnsafeMutablePointer<Row>
    /// X and Y, the two halves of the double-buffered BlockMix: 2 × 2r blocks.
    private let x: UnsafeMutablePointer<Row>

    var vPointer: UnsafeMutablePointer<Row> { unsafe v }
    var xPointer: UnsafeMutablePointer<Row> { unsafe x }

    /// Rows per entry of V (2r blocks of 4 rows, 128·r bytes).
    var rowsPerEntry: Int { 8 * r }

    /// Allocates the working memory for one lane at a time (n·128·r + 256·r bytes)
    /// from `allocator`, or nil when it has none (or the size overflows).
    /// Prefer ``borrow(n:r:allocator:_:)``, which reuses small workspaces.
    init?(n: Int, r: Int, allocator: Scrypt.Allocator = .system) {
        guard n >= 1, r >= 1, case (let rows, false) = n.multipliedReportingOverflow(by: 8 * r),
            case (let vBytes, false) = rows.multipliedReportingOverflow(by: MemoryLayout<Row>.stride),
            let vRaw = unsafe allocator.allocate(vBytes)
        else { return nil }
        guard let xRaw = unsafe allocator.allocate(2 * 8 * r * MemoryLayout<Row>.stride) else {
            unsafe free(vRaw)
            return nil
        }
        self.n = n
        self.r = r
        unsafe v = vRaw.bindMemory(to: Row.self, capacity: rows)
        unsafe x = xRaw.bindMemory(to: Row.self, capacity: 2 * 8 * r)
    }

    deinit {
        wipeWorkingMemory()
        unsafe free(v)
        unsafe free(x)
    }

    /// V and X hold values derived from the password: wiped after every use and before release.
    private func wipeWorkingMemory() {
        unsafe wipe(UnsafeMutableRawPointer(v), n * 8 * r * 16)
        unsafe wipe(UnsafeMutableRawPointer(x), 2 * 8 * r * 16)
    }

    /// Workspaces up to this size are kept for reuse between calls: BIP38's light
    /// scrypt (N=1024, r=1: 128 KiB) is made thousands of times per batch at site B,
    /// and a fresh 128 KiB allocation is a fresh `mmap` (glibc's threshold), page
    /// faults and, under `mlockall`, page locking each time. Heavy lanes (16 MiB)
    /// are not kept: they are few, and their memory should not stay resident.
    static let reusableBytes = 1 << 20

    /// At most this many workspaces wait for reuse (one per core is what a
    /// batch on every core needs).
    private static let poolLimit = max(2, availableCores())

    /// Idle workspaces of at most ``reusableBytes``, wiped.
    private static let pool = Mutex<[ROMix]>([])

    /// Runs `body` with a workspace for (n, r): a wiped one from the pool when the
    /// size allows, else a new one from `allocator`. The workspace is wiped before
    /// it is pooled or freed. Nil, without running `body`, when no memory can be had.
    static func borrow<Result>(
        n: Int, r: Int, allocator: Scrypt.Allocator = .system, _ body: (ROMix) -> Result
    ) -> Result? {
        let small =
            (Scrypt.Parameters(n: UInt64(n), r: UInt32(truncatingIfNeeded: r), p: 1).laneWorkingBytes ?? .max)
            <= reusableBytes
        guard
            let workspace =
                (small
                    ? pool.withLock { pool in pool.firstIndex { $0.n == n && $0.r == r }.map { pool.remove(at: $0) } }
                    : nil)
                ?? ROMix(n: n, r: r, allocator: allocator)
        else { return nil }
        let result = body(workspace)
        if small {
            workspace.wipeWorkingMemory()
            pool.withLock { pool in
                if pool.count < poolLimit { pool.append(workspace) }
            }
        }
        return result
    }

    /// scryptROMix(r, B, N) in place on one lane of 128·r little-endian bytes.
    @_optimize(speed)
    func mix(lane: UnsafeMutableRawPointer) {
        let rows = rowsPerEntry
        let x0 = unsafe x
        let x1 = unsafe x + rows
        // Into diagonal order, straight into V_0.
        unsafe Self.load(lane: lane, into: v, r: r)
        // Steps 2-4: V_i = X; X = BlockMix(X). Each BlockMix writes the next
        // entry of V directly, so X is never copied.
        for i in 0..<(n - 1) {
            unsafe Self.blockMix(v + i * rows, into: v + (i + 1) * rows, r: r)
        }
        unsafe Self.blockMix(v + (n - 1) * rows, into: x0, r: r)
        // Steps 6-9: j = Integerify(X) mod N; X = BlockMix(X xor V_j).
        let mask = n - 1
        let last = (2 * r - 1) * 4
        var i = 0
        while i < n {
            var j = Int(unsafe x0[last][0]) & mask
            unsafe Self.blockMix(x0, xor: v + j * rows, into: x1, r: r)
            j = Int(unsafe x1[last][0]) & mask
            unsafe Self.blockMix(x1, xor: v + j * rows, into: x0, r: r)
            i += 2
        }
        // Out of diagonal order.
        unsafe Self.store(x0, into: lane, r: r)
    }

    /// One lane's 128·r little-endian bytes into diagonal order at `rows`.
    @inline(__always)
    static func load(lane: UnsafeMutableRawPointer, into rows: UnsafeMutablePointer<Row>, r: Int) {
        for block in 0..<(2 * r) {
            for row in 0..<4 {
                var value = Row()
                for column in 0..<4 {
                    let word = (row * 4 + column) * 5 % 16
                    value[column] = unsafe UInt32(
                        littleEndian: lane.loadUnaligned(fromByteOffset: (block * 16 + word) * 4, as: UInt32.self))
                }
                unsafe rows[block * 4 + row] = value
            }
        }
    }

    /// Diagonal-order `rows` back into a lane's 128·r little-endian bytes.
    @inline(__always)
    static func store(_ rows: UnsafeMutablePointer<Row>, into lane: UnsafeMutableRawPointer, r: Int) {
        for block in 0..<(2 * r) {
            for row in 0..<4 {
                let value = unsafe rows[block * 4 + row]
                for column in 0..<4 {
                    let word = (row * 4 + column) * 5 % 16
                    unsafe lane.storeBytes(
                        of: value[column].littleEndian, toByteOffset: (block * 16 + word) * 4, as: UInt32.self)
                }
            }
        }
    }

    /// scryptBlockMix (RFC 7914, section 4): output blocks Y_0, Y_2, ... then Y_1, Y_3, ...
    @inline(__always) @_optimize(speed)
    private static func blockMix(_ input: UnsafeMutablePointer<Row>, into output: UnsafeMutablePointer<Row>, r: Int) {
        let last = (2 * r - 1) * 4
        var a = unsafe input[last]
        var b = unsafe input[last + 1]
        var c = unsafe input[last + 2]
        var d = unsafe input[last + 3]
        for i in 0..<r {
            let even = i * 8
            a ^= unsafe input[even]
            b ^= unsafe input[even + 1]
            c ^= unsafe input[even + 2]
            d ^= unsafe input[even + 3]
            salsa208(&a, &b, &c, &d)
            unsafe output[i * 4] = a
            unsafe output[i * 4 + 1] = b
            unsafe output[i * 4 + 2] = c
            unsafe output[i * 4 + 3] = d
            a ^= unsafe input[even + 4]
            b ^= unsafe input[even + 5]
            c ^= unsafe input[even + 6]
            d ^= unsafe input[even + 7]
            salsa208(&a, &b, &c, &d)
            unsafe output[(r + i) * 4] = a
            unsafe output[(r + i) * 4 + 1] = b
            unsafe output[(r + i) * 4 + 2] = c
            unsafe output[(r + i) * 4 + 3] = d
        }
    }

    /// scryptBlockMix(`input` xor `other`), without storing the xor.
    @inline(__always) @_optimize(speed)
    private static func blockMix(
        _ input: UnsafeMutablePointer<Row>, xor other: UnsafeMutablePointer<Row>,
        into output: UnsafeMutablePointer<Row>,
        r: Int
    ) {
        let last = (2 * r - 1) * 4
        var a = unsafe input[last] ^ other[last]
        var b = unsafe input[last + 1] ^ other[last + 1]
        var c = unsafe input[last + 2] ^ other[last + 2]
        var d = unsafe input[last + 3] ^ other[last + 3]
        for i in 0..<r {
            let even = i * 8
            a ^= unsafe input[even] ^ other[even]
            b ^= unsafe input[even + 1] ^ other[even + 1]
            c ^= unsafe input[even + 2] ^ other[even + 2]
            d ^= unsafe input[even + 3] ^ other[even + 3]
            salsa208(&a, &b, &c, &d)
            unsafe output[i * 4] = a
            unsafe output[i * 4 + 1] = b
            unsafe output[i * 4 + 2] = c
            unsafe output[i * 4 + 3] = d
            a ^= unsafe input[even + 4] ^ other[even + 4]
            b ^= unsafe input[even + 5] ^ other[even + 5]
            c ^= unsafe input[even + 6] ^ other[even + 6]
            d ^= unsafe input[even + 7] ^ other[even + 7]
            salsa208(&a, &b, &c, &d)
            unsafe output[(r + i) * 4] = a
            unsafe output[(r + i) * 4 + 1] = b
            unsafe output[(r + i) * 4 + 2] = c
            unsafe output[(r + i) * 4 + 3] = d
        }
    }

    /// `value` rotated left by `count` bits in each lane. On x86-64 through
    /// SSE2's shift intrinsics: written with Swift's generic SIMD shifts, the
    /// optimiser may turn the pair into four scalar rotates, three times slower.
    @inline(__always) @_optimize(speed)
    static func rotated(_ value: Row, by count: Int32) -> Row {
        #if arch(x86_64)
        let lanes = unsafe unsafeBitCast(value, to: __m128i.self)
        return unsafe unsafeBitCast(
            _mm_or_si128(_mm_slli_epi32(lanes, count), _mm_srli_epi32(lanes, 32 - count)), to: Row.self)
        #else
        return (value &<< UInt32(count)) | (value &>> UInt32(32 - count))
        #endif
    }

    /// One Salsa20 double round (a column round, then a row round) in diagonal order.
    @inline(__always) @_optimize(speed)
    private static func doubleRound(_ x0: inout Row, _ x1: inout Row, _ x2: inout Row, _ x3: inout Row) {
        // Columns.
        x1 ^= rotated(x0 &+ x3, by: 7)
        x2 ^= rotated(x1 &+ x0, by: 9)
        x3 ^= rotated(x2 &+ x1, by: 13)
        x0 ^= rotated(x3 &+ x2, by: 18)
        x1 = Row(x1[3], x1[0], x1[1], x1[2])
        x2 = Row(x2[2], x2[3], x2[0], x2[1])
        x3 = Row(x3[1], x3[2], x3[3], x3[0])
        // Rows.
        x3 ^= rotated(x0 &+ x1, by: 7)
        x2 ^= rotated(x3 &+ x0, by: 9)
        x1 ^= rotated(x2 &+ x3, by: 13)
        x0 ^= rotated(x1 &+ x2, by: 18)
        x1 = Row(x1[1], x1[2], x1[3], x1[0])
        x2 = Row(x2[2], x2[3], x2[0], x2[1])
        x3 = Row(x3[3], x3[0], x3[1], x3[2])
    }

    /// Salsa20/8 core (RFC 7914, section 3) on one block in diagonal order,
    /// with the feed-forward addition.
    @inline(__always) @_optimize(speed)
    static func salsa208(_ a: inout Row, _ b: inout Row, _ c: inout Row, _ d: inout Row) {
        var x0 = a
        var x1 = b
        var x2 = c
        var x3 = d
        // Four double rounds, written out.
        doubleRound(&x0, &x1, &x2, &x3)
        doubleRound(&x0, &x1, &x2, &x3)
        doubleRound(&x0, &x1, &x2, &x3)
        doubleRound(&x0, &x1, &x2, &x3)
        a &+= x0
        b &+= x1
        c &+= x2
        d &+= x3
    }
}
