// The shifted-alignment filter of include/cspans.h: which other alignments of a base64 run
// may hold a container's header, read off the run's own bit stream, so that the share search
// decodes an alignment only when one of its byte pairs is a header's first two bytes.
#include "cspans.h"

#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/// The 6-bit value of each base64-alphabet byte (standard and URL-safe), 0xFF for any other.
static const uint8_t cspans_base64_values[256] = {
#define X 0xFF
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  // 00
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  // 10
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  62, X,  62, X,  63, // 20: + - /
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X,  X,  X,  X,  X,  X,  // 30: 0-9
    X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, // 40: A-O
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X,  X,  X,  X,  63, // 50: P-Z _
    X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, // 60: a-o
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,  X,  X,  // 70: p-z
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
#undef X
};

/// Whether the pair `w >> 8`, `w & 0xFF` is in `pairs` (include/cspans.h: one byte a pair).
static inline unsigned cspans_in(const uint8_t *pairs, unsigned w) { return pairs[w & 0xFFFFu]; }

/// The 16 bits of the run's bit stream from bit `p` (every character's value, 6 bits each,
/// most significant first); bits past the run read as 0.
static inline unsigned cspans_window(const uint8_t *chars, size_t count, size_t p) {
    size_t c = p / 6;
    unsigned bits = 0;
    for (size_t k = 0; k < 4; k++) bits = bits << 6 | (c + k < count ? cspans_base64_values[chars[c + k]] & 0x3Fu : 0);
    return (bits >> (8 - p % 6)) & 0xFFFFu;
}

/// One character into the stream (`acc`, its last bits the newest), and the windows that end in
/// it, character `i` of the run: those at p with p + 16 in (6i, 6i + 6], each for the alignment
/// whose byte starts at p (none for the run's own).
static inline unsigned cspans_shifted_step(uint64_t *acc, uint8_t v, size_t i, const uint8_t *anywhere) {
    // The decoding from character s (s = 1, 2, 3) is the stream from bit 6s, so its byte k
    // starts at bit 6s + 8k: every even bit offset p is the start of a byte of exactly one
    // alignment, the one with 6s = p mod 8 (0 is the run's own alignment, not asked for).
    static const unsigned shiftOf[8] = {0, 0, 3, 0, 2, 0, 1, 0};
    unsigned mask = 0;
    *acc = *acc << 6 | (v & 0x3Fu);
    size_t t = 6 * (i + 1);
    for (unsigned back = 20; back >= 16; back -= 2) {
        if (t < back) continue;
        size_t p = t - back;
        unsigned s = shiftOf[p & 7];
        unsigned w = (unsigned)(*acc >> (back - 16)) & 0xFFFFu;
        if (p >= 6 * (size_t)s) mask |= cspans_in(anywhere, w) << s;
    }
    return mask;
}

unsigned cspans_base64_shifted_pairs(const uint8_t *chars, size_t count, const uint8_t *anywhere,
                                     const uint8_t *start) {
    const uint8_t *values = cspans_base64_values;
    unsigned mask = 0;
    unsigned bad = 0;
    uint64_t acc = 0;
    // The first 8 characters one at a time (their windows may start before an alignment does).
    size_t head = count < 8 ? count : 8;
    size_t i = 0;
    for (; i < head; i++) {
        bad |= values[chars[i]];
        mask |= cspans_shifted_step(&acc, values[chars[i]], i, anywhere);
    }
    // Then 4 characters (24 bits, 3 whole bytes of the stream) at a time: the 12 windows at even
    // offsets that end in them, 9 of them bytes of another alignment, which repeat every 24 bits.
    // A window `back` bits before the stream's end is acc >> (back - 16); its alignment is 3, 2
    // or 1 as back is 6, 4 or 2 past a multiple of 8.
    unsigned hit1 = 0, hit2 = 0, hit3 = 0;
    for (; i + 4 <= count; i += 4) {
        uint8_t a = values[chars[i]], b = values[chars[i + 1]], c = values[chars[i + 2]], d = values[chars[i + 3]];
        bad |= a | b | c | d;
        acc = acc << 24 | (uint64_t)(a & 0x3Fu) << 18 | (uint64_t)(b & 0x3Fu) << 12 | (uint64_t)(c & 0x3Fu) << 6 |
              (d & 0x3Fu);
#define CSPANS_W(shift) cspans_in(anywhere, (unsigned)(acc >> (shift)))
        hit3 |= CSPANS_W(22) | CSPANS_W(14) | CSPANS_W(6);
        hit2 |= CSPANS_W(20) | CSPANS_W(12) | CSPANS_W(4);
        hit1 |= CSPANS_W(18) | CSPANS_W(10) | CSPANS_W(2);
#undef CSPANS_W
    }
    mask |= hit1 << 1 | hit2 << 2 | hit3 << 3;
    for (; i < count; i++) {
        bad |= values[chars[i]];
        mask |= cspans_shifted_step(&acc, values[chars[i]], i, anywhere);
    }
    // Not base64: left to the exact check, every alignment.
    if (bad & 0xC0u) return 0xE;
    // What an alignment may hold only at its start: its first two bytes, and bytes 257-258 (tar's `ustar`).
    for (unsigned s = 1; s <= 3; s++) {
        size_t at[2] = {6 * (size_t)s, 6 * (size_t)s + 8 * 257};
        for (int k = 0; k < 2; k++) {
            if (at[k] + 16 <= 6 * count && cspans_in(start, cspans_window(chars, count, at[k]))) mask |= 1u << s;
        }
    }
    return mask & 0xEu;
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The nibble tables of cspans_pair_positions' AVX2 path: bit k of first[lo] & first[16 + hi]
/// is set when byte hi << 4 | lo is the k-th first byte; bit k of second[lo] & second[16 + hi]
/// is set when some second byte of the k-th first byte has those nibbles (a superset of the
/// pairs: each hit is checked in the pair table).
typedef struct {
    uint8_t first[32], second[32];
} cspans_nibbles;

static void cspans_nibble_tables(const uint8_t *firsts, size_t nfirsts, const uint8_t *pairs, cspans_nibbles *t) {
    memset(t, 0, sizeof *t);
    for (size_t k = 0; k < nfirsts; k++) {
        uint8_t bit = (uint8_t)(1u << k), f = firsts[k];
        t->first[f & 15] |= bit;
        t->first[16 + (f >> 4)] |= bit;
        for (unsigned b = 0; b < 256; b++) {
            if (!pairs[(unsigned)f << 8 | b]) continue;
            t->second[b & 15] |= bit;
            t->second[16 + (b >> 4)] |= bit;
        }
    }
}

/// The positions in [i, to) (to + 1 <= count, so each one's next byte is read in place) whose
/// pair may be in the table, 32 at a time: each byte's and its next byte's nibbles looked up
/// (four shuffles), the four bit sets ANDed. Returns where it stopped (the first position not
/// looked at, a multiple of 32 from i) and sets *n as hits go into out.
__attribute__((target("avx2"))) static size_t cspans_pairs_avx2(const uint8_t *bytes, size_t i, size_t to,
                                                                const cspans_nibbles *t, const uint8_t *pairs,
                                                                size_t *out, size_t capacity, size_t *n) {
    __m256i firstLow = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t->first));
    __m256i firstHigh = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t->first + 16)));
    __m256i secondLow = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t->second));
    __m256i secondHigh = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t->second + 16)));
    __m256i low = _mm256_set1_epi8(0x0F);
    __m256i zero = _mm256_setzero_si256();
    for (; i + 32 <= to; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(bytes + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(bytes + i + 1));
        __m256i r = _mm256_and_si256(_mm256_shuffle_epi8(firstLow, _mm256_and_si256(a, low)),
                                     _mm256_shuffle_epi8(firstHigh, _mm256_and_si256(_mm256_srli_epi16(a, 4), low)));
        r = _mm256_and_si256(r, _mm256_shuffle_epi8(secondLow, _mm256_and_si256(b, low)));
        r = _mm256_and_si256(r, _mm256_shuffle_epi8(secondHigh, _mm256_and_si256(_mm256_srli_epi16(b, 4), low)));
        unsigned mask = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(r, zero));
        while (mask) {
            size_t at = i + (size_t)__builtin_ctz(mask);
            mask &= mask - 1;
            if (pairs[(unsigned)bytes[at] << 8 | bytes[at + 1]]) {
                out[(*n)++] = at;
                if (*n == capacity) return at + 1;
            }
        }
    }
    return i;
}

static int cspans_pairs_have_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif

size_t cspans_pair_positions(const uint8_t *bytes, size_t count, size_t from, size_t to, const uint8_t *firsts,
                             size_t nfirsts, const uint8_t *pairs, size_t *out, size_t capacity) {
    size_t n = 0;
    if (to > count) to = count;
    if (nfirsts > 16) nfirsts = 16;
    if (from >= to || capacity == 0 || nfirsts == 0) return 0;
    uint8_t isFirst[256] = {0};
    for (size_t k = 0; k < nfirsts; k++) isFirst[firsts[k]] = 1;
    size_t i = from;
#if defined(__x86_64__)
    // Eight first bytes or fewer over a long range: the nibble path (its tables cost 2,048 look-ups).
    size_t inPlace = to < count ? to : count - 1;
    if (nfirsts <= 8 && inPlace > i && inPlace - i >= 4096 && cspans_pairs_have_avx2()) {
        cspans_nibbles tables;
        cspans_nibble_tables(firsts, nfirsts, pairs, &tables);
        i = cspans_pairs_avx2(bytes, i, inPlace, &tables, pairs, out, capacity, &n);
        if (n == capacity) return n;
    }
    __m128i want[16];
    for (size_t k = 0; k < nfirsts; k++) want[k] = _mm_set1_epi8((char)firsts[k]);
    for (; i + 16 <= to; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(bytes + i));
        __m128i hit = _mm_cmpeq_epi8(v, want[0]);
        for (size_t k = 1; k < nfirsts; k++) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, want[k]));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        while (mask) {
            size_t at = i + (size_t)__builtin_ctz(mask);
            mask &= mask - 1;
            if (at + 1 < count && pairs[(unsigned)bytes[at] << 8 | bytes[at + 1]]) {
                out[n++] = at;
                if (n == capacity) return n;
            }
        }
    }
#endif
    for (; i < to; i++) {
        if (isFirst[bytes[i]] && i + 1 < count && pairs[(unsigned)bytes[i] << 8 | bytes[i + 1]]) {
            out[n++] = i;
            if (n == capacity) return n;
        }
    }
    return n;
}
