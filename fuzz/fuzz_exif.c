/* libFuzzer harness: the EXIF orientation reader and the in-place reset
 * that metadata copied to an upright output goes through, on any bytes.
 * Seeds are
 * real EXIF blocks (fuzz/make_seeds.sh cuts them out of corpus images),
 * some with the "Exif\0\0" prefix of a JPEG APP1 segment, some without. */
#include "exif.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of an IFD entry's count and inline value, side by side. */
#define ENTRY_COUNT_AND_VALUE 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int orientation = exif_orientation(data, size);
    /* exif.h promises 1..8 whatever the bytes. */
    if (orientation < 1 || orientation > 8)
        abort();

    /* The reset writes within the block, reads 1 afterwards, and changes
     * nothing but the entry's count and value. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    exif_reset_orientation(copy, size);
    if (exif_orientation(copy, size) != 1)
        abort();
    size_t first = size, last = 0;
    for (size_t i = 0; i < size; i++) {
        if (copy[i] != data[i]) {
            first = first < i ? first : i;
            last = i;
        }
    }
    if (first < size && last - first >= ENTRY_COUNT_AND_VALUE)
        abort();
    free(copy);
    return 0;
}
