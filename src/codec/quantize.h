/* Colour quantisation for palette output (GIF): median cut over a 5-bit
 * per channel histogram, no dithering, with one palette index reserved
 * for transparency. */
#ifndef THUMB_QUANTIZE_H
#define THUMB_QUANTIZE_H

#include "ctx.h"

#include <stddef.h>
#include <stdint.h>

/* GIF's largest palette. */
#define QUANT_MAX_COLORS 256
/* Pixels with less alpha than this become the transparent index; GIF has
 * one bit of alpha. */
#define QUANT_ALPHA_THRESHOLD 128

typedef struct quant_palette {
    uint8_t rgb[QUANT_MAX_COLORS][3];
    int colors;      /* entries used, transparent one included; >= 1 */
    int transparent; /* its index, or -1 when every pixel is opaque */
} quant_palette;

/* Scratch memory for quantising many images of any size: the histogram,
 * allocated once. */
typedef struct quantizer quantizer;

thumb_status quantizer_new(thumb_ctx *ctx, quantizer **out);
void quantizer_free(quantizer *q);

/* Chooses a palette for rgba[0..pixels) (straight alpha) and writes each
 * pixel's index to indices[0..pixels). With keep_transparent the
 * transparent index is there even when every pixel is opaque. */
thumb_status quantize_rgba(quantizer *q, const uint8_t *rgba, size_t pixels,
                           int keep_transparent, quant_palette *pal,
                           uint8_t *indices);

#endif
