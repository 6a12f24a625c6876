/* From an output format to its encoder: still images and animations. */
#include "anim_encoder.h"

#include "../ctx.h"
#include "codec_lib.h"
#include "format.h"

int encoder_available(thumb_format format) {
#ifdef THUMB_HAVE_AVIF
    if (format == THUMB_FORMAT_AVIF)
        return codec_lib_avif(NULL) != NULL;
#else
    (void)format;
#endif
    return 1;
}

int encoder_streams(thumb_format format, const encode_options *opt) {
    if (format == THUMB_FORMAT_JPEG)
        return !opt->jpeg_progressive && !opt->jpeg_optimize;
    return format == THUMB_FORMAT_PNG;
}

struct row_encoder {
    thumb_ctx *ctx;
    jpeg_rows *jpeg;
    png_rows *png;
};

thumb_status row_encoder_new(thumb_ctx *ctx, thumb_format format,
                             const image *shape, const encode_options *opt,
                             buffer *out, row_encoder **enc) {
    *enc = NULL;
    if (format != THUMB_FORMAT_JPEG && format != THUMB_FORMAT_PNG)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL, "%s is not written row by row",
                        format_name(format));
    row_encoder *e = ctx_calloc(ctx, 1, sizeof *e);
    if (!e)
        return THUMB_ERR_NOMEM;
    e->ctx = ctx;
    thumb_status st = format == THUMB_FORMAT_JPEG
                          ? jpeg_rows_new(ctx, shape, opt, out, &e->jpeg)
                          : png_rows_new(ctx, shape, opt, out, &e->png);
    if (st != THUMB_OK) {
        ctx_free(ctx, e);
        return st;
    }
    *enc = e;
    return THUMB_OK;
}

thumb_status row_encoder_add(row_encoder *enc, const uint8_t *row) {
    return enc->jpeg ? jpeg_rows_add(enc->jpeg, row)
                     : png_rows_add(enc->png, row);
}

thumb_status row_encoder_finish(row_encoder *enc) {
    return enc->jpeg ? jpeg_rows_finish(enc->jpeg) : png_rows_finish(enc->png);
}

void row_encoder_free(row_encoder *enc) {
    if (!enc)
        return;
    if (enc->jpeg)
        jpeg_rows_free(enc->jpeg);
    else
        png_rows_free(enc->png);
    ctx_free(enc->ctx, enc);
}

/* img through a row encoder, one row after another. */
static thumb_status write_by_rows(thumb_ctx *ctx, thumb_format format,
                                  const image *img, const encode_options *opt,
                                  buffer *out) {
    row_encoder *e;
    thumb_status st = row_encoder_new(ctx, format, img, opt, out, &e);
    for (uint32_t y = 0; st == THUMB_OK && y < img->height; y++)
        st = row_encoder_add(e, image_row(img, y));
    if (st == THUMB_OK)
        st = row_encoder_finish(e);
    row_encoder_free(e);
    return st;
}

thumb_status jpeg_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out) {
    return write_by_rows(ctx, THUMB_FORMAT_JPEG, img, opt, out);
}

thumb_status png_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out) {
    return write_by_rows(ctx, THUMB_FORMAT_PNG, img, opt, out);
}

thumb_status encoder_write(thumb_ctx *ctx, thumb_format format,
                           const image *img, const encode_options *opt,
                           buffer *out) {
    /* Checked before any encoder runs, so that no picture is allocated
     * for an image the format cannot hold. */
    thumb_status st = format_check_size(ctx, format, img->width, img->height);
    if (st != THUMB_OK)
        return st;
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return jpeg_encode(ctx, img, opt, out);
    case THUMB_FORMAT_PNG:
        return png_encode(ctx, img, opt, out);
    case THUMB_FORMAT_WEBP:
        return webp_encode(ctx, img, opt, out);
    case THUMB_FORMAT_GIF:
        return gif_encode(ctx, img, opt, out);
#ifdef THUMB_HAVE_AVIF
    case THUMB_FORMAT_AVIF:
        return avif_encode(ctx, img, opt, out);
#endif
    default:
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "cannot write %s output", format_name(format));
    }
}

/* Animation frames are RGBA. */
#define FRAME_CHANNELS 4

struct anim_writer {
    thumb_ctx *ctx;
    thumb_format format;
    uint32_t width, height;
    buffer *out;
    gif_writer *gif;
    webp_anim_writer *webp;
};

thumb_status anim_writer_new(thumb_ctx *ctx, thumb_format format,
                             uint32_t width, uint32_t height,
                             const anim_loop *loop, const encode_options *opt,
                             buffer *out, anim_writer **wp) {
    *wp = NULL;
    const format_desc *d = format_describe(format);
    if (!d || !d->animates)
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "cannot write animated %s output", format_name(format));
    thumb_status st = format_check_size(ctx, format, width, height);
    if (st != THUMB_OK)
        return st;
    anim_writer *w = ctx_malloc(ctx, sizeof *w);
    if (!w)
        return THUMB_ERR_NOMEM;
    *w = (anim_writer){ctx, format, width, height, out, NULL, NULL};
    *wp = w;
    if (format == THUMB_FORMAT_GIF)
        return gif_writer_new(ctx, width, height, loop, out, &w->gif);
    return webp_anim_writer_new(ctx, width, height, loop, opt, &w->webp);
}

thumb_status anim_writer_add(anim_writer *w, const image *frame, int delay_ms) {
    return w->gif ? gif_writer_add(w->gif, frame, delay_ms)
                  : webp_anim_writer_add(w->webp, frame, delay_ms);
}

thumb_status anim_writer_finish(anim_writer *w) {
    return w->gif ? gif_writer_finish(w->gif)
                  : webp_anim_writer_finish(w->webp, w->out);
}

void anim_writer_free(thumb_ctx *ctx, anim_writer *w) {
    if (!w)
        return;
    gif_writer_free(w->gif);
    webp_anim_writer_free(w->webp);
    ctx_free(ctx, w);
}
