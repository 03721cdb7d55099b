// scrypt's ROMix (RFC 7914, sections 3 to 5) on several lanes at once: this
// package's own C kernel, called only from CryptoCore (ScryptLanes.swift).
#ifndef CSALSA_H
#define CSALSA_H

#include <stddef.h>
#include <stdint.h>

/// How many lanes one kernel call on this CPU runs side by side at most:
/// 8 with AVX-512 (two 512-bit chains), 4 with AVX2 (two 256-bit chains),
/// 4 on baseline x86-64 (SSE2, four 128-bit chains) and elsewhere (arm64's
/// NEON, portable C).
size_t csalsa_lanes_at_once(void);

/// The name of the kernel this CPU runs ("avx512", "avx2", "sse2" or "portable").
const char *csalsa_kernel_name(void);

/// The workspace `csalsa_romix` needs for `lanes` lanes of (n, r): each lane in
/// flight holds its own V (128·r·n bytes) and two 128·r-byte X buffers, for at
/// most `csalsa_lanes_at_once()` lanes. 0 when the size overflows.
size_t csalsa_workspace_bytes(uint64_t n, uint32_t r, size_t lanes);

/// Readies a fresh workspace of `bytes` bytes before its first use: asks for
/// transparent huge pages on it (madvise; 64 page faults instead of 32,768 for
/// 128 MiB, and random reads of V that miss the TLB far less) and locks it in
/// memory where the process may (mlock2 with MLOCK_ONFAULT, so that each page is
/// faulted in and locked by the thread that first writes it; plain mlock before
/// Linux 4.4). Returns 1 when it was locked, 0 when not (no permission, or over
/// RLIMIT_MEMLOCK): neither is an error.
int csalsa_prepare_workspace(void *workspace, size_t bytes);

/// scryptROMix(r, B_k, n) in place on each of the `count` lanes of 128·r
/// little-endian bytes at `lanes[k]`, up to `csalsa_lanes_at_once()` at a time,
/// with `workspace` (`csalsa_workspace_bytes(n, r, count)` bytes, 16-byte
/// aligned) as V and X. n must be a power of two of at least 2. The workspace
/// holds values derived from the password afterwards: the caller wipes it.
/// Returns 0, or -1 for arguments it refuses (nothing is written).
int csalsa_romix(unsigned char *const *lanes, size_t count, uint64_t n, uint32_t r, void *workspace);

/// csalsa_romix with the kernel named `kernel` ("avx512", "avx2", "sse2" or
/// "portable") instead of this CPU's own, for tests that check every kernel the
/// CPU can run against each other. The workspace is sized as for csalsa_romix.
/// Returns -1 as csalsa_romix does, and for a kernel this CPU cannot run.
int csalsa_romix_with(const char *kernel, unsigned char *const *lanes, size_t count, uint64_t n, uint32_t r,
                      void *workspace);

/// `count` Salsa20/8 cores (with feed-forward) chained on one 64-byte block per
/// lane, `lanes` lanes (1, 2, 4 or 8) side by side in the kernel this CPU runs:
/// the compute floor `make bench` measures. `blocks` holds `lanes` blocks.
/// Returns 0, or -1 for a lane count the kernel has no width for.
int csalsa_salsa_chain(unsigned char *blocks, size_t lanes, uint64_t count);

#endif
