// The sampled gram filter of include/cspans.h: where in a buffer a long literal may lie,
// found by looking at one 8-byte gram every `stride` bytes. With every literal at least
// `stride + 7` bytes long, each occurrence covers a sampled position, and the gram there is
// one of the literal's first `stride` grams: a table of those grams (two bitmaps, each
// indexed by its own multiplicative hash) says where no literal can lie. Random bytes then
// cost one table look-up every `stride` bytes, and a branch only where both bitmaps hit.
#include "cspans.h"

#include <string.h>

/// The two hashes' multipliers (odd; the golden ratio's and xxHash's second 64-bit prime).
#define CSPANS_GRAM_FIRST_MULTIPLIER 0x9E3779B97F4A7C15ull
#define CSPANS_GRAM_SECOND_MULTIPLIER 0xC2B2AE3D27D4EB4Full

/// The gram at `at` (8 bytes, read unaligned), case-folded: `| 0x20` on every byte maps both
/// cases of an ASCII letter to one value (and any byte to one value, the same in the table as
/// in the data), so a caseless literal's grams are found in any case.
static inline __attribute__((always_inline)) uint64_t cspans_gram_at(const uint8_t *at) {
    uint64_t gram;
    memcpy(&gram, at, sizeof gram);
    return gram | CSPANS_GRAM_FOLD;
}

/// 1 when the folded gram `g` has its bit set in `t`'s first bitmap, else 0 (no branch).
static inline __attribute__((always_inline)) unsigned cspans_gram_first(const uint64_t *first, unsigned firstShift,
                                                                        uint64_t g) {
    uint64_t a = (g * CSPANS_GRAM_FIRST_MULTIPLIER) >> firstShift;
    return (unsigned)(first[a >> 6] >> (a & 63)) & 1;
}

/// 1 when the folded gram `g` has its bit set in `t`'s second bitmap, else 0 (no branch).
static inline __attribute__((always_inline)) unsigned cspans_gram_second(const uint64_t *second, unsigned secondShift,
                                                                         uint64_t g) {
    uint64_t b = (g * CSPANS_GRAM_SECOND_MULTIPLIER) >> secondShift;
    return (unsigned)(second[b >> 6] >> (b & 63)) & 1;
}

/// 1 when the folded gram `g` has its bit set in both of `t`'s bitmaps, else 0 (no branch).
static inline __attribute__((always_inline)) unsigned cspans_gram_hit(const uint64_t *first, const uint64_t *second,
                                                                      unsigned firstShift, unsigned secondShift,
                                                                      uint64_t g) {
    return cspans_gram_first(first, firstShift, g) & cspans_gram_second(second, secondShift, g);
}

void cspans_grams_add(const cspans_grams *t, const uint8_t *gram) {
    uint64_t g = cspans_gram_at(gram);
    uint64_t a = (g * CSPANS_GRAM_FIRST_MULTIPLIER) >> (64 - t->firstLog);
    uint64_t b = (g * CSPANS_GRAM_SECOND_MULTIPLIER) >> (64 - t->secondLog);
    t->first[a >> 6] |= (uint64_t)1 << (a & 63);
    t->second[b >> 6] |= (uint64_t)1 << (b & 63);
}

int cspans_grams_may_hold(const cspans_grams *t, const uint8_t *gram) {
    return (int)cspans_gram_hit(t->first, t->second, 64 - t->firstLog, 64 - t->secondLog, cspans_gram_at(gram));
}

/// cspans_grams_sample's loop, inlined into each caller: with the shifts constant (the
/// default table), they are immediates, and the loop keeps every value in a register.
static inline __attribute__((always_inline)) size_t cspans_grams_sample_loop(const uint8_t *bytes, size_t count,
                                                                             size_t from, size_t stride,
                                                                             const uint64_t *first,
                                                                             const uint64_t *second,
                                                                             unsigned firstShift, unsigned secondShift,
                                                                             size_t *out, size_t capacity) {
    // The last position whose whole gram lies in the buffer.
    size_t last = count - 8;
    size_t n = 0;
    size_t q = from;
    // Four samples a round: their look-ups are independent, so their loads overlap; the
    // round branches only when one of the four hits the first bitmap.
    if (stride <= last / 4 && last - q >= 3 * stride) {
        size_t rounds = (last - q - 3 * stride) / (4 * stride) + 1;
        for (size_t r = 0; r < rounds; r++, q += 4 * stride) {
            // The first bitmap alone for all four; the second only for those that hit there.
            uint64_t grams[4];
            unsigned firsts = 0;
            for (unsigned k = 0; k < 4; k++) {
                grams[k] = cspans_gram_at(bytes + q + k * stride);
                firsts |= cspans_gram_first(first, firstShift, grams[k]) << k;
            }
            if (__builtin_expect(firsts != 0, 0)) {
                for (unsigned k = 0; k < 4; k++) {
                    if (!(firsts >> k & 1) || !cspans_gram_second(second, secondShift, grams[k])) continue;
                    out[n++] = q + k * stride;
                    if (n == capacity) return n;
                }
            }
        }
    }
    for (; q <= last; q += stride) {
        if (cspans_gram_hit(first, second, firstShift, secondShift, cspans_gram_at(bytes + q))) {
            out[n++] = q;
            if (n == capacity) return n;
        }
        if (last - q < stride) break;
    }
    return n;
}

size_t cspans_grams_sample(const uint8_t *bytes, size_t count, size_t from, size_t stride, const cspans_grams *t,
                           size_t *out, size_t capacity) {
    if (stride == 0 || capacity == 0 || count < 8 || from > count - 8) return 0;
    if (t->firstLog == CSPANS_GRAMS_LOG && t->secondLog == CSPANS_GRAMS_LOG) {
        return cspans_grams_sample_loop(bytes, count, from, stride, t->first, t->second, 64 - CSPANS_GRAMS_LOG,
                                        64 - CSPANS_GRAMS_LOG, out, capacity);
    }
    return cspans_grams_sample_loop(bytes, count, from, stride, t->first, t->second, 64 - t->firstLog,
                                    64 - t->secondLog, out, capacity);
}

/// cspans_grams_sample_pair's loop, inlined like cspans_grams_sample_loop's.
static inline __attribute__((always_inline)) size_t cspans_grams_pair_loop(const uint8_t *bytes, size_t count,
                                                                           size_t from, size_t stride,
                                                                           const uint64_t *first,
                                                                           const uint64_t *second,
                                                                           unsigned firstShift, unsigned secondShift,
                                                                           size_t *out, size_t capacity) {
    size_t n = 0;
    size_t q = from;
    // Both grams of a position: the bytes' (bit 0 of the pair) and the differences' (bit 1).
#define CSPANS_PAIR_AT(at)                                                                                            \
    ({                                                                                                                \
        uint64_t word, next;                                                                                          \
        memcpy(&word, bytes + (at), 8);                                                                               \
        memcpy(&next, bytes + (at) + 1, 8);                                                                           \
        cspans_gram_hit(first, second, firstShift, secondShift, word | CSPANS_GRAM_FOLD) |                            \
            cspans_gram_hit(first, second, firstShift, secondShift, (word ^ next) | CSPANS_GRAM_FOLD) << 1;           \
    })
    // Positions whose difference gram lies in the buffer too (q + 9 <= count), four a round.
    if (count >= 9) {
        size_t last = count - 9;
        // A round writes up to 8 entries: it runs only with room for them.
        if (capacity >= 8 && q <= last && last - q >= 3 * stride) {
            size_t rounds = (last - q - 3 * stride) / (4 * stride) + 1;
            for (size_t r = 0; r < rounds; r++, q += 4 * stride) {
                // The round's eight grams (each position's bytes, then its differences) looked
                // up in the first bitmap alone; the second only when one of them hits there
                // (some 3 in 100 rounds of random bytes with the bench's table): four look-ups a
                // position, not eight, in the common case.
                uint64_t grams[8];
                for (unsigned k = 0; k < 4; k++) {
                    uint64_t word, next;
                    memcpy(&word, bytes + q + k * stride, 8);
                    memcpy(&next, bytes + q + k * stride + 1, 8);
                    grams[2 * k] = word | CSPANS_GRAM_FOLD;
                    grams[2 * k + 1] = (word ^ next) | CSPANS_GRAM_FOLD;
                }
                unsigned firsts = 0;
                for (unsigned k = 0; k < 8; k++) firsts |= cspans_gram_first(first, firstShift, grams[k]) << k;
                if (__builtin_expect(firsts != 0, 0)) {
                    unsigned wrote = 0;
                    for (unsigned k = 0; k < 8; k++) {
                        if (!(firsts >> k & 1) || !cspans_gram_second(second, secondShift, grams[k])) continue;
                        out[n++] = (q + (k >> 1) * stride) << 1 | (k & 1);
                        wrote = 1;
                    }
                    // Stop with room for a whole position's entries left, or none.
                    if (wrote && capacity - n < 8) {
                        if (capacity - n < 2) return n;
                        q += 4 * stride;
                        break;
                    }
                }
            }
        }
        for (; q <= last; q += stride) {
            unsigned hits = CSPANS_PAIR_AT(q);
            if (hits & 1) out[n++] = q << 1;
            if (hits & 2) out[n++] = q << 1 | 1;
            if (capacity - n < 2) return n;
            if (last - q < stride) {
                q += stride;
                break;
            }
        }
    }
#undef CSPANS_PAIR_AT
    // The last position, when only its bytes' gram fits (q + 8 == count).
    if (q + 8 == count) {
        uint64_t word;
        memcpy(&word, bytes + q, 8);
        if (cspans_gram_hit(first, second, firstShift, secondShift, word | CSPANS_GRAM_FOLD)) out[n++] = q << 1;
    }
    return n;
}

size_t cspans_grams_sample_pair(const uint8_t *bytes, size_t count, size_t from, size_t stride, const cspans_grams *t,
                                size_t *out, size_t capacity) {
    if (stride == 0 || capacity < 2 || count < 8 || from > count - 8) return 0;
    if (t->firstLog == CSPANS_GRAMS_LOG && t->secondLog == CSPANS_GRAMS_LOG) {
        return cspans_grams_pair_loop(bytes, count, from, stride, t->first, t->second, 64 - CSPANS_GRAMS_LOG,
                                      64 - CSPANS_GRAMS_LOG, out, capacity);
    }
    return cspans_grams_pair_loop(bytes, count, from, stride, t->first, t->second, 64 - t->firstLog,
                                  64 - t->secondLog, out, capacity);
}
