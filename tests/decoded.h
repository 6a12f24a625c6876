/* Helpers for the tests of whole runs (colour, orientation, alpha,
 * metadata): make a thumbnail with options, decode an encoded image
 * fully, metadata included, with the library's own decoders, and encode
 * a test input. Header-only
 * (static functions), as each test is one program. */
#ifndef THUMB_TEST_DECODED_H
#define THUMB_TEST_DECODED_H

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "ctx.h"
#include "thumbnail.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* An image decoded at full size; every pointer malloc'd (or NULL). */
typedef struct decoded {
    thumb_format format;
    uint32_t width, height;
    int channels;
    int depth;       /* bits per sample: 8, or 16 (native-endian uint16) */
    int orientation; /* the EXIF tag, as probed */
    uint8_t *px;     /* width * channels samples per row, no padding */
    uint8_t *icc, *exif;
    size_t icc_size, exif_size;
} decoded;

static inline uint8_t *dup_bytes(const uint8_t *p, size_t n) {
    if (!p || n == 0)
        return NULL;
    uint8_t *q = malloc(n);
    ck_assert_ptr_nonnull(q);
    memcpy(q, p, n);
    return q;
}

/* Decodes data, which must be a good image, on a fresh context; with
 * want_16, a 16-bit PNG in 16 bits. */
static inline decoded decode_image_depth(const uint8_t *data, size_t size,
                                         int want_16) {
    decoded r;
    memset(&r, 0, sizeof r);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    decoder_request req = {.min_width = d.info.width,
                           .min_height = d.info.height,
                           .depth16 = want_16};
    ck_assert_int_eq(decoder_start(&d, &req), THUMB_OK);
    r.depth = d.depth;
    r.format = d.info.format;
    r.orientation = d.info.orientation;
    r.width = d.width;
    r.height = d.height;
    r.channels = d.channels;
    r.icc = dup_bytes(d.icc, d.icc_size);
    r.icc_size = d.icc_size;
    r.exif = dup_bytes(d.exif, d.exif_size);
    r.exif_size = d.exif_size;
    size_t stride =
        (size_t)r.width * (size_t)r.channels * (size_t)(r.depth / 8);
    r.px = malloc(stride * r.height);
    ck_assert_ptr_nonnull(r.px);
    for (uint32_t y = 0; y < r.height; y++) {
        uint8_t *row = r.px + stride * y;
        ck_assert_int_eq(decoder_read_rows(&d, &row, 1), THUMB_OK);
    }
    decoder_close(&d);
    thumb_ctx_free(ctx);
    return r;
}

static inline decoded decode_image(const uint8_t *data, size_t size) {
    return decode_image_depth(data, size, 0);
}

static inline void decoded_free(decoded *r) {
    free(r->px);
    free(r->icc);
    free(r->exif);
    memset(r, 0, sizeof *r);
}

static inline const uint8_t *decoded_px(const decoded *r, uint32_t x,
                                        uint32_t y) {
    return r->px + ((size_t)y * r->width + x) * (size_t)r->channels;
}

typedef struct option_value {
    thumb_option key;
    int64_t value;
} option_value;

/* Runs the library on in with the options (the rest at their defaults)
 * and returns a malloc'd copy of the output. */
static inline uint8_t *make_thumbnail(const uint8_t *in, size_t in_size,
                                      const option_value *opts, size_t n,
                                      size_t *out_size) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(thumb_ctx_set(ctx, opts[i].key, opts[i].value) ==
                          THUMB_OK,
                      "option %d = %lld: %s", (int)opts[i].key,
                      (long long)opts[i].value, thumb_ctx_error(ctx));
    const unsigned char *out = NULL;
    thumb_status st = thumb_run(ctx, in, in_size, &out, out_size);
    ck_assert_msg(st == THUMB_OK, "thumb_run: %s", thumb_ctx_error(ctx));
    uint8_t *copy = dup_bytes(out, *out_size);
    thumb_ctx_free(ctx);
    return copy;
}

/* make_thumbnail, then decode_image of the result. */
static inline decoded thumbnail_decoded(const uint8_t *in, size_t in_size,
                                        const option_value *opts, size_t n) {
    size_t size = 0;
    uint8_t *out = make_thumbnail(in, in_size, opts, n, &size);
    decoded r = decode_image(out, size);
    free(out);
    return r;
}

/* img as a PNG file (zlib level 6), malloc'd: test inputs made in
 * memory. */
static inline uint8_t *encode_png_file(const image *img, size_t *size) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    buffer buf;
    buffer_init(&buf, ctx);
    encode_options eo = {.quality = 80, .png_compression = 6};
    ck_assert_int_eq(png_encode(ctx, img, &eo, &buf), THUMB_OK);
    uint8_t *out = dup_bytes(buf.data, buf.size);
    *size = buf.size;
    buffer_release(&buf);
    thumb_ctx_free(ctx);
    return out;
}

#define OPTION_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
