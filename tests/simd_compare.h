/* Every resize kernel table against the scalar one, on one image: shared
 * by tests/test_simd.c (corpus images, Check) and the standalone
 * tests/tools/simd_check.c (synthetic images, cross-compiled for NEON and
 * run under qemu). Needs only src/resize/ and src/ctx.c, no codecs. */
#ifndef THUMB_TEST_SIMD_COMPARE_H
#define THUMB_TEST_SIMD_COMPARE_H

#include "ctx.h"
#include "resize/resize.h"
#include "resize/resize_kernels.h"
#include "resize/resize_test.h"

#include <stddef.h>
#include <stdint.h>

/* More than any build has: scalar, SSE4.1, AVX2, AVX-512, AVX-512 VNNI. */
#define SIMD_MAX_TABLES 8

typedef struct simd_image {
    uint32_t w, h;
    int ch;
    const uint8_t *px; /* tightly packed */
} simd_image;

/* Resizes img per g with kernels into out (dst_w x dst_h x ch bytes). */
thumb_status simd_resize(thumb_ctx *ctx, const simd_image *img,
                         const resize_geometry *g,
                         const resize_kernels *kernels, uint8_t *out);

/* Runs every table on img resized per g; the largest difference from the
 * scalar table in any sample, or -1 when a resize fails (what names the
 * case in messages). */
int simd_compare_geometry(thumb_ctx *ctx, const simd_image *img,
                          const resize_geometry *g, const char *what,
                          int max_diff, int verbose);

/* The geometries an exactness test runs on a w x h cut of `channels`:
 * each of shrinks[0..n) on both axes (below 1, an enlargement), a width
 * of 1 at half the height, and a crop window; n + 2 of them into out. */
size_t simd_cut_geometries(uint32_t w, uint32_t h, int channels,
                           const double *shrinks, size_t n,
                           resize_geometry *out);

/* Runs every table on img over a set of geometries (shrinks by 2, 3.7, 8,
 * 1.5 and 5.78, a fill with a different scale per axis, an enlargement
 * and a crop window) and returns the largest difference from the scalar
 * table in any sample, or -1 when a resize fails. Prints each case when
 * verbose, and every case over max_diff. *cases counts the comparisons. */
int simd_compare_all(thumb_ctx *ctx, const simd_image *img, const char *name,
                     int max_diff, int verbose, unsigned *cases);

#endif
