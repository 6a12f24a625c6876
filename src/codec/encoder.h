/* Output codecs. Each appends one complete file to `out` or fails with
 * ctx_fail() and a message prefixed by the format's name. */
#ifndef THUMB_ENCODER_H
#define THUMB_ENCODER_H

#include "../buffer.h"
#include "../image.h"
#include "thumbnail.h"

typedef struct encode_options {
    int quality;          /* 1..100: JPEG, lossy WebP and AVIF */
    int jpeg_progressive; /* 0 or 1 */
    int jpeg_optimize;    /* 0 or 1: Huffman tables for this image */
    thumb_subsampling jpeg_subsampling; /* JPEG and AVIF */
    int png_compression;                /* zlib level 0..9 */
    int webp_lossless;                  /* 0 or 1 */
    /* Metadata to embed, or NULL: an ICC profile matching the image's
     * channels (the caller checks), and an EXIF block as the bare TIFF
     * structure. */
    const uint8_t *icc;
    size_t icc_size;
    const uint8_t *exif;
    size_t exif_size;
} encode_options;

/* img in `format`, through the encoder of that format. */
/* 1 when the encoder of a format the table says is written can run: its
 * library loads (AVIF's is loaded at first use, codec_lib.h). */
int encoder_available(thumb_format format);

thumb_status encoder_write(thumb_ctx *ctx, thumb_format format,
                           const image *img, const encode_options *opt,
                           buffer *out);

/* img has 1 (grey) or 3 (RGB) channels: the caller flattens alpha. */
thumb_status jpeg_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample (the others take
 * 8). */
thumb_status png_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out);
/* img has 1 to 4 channels; grey is written as RGB, as WebP has no grey. */
thumb_status webp_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample; grey is written as
 * monochrome AV1. Only when built with libavif (THUMB_HAVE_AVIF). */
thumb_status avif_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);

#endif
