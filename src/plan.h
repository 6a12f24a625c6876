/* The run plan: every decision about one thumbnail, made once from the
 * options and the header before any pixel is decoded. Limits, geometry,
 * orientation, crop, output format and depth, shrink-on-load, what the
 * decoder is asked for, and the colour and metadata decision. Nothing
 * downstream reads the options: the tail (tail.h) and the codecs work
 * from the plan alone. */
#ifndef THUMB_PLAN_H
#define THUMB_PLAN_H

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "color.h"
#include "ctx.h"
#include "geometry.h"

typedef struct run_plan {
    thumb_format format; /* of the output; never THUMB_FORMAT_AUTO */
    /* Every frame of an animation to an animated output (the decoder
     * gives frames); 0: one image. */
    int animated;
    int orientation; /* EXIF 1..8 applied to the pixels; 1: none */
    /* On the stored image (geometry_to_stored): the resize makes
     * g.out_width x g.out_height... */
    geometry g;
    /* ...and a smart crop then takes this window of it, when it is
     * smaller (THUMB_CROP_CENTRE: never; the resize's crop did it). */
    thumb_crop crop;
    uint32_t crop_width, crop_height;

    decoder_request request;
    /* The rows the decoder will give (decoder_rows_layout()), and the
     * samples per pixel the resize sees after the colour transform. */
    int channels, cmyk, depth;
    int resize_channels;
    int dst_depth;       /* of the output pixels: 16 only for 16-bit PNG out */
    int linear;          /* resize in linear light */
    int simd;            /* the resize kernels (THUMB_OPT_SIMD) */
    uint32_t background; /* 0xRRGGBB under alpha, for JPEG output */

    /* Colour and metadata. The blocks are ctx memory, copies of the
     * decoder's (which go with it) or made at encode time. */
    color_transform *color; /* NULL: pixels pass unchanged */
    /* 1: color applies to the resized output instead of the decoded rows,
     * as libvips does: a 12 MP HEIC to 256x192 converts 49 thousand
     * pixels instead of 12 million (a quarter of its time went to lcms2).
     * Only where it changes nothing but the order: 8-bit RGB(A) or grey
     * to the same channels, not in linear light (decoded rows must be
     * sRGB before they are linearised). */
    int color_late;
    thumb_color color_mode;
    uint8_t *icc; /* the input's profile, kept (THUMB_COLOR_KEEP) */
    size_t icc_size;
    uint8_t *exif; /* kept (THUMB_OPT_KEEP_EXIF), orientation reset */
    size_t exif_size;
    uint8_t *srgb; /* made at encode time (THUMB_COLOR_SRGB_TAGGED) */
    size_t srgb_size;

    /* What the encoder is told; its icc and exif are set at encode. */
    encode_options encode;
} run_plan;

/* THUMB_ERR_LIMIT when an input of `size` bytes is over the input
 * limit. */
thumb_status plan_check_input(thumb_ctx *ctx, size_t size);

/* Plans the thumbnail of the opened decoder dec: checks every limit that
 * the header allows (before any pixel memory exists) and makes every
 * decision. On failure nothing is left to release. */
thumb_status plan_make(thumb_ctx *ctx, const decoder *dec, run_plan *p);

/* Frees what the plan holds. Safe on a zeroed plan. */
void plan_release(thumb_ctx *ctx, run_plan *p);

#endif
