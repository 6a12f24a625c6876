/* Samples in and out of the resizer's Q6 domain, for the rows that the
 * SIMD kernels do not convert themselves: 16-bit samples, and resizing in
 * linear light.
 *
 * Q6 (resize_kernels.h) is the sample value in 8-bit units times 64:
 * 0..RESIZE_Q6_MAX. That is 14 bits, so a 16-bit source keeps 14 bits of
 * its precision through both passes and is reduced to the output depth
 * once, at the end; an sRGB source decoded to linear light keeps every
 * 8-bit level distinct (level 1 is about 5 Q6 units). Images with alpha
 * are premultiplied on the way in (in linear light when linear) and
 * unpremultiplied on the way out. Alpha is never gamma-encoded. */
#ifndef THUMB_RESIZE_CONVERT_H
#define THUMB_RESIZE_CONVERT_H

#include "thumbnail.h"

#include <stdint.h>

/* Full scale in Q6: 255 << 6. */
#define RESIZE_Q6_MAX 16320

typedef struct resize_convert {
    int channels;  /* 1..4; 2 and 4 have alpha */
    int src_depth; /* 8 or 16 bits per sample (16: native-endian uint16) */
    int dst_depth;
    int linear; /* colour samples are sRGB-encoded; filter them linear */
    /* linear only: source sample -> linear Q6 (2^src_depth entries), and
     * linear Q6 0..RESIZE_Q6_MAX -> output sample. */
    int16_t *to_linear;
    uint16_t *to_srgb;
} resize_convert;

/* Fills c, building the tables linear light needs (ctx memory). */
thumb_status resize_convert_init(thumb_ctx *ctx, resize_convert *c,
                                 int channels, int src_depth, int dst_depth,
                                 int linear);
void resize_convert_release(thumb_ctx *ctx, resize_convert *c);

/* width pixels of src_depth samples to Q6, premultiplied with alpha. */
void resize_convert_in(const resize_convert *c, const uint8_t *src,
                       int16_t *dst, uint32_t width);
/* width Q6 pixels (premultiplied with alpha) to dst_depth samples. */
void resize_convert_out(const resize_convert *c, const int16_t *src,
                        uint8_t *dst, uint32_t width);

/* The sRGB transfer function and its inverse, on [0, 1]. */
double resize_srgb_to_linear(double v);
double resize_linear_to_srgb(double v);

#endif
