/* PNG's row filters (PNG specification, clause 9) for the encoder, and
 * the choice of one per row.
 *
 * Every filter is tried on every row and the one whose output has the
 * smallest sum of absolute values, read as signed bytes, is kept: libpng's
 * heuristic, which suits photographs and graphics alike. Encoding filters
 * read only unfiltered samples, so each is a plain loop over the row that
 * the compiler vectorises; on x86-64 an AVX2 build of them is chosen at
 * run time. */
#ifndef THUMB_CODEC_PNG_FILTER_H
#define THUMB_CODEC_PNG_FILTER_H

#include "../ctx.h"

#include <stddef.h>
#include <stdint.h>

/* The filter types, as written in each row's first byte. */
enum {
    PNGFILTER_NONE = 0,
    PNGFILTER_SUB = 1,
    PNGFILTER_UP = 2,
    PNGFILTER_AVERAGE = 3,
    PNGFILTER_PAETH = 4,
    PNGFILTER_COUNT = 5
};

typedef struct pngfilter {
    size_t row_bytes; /* unfiltered bytes per row */
    size_t bpp;       /* bytes per pixel, at least 1 (PNG's "bpp") */
    /* One row per filter type: the type byte, then row_bytes filtered
     * bytes. In one ctx block, with a zero row (the one above the first)
     * at its end. */
    uint8_t *rows[PNGFILTER_COUNT];
    const uint8_t *zero_row;
    int avx2; /* the filters' AVX2 build runs on this CPU (png_filter.c) */
} pngfilter;

thumb_status pngfilter_init(thumb_ctx *ctx, pngfilter *f, size_t row_bytes,
                            size_t bpp);
void pngfilter_release(thumb_ctx *ctx, pngfilter *f);

/* The filtered row (type byte first, row_bytes + 1 bytes in all) that the
 * heuristic picks for `row`; `above` is the unfiltered row above it, NULL
 * for the first row. Valid until the next call. */
const uint8_t *pngfilter_best(pngfilter *f, const uint8_t *row,
                              const uint8_t *above);

/* `row` behind filter type None, for output that is not compressed. */
const uint8_t *pngfilter_none(pngfilter *f, const uint8_t *row);

#endif
