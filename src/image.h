/* Images inside the library: 1 to 4 interleaved channels (grey,
 * grey+alpha, RGB, RGBA), top row first, 8 bits per sample; 16 (uint16 in
 * native byte order) only between a 16-bit PNG and a 16-bit PNG output. */
#ifndef THUMB_IMAGE_H
#define THUMB_IMAGE_H

#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

/* What a header says about an image; filled by a decoder's probe. */
typedef struct image_info {
    thumb_format format;
    uint32_t width, height; /* as stored, before orientation */
    int orientation;        /* EXIF 1..8, 1 when absent or invalid */
    uint32_t frames;        /* 1 for still images */
    int has_alpha;
    int bit_depth; /* bits per sample as stored */
    int grey;      /* grey samples (with or without alpha), not colour */
    int cmyk;      /* CMYK or YCCK inks (JPEG) */
} image_info;

typedef struct image {
    uint32_t width, height;
    int channels;  /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
    size_t stride; /* bytes from one row to the next */
    uint8_t *px;
    int depth; /* bits per sample: 8 or 16 */
} image;

static inline int channels_have_alpha(int channels) {
    return channels == 2 || channels == 4;
}

static inline uint8_t *image_row(const image *img, uint32_t y) {
    return img->px + (size_t)y * img->stride;
}

static inline size_t image_pixel_bytes(const image *img) {
    return (size_t)img->channels * (img->depth == 16 ? 2 : 1);
}

/* Allocates img->px for width x height x channels, tightly packed, with 8
 * bits per sample; image_alloc_depth() with 8 or 16. */
thumb_status image_alloc(thumb_ctx *ctx, image *img, uint32_t width,
                         uint32_t height, int channels);
thumb_status image_alloc_depth(thumb_ctx *ctx, image *img, uint32_t width,
                               uint32_t height, int channels, int depth);
void image_release(thumb_ctx *ctx, image *img);

/* Replaces an image that has alpha with one without, composited on
 * background (0xRRGGBB): grey+alpha becomes grey when the background is
 * grey, RGB otherwise. */
thumb_status image_flatten(thumb_ctx *ctx, image *img, uint32_t background);
/* The channels image_flatten() leaves of `channels` on that background. */
int image_flatten_channels(int channels, uint32_t background);
/* One row of image_flatten(): width pixels of src (channels with alpha)
 * into dst (image_flatten_channels() of them). */
void image_flatten_row(const uint8_t *src, int channels, uint32_t width,
                       uint32_t background, uint8_t *dst);

/* An 8-bit copy of a 16-bit image (each sample rounded), into *out. */
thumb_status image_to_8bit(thumb_ctx *ctx, const image *img, image *out);

/* Turns grey (1) into RGB (3) and grey+alpha (2) into RGBA (4). */
thumb_status image_expand_grey(thumb_ctx *ctx, image *img);

#endif
