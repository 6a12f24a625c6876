#include "image.h"

#include "ctx.h"

#include <string.h>

thumb_status image_alloc(thumb_ctx *ctx, image *img, uint32_t width,
                         uint32_t height, int channels) {
    return image_alloc_depth(ctx, img, width, height, channels, 8);
}

thumb_status image_alloc_depth(thumb_ctx *ctx, image *img, uint32_t width,
                               uint32_t height, int channels, int depth) {
    int ok = 1;
    size_t stride =
        size_mul(width, (size_t)channels * (depth == 16 ? 2 : 1), &ok);
    size_t total = size_mul(stride, height, &ok);
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_LIMIT, "image %ux%u is too large", width,
                        height);
    img->px = ctx_malloc(ctx, total);
    if (!img->px)
        return THUMB_ERR_NOMEM;
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->stride = stride;
    img->depth = depth;
    return THUMB_OK;
}

thumb_status image_to_8bit(thumb_ctx *ctx, const image *img, image *out) {
    thumb_status st =
        image_alloc(ctx, out, img->width, img->height, img->channels);
    if (st != THUMB_OK)
        return st;
    size_t samples = (size_t)img->width * img->channels;
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *s = image_row(img, y);
        uint8_t *d = image_row(out, y);
        for (size_t i = 0; i < samples; i++) {
            uint16_t v;
            memcpy(&v, s + 2 * i, sizeof v);
            d[i] = (uint8_t)(((uint32_t)v * 255 + 32767) / 65535);
        }
    }
    return THUMB_OK;
}

void image_release(thumb_ctx *ctx, image *img) {
    ctx_free(ctx, img->px);
    img->px = NULL;
}

/* Rounded v / 255 for v in 0..255*255, without a division. */
static inline uint8_t div255(uint32_t v) {
    v += 128;
    return (uint8_t)((v + (v >> 8)) >> 8);
}

static inline uint8_t blend(uint8_t fg, uint8_t bg, uint8_t a) {
    return div255((uint32_t)fg * a + (uint32_t)bg * (255u - a));
}

/* Makes one row of an image of another layout from row `y` of src. */
typedef void (*row_converter)(const image *src, uint32_t y, uint8_t *out,
                              int out_channels, const void *arg);

/* Replaces img with a copy of out_channels samples per pixel, made row by
 * row. */
static thumb_status image_convert(thumb_ctx *ctx, image *img, int out_channels,
                                  row_converter convert, const void *arg) {
    image out = {0};
    thumb_status st =
        image_alloc(ctx, &out, img->width, img->height, out_channels);
    if (st != THUMB_OK)
        return st;
    for (uint32_t y = 0; y < img->height; y++)
        convert(img, y, image_row(&out, y), out_channels, arg);
    image_release(ctx, img);
    *img = out;
    return THUMB_OK;
}

int image_flatten_channels(int channels, uint32_t background) {
    if (!channels_have_alpha(channels))
        return channels;
    uint8_t r = (uint8_t)(background >> 16), g = (uint8_t)(background >> 8),
            b = (uint8_t)background;
    return channels == 2 && r == g && g == b ? 1 : 3;
}

void image_flatten_row(const uint8_t *s, int channels, uint32_t width,
                       uint32_t background, uint8_t *d) {
    const uint8_t bg[3] = {(uint8_t)(background >> 16),
                           (uint8_t)(background >> 8), (uint8_t)background};
    int out_channels = image_flatten_channels(channels, background);
    for (uint32_t x = 0; x < width; x++) {
        if (channels == 2) {
            uint8_t a = s[1];
            for (int c = 0; c < out_channels; c++)
                d[c] = blend(s[0], bg[c], a);
            s += 2;
        } else {
            uint8_t a = s[3];
            for (int c = 0; c < 3; c++)
                d[c] = blend(s[c], bg[c], a);
            s += 4;
        }
        d += out_channels;
    }
}

static void flatten_row(const image *src, uint32_t y, uint8_t *d,
                        int out_channels, const void *arg) {
    (void)out_channels;
    image_flatten_row(image_row(src, y), src->channels, src->width,
                      *(const uint32_t *)arg, d);
}

thumb_status image_flatten(thumb_ctx *ctx, image *img, uint32_t background) {
    if (!channels_have_alpha(img->channels))
        return THUMB_OK;
    return image_convert(ctx, img,
                         image_flatten_channels(img->channels, background),
                         flatten_row, &background);
}

static void expand_grey_row(const image *src, uint32_t y, uint8_t *d,
                            int out_channels, const void *arg) {
    (void)arg;
    const uint8_t *s = image_row(src, y);
    for (uint32_t x = 0; x < src->width; x++) {
        d[0] = d[1] = d[2] = s[0];
        if (out_channels == 4)
            d[3] = s[1];
        s += src->channels;
        d += out_channels;
    }
}

thumb_status image_expand_grey(thumb_ctx *ctx, image *img) {
    if (img->channels > 2)
        return THUMB_OK;
    return image_convert(ctx, img, img->channels == 1 ? 3 : 4, expand_grey_row,
                         NULL);
}
