// The share search's byte-class scan (include/cspans.h). Each 64-byte block is classified
// with vector compares into one bit per byte and class (base64, hex, line break, text);
// runs are then found with bit arithmetic, so a block of random bytes, where no class runs
// for 16 bytes, costs a few instructions and no branch taken per byte. The compares are
// written once (classify.inc) with clang's vector extensions and compiled for SSE2 (baseline
// x86-64) and AVX2, chosen at each call (__builtin_cpu_supports); elsewhere (arm64) the same
// compares on 16-byte vectors, packed to bits lane by lane. A range of 4 KiB or more is
// first looked over for its text class alone (cspans_quiet_chunks), 1 KiB at a time, and only
// the stretches where a text run of the scan's length lies are scanned whole: random bytes
// cost that first look and nothing more.
#include "cspans.h"

#include <stdlib.h>
#include <string.h>

#define CSPANS_ALL (~(uint64_t)0)

/// One block's classes: bit i for byte i of the block (`join`: a base64 byte after a line break).
typedef struct {
    uint64_t base64, nonhex, line, join, text;
} cspans_masks;

/// One block's text class and line breaks alone (the first look, cspans_quiet_chunks).
typedef struct {
    uint64_t text, line;
} cspans_text_lines;

typedef uint8_t cspans_u8x16 __attribute__((vector_size(16)));
typedef uint8_t cspans_u8x32 __attribute__((vector_size(32)));

/// Whether each byte of x lies in [lo, hi] (one unsigned compare), as 0xFF or 0.
#define CSPANS_IN(x, lo, hi) ((CSPANS_VEC)((CSPANS_VEC)((x) - (uint8_t)(lo)) <= (uint8_t)((hi) - (lo))))

#if defined(__x86_64__)
#include <immintrin.h>

// Baseline x86-64: SSE2, 16 bytes a vector.
#define CSPANS_CLASSIFY cspans_classify_sse2
#define CSPANS_TEXT_LINES cspans_text_lines_sse2
#define CSPANS_VEC cspans_u8x16
#define CSPANS_WIDTH 16
#define CSPANS_MOVEMASK(v) ((uint32_t)_mm_movemask_epi8((__m128i)(v)))
#define CSPANS_TARGET
#include "classify.inc"

// AVX2: 32 bytes a vector.
#define CSPANS_CLASSIFY cspans_classify_avx2
#define CSPANS_TEXT_LINES cspans_text_lines_avx2
#define CSPANS_VEC cspans_u8x32
#define CSPANS_WIDTH 32
#define CSPANS_MOVEMASK(v) ((uint32_t)_mm256_movemask_epi8((__m256i)(v)))
#define CSPANS_TARGET __attribute__((target("avx2")))
#include "classify.inc"
#endif

// Elsewhere (and on x86-64 for the tests): the same compares on 16-byte vectors (NEON on
// arm64), lanes packed one by one.
static inline uint32_t cspans_pack16(cspans_u8x16 v) {
    uint32_t bits = 0;
    for (int i = 0; i < 16; i++) bits |= (uint32_t)(v[i] >> 7) << i;
    return bits;
}
#define CSPANS_CLASSIFY cspans_classify_portable
#define CSPANS_TEXT_LINES cspans_text_lines_portable
#define CSPANS_VEC cspans_u8x16
#define CSPANS_WIDTH 16
#define CSPANS_MOVEMASK(v) cspans_pack16(v)
#define CSPANS_TARGET
#include "classify.inc"

/// Bit i set when bits i ..< i + length of m are all set (length 1 to 64).
static inline __attribute__((always_inline)) uint64_t cspans_runs_at_least(uint64_t m, unsigned length) {
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
    /// The line breaks from the first range's start to `begin` (a stretch's, cspans_scan_with).
    size_t linesBefore;
    unsigned reject;
    cspans_emit_fn emit;
    void *context;
} cspans_scan_args;

/// Gives one span when it starts in the range and is long enough: `flagged` is whether it holds
/// a byte of its kind's flag mask (base64: a byte that is not a hex digit; wrapped: a join,
/// without which it is not given).
static inline void cspans_give(const cspans_scan_args *a, int kind, size_t start, size_t end, size_t extra,
                               int flagged) {
    if (start < a->begin || start >= a->stop || end - start < a->minimum) return;
    if (kind == CSPANS_BASE64) extra = (size_t)!flagged;
    if (kind == CSPANS_WRAPPED && !flagged) return;
    a->emit(a->context, kind, start, end, extra);
}

/// The `extra` of a wrapped run that starts at bit `bit` of a block: the line breaks before it.
static inline size_t cspans_lines_before(uint64_t lines, unsigned bit, size_t linesAtBase) {
    return linesAtBase + (size_t)__builtin_popcountll(bit ? lines & (CSPANS_ALL >> (64 - bit)) : 0);
}

/// One kind's runs in one block: `m` the kind's bits, `flags` its flag mask (cspans_give),
/// `lines` the line breaks (for a wrapped run's count).
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
        cspans_give(a, kind, run->start, base + low, run->extra, run->flagged);
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
        size_t extra = kind == CSPANS_WRAPPED ? cspans_lines_before(lines, at, linesAtBase) : 0;
        cspans_give(a, kind, base + at, base + at + length, extra, (flags & bits) != 0);
    }
    if (high) {
        run->open = 1;
        run->start = base + 64 - high;
        run->flagged = (flags & top) != 0;
        run->extra = kind == CSPANS_WRAPPED ? cspans_lines_before(lines, 64 - high, linesAtBase) : 0;
    }
}

/// The classes of one byte, as CSPANS_* bits (for the byte before `begin`).
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

/// The scan from a->begin, the kinds in `before` with a span in progress there (started
/// before it, so not given); returns the line breaks in [begin, stop).
static inline __attribute__((always_inline)) size_t cspans_scan_blocks(const uint8_t *bytes, size_t count,
                                                                       unsigned kinds, unsigned before,
                                                                       const cspans_scan_args *a,
                                                                       cspans_masks (*classify)(const uint8_t *)) {
    cspans_run runs[3] = {{0}};
    int kindOf[3] = {CSPANS_BASE64, CSPANS_TEXT, CSPANS_WRAPPED};
    for (int k = 0; k < 3; k++) {
        if (before & (unsigned)kindOf[k]) {
            runs[k].open = 1;
            runs[k].start = a->begin - 1;
        }
    }
    size_t lines = a->linesBefore;
    size_t linesInRange = 0;
    size_t base = a->begin;
    for (; base < count; base += 64) {
        if (base >= a->stop) {
            int pending = 0;
            for (int k = 0; k < 3; k++) pending |= runs[k].open && runs[k].start >= a->begin && runs[k].start < a->stop;
            if (!pending) return linesInRange;
        }
        cspans_masks m;
        uint64_t valid = CSPANS_ALL;
        if (base >= 1 && count - base >= 65) {
            m = classify(bytes + base);
        } else {
            // The first or last block: a copy padded with zeros (a class of its own).
            uint8_t padded[66] = {0};
            size_t n = count - base < 64 ? count - base : 64;
            padded[0] = base > 0 ? bytes[base - 1] : 0;
            memcpy(padded + 1, bytes + base, n);
            if (n == 64 && base + 64 < count) padded[65] = bytes[base + 64];
            m = classify(padded + 1);
            if (n < 64) valid = CSPANS_ALL >> (64 - n);
        }
        if (kinds & CSPANS_BASE64) cspans_step(a, &runs[0], CSPANS_BASE64, m.base64 & valid, m.nonhex, 0, base, 0);
        if (kinds & CSPANS_TEXT) cspans_step(a, &runs[1], CSPANS_TEXT, m.text & valid, 0, 0, base, 0);
        if (kinds & CSPANS_WRAPPED) {
            cspans_step(a, &runs[2], CSPANS_WRAPPED, (m.base64 | m.line) & valid, m.join, m.line, base, lines);
            lines += (size_t)__builtin_popcountll(m.line & valid);
        }
        if (base < a->stop) {
            // The block's bytes before stop.
            uint64_t inRange = valid;
            if (a->stop - base < 64) inRange &= CSPANS_ALL >> (64 - (a->stop - base));
            linesInRange += (size_t)__builtin_popcountll(m.line & inRange);
        }
    }
    for (int k = 0; k < 3; k++) {
        if (!runs[k].open) continue;
        cspans_give(a, kindOf[k], runs[k].start, count, runs[k].extra, runs[k].flagged);
    }
    return linesInRange;
}

/// The bytes each flag of the first look covers (cspans_quiet_chunks).
#define CSPANS_CHUNK 1024

/// The first look over [begin, stop): sets `linesAt` of each chunk of CSPANS_CHUNK bytes from
/// `begin` to the line breaks before it, and marks in `flags` (one a chunk, zeroed by the
/// caller) every chunk that a run of at least `reject` text bytes meets,
/// counting from `begin`, and the chunks of the last `reject` bytes when a text run is in
/// progress at `stop` (it may go on past it); returns the line breaks in [begin, stop). Every
/// kind's bytes are text bytes (base64 characters and line breaks are printable or \n \r), so a
/// span of any kind of `reject` bytes or more lies in a run that only marked chunks meet: the
/// chunks left unmarked hold no span's start, and the scan need not look at them again.
///
/// Each block's test is branch-free: a run of `reject` inside its 64 bits, or one across its
/// start (the block's bits shifted up by 16 under the last 16 bits of the block before: a run
/// of 16 or more that crosses the edge has 16 of its bits there). A run that meets blocks i to
/// j is caught in each: inside the ones it fills, across the start of each one after i, which
/// also marks the one before. In random bytes, which hold a text run of 16 once in some 14,000
/// bytes, this costs a third of the full scan's compares.
static inline __attribute__((always_inline)) size_t cspans_quiet_chunks(
    const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned reject, uint8_t *flags,
    size_t *linesAt, cspans_text_lines (*textLines)(const uint8_t *)) {
    size_t lines = 0;
    uint64_t last = 0;  // the text bits of the block before (none before `begin`)
    for (size_t base = begin; base < stop; base += 64) {
        if ((base - begin) % CSPANS_CHUNK == 0) linesAt[(base - begin) / CSPANS_CHUNK] = lines;
        cspans_text_lines m;
        size_t n = stop - base < 64 ? stop - base : 64;
        if (base >= 1 && count - base >= 65) {
            m = textLines(bytes + base);
        } else {
            uint8_t padded[66] = {0};
            size_t held = count - base < 64 ? count - base : 64;
            padded[0] = base > 0 ? bytes[base - 1] : 0;
            memcpy(padded + 1, bytes + base, held);
            if (held == 64 && base + 64 < count) padded[65] = bytes[base + 64];
            m = textLines(padded + 1);
        }
        uint64_t valid = n < 64 ? CSPANS_ALL >> (64 - n) : CSPANS_ALL;
        uint64_t t = m.text & valid;
        lines += (size_t)__builtin_popcountll(m.line & valid);
        size_t chunk = (base - begin) / CSPANS_CHUNK;
        uint8_t across = cspans_runs_at_least(t << 16 | last >> 48, reject) != 0;
        flags[chunk] |= across | (cspans_runs_at_least(t, reject) != 0);
        flags[(base > begin ? base - 1 - begin : 0) / CSPANS_CHUNK] |= across;
        last = t;
    }
    // A run in progress at `stop` is read on past it by the scan: it starts in the last
    // `reject` bytes, or it is `reject` long already and marked.
    if (last >> 63 || (stop - begin) % 64 != 0) {
        size_t n = (stop - begin) % 64 ? (stop - begin) % 64 : 64;
        if (last >> (n - 1) & 1) {
            size_t from = stop - begin > reject ? stop - reject : begin;
            for (size_t c = (from - begin) / CSPANS_CHUNK; c <= (stop - 1 - begin) / CSPANS_CHUNK; c++) flags[c] = 1;
        }
    }
    return lines;
}

typedef size_t (*cspans_quiet_fn)(const uint8_t *, size_t, size_t, size_t, unsigned, uint8_t *, size_t *);

typedef size_t (*cspans_blocks_fn)(const uint8_t *, size_t, unsigned, unsigned, const cspans_scan_args *);

#if defined(__x86_64__)
static size_t cspans_blocks_sse2(const uint8_t *bytes, size_t count, unsigned kinds, unsigned before,
                                 const cspans_scan_args *a) {
    return cspans_scan_blocks(bytes, count, kinds, before, a, cspans_classify_sse2);
}

__attribute__((target("avx2"))) static size_t cspans_blocks_avx2(const uint8_t *bytes, size_t count, unsigned kinds,
                                                                 unsigned before,
                                                                 const cspans_scan_args *a) {
    return cspans_scan_blocks(bytes, count, kinds, before, a, cspans_classify_avx2);
}

static size_t cspans_quiet_sse2(const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned reject,
                                uint8_t *flags, size_t *linesAt) {
    // The usual length as a constant: the run test is then four shifts, not a loop.
    if (reject == 16)
        return cspans_quiet_chunks(bytes, count, begin, stop, 16, flags, linesAt, cspans_text_lines_sse2);
    return cspans_quiet_chunks(bytes, count, begin, stop, reject, flags, linesAt, cspans_text_lines_sse2);
}

__attribute__((target("avx2"))) static size_t cspans_quiet_avx2(const uint8_t *bytes, size_t count, size_t begin,
                                                                size_t stop, unsigned reject, uint8_t *flags,
                                                                size_t *linesAt) {
    // The usual length as a constant: the run test is then four shifts, not a loop.
    if (reject == 16)
        return cspans_quiet_chunks(bytes, count, begin, stop, 16, flags, linesAt, cspans_text_lines_avx2);
    return cspans_quiet_chunks(bytes, count, begin, stop, reject, flags, linesAt, cspans_text_lines_avx2);
}

static int cspans_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif

static size_t cspans_blocks_portable(const uint8_t *bytes, size_t count, unsigned kinds, unsigned before,
                                     const cspans_scan_args *a) {
    return cspans_scan_blocks(bytes, count, kinds, before, a, cspans_classify_portable);
}

static size_t cspans_quiet_portable(const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned reject,
                                    uint8_t *flags, size_t *linesAt) {
    // The usual length as a constant: the run test is then four shifts, not a loop.
    if (reject == 16)
        return cspans_quiet_chunks(bytes, count, begin, stop, 16, flags, linesAt, cspans_text_lines_portable);
    return cspans_quiet_chunks(bytes, count, begin, stop, reject, flags, linesAt, cspans_text_lines_portable);
}

/// A code path: its first look and its block loop.
typedef struct {
    cspans_quiet_fn quiet;
    cspans_blocks_fn blocks;
} cspans_path;

/// The code path named `kernel` ("avx2", "sse2", "portable"; NULL: this CPU's widest), or
/// one of NULLs when this CPU cannot run it.
static cspans_path cspans_kernel(const char *kernel) {
    cspans_path none = {NULL, NULL};
    cspans_path portable = {cspans_quiet_portable, cspans_blocks_portable};
#if defined(__x86_64__)
    cspans_path avx2 = {cspans_quiet_avx2, cspans_blocks_avx2};
    cspans_path sse2 = {cspans_quiet_sse2, cspans_blocks_sse2};
    if (kernel == NULL) return cspans_has_avx2() ? avx2 : sse2;
    if (strcmp(kernel, "avx2") == 0) return cspans_has_avx2() ? avx2 : none;
    if (strcmp(kernel, "sse2") == 0) return sse2;
    if (strcmp(kernel, "portable") == 0) return portable;
    return none;
#else
    if (kernel == NULL || strcmp(kernel, "portable") == 0) return portable;
    return none;
#endif
}

/// The scan of [a->begin, a->stop) with the spans in progress at `begin` in `before`.
static size_t cspans_scan_range(cspans_blocks_fn blocks, const uint8_t *bytes, size_t count, unsigned kinds,
                                const cspans_scan_args *a) {
    // A span in progress at `begin` started before it: known as such, without walking back to its start.
    unsigned before = a->begin > 0 ? cspans_classes_at(bytes, count, a->begin - 1) & kinds : 0;
    return blocks(bytes, count, kinds, before, a);
}

int cspans_scan_with(const char *kernel, const uint8_t *bytes, size_t count, size_t begin, size_t stop,
                     unsigned kinds, size_t minimum, cspans_emit_fn emit, void *context, size_t *lineBreaks) {
    cspans_path path = cspans_kernel(kernel);
    if (path.blocks == NULL || minimum == 0 || begin > count) return -1;
    kinds &= CSPANS_BASE64 | CSPANS_TEXT | CSPANS_WRAPPED;
    if (stop > count) stop = count;
    if (lineBreaks) *lineBreaks = 0;
    if (begin >= stop) return 0;
    cspans_scan_args a = {
        .begin = begin,
        .stop = stop,
        .minimum = minimum,
        .reject = minimum < 16 ? (unsigned)minimum : 16,
        .emit = emit,
        .context = context,
    };
    size_t chunks = (stop - begin + CSPANS_CHUNK - 1) / CSPANS_CHUNK;
    // Per chunk: the line breaks before it, then (after all of those) its mark.
    size_t *linesAt = chunks >= 4 ? calloc(chunks, sizeof(size_t) + 1) : NULL;
    if (linesAt == NULL) {
        size_t lines = cspans_scan_range(path.blocks, bytes, count, kinds, &a);
        if (lineBreaks) *lineBreaks = lines;
        return 0;
    }
    // A first look at the text class alone; then the whole scan of each stretch of marked
    // chunks, as a range of its own. A span that starts in a stretch ends in it (every chunk
    // its text run meets is marked) or past `stop`, so the stretches give the spans in order
    // of their ends, as one scan would.
    uint8_t *flags = (uint8_t *)(linesAt + chunks);
    size_t lines = path.quiet(bytes, count, begin, stop, a.reject, flags, linesAt);
    for (size_t c = 0; c < chunks;) {
        if (!flags[c]) {
            c++;
            continue;
        }
        size_t end = c;
        while (end < chunks && flags[end]) end++;
        cspans_scan_args stretch = a;
        stretch.begin = begin + c * CSPANS_CHUNK;
        stretch.stop = begin + end * CSPANS_CHUNK < stop ? begin + end * CSPANS_CHUNK : stop;
        stretch.linesBefore = linesAt[c];
        cspans_scan_range(path.blocks, bytes, count, kinds, &stretch);
        c = end;
    }
    free(linesAt);
    if (lineBreaks) *lineBreaks = lines;
    return 0;
}

int cspans_scan(const uint8_t *bytes, size_t count, size_t begin, size_t stop, unsigned kinds, size_t minimum,
                cspans_emit_fn emit, void *context, size_t *lineBreaks) {
    return cspans_scan_with(NULL, bytes, count, begin, stop, kinds, minimum, emit, context, lineBreaks);
}

const char *cspans_kernel_name(void) {
#if defined(__x86_64__)
    return cspans_has_avx2() ? "avx2" : "sse2";
#else
    return "portable";
#endif
}
