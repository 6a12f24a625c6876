/* The decoder interface every input codec implements, and the dispatch
 * from a sniffed format to the codec.
 *
 * Life of a decoder:
 *   decoder_open()      sniff + probe: header only, d->info filled
 *   decoder_start()     choose the shrink-on-load factor; d->width,
 *                       d->height and d->channels say what rows will come
 *   decoder_read_rows() the rows, top to bottom, in any number of calls
 *   decoder_close()     always, after a successful decoder_open()
 *
 * Rows are 8 bits per sample (16 when d->depth says so), d->channels
 * samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. Alpha is
 * straight (not premultiplied).
 * Codecs report failures through ctx_fail() with a message prefixed by the
 * format's name ("JPEG: ..."). No codec may abort, exit or print. */
#ifndef THUMB_DECODER_H
#define THUMB_DECODER_H

#include "../image.h"
#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

typedef struct decoder decoder;

/* A YCbCr JPEG's planes: Y, Cb, Cr. */
#define DECODER_PLANES 3

/* One plane as the codec stores it (see decoder.want_planes). */
typedef struct decoder_plane {
    uint32_t width, height; /* samples */
    /* The image's span in this plane's samples: a chroma plane of an odd
     * width has (width + 1) / 2 samples covering width / 2 of them. */
    double extent_width, extent_height;
    uint32_t group_rows; /* rows each read_planes() call gives */
    size_t row_bytes;    /* what each row buffer must hold (padding) */
} decoder_plane;

typedef struct decoder_ops {
    /* Reads the header and fills d->info. Allocates no pixel memory beyond
     * what the codec needs to parse the header. May set d->state. */
    thumb_status (*probe)(decoder *d);
    /* Prepares decoding. The codec may shrink on load by any factor it
     * supports, as long as the result is at least min_width x min_height
     * (both >= 1); a codec without shrink-on-load ignores them. Sets
     * d->width, d->height, d->channels. */
    thumb_status (*start)(decoder *d, uint32_t min_width, uint32_t min_height);
    /* Writes the next `count` rows into rows[0..count), each at least
     * d->width * d->channels * d->depth / 8 bytes. */
    thumb_status (*read_rows)(decoder *d, uint8_t *const *rows, uint32_t count);
    /* Frees d->state and everything the codec holds. Safe after a failed
     * probe, start or read_rows, and when d->state is NULL. */
    void (*destroy)(decoder *d);
    /* Only for codecs that can give planes (want_planes), NULL otherwise:
     * writes the next group of rows of every plane, planes[p][0 ..
     * group_rows). The last group may end below the plane's height. */
    thumb_status (*read_planes)(decoder *d, uint8_t *const *const *planes);
} decoder_ops;

struct decoder {
    thumb_ctx *ctx;
    const uint8_t *data;
    size_t size;
    const decoder_ops *ops;
    void *state; /* the codec's own */
    image_info info;
    uint32_t width, height; /* of the rows read_rows gives */
    /* After start: the image's span in those rows' samples, when it is
     * not width x height: shrunk on load by 1/8, a JPEG 2725 wide spans
     * 340.625 samples, the last of them made from a partial block. The
     * resize must scale that span, not the rounded-up width, or the image
     * is stretched by up to a sample. 0: width (height). */
    double extent_width, extent_height;
    int channels;
    /* Metadata the probe found, or NULL: the whole ICC profile (reassembled
     * when split) and the EXIF block as the bare TIFF structure ("II*\0" /
     * "MM\0*", without JPEG's "Exif\0\0"). They point into the input or
     * the codec's memory and stay valid until decoder_close(). */
    const uint8_t *icc, *exif;
    size_t icc_size, exif_size;
    /* Set between open and start: 1 asks a CMYK JPEG for its inks
     * (4 channels, Adobe convention 255 = no ink), so that the caller can
     * convert them with the ICC profile, instead of the naive RGB. */
    int want_cmyk;
    /* After start: 1 when the rows are such CMYK. */
    int cmyk;
    /* Set between open and start: 1 takes 16-bit samples (native-endian
     * uint16) from a 16-bit image, instead of rounding them to 8. */
    int want_16;
    /* After start: bits per sample of the rows, 8 or 16 (only with
     * want_16). */
    int depth;
    /* Set between open and start: 1 asks a YCbCr JPEG for its planes as
     * stored, chroma at its own resolution, instead of RGB rows: no chroma
     * upsampling or colour conversion on the full image, which the caller
     * does on the much smaller output instead. */
    int want_planes;
    /* After start: 1 when the image comes as planes[] through
     * decoder_read_planes() instead of rows (d->channels still says 3). */
    int planar;
    decoder_plane planes[DECODER_PLANES];
};

extern const decoder_ops jpeg_decoder_ops;
extern const decoder_ops png_decoder_ops;
extern const decoder_ops webp_decoder_ops;
extern const decoder_ops gif_decoder_ops;
extern const decoder_ops heif_decoder_ops; /* HEIF and AVIF */
extern const decoder_ops jxl_decoder_ops;

/* Sniffs the format and probes the header. On failure nothing is left to
 * close. */
thumb_status decoder_open(thumb_ctx *ctx, const uint8_t *data, size_t size,
                          decoder *d);
thumb_status decoder_start(decoder *d, uint32_t min_width, uint32_t min_height);
thumb_status decoder_read_rows(decoder *d, uint8_t *const *rows,
                               uint32_t count);
thumb_status decoder_read_planes(decoder *d, uint8_t *const *const *planes);
void decoder_close(decoder *d);

#endif
