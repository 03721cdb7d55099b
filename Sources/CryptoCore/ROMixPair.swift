/// Two ROMix lanes at once on one thread (RFC 7914's lanes are independent).
///
/// Salsa20/8 is one long chain of dependent vector operations, so a single
/// lane leaves most of a core's execution units idle waiting on the previous
/// result. Interleaving a second, unrelated lane's chain fills those slots,
/// and the two lanes' random reads of V overlap their memory latency too.
/// ``Scrypt/deriveInLanes(password:salt:parameters:length:threads:)`` gives
/// each thread its lanes two at a time.
extension ROMix {
    /// scryptROMix on `laneA` with this workspace and on `laneB` with `other`'s, interleaved.
    @_optimize(speed)
    func mix(lane laneA: UnsafeMutableRawPointer, pairedWith other: ROMix, lane laneB: UnsafeMutableRawPointer) {
        precondition(other.n == n && other.r == r, "paired lanes need the same parameters")
        let rows = rowsPerEntry
        let (va, vb) = unsafe (vPointer, other.vPointer)
        let (xa0, xb0) = unsafe (xPointer, other.xPointer)
        let (xa1, xb1) = unsafe (xPointer + rows, other.xPointer + rows)
        unsafe Self.load(lane: laneA, into: va, r: r)
        unsafe Self.load(lane: laneB, into: vb, r: r)
        for i in 0..<(n - 1) {
            unsafe Self.blockMixPair(
                va + i * rows, nil, into: va + (i + 1) * rows, vb + i * rows, nil, into: vb + (i + 1) * rows, r: r)
        }
        unsafe Self.blockMixPair(va + (n - 1) * rows, nil, into: xa0, vb + (n - 1) * rows, nil, into: xb0, r: r)
        let mask = n - 1
        let last = (2 * r - 1) * 4
        var i = 0
        while i < n {
            var ja = Int(unsafe xa0[last][0]) & mask
            var jb = Int(unsafe xb0[last][0]) & mask
            unsafe Self.blockMixPair(xa0, va + ja * rows, into: xa1, xb0, vb + jb * rows, into: xb1, r: r)
            ja = Int(unsafe xa1[last][0]) & mask
            jb = Int(unsafe xb1[last][0]) & mask
            unsafe Self.blockMixPair(xa1, va + ja * rows, into: xa0, xb1, vb + jb * rows, into: xb0, r: r)
            i += 2
        }
        unsafe Self.store(xa0, into: laneA, r: r)
        unsafe Self.store(xb0, into: laneB, r: r)
    }

    /// Two scryptBlockMix(input xor other) side by side; `other` nil means no xor.
    @inline(__always) @_optimize(speed)
    private static func blockMixPair(
        _ inA: UnsafeMutablePointer<Row>, _ otherA: UnsafeMutablePointer<Row>?, into outA: UnsafeMutablePointer<Row>,
        _ inB: UnsafeMutablePointer<Row>, _ otherB: UnsafeMutablePointer<Row>?, into outB: UnsafeMutablePointer<Row>,
        r: Int
    ) {
        @inline(__always) func word(
            _ input: UnsafeMutablePointer<Row>, _ other: UnsafeMutablePointer<Row>?, _ k: Int
        ) -> Row {
            if let other = unsafe other { unsafe input[k] ^ other[k] } else { unsafe input[k] }
        }
        let last = (2 * r - 1) * 4
        var a0 = unsafe word(inA, otherA, last)
        var a1 = unsafe word(inA, otherA, last + 1)
        var a2 = unsafe word(inA, otherA, last + 2)
        var a3 = unsafe word(inA, otherA, last + 3)
        var b0 = unsafe word(inB, otherB, last)
        var b1 = unsafe word(inB, otherB, last + 1)
        var b2 = unsafe word(inB, otherB, last + 2)
        var b3 = unsafe word(inB, otherB, last + 3)
        for i in 0..<r {
            for half in 0..<2 {
                let k = i * 8 + half * 4
                a0 ^= unsafe word(inA, otherA, k)
                a1 ^= unsafe word(inA, otherA, k + 1)
                a2 ^= unsafe word(inA, otherA, k + 2)
                a3 ^= unsafe word(inA, otherA, k + 3)
                b0 ^= unsafe word(inB, otherB, k)
                b1 ^= unsafe word(inB, otherB, k + 1)
                b2 ^= unsafe word(inB, otherB, k + 2)
                b3 ^= unsafe word(inB, otherB, k + 3)
                salsa208Pair(&a0, &a1, &a2, &a3, &b0, &b1, &b2, &b3)
                let out = (half * r + i) * 4
                unsafe outA[out] = a0
                unsafe outA[out + 1] = a1
                unsafe outA[out + 2] = a2
                unsafe outA[out + 3] = a3
                unsafe outB[out] = b0
                unsafe outB[out + 1] = b1
                unsafe outB[out + 2] = b2
                unsafe outB[out + 3] = b3
            }
        }
    }

    /// Salsa20/8 on two blocks, their rounds interleaved.
    @inline(__always) @_optimize(speed)
    private static func salsa208Pair(
        _ a0: inout Row, _ a1: inout Row, _ a2: inout Row, _ a3: inout Row,
        _ b0: inout Row, _ b1: inout Row, _ b2: inout Row, _ b3: inout Row
    ) {
        var (x0, x1, x2, x3) = (a0, a1, a2, a3)
        var (y0, y1, y2, y3) = (b0, b1, b2, b3)
        for _ in 0..<4 {
            // Columns.
            x1 ^= rotated(x0 &+ x3, by: 7)
            y1 ^= rotated(y0 &+ y3, by: 7)
            x2 ^= rotated(x1 &+ x0, by: 9)
            y2 ^= rotated(y1 &+ y0, by: 9)
            x3 ^= rotated(x2 &+ x1, by: 13)
            y3 ^= rotated(y2 &+ y1, by: 13)
            x0 ^= rotated(x3 &+ x2, by: 18)
            y0 ^= rotated(y3 &+ y2, by: 18)
            x1 = Row(x1[3], x1[0], x1[1], x1[2])
            y1 = Row(y1[3], y1[0], y1[1], y1[2])
            x2 = Row(x2[2], x2[3], x2[0], x2[1])
            y2 = Row(y2[2], y2[3], y2[0], y2[1])
            x3 = Row(x3[1], x3[2], x3[3], x3[0])
            y3 = Row(y3[1], y3[2], y3[3], y3[0])
            // Rows.
            x3 ^= rotated(x0 &+ x1, by: 7)
            y3 ^= rotated(y0 &+ y1, by: 7)
            x2 ^= rotated(x3 &+ x0, by: 9)
            y2 ^= rotated(y3 &+ y0, by: 9)
            x1 ^= rotated(x2 &+ x3, by: 13)
            y1 ^= rotated(y2 &+ y3, by: 13)
            x0 ^= rotated(x1 &+ x2, by: 18)
            y0 ^= rotated(y1 &+ y2, by: 18)
            x1 = Row(x1[1], x1[2], x1[3], x1[0])
            y1 = Row(y1[1], y1[2], y1[3], y1[0])
            x2 = Row(x2[2], x2[3], x2[0], x2[1])
            y2 = Row(y2[2], y2[3], y2[0], y2[1])
            x3 = Row(x3[3], x3[0], x3[1], x3[2])
            y3 = Row(y3[3], y3[0], y3[1], y3[2])
        }
        a0 &+= x0
        a1 &+= x1
        a2 &+= x2
        a3 &+= x3
        b0 &+= y0
        b1 &+= y1
        b2 &+= y2
        b3 &+= y3
    }
}
