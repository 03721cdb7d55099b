// The share search's byte-class scan (include/cspans.h): where a buffer's base64 runs,
// text and line-wrapped base64 lie, found 64 bytes at a time with vector compares; the
// pair filter of a base64 run's other alignments (pairs.c); and the sampled gram filter in
// front of Hyperscan (sample.c). This package's own C kernel, called only from PatternSearch
// (ByteSpans.swift, BytePairs.swift, SampledFilter.swift).
#ifndef CSPANS_H
#define CSPANS_H

#include <stddef.h>
#include <stdint.h>

/// The kinds of span cspans_scan finds, as bits of its `kinds` argument.
enum {
    /// Maximal runs of base64-alphabet bytes (A-Z a-z 0-9 + / - _). Exact: each span is
    /// one run. `extra` is 1 when every byte of the run is a hex digit, else 0.
    CSPANS_BASE64 = 1,
    /// Maximal runs of bytes that may be text: printable ASCII, tab, \n \v \f \r, and
    /// each byte of 80-FF that a well-formed UTF-8 sequence could hold where it stands
    /// (a continuation byte after a lead or a continuation, a lead C2-F4 before a
    /// continuation). A superset: every well-formed text region lies inside one span,
    /// and the span's edges are never inside a sequence. `extra` is 0.
    CSPANS_TEXT = 2,
    /// Maximal runs of base64-alphabet bytes and line breaks (\n, \r) that hold a join (a
    /// base64 byte right after a line break): where line breaks cut base64. `extra` is the
    /// number of line breaks in [begin, span start).
    CSPANS_WRAPPED = 4,
};

/// Called with each span found: its kind, its range [start, end) in the buffer, and the
/// kind's `extra` value.
typedef void (*cspans_emit_fn)(void *context, int kind, size_t start, size_t end, size_t extra);

/// Calls `emit` with every span of the kinds in `kinds` that is at least `minimum` bytes
/// long and starts in [begin, stop) of `bytes[0..<count]`, in order of their ends. A span
/// that starts before `begin` and runs into it is not given; a span that starts before
/// `stop` is read to its end, past `stop` when it goes on. With `begin` 0 and `stop`
/// `count`, every span. With `lineBreaks` not NULL, sets it to the number of line breaks
/// (\n, \r) in [begin, stop), whatever the kinds (so that pieces scanned apart can count a
/// wrapped span's line breaks from the start of the buffer). Returns 0, or -1 when `minimum`
/// is 0 or begin > count.
int cspans_scan(const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned kinds, size_t minimum,
                cspans_emit_fn emit, void *context, size_t *lineBreaks);

/// cspans_scan with the code path named `kernel` ("avx2", "sse2" or "portable") instead
/// of this CPU's own, for tests that check every path the CPU can run against each other
/// (x86-64 runs "portable" too, the path arm64 and other CPUs take).
/// Returns -1 as cspans_scan does, and for a path this CPU cannot run.
int cspans_scan_with(const char *kernel, const uint8_t *bytes, size_t count, size_t begin, size_t stop,
                     unsigned kinds, size_t minimum, cspans_emit_fn emit, void *context, size_t *lineBreaks);

/// The name of the code path this CPU runs ("avx2", "sse2" or "portable").
const char *cspans_kernel_name(void);

/// Which other alignments of a base64 run may hold a container's header: for `chars[0..<count]`
/// (base64-alphabet bytes, standard or URL-safe), bit s (1, 2, 3) of the result is set when the
/// decoding from character s holds a byte pair in `anywhere` at any offset, or one in `start`
/// as its first two bytes or as its bytes 257 and 258. Each set is a table of 65536 bytes, the
/// pair (a, b) in it when byte a << 8 | b is 1 (one load a look-up; a bitmap's shifts cost more).
/// Read off the run's
/// own bit stream (the decoding from character s is the stream from bit 6s), no alignment is
/// decoded. A superset of those pairs: a window that takes the partial last group's unused bits
/// is read too. A byte outside the alphabet gives every alignment (0xE).
unsigned cspans_base64_shifted_pairs(const uint8_t *chars, size_t count, const uint8_t *anywhere,
                                     const uint8_t *start);

/// The offsets i in [from, to) of `bytes[0..<count]` where `bytes[i]` is one of the `nfirsts`
/// bytes of `firsts` (at most 16) and the pair (bytes[i], bytes[i + 1]) is in `pairs` (a table
/// of 65536 bytes as above; i + 1 < count), ascending, into `out`: at most `capacity` of them,
/// their number returned. A full `out` means there may be more after the last. The first bytes
/// are compared 16 at a time (SSE2 on x86-64), so a source costs one pass however many
/// headers are looked for: where the first bytes are rare (one in 256 each in random bytes),
/// a memchr per first byte stopped once every few hundred bytes, for each of them. With AVX2,
/// eight first bytes or fewer and a range of 4 KiB or more, each position's pair is looked up
/// by its four nibbles instead, 32 positions at a time (a superset, each hit then checked in
/// `pairs`): random bytes then stop the loop once in some 8 KiB, not once in 32 bytes.
size_t cspans_pair_positions(const uint8_t *bytes, size_t count, size_t from, size_t to, const uint8_t *firsts,
                             size_t nfirsts, const uint8_t *pairs, size_t *out, size_t capacity);

/// The sampled gram filter (sample.c): a table of 8-byte grams, case-folded, held as two
/// bitmaps each indexed by its own multiplicative hash of the gram (a Bloom filter of two
/// hashes). A gram added is always found; another gram is found when both of its bits were set
/// by others (a false candidate, which the caller's exact search then rejects).
typedef struct {
    /// 1 << firstLog bits, zeroed before the first cspans_grams_add.
    uint64_t *first;
    /// 1 << secondLog bits, zeroed likewise.
    uint64_t *second;
    /// Each bitmap's size as a power of two, 6 to 32 bits.
    unsigned firstLog, secondLog;
} cspans_grams;

/// The bitmaps' size (log2 of their bits) the kernel is tuned for: 2^20 bits (128 KiB) each,
/// 256 KiB together, half of a 512 KiB L2, so that the data streaming through leave them in
/// it. Other sizes work, through a slower loop (the shifts in registers, not immediates).
#define CSPANS_GRAMS_LOG 20

/// What every gram is ORed with before it is hashed, in the table and in the data: bit 5 of
/// each byte, which maps both cases of an ASCII letter to one value. Every other byte maps to
/// one value as well, so the table is a superset filter for exact and caseless literals alike.
#define CSPANS_GRAM_FOLD 0x2020202020202020ull

/// Adds the 8 bytes at `gram` (read unaligned) to the table, case-folded.
void cspans_grams_add(const cspans_grams *t, const uint8_t *gram);

/// 1 when the 8 bytes at `gram`, case-folded, may be in the table (both bits set), else 0.
int cspans_grams_may_hold(const cspans_grams *t, const uint8_t *gram);

/// The sample positions q = from, from + stride, from + 2 stride, ... of `bytes[0..<count]`
/// whose gram (the 8 bytes at q, q + 8 <= count) may be in the table, ascending, into `out`:
/// at most `capacity` of them, their number returned. A full `out` means there may be more:
/// the caller goes on from the last one plus `stride`. Four samples a round, each sample's bit
/// in the first bitmap looked up without a branch; the round branches only when one is set,
/// and then looks up their second bits. Returns 0 when
/// `stride` or `capacity` is 0, or no gram starts at or after `from`.
size_t cspans_grams_sample(const uint8_t *bytes, size_t count, size_t from, size_t stride, const cspans_grams *t,
                           size_t *out, size_t capacity);

/// cspans_grams_sample of a buffer and of its byte differences (d[i] = bytes[i] ^ bytes[i + 1])
/// in one pass, through one table that holds both kinds' grams: at each sample position q the
/// gram at q is looked up (q + 8 <= count), and so is the difference gram at q, the 8 bytes at q
/// XOR the 8 bytes at q + 1 (q + 9 <= count), computed in registers (no differences are
/// written). Each hit is one entry of `out`, `q << 1` for the bytes' gram and `q << 1 | 1` for
/// the differences', ascending, a position's bytes entry before its differences'. A position's
/// entries go in together: the kernel stops when fewer than 2 slots are left, and a full `out`
/// (fewer than 2 left) means there may be more, from the last entry's position plus `stride`.
/// Returns 0 when `stride` is 0, `capacity` under 2, or no gram starts at or after `from`.
size_t cspans_grams_sample_pair(const uint8_t *bytes, size_t count, size_t from, size_t stride, const cspans_grams *t,
                                size_t *out, size_t capacity);

#endif
