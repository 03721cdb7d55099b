// The share search's byte-class scan (include/cspans.h). Each 64-byte block is classified
// with vector compares into one bit per byte and class (base64, hex, line break, text);
// runs are then found with bit arithmetic, so a block of random bytes, where no class runs
// for 16 bytes, costs a few instructions and no branch taken per byte. Written once with
// clang's vector extensions: SSE2 on baseline x86-64, AVX2 where the CPU has it (chosen at
// load time, target_clones), NEON or scalar code elsewhere.
#include "cspans.h"

#include <string.h>

typedef uint8_t u8x64 __attribute__((ext_vector_type(64)));
typedef char s8x64 __attribute__((ext_vector_type(64)));
typedef _Bool bool64 __attribute__((ext_vector_type(64)));

#define CSPANS_ALL (~(uint64_t)0)

/// One block's classes: bit i for byte i of the block.
typedef struct {
    uint64_t base64, nonhex, line, text;
} cspans_masks;

/// One bit per lane of a compare's result (a macro: a 512-bit vector passed to a function
/// would change the ABI on CPUs without AVX-512).
#define CSPANS_BITS(lanes, out)                                \
    do {                                                       \
        bool64 set_ = __builtin_convertvector((lanes), bool64); \
        memcpy(&(out), &set_, sizeof(out));                    \
    } while (0)

/// Whether each byte of x lies in [lo, hi] (one unsigned compare).
#define CSPANS_IN(x, lo, hi) ((u8x64)((x) - (uint8_t)(lo)) <= (uint8_t)((hi) - (lo)))

/// The classes of the 64 bytes at p; p[-1] and p[64] must be readable (the neighbours that
/// UTF-8's continuation and lead bytes are judged by).
static inline __attribute__((always_inline)) cspans_masks cspans_classify(const uint8_t *p) {
    u8x64 x, before, after;
    memcpy(&x, p, 64);
    memcpy(&before, p - 1, 64);
    memcpy(&after, p + 1, 64);
    s8x64 digit = CSPANS_IN(x, '0', '9');
    u8x64 folded = x | 0x20;
    s8x64 letter = CSPANS_IN(folded, 'a', 'z');
    s8x64 base64 = digit | letter | (x == '+') | (x == '/') | (x == '-') | (x == '_');
    s8x64 hex = digit | CSPANS_IN(folded, 'a', 'f');
    s8x64 line = (x == '\n') | (x == '\r');
    s8x64 ascii = CSPANS_IN(x, 0x20, 0x7E) | CSPANS_IN(x, 0x09, 0x0D);
    s8x64 continuation = CSPANS_IN(x, 0x80, 0xBF);
    s8x64 lead = CSPANS_IN(x, 0xC2, 0xF4);
    s8x64 afterLead = CSPANS_IN(before, 0x80, 0xBF) | CSPANS_IN(before, 0xC2, 0xF4);
    s8x64 text = ascii | (continuation & afterLead) | (lead & CSPANS_IN(after, 0x80, 0xBF));
    cspans_masks m;
    CSPANS_BITS(base64, m.base64);
    CSPANS_BITS(base64 & ~hex, m.nonhex);
    CSPANS_BITS(line, m.line);
    CSPANS_BITS(text, m.text);
    return m;
}

/// Bit i set when bits i ..< i + length of m are all set (length 1 to 64).
static inline uint64_t cspans_runs_at_least(uint64_t m, unsigned length) {
    unsigned have = 1;
    while (have * 2 <= length) {
        m &= m >> have;
        have *= 2;
    }
    if (length > have) m &= m >> (length - have);
    return m;
}

/// One kind's run in progress across blocks.
typedef struct {
    size_t start;
    size_t extra;
    int open;
    int flagged;
} cspans_run;

typedef struct {
    size_t begin, stop, minimum;
    unsigned reject;
    cspans_emit_fn emit;
    void *context;
} cspans_scan_args;

static inline void cspans_give(const cspans_scan_args *a, int kind, size_t start, size_t end, size_t extra) {
    if (start >= a->begin && start < a->stop && end - start >= a->minimum) a->emit(a->context, kind, start, end, extra);
}

/// The `extra` of a run of `kind` that starts at bit `bit` of the block at `base`.
static inline size_t cspans_extra(int kind, uint64_t flags, uint64_t lines, unsigned bit, size_t linesAtBase) {
    if (kind == CSPANS_BASE64) return flags == 0;
    if (kind == CSPANS_WRAPPED) return linesAtBase + (size_t)__builtin_popcountll(bit ? lines & (CSPANS_ALL >> (64 - bit)) : 0);
    return 0;
}

/// One kind's runs in one block: `m` the kind's bits, `flags` the bits that clear a base64
/// run's hex flag, `lines` the line breaks (for a wrapped run's count).
static inline __attribute__((always_inline)) void cspans_step(const cspans_scan_args *a, cspans_run *run, int kind,
                                                              uint64_t m, uint64_t flags, uint64_t lines,
                                                              size_t base, size_t linesAtBase) {
    if (run->open) {
        if (m == CSPANS_ALL) {
            run->flagged |= flags != 0;
            return;
        }
        unsigned low = (unsigned)__builtin_ctzll(~m);
        uint64_t lowBits = low ? CSPANS_ALL >> (64 - low) : 0;
        run->flagged |= (flags & lowBits) != 0;
        cspans_give(a, kind, run->start, base + low, kind == CSPANS_BASE64 ? (size_t)!run->flagged : run->extra);
        run->open = 0;
        m &= ~lowBits;
    } else if (m == CSPANS_ALL) {
        run->open = 1;
        run->start = base;
        run->flagged = flags != 0;
        run->extra = linesAtBase;
        return;
    }
    if (m == 0) return;
    // m is not all ones here: its top run stays open, the runs below it end in the block.
    unsigned high = (unsigned)__builtin_clzll(~m);
    uint64_t top = high ? CSPANS_ALL << (64 - high) : 0;
    uint64_t inside = m & ~top;
    uint64_t long_ = cspans_runs_at_least(inside, a->reject);
    for (uint64_t starts = long_ & ~(long_ << 1); starts; starts &= starts - 1) {
        unsigned at = (unsigned)__builtin_ctzll(starts);
        unsigned length = (unsigned)__builtin_ctzll(~(inside >> at));
        uint64_t bits = (CSPANS_ALL >> (64 - length)) << at;
        size_t extra = cspans_extra(kind, flags & bits, lines, at, linesAtBase);
        cspans_give(a, kind, base + at, base + at + length, extra);
    }
    if (high) {
        run->open = 1;
        run->start = base + 64 - high;
        run->flagged = (flags & top) != 0;
        run->extra = cspans_extra(kind, 0, lines, 64 - high, linesAtBase);
    }
}

/// The classes of one byte, as CSPANS_* bits (for the walk back from `begin`).
static unsigned cspans_classes_at(const uint8_t *bytes, size_t count, size_t i) {
    uint8_t c = bytes[i];
    unsigned out = 0;
    int base64 = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '+' || c == '/' ||
                 c == '-' || c == '_';
    if (base64) out |= CSPANS_BASE64;
    if (base64 || c == '\n' || c == '\r') out |= CSPANS_WRAPPED;
    uint8_t before = i > 0 ? bytes[i - 1] : 0;
    uint8_t after = i + 1 < count ? bytes[i + 1] : 0;
    int text = (c >= 0x20 && c <= 0x7E) || (c >= 0x09 && c <= 0x0D) ||
               (c >= 0x80 && c <= 0xBF && ((before >= 0x80 && before <= 0xBF) || (before >= 0xC2 && before <= 0xF4))) ||
               (c >= 0xC2 && c <= 0xF4 && after >= 0x80 && after <= 0xBF);
    if (text) out |= CSPANS_TEXT;
    return out;
}

#if defined(__x86_64__) && defined(__ELF__)
#define CSPANS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CSPANS_CLONES
#endif

CSPANS_CLONES
static void cspans_scan_blocks(const uint8_t *bytes, size_t count, size_t from, unsigned kinds,
                               const cspans_scan_args *a) {
    cspans_run runs[3] = {{0}};
    size_t lines = 0;
    size_t base = from;
    for (; base < count; base += 64) {
        if (base >= a->stop) {
            int pending = 0;
            for (int k = 0; k < 3; k++) pending |= runs[k].open && runs[k].start >= a->begin && runs[k].start < a->stop;
            if (!pending) return;
        }
        cspans_masks m;
        uint64_t valid = CSPANS_ALL;
        if (base >= 1 && count - base >= 65) {
            m = cspans_classify(bytes + base);
        } else {
            // The first or last block: a copy padded with zeros (a class of its own).
            uint8_t padded[66] = {0};
            size_t n = count - base < 64 ? count - base : 64;
            padded[0] = base > 0 ? bytes[base - 1] : 0;
            memcpy(padded + 1, bytes + base, n);
            if (n == 64 && base + 64 < count) padded[65] = bytes[base + 64];
            m = cspans_classify(padded + 1);
            if (n < 64) valid = CSPANS_ALL >> (64 - n);
        }
        if (kinds & CSPANS_BASE64) cspans_step(a, &runs[0], CSPANS_BASE64, m.base64 & valid, m.nonhex, 0, base, 0);
        if (kinds & CSPANS_TEXT) cspans_step(a, &runs[1], CSPANS_TEXT, m.text & valid, 0, 0, base, 0);
        if (kinds & CSPANS_WRAPPED) {
            cspans_step(a, &runs[2], CSPANS_WRAPPED, (m.base64 | m.line) & valid, 0, m.line, base, lines);
            lines += (size_t)__builtin_popcountll(m.line & valid);
        }
    }
    int kindOf[3] = {CSPANS_BASE64, CSPANS_TEXT, CSPANS_WRAPPED};
    for (int k = 0; k < 3; k++) {
        if (!runs[k].open) continue;
        size_t extra = kindOf[k] == CSPANS_BASE64 ? (size_t)!runs[k].flagged : runs[k].extra;
        cspans_give(a, kindOf[k], runs[k].start, count, extra);
    }
}

int cspans_scan(const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned kinds, size_t minimum,
                cspans_emit_fn emit, void *context) {
    if (minimum == 0 || begin > count) return -1;
    kinds &= CSPANS_BASE64 | CSPANS_TEXT | CSPANS_WRAPPED;
    if (stop > count) stop = count;
    if (kinds == 0 || begin >= stop) return 0;
    // Start where the runs in progress at `begin` start, so that they are known as such.
    size_t from = begin;
    while (from > 0 && (cspans_classes_at(bytes, count, from - 1) & kinds)) from--;
    cspans_scan_args a = {
        .begin = begin,
        .stop = stop,
        .minimum = minimum,
        .reject = minimum < 16 ? (unsigned)minimum : 16,
        .emit = emit,
        .context = context,
    };
    cspans_scan_blocks(bytes, count, from, kinds, &a);
    return 0;
}

const char *cspans_kernel_name(void) {
#if defined(__x86_64__) && defined(__ELF__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? "avx2" : "sse2";
#else
    return "portable";
#endif
}
