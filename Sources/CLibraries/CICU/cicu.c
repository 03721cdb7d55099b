#include "cicu.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

static void cicu_wipe_free(UChar *buffer, int32_t units) {
    if (buffer == NULL) return;
    volatile UChar *p = buffer;
    for (int32_t i = 0; i < units; i++) p[i] = 0;
    free(buffer);
}

int32_t cicu_nfc_utf8(const char *src, int32_t length, char *dest, int32_t capacity, int32_t *needed) {
    *needed = 0;
    if (length < 0 || length > (1 << 28) || capacity < 0) return -3;
    // UTF-16 needs at most one unit per UTF-8 byte.
    int32_t inUnits = length > 0 ? length : 1;
    UChar *utf16 = calloc((size_t)inUnits, sizeof(UChar));
    if (utf16 == NULL) return -3;
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    u_strFromUTF8(utf16, inUnits, &units, src, length, &status);
    if (U_FAILURE(status)) {
        cicu_wipe_free(utf16, inUnits);
        return status == U_INVALID_CHAR_FOUND || status == U_ILLEGAL_CHAR_FOUND ? -1 : -3;
    }
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) {
        cicu_wipe_free(utf16, inUnits);
        *needed = (int32_t)status;
        return -3;
    }
    // NFC may grow a little (a few characters decompose and do not recompose):
    // three times the input, then exactly what ICU asks for.
    int32_t outUnits = units * 3 + 16;
    UChar *normalized = NULL;
    int32_t normalizedUnits = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        normalized = calloc((size_t)outUnits, sizeof(UChar));
        if (normalized == NULL) {
            cicu_wipe_free(utf16, inUnits);
            return -3;
        }
        status = U_ZERO_ERROR;
        normalizedUnits = unorm2_normalize(nfc, utf16, units, normalized, outUnits, &status);
        if (status == U_BUFFER_OVERFLOW_ERROR && attempt == 0 && normalizedUnits > outUnits) {
            cicu_wipe_free(normalized, outUnits);
            normalized = NULL;
            outUnits = normalizedUnits;
            continue;
        }
        break;
    }
    cicu_wipe_free(utf16, inUnits);
    if (U_FAILURE(status)) {
        cicu_wipe_free(normalized, outUnits);
        *needed = (int32_t)status;
        return -3;
    }
    int32_t written = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(dest, capacity, &written, normalized, normalizedUnits, &status);
    cicu_wipe_free(normalized, outUnits);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        *needed = written;
        return -2;
    }
    if (U_FAILURE(status)) {
        *needed = (int32_t)status;
        return -3;
    }
    return written;
}
