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

/* The rows an encoder writes, asked for top to bottom, each once: an
 * image's own (make NULL), or made as the encoder asks for them, so that
 * a still output streamed from its resize needs no output frame. A row
 * stays valid until the one after it has been asked for: PNG filters each
 * row against the one above. */
typedef struct encode_rows {
    image shape; /* width, height, channels, depth; px when make is NULL */
    thumb_status (*make)(void *opaque, uint32_t y, const uint8_t **row);
    void *opaque;
} encode_rows;

/* 1 when the encoder of a format the table says is written can run: its
 * library loads (AVIF's is loaded at first use, codec_lib.h). */
int encoder_available(thumb_format format);

/* img in `format`, through the encoder of that format. */
thumb_status encoder_write(thumb_ctx *ctx, thumb_format format,
                           const image *img, const encode_options *opt,
                           buffer *out);
/* 1 when `format` is written row by row with these options, holding no
 * more than a few rows (encoder_write_rows): JPEG, baseline with the
 * standard tables (progressive scans and optimised tables keep every
 * coefficient until the end, as large as a frame), and PNG. */
int encoder_streams(thumb_format format, const encode_options *opt);
/* The same from rows, for a format encoder_streams() accepts. */
thumb_status encoder_write_rows(thumb_ctx *ctx, thumb_format format,
                                const encode_rows *rows,
                                const encode_options *opt, buffer *out);

/* img has 1 (grey) or 3 (RGB) channels: the caller flattens alpha. */
thumb_status jpeg_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
thumb_status jpeg_encode_rows(thumb_ctx *ctx, const encode_rows *rows,
                              const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample (the others take
 * 8). */
thumb_status png_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out);
thumb_status png_encode_rows(thumb_ctx *ctx, const encode_rows *rows,
                             const encode_options *opt, buffer *out);
/* Row y of rows (encode_rows). */
static inline thumb_status encode_row(const encode_rows *rows, uint32_t y,
                                      const uint8_t **row) {
    if (!rows->make) {
        *row = image_row(&rows->shape, y);
        return THUMB_OK;
    }
    return rows->make(rows->opaque, y, row);
}
/* img has 1 to 4 channels; grey is written as RGB, as WebP has no grey. */
thumb_status webp_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);
/* img has 1 to 4 channels, 8 or 16 bits per sample; grey is written as
 * monochrome AV1. Only when built with libavif (THUMB_HAVE_AVIF). */
thumb_status avif_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out);

#endif
