/* Separable Lanczos3 resampling of interleaved images, streamed:
 * source rows are pulled as the vertical filter needs them, so memory
 * holds a window of rows, not the whole source.
 *
 * Geometry: the source (src_width x src_height) is scaled as a whole to
 * scaled_width x scaled_height; the output is the dst_width x dst_height
 * window of that at (crop_x, crop_y). Sample centres follow
 * (i + 0.5) * scale - 0.5; when shrinking, the kernel is widened by the
 * scale factor; weights are normalised; edges clamp. Images with alpha
 * (2 or 4 channels) are filtered premultiplied and returned straight. */
#ifndef THUMB_RESIZE_H
#define THUMB_RESIZE_H

#include "../image.h"
#include "thumbnail.h"

#include <stdint.h>

typedef struct resize_geometry {
    uint32_t src_width, src_height;
    uint32_t scaled_width, scaled_height;
    uint32_t crop_x, crop_y;
    uint32_t dst_width, dst_height;
    int channels; /* 1..4 */
    /* Not geometry, but part of the plan: a thumb_simd, 0 for the best
     * kernels this CPU runs. */
    int simd;
    /* Bits per sample of the source rows and of the output: 8 (0 means 8
     * too) or 16, uint16 in native byte order. */
    int src_depth, dst_depth;
    /* 1: filter in linear light. The colour samples are sRGB-encoded; the
     * passes see them decoded to linear and the output is encoded again,
     * so that averaging mixes light, not code values. */
    int linear;
    /* The source's span in its own samples along each axis, when that is
     * not src_width (src_height): 0 means it is. A chroma plane of an
     * odd-sized JPEG has (width + 1) / 2 samples that cover width / 2 of
     * them, and the taps must be placed on that span to line up with the
     * luma. */
    double extent_width, extent_height;
    /* 1: output samples are int16 in Q6 (the value times 64), not rounded
     * to 8 bits, for a caller that converts them further and rounds once
     * (planar.h). 8-bit sources without alpha or linear light only. */
    int dst_q6;
} resize_geometry;

/* Fills rows[0..count) with the next source rows, in order (src_depth
 * samples). */
typedef thumb_status (*resize_row_source)(void *opaque, uint8_t *const *rows,
                                          uint32_t count);

typedef struct resize resize;

/* Plans a resize: weights for both axes. */
thumb_status resize_new(thumb_ctx *ctx, const resize_geometry *g, resize **out);
/* The same, copying the weights of `like` (may be NULL) when it was planned
 * for the same geometry, as the two chroma planes of a JPEG are: planning
 * costs far more than the copy, and the first image of a process pays it
 * in full (a quarter of a millisecond per 720x588 plane). */
thumb_status resize_new_like(thumb_ctx *ctx, const resize_geometry *g,
                             const resize *like, resize **out);
/* Pulls all src_height rows from source and writes the result into dst,
 * which the caller has allocated with dst_width x dst_height x channels. */
thumb_status resize_run(resize *r, resize_row_source source, void *opaque,
                        image *dst);
/* With dst_q6, what an output row must hold past its dst_width samples:
 * the kernels store whole registers. */
#define RESIZE_Q6_ROW_SLACK 128

/* The same as resize_run(), one output row at a time, for callers that
 * run several plans in step (the planes of a JPEG): resize_begin(), then
 * resize_next_row() dst_height times, each pulling the source rows that
 * row needs and writing it (dst_width x channels samples) to dst. Source
 * rows after the last one an output needs are not pulled. */
void resize_begin(resize *r);
/* One past the last source row that output row y reads. */
uint32_t resize_row_end(const resize *r, uint32_t y);
thumb_status resize_next_row(resize *r, resize_row_source source, void *opaque,
                             uint8_t *dst);
/* After the last output row: pulls the source rows no output needed, as
 * resize_run() does, so that a decoder sees all of its input and damage
 * below the last row used is still reported. */
thumb_status resize_finish(resize *r, resize_row_source source, void *opaque);
void resize_free(resize *r);
/* resize_new(), or *kept when it was planned for the same geometry: a
 * plan holds no state between runs, so a context keeps its last one and
 * a run of the same size allocates nothing. Takes *kept either way (and
 * frees it when it does not fit). */
thumb_status resize_reuse(thumb_ctx *ctx, const resize_geometry *g,
                          resize **kept, resize **out);

/* Whether this build and CPU run the kernels of a thumb_simd; AUTO and
 * SCALAR always. */
int resize_simd_available(int simd);
/* The THUMB_SIMD environment variable as a thumb_simd: "scalar", "sse41",
 * "avx2", "avx512" or "neon"; AUTO when unset or anything else. */
int resize_simd_from_env(void);
/* The thumb_simd that AUTO stands for here. */
int resize_simd_best(void);
/* The name of the kernels a plan runs ("avx2"...), for tests and tools. */
const char *resize_kernels_name(const resize *r);

/* The Lanczos3 kernel, exposed for tests. */
double resize_lanczos3(double x);

#endif
