// ICU's NFC behind plain C types. ICU's own headers stay in cicu.c: Foundation
// on Linux carries a private ICU whose UErrorCode would clash with Debian's in
// one Swift module, and ICU's C names are versioned by macros Swift cannot see.
#include <stdint.h>

/// NFC of `length` bytes of UTF-8 at `src` into `dest` (`capacity` bytes), as
/// UTF-8, the intermediate UTF-16 in buffers wiped before they are freed.
/// Returns the bytes written, or -1 (ill-formed UTF-8), -2 (`dest` too small:
/// `*needed` says how large), -3 (any other ICU failure or no memory; the ICU
/// status in `*needed`).
int32_t cicu_nfc_utf8(const char *src, int32_t length, char *dest, int32_t capacity, int32_t *needed);
