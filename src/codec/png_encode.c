/* PNG output through libpng 1.6: grey, grey+alpha, RGB or RGBA, 8 or 16
 * bits per sample.
 *
 * libpng's error callback (png_glue.h) longjmps back to the setjmp in
 * pngenc_write(), inside this file, and all libpng and zlib memory comes
 * from the context's allocator. */
#include "encoder.h"

#include "../ctx.h"
#include "png_glue.h"

#include <png.h>
#include <setjmp.h>

/* zlib's level range, as THUMB_OPT_PNG_COMPRESSION documents it. */
#define PNGENC_LEVEL_MIN 0
#define PNGENC_LEVEL_MAX 9
/* iCCP wants a profile name; nothing reads it. */
#define PNGENC_ICC_NAME "icc"

typedef struct pngenc_state {
    thumb_ctx *ctx;
    buffer *out;
    png_structp png;
    png_infop info;
    png_glue glue;
} pngenc_state;

static void PNGCBAPI on_write(png_structp png, png_bytep data, size_t len) {
    pngenc_state *s = png_get_io_ptr(png);
    if (buffer_append(s->out, data, len) != THUMB_OK) {
        s->glue.alloc_failed = 1;
        png_error(png, "out of memory growing the output buffer");
    }
}

/* Everything goes to memory; there is nothing to flush. (Without this,
 * libpng would call fflush() on our io pointer.) */
static void PNGCBAPI on_flush(png_structp png) {
    (void)png;
}

static int color_type_for(int channels) {
    switch (channels) {
    case 1:
        return PNG_COLOR_TYPE_GRAY;
    case 2:
        return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3:
        return PNG_COLOR_TYPE_RGB;
    default:
        return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

/* The libpng part. Kept apart from png_encode() so that the state it
 * changes between setjmp and longjmp lives in the caller's frame, where the
 * jump cannot leave it indeterminate. */
static thumb_status pngenc_write(pngenc_state *s, const image *img, int level,
                                 const encode_options *opt) {
    if (setjmp(s->glue.jump))
        return s->glue.error;
    s->png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, &s->glue,
                                       pngglue_error, pngglue_warning, &s->glue,
                                       pngglue_malloc, pngglue_free);
    if (!s->png)
        return ctx_fail(s->ctx, THUMB_ERR_NOMEM,
                        "PNG: cannot create the libpng write struct");
    s->info = png_create_info_struct(s->png);
    if (!s->info)
        return ctx_fail(s->ctx, THUMB_ERR_NOMEM,
                        "PNG: cannot create the libpng info struct");
    png_set_write_fn(s->png, s, on_write, on_flush);
    png_set_compression_level(s->png, level);
    png_set_IHDR(s->png, s->info, img->width, img->height,
                 img->depth == 16 ? 16 : 8, color_type_for(img->channels),
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (opt->icc && opt->icc_size > 0 && opt->icc_size <= PNG_UINT_31_MAX) {
        /* A profile libpng finds inconsistent with the colour type is
         * then dropped with a warning rather than failing the encode. */
        png_set_benign_errors(s->png, 1);
        png_set_iCCP(s->png, s->info, PNGENC_ICC_NAME,
                     PNG_COMPRESSION_TYPE_BASE, opt->icc,
                     (png_uint_32)opt->icc_size);
    }
    if (opt->exif && opt->exif_size > 0 && opt->exif_size <= PNG_UINT_31_MAX)
        png_set_eXIf_1(s->png, s->info, (png_uint_32)opt->exif_size,
                       (png_bytep)opt->exif);
    png_write_info(s->png, s->info);
    if (img->depth == 16)
        pngglue_native_16(s->png);
    for (uint32_t y = 0; y < img->height; y++)
        png_write_row(s->png, image_row(img, y));
    png_write_end(s->png, NULL);
    return THUMB_OK;
}

thumb_status png_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out) {
    if (img->channels < 1 || img->channels > 4 || img->width == 0 ||
        img->height == 0)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "PNG: cannot encode a %ux%u image with %d channels",
                        img->width, img->height, img->channels);
    int level = opt->png_compression;
    if (level < PNGENC_LEVEL_MIN)
        level = PNGENC_LEVEL_MIN;
    if (level > PNGENC_LEVEL_MAX)
        level = PNGENC_LEVEL_MAX;

    pngenc_state s = {.ctx = ctx, .out = out};
    pngglue_init(&s.glue, ctx, THUMB_ERR_ENCODE);
    size_t start_size = out->size;
    thumb_status st = pngenc_write(&s, img, level, opt);
    if (s.png)
        png_destroy_write_struct(&s.png, s.info ? &s.info : NULL);
    /* A failed encode leaves no partial file behind. */
    if (st != THUMB_OK)
        out->size = start_size;
    return st;
}
