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

/* 1 when the encoder of a format the table says is written can run: its
 * library loads (AVIF's is loaded at first use, codec_lib.h). */
int encoder_available(thumb_format format);

/* img in `format`, through the encoder of that format. */
thumb_status encoder_write(thumb_ctx *ctx, thumb_format format,
                           const image *img, const encode_options *opt,
                           buffer *out);
/* A still JPEG or PNG written row by row as its rows are made, so that
 * no output frame is needed (with the options encoder_streams() accepts;
 * others work too, libjpeg then holding the whole image inside):
 * row_encoder_new(), row_encoder_add() once per row, top to bottom,
 * row_encoder_finish(), and row_encoder_free() in any case (after a failure it
 * takes back what was written: no partial file). The row last added must stay
 * as it is until the next is added: PNG filters each row against the one above.
 */
typedef struct row_encoder row_encoder;

/* 1 when `format` is written row by row with these options, holding no
 * more than a few rows: JPEG, baseline with the standard tables
 * (progressive scans and optimised tables keep every coefficient until
 * the end, as large as a frame), and PNG. */
int encoder_streams(thumb_format format, const encode_options *opt);
/* shape: the output's width, height, channels and depth (no pixels).
 * The format's size limit is the caller's to check (format_check_size(),
 * as encoder_write() does), so that libjpeg's own stays its word. */
thumb_status row_encoder_new(thumb_ctx *ctx, thumb_format format,
                             const image *shape, const encode_options *opt,
                             buffer *out, row_encoder **enc);
thumb_status row_encoder_add(row_encoder *enc, const uint8_t *row);
thumb_status row_encoder_finish(row_encoder *enc);
void row_encoder_free(row_encoder *enc);

/* img has 1 (grey) or 3 (RGB) channels: the caller flattens alpha. */
thumb_status jpeg_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample (the others take
 * 8). */
thumb_status png_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out);
/* The row encoders behind row_encoder (which frees them on failure). */
typedef struct jpeg_rows jpeg_rows;
thumb_status jpeg_rows_new(thumb_ctx *ctx, const image *shape,
                           const encode_options *opt, buffer *out,
                           jpeg_rows **enc);
thumb_status jpeg_rows_add(jpeg_rows *enc, const uint8_t *row);
thumb_status jpeg_rows_finish(jpeg_rows *enc);
void jpeg_rows_free(jpeg_rows *enc);
typedef struct png_rows png_rows;
thumb_status png_rows_new(thumb_ctx *ctx, const image *shape,
                          const encode_options *opt, buffer *out,
                          png_rows **enc);
thumb_status png_rows_add(png_rows *enc, const uint8_t *row);
thumb_status png_rows_finish(png_rows *enc);
void png_rows_free(png_rows *enc);
/* img has 1 to 4 channels; grey is written as RGB, as WebP has no grey. */
thumb_status webp_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample; grey is written as
 * monochrome AV1. Only when built with libavif (THUMB_HAVE_AVIF). */
thumb_status avif_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);

#endif
