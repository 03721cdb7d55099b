// scrypt's ROMix on several lanes at once (include/csalsa.h). One source,
// kernel.inc, compiled for each instruction set and lane width; the widest
// kernel the CPU has is chosen at each call (__builtin_cpu_supports).
#define _GNU_SOURCE  // mlock2 and MLOCK_ONFAULT
#include "csalsa.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef uint32_t v1 __attribute__((vector_size(16)));
typedef uint32_t v2 __attribute__((vector_size(32)));
typedef uint32_t v4 __attribute__((vector_size(64)));
typedef uint32_t v8 __attribute__((vector_size(128)));

#define CSALSA_CAT_(a, b) a##b
#define CSALSA_CAT(a, b) CSALSA_CAT_(a, b)
#define CSALSA_I4(o, a, b, c, d) (o) + (a), (o) + (b), (o) + (c), (o) + (d)
#define CSALSA_IDX1(a, b, c, d) CSALSA_I4(0, a, b, c, d)
#define CSALSA_IDX2(a, b, c, d) CSALSA_IDX1(a, b, c, d), CSALSA_I4(4, a, b, c, d)
#define CSALSA_IDX4(a, b, c, d) CSALSA_IDX2(a, b, c, d), CSALSA_I4(8, a, b, c, d), CSALSA_I4(12, a, b, c, d)
#define CSALSA_IDX8(a, b, c, d) \
    CSALSA_IDX4(a, b, c, d), CSALSA_I4(16, a, b, c, d), CSALSA_I4(20, a, b, c, d), CSALSA_I4(24, a, b, c, d), \
        CSALSA_I4(28, a, b, c, d)
#define CSALSA_REP1(S) S(0)
#define CSALSA_REP2(S) S(0) S(1)
#define CSALSA_REP4(S) CSALSA_REP2(S) S(2) S(3)
#define CSALSA_REP8(S) CSALSA_REP4(S) S(4) S(5) S(6) S(7)

static inline __attribute__((always_inline)) v1 csalsa_load1(const unsigned char *p) {
    v1 value;
    memcpy(&value, p, sizeof value);
    return value;
}

static inline __attribute__((always_inline)) void csalsa_store1(unsigned char *p, v1 value) {
    memcpy(p, &value, sizeof value);
}

static inline uint32_t csalsa_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/// `blocks` 64-byte little-endian blocks of one lane into lane `k` of an
/// interleaved buffer `x` of `width` lanes, in diagonal order.
static void csalsa_load_lane(const unsigned char *lane, unsigned char *x, size_t blocks, size_t k, size_t width) {
    for (size_t block = 0; block < blocks; block++) {
        for (size_t row = 0; row < 4; row++) {
            uint32_t words[4];
            for (size_t column = 0; column < 4; column++) {
                size_t word = (row * 4 + column) * 5 % 16;
                words[column] = csalsa_le32(lane + (block * 16 + word) * 4);
            }
            memcpy(x + ((block * 4 + row) * width + k) * 16, words, 16);
        }
    }
}

/// The inverse of csalsa_load_lane.
static void csalsa_store_lane(const unsigned char *x, unsigned char *lane, size_t blocks, size_t k, size_t width) {
    for (size_t block = 0; block < blocks; block++) {
        for (size_t row = 0; row < 4; row++) {
            uint32_t words[4];
            memcpy(words, x + ((block * 4 + row) * width + k) * 16, 16);
            for (size_t column = 0; column < 4; column++) {
                unsigned char *p = lane + (block * 16 + (row * 4 + column) * 5 % 16) * 4;
                p[0] = (unsigned char)words[column];
                p[1] = (unsigned char)(words[column] >> 8);
                p[2] = (unsigned char)(words[column] >> 16);
                p[3] = (unsigned char)(words[column] >> 24);
            }
        }
    }
}

/// Bytes between one lane's V and the next beyond V itself: 5 cache lines, so the
/// same entry of up to 8 lanes lands in 8 different sets of a 4 KiB-period cache.
#define CSALSA_LANE_PAD 320

typedef void (*csalsa_romix_fn)(unsigned char *const *, uint64_t, uint32_t, unsigned char *);
typedef void (*csalsa_chain_fn)(unsigned char *, uint64_t);

/// One instruction set's kernels, by width: index 0, 1, 2, 3 for 1, 2, 4, 8 lanes.
struct csalsa_kernels {
    const char *name;
    size_t widest;
    csalsa_romix_fn romix[4];
    csalsa_chain_fn chain[4];
};

#define CSALSA_KERNELS(isa)                                                                     \
    {romix_##isa##_1, romix_##isa##_2, romix_##isa##_4, romix_##isa##_8},                      \
    {                                                                                          \
        chain_##isa##_1, chain_##isa##_2, chain_##isa##_4, chain_##isa##_8                     \
    }

#if defined(__x86_64__)

#define ISA avx512
#define ATTR __attribute__((target("avx512f,avx512vl")))
#include "widths.inc"
#undef ISA
#undef ATTR

#define ISA avx2
#define ATTR __attribute__((target("avx2")))
#include "widths.inc"
#undef ISA
#undef ATTR

#endif

// The portable kernels: SSE2 on x86-64 (its baseline), NEON on arm64, plain C elsewhere.
#define ISA base
#define ATTR
#include "widths.inc"
#undef ISA
#undef ATTR

#if defined(__x86_64__)
static const struct csalsa_kernels csalsa_avx512 = {"avx512", 8, CSALSA_KERNELS(avx512)};
static const struct csalsa_kernels csalsa_avx2 = {"avx2", 4, CSALSA_KERNELS(avx2)};
static const struct csalsa_kernels csalsa_base = {"sse2", 4, CSALSA_KERNELS(base)};
#else
static const struct csalsa_kernels csalsa_base = {"portable", 4, CSALSA_KERNELS(base)};
#endif

/// The kernels of this CPU.
static const struct csalsa_kernels *csalsa_kernels(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return &csalsa_avx512;
    if (__builtin_cpu_supports("avx2")) return &csalsa_avx2;
#endif
    return &csalsa_base;
}

size_t csalsa_lanes_at_once(void) { return csalsa_kernels()->widest; }

const char *csalsa_kernel_name(void) { return csalsa_kernels()->name; }

size_t csalsa_workspace_bytes(uint64_t n, uint32_t r, size_t lanes) {
    size_t width = lanes < csalsa_lanes_at_once() ? lanes : csalsa_lanes_at_once();
    if (n < 2 || r < 1 || width < 1 || n > SIZE_MAX / 128) return 0;
    size_t entry = 128 * (size_t)r;
    if (entry / 128 != r) return 0;
    size_t entries = (size_t)n + 2;
    if (entries < n || entry > SIZE_MAX / entries) return 0;
    size_t perLane = entry * entries;
    if (perLane > SIZE_MAX - CSALSA_LANE_PAD) return 0;
    perLane += CSALSA_LANE_PAD;
    if (perLane > SIZE_MAX / width) return 0;
    return perLane * width;
}

int csalsa_prepare_workspace(void *workspace, size_t bytes) {
#if defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)workspace + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)workspace + bytes) & ~(huge - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#endif
#if defined(MLOCK_ONFAULT)
    // Locked as the first loop faults each page in, on the thread that uses it. A plain
    // mlock faults and zeroes every page at once while holding the process's mmap lock,
    // which stalls every other thread's mmap (a second lane thread's malloc arena, its own
    // workspace) until this one's 64 MiB are in: `bip38 confirm` ran its two threads one
    // after the other for that long.
    if (mlock2(workspace, bytes, MLOCK_ONFAULT) == 0) return 1;
    if (errno != EINVAL && errno != ENOSYS) return 0;
#endif
    return mlock(workspace, bytes) == 0 ? 1 : 0;
}

/// The kernels named `name` when this CPU has them, else NULL.
static const struct csalsa_kernels *csalsa_named(const char *name) {
    const struct csalsa_kernels *all[] = {
#if defined(__x86_64__)
        &csalsa_avx512, &csalsa_avx2,
#endif
        &csalsa_base};
    const struct csalsa_kernels *cpu = csalsa_kernels();
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(all[i]->name, name) != 0) continue;
#if defined(__x86_64__)
        if (all[i] == &csalsa_avx512 && cpu != &csalsa_avx512) return NULL;
        if (all[i] == &csalsa_avx2 && cpu == &csalsa_base) return NULL;
#endif
        return all[i];
    }
    return NULL;
}

static int csalsa_romix_on(const struct csalsa_kernels *kernels, unsigned char *const *lanes, size_t count,
                           uint64_t n, uint32_t r, void *workspace) {
    if (n < 2 || (n & (n - 1)) != 0 || r < 1 || count < 1 || csalsa_workspace_bytes(n, r, count) == 0) return -1;
    size_t done = 0;
    while (done < count) {
        size_t left = count - done;
        size_t index = 0;
        while (index < 3 && ((size_t)2 << index) <= left && ((size_t)2 << index) <= kernels->widest) index++;
        kernels->romix[index](lanes + done, n, r, workspace);
        done += (size_t)1 << index;
    }
    return 0;
}

int csalsa_romix(unsigned char *const *lanes, size_t count, uint64_t n, uint32_t r, void *workspace) {
    return csalsa_romix_on(csalsa_kernels(), lanes, count, n, r, workspace);
}

int csalsa_romix_with(const char *kernel, unsigned char *const *lanes, size_t count, uint64_t n, uint32_t r,
                      void *workspace) {
    const struct csalsa_kernels *kernels = csalsa_named(kernel);
    return kernels ? csalsa_romix_on(kernels, lanes, count, n, r, workspace) : -1;
}

int csalsa_salsa_chain(unsigned char *blocks, size_t lanes, uint64_t count) {
    const struct csalsa_kernels *kernels = csalsa_kernels();
    for (size_t index = 0; index < 4; index++) {
        if (lanes == ((size_t)1 << index) && lanes <= kernels->widest) {
            kernels->chain[index](blocks, count);
            return 0;
        }
    }
    return -1;
}
