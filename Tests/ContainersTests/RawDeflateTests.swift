import Containers
import Foundation
import TestSupport
import Testing

/// A raw deflate stream (no header, no magic) is read where a source starts: exact content from
/// Python's `zlib.compressobj(wbits=-15)`, nothing from bytes that are no stream, and the budget
/// stopping a bomb.
@Suite struct RawDeflateTests {
    @Test("a raw deflate stream inflates to the exact text; too short a stream, or one not at the start, is none")
    func rawStream() throws {
        // zlib.compressobj(9, zlib.DEFLATED, -15) of ContainersTests.text.
        let stream = ContainersTests.bytes("4b4e2c4a51300003435d10a95090585c5c905194589caae0e8e4eca2ebeae6eec10500")
        var budget = Budget(limit: 1 << 20)
        #expect(try Containers.rawDeflate(stream, budget: &budget) == ContainersTests.text)
        #expect(budget.remaining == (1 << 20) - ContainersTests.text.count)
        // "hi there" ends cleanly with 8 bytes: the least that counts. "hi" is too short to matter.
        #expect(
            try Containers.rawDeflate(ContainersTests.bytes("cbc85428c9482d4a0500"), budget: &budget)
                == Array("hi there".utf8))
        let short = try ContainersTests.python(
            "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(b'hi') + c.flush())"
        )
        #expect(try Containers.rawDeflate(short, budget: &budget) == nil)
        #expect(try Containers.rawDeflate(Array("junk ".utf8) + stream, budget: &budget) == nil)
    }

    @Test(
        "a reserved block type, or a stored block whose length and complement disagree, is no stream; a stored one is")
    func blockHeaders() throws {
        var budget = Budget(limit: 1 << 20)
        // BFINAL 1, BTYPE 11: reserved.
        #expect(try Containers.rawDeflate([0x07] + Array(repeating: 0x41, count: 100), budget: &budget) == nil)
        // A stored block of 70 bytes: LEN 70, NLEN its complement; then the same with NLEN off by one.
        let payload = Array(repeating: UInt8(0x5A), count: 70)
        let stored: [UInt8] = [0x01, 70, 0, ~70, 0xFF] + payload
        #expect(try Containers.rawDeflate(stored, budget: &budget) == payload)
        var broken = stored
        broken[3] ^= 1
        #expect(try Containers.rawDeflate(broken, budget: &budget) == nil)
        #expect(budget.remaining == (1 << 20) - payload.count)
    }

    @Test("random bytes seldom end cleanly as a stream, and then with a few bytes: a thousand tries")
    func randomBytesAreSeldomAStream() throws {
        var random = SeededRandom(seed: 38)
        var budget = Budget(limit: 1 << 20)
        var found: [[UInt8]] = []
        for _ in 0..<1000 {
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &random) }
            if let inflated = try Containers.rawDeflate(bytes, budget: &budget) { found.append(inflated) }
        }
        // Fixed Huffman codes read from random bits end at an end-of-block code now and then.
        #expect(found.count <= 5)
        #expect(found.allSatisfy { $0.count >= 8 && $0.count < 64 })
        #expect(budget.remaining == (1 << 20) - found.reduce(0) { $0 + $1.count })
    }

    @Test("a raw deflate bomb stops at the budget, the budget used to the byte")
    func bomb() throws {
        let bomb = try ContainersTests.python(
            "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(bytes(1 << 20)) + c.flush())"
        )
        #expect(bomb.count < 4096)
        var budget = Budget(limit: 64 << 10)
        #expect(throws: ContainerError.exceedsBudget(limit: 64 << 10)) {
            _ = try Containers.rawDeflate(bomb, budget: &budget)
        }
        #expect(budget.remaining == 0)
    }
}
