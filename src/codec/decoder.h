/* The decoder interface every input codec implements, and the dispatch
 * from a sniffed format to the codec.
 *
 * Life of a decoder:
 *   decoder_open()       sniff + probe: header only, d->info filled
 *   decoder_start()      with the caller's request: shrink-on-load, the
 *                        layout wanted; d->width, d->height, d->channels
 *                        and the rest say what will come
 *   decoder_read_rows()  the rows, top to bottom, in any number of calls;
 *   or decoder_read_planes(), when d->planar: a JPEG's planes;
 *   or decoder_next_frame() then the frame's rows, when d->frames: an
 *                        animation frame by frame
 *   decoder_close()      always, after a successful decoder_open()
 *
 * Rows are 8 bits per sample (16 when d->depth says so), d->channels
 * samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (or CMYK inks
 * when d->cmyk). Alpha is straight (not premultiplied). The layout is the
 * one decoder_rows_layout() predicts from the header and the request.
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

/* One plane as the codec stores it (see decoder_request.planes). */
typedef struct decoder_plane {
    uint32_t width, height; /* samples */
    /* The image's span in this plane's samples: a chroma plane of an odd
     * width has (width + 1) / 2 samples covering width / 2 of them. */
    double extent_width, extent_height;
    uint32_t group_rows; /* rows each read_planes() call gives */
    size_t row_bytes;    /* what each row buffer must hold (padding) */
} decoder_plane;

/* What the caller wants of a decoder, given to decoder_start(). */
typedef struct decoder_request {
    /* The codec may shrink on load by any factor it supports, as long as
     * the result is at least min_width x min_height (both >= 1); a codec
     * without shrink-on-load ignores them. */
    uint32_t min_width, min_height;
    /* 1: a CMYK JPEG gives its inks (4 channels, Adobe convention 255 = no
     * ink) for the caller to convert with the ICC profile, instead of the
     * naive RGB. */
    int cmyk;
    /* 1: a 16-bit image gives 16-bit samples (native-endian uint16)
     * instead of rounding them to 8. */
    int depth16;
    /* 1: a YCbCr JPEG whose layout allows it gives its planes as stored,
     * chroma at its own resolution (d->planar then says so), instead of
     * RGB rows: no chroma upsampling or colour conversion on the full
     * image, which the caller does on the much smaller output instead. */
    int planes;
    /* 1: an animation gives every frame, composited on its canvas as a
     * browser shows it (RGBA), through decoder_next_frame(); 0: its first
     * frame only, as a still image. */
    int frames;
} decoder_request;

typedef struct decoder_ops {
    /* Reads the header and fills d->info. Allocates no pixel memory beyond
     * what the codec needs to parse the header. May set d->state. */
    thumb_status (*probe)(decoder *d);
    /* Prepares decoding as asked. Sets d->width, d->height, d->channels
     * and, where they apply, d->depth, d->cmyk, d->planar, d->frames. */
    thumb_status (*start)(decoder *d, const decoder_request *req);
    /* Writes the next `count` rows into rows[0..count), each at least
     * d->width * d->channels * d->depth / 8 bytes. */
    thumb_status (*read_rows)(decoder *d, uint8_t *const *rows, uint32_t count);
    /* Frees d->state and everything the codec holds. Safe after a failed
     * probe, start or read_rows, and when d->state is NULL. */
    void (*destroy)(decoder *d);
    /* Only for codecs that can give planes, NULL otherwise: writes the
     * next group of rows of every plane, planes[p][0 .. group_rows). The
     * last group may end below the plane's height. */
    thumb_status (*read_planes)(decoder *d, uint8_t *const *const *planes);
    /* Only for codecs that can give frames, NULL otherwise: moves to the
     * next frame, whose rows read_rows then gives from the top; *more is
     * 0 at the end. *delay_ms: how long the frame shows. */
    thumb_status (*next_frame)(decoder *d, int *more, int *delay_ms);
    /* Only for codecs whose library is loaded at first use (codec_lib.h),
     * NULL otherwise: 1 when it loads. */
    int (*available)(void);
    /* Only for codecs that can give planes, NULL otherwise: before start,
     * the planes libjpeg would decode for req, into planes[], even where
     * start would give rows (chroma at the luma's size); 0 when the image
     * has no such planes. */
    int (*predict_planes)(decoder *d, const decoder_request *req,
                          decoder_plane *planes);
} decoder_ops;

struct decoder {
    thumb_ctx *ctx;
    const uint8_t *data;
    size_t size;
    const decoder_ops *ops;
    void *state; /* the codec's own */
    image_info info;
    /* Metadata the probe found, or NULL: the whole ICC profile (reassembled
     * when split) and the EXIF block as the bare TIFF structure ("II*\0" /
     * "MM\0*", without JPEG's "Exif\0\0"). They point into the input or
     * the codec's memory and stay valid until decoder_close(). */
    const uint8_t *icc, *exif;
    size_t icc_size, exif_size;

    /* After start: */
    uint32_t width, height; /* of the rows read_rows gives */
    /* The image's span in those rows' samples, when it is not width x
     * height: shrunk on load by 1/8, a JPEG 2725 wide spans 340.625
     * samples, the last of them made from a partial block. The resize
     * must scale that span, not the rounded-up width, or the image is
     * stretched by up to a sample. 0: width (height). */
    double extent_width, extent_height;
    int channels;
    int cmyk;  /* 1: the rows are CMYK inks (as asked by req->cmyk) */
    int depth; /* bits per sample of the rows, 8 or 16 */
    /* 1: the image comes as planes[] through decoder_read_planes()
     * instead of rows (d->channels still says 3). */
    int planar;
    decoder_plane planes[DECODER_PLANES];
    /* 1: the image comes frame by frame (decoder_next_frame()). */
    int frames;
    /* How many times the animation plays, 0 forever: WebP's loop count,
     * and libvips's reading of GIF's (a NETSCAPE2.0 count n repeats n
     * times after the first play, as browsers do, so it plays n + 1
     * times; without the extension a GIF plays once). With d->frames,
     * valid once the first frame has been read. */
    int loop_count;
};

extern const decoder_ops jpeg_decoder_ops;
extern const decoder_ops png_decoder_ops;
extern const decoder_ops webp_decoder_ops;
extern const decoder_ops gif_decoder_ops;
extern const decoder_ops heif_decoder_ops; /* HEIF and AVIF */
extern const decoder_ops jxl_decoder_ops;

/* 1 when this build has a decoder for `format` (HEIF and JPEG XL are
 * optional at configure time) and its library loads (codec_lib.h). */
int decoder_can_read(thumb_format format);

/* Sniffs the format and probes the header. On failure nothing is left to
 * close. */
thumb_status decoder_open(thumb_ctx *ctx, const uint8_t *data, size_t size,
                          decoder *d);

/* The layout of the rows a decoder of `info` gives for `req`: channels
 * (*cmyk set when they are inks) and depth. decoder_start() checks that
 * the codec keeps to it, so that the caller may plan on it before. */
void decoder_rows_layout(const image_info *info, const decoder_request *req,
                         int *channels, int *cmyk, int *depth);

/* Before decoder_start(): the planes a decode for req works on (see
 * decoder_ops.predict_planes); 0 when there are none. */
int decoder_predict_planes(decoder *d, const decoder_request *req,
                           decoder_plane *planes);
thumb_status decoder_start(decoder *d, const decoder_request *req);
thumb_status decoder_read_rows(decoder *d, uint8_t *const *rows,
                               uint32_t count);
thumb_status decoder_read_planes(decoder *d, uint8_t *const *const *planes);
thumb_status decoder_next_frame(decoder *d, int *more, int *delay_ms);
void decoder_close(decoder *d);

#endif
