/* JPEG XL input through libjxl 0.7 (decode.h), bare codestreams and the
 * box container alike. libjxl is loaded at the first probe (codec_lib.h),
 * and its functions called through that table.
 *
 * The probe reads the headers only: the basic info (size, bits, alpha,
 * orientation), the colour profile of the pixels libjxl will give, and,
 * for an animation, every frame header to count the frames (no pixel is
 * decoded for that). start then decodes the first displayed frame (the
 * image of a still file, the first composited frame of an animation) at
 * full size into a buffer of ours; read_rows copies rows out.
 *
 * The pixels come in stored orientation (JxlDecoderSetKeepOrientation):
 * the header's orientation is reported, and the pipeline turns the much
 * smaller output instead. Premultiplied alpha is divided out by libjxl. */
#include "decoder.h"

#include "../ctx.h"
#include "codec_lib.h"

#include <string.h>

#define JXLDEC_BITS_8 8
#define JXLDEC_BITS_16 16

typedef struct jxldec_state {
    const jxl_functions *lib; /* libjxl, loaded at first use */
    JxlDecoder *jxl;
    uint8_t *icc;    /* ctx memory */
    uint8_t *pixels; /* ctx memory, d->height rows of stride bytes */
    size_t stride;
    uint32_t next_row;
} jxldec_state;

static thumb_status jxldec_fail(decoder *d, JxlDecoderStatus status,
                                const char *while_doing) {
    if (status == JXL_DEC_NEED_MORE_INPUT)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "JPEG XL: data ends early, as in a truncated file, "
                        "while %s",
                        while_doing);
    return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                    "JPEG XL: invalid or damaged data (libjxl status %d) "
                    "while %s",
                    (int)status, while_doing);
}

/* A fresh decoder over the whole input for `events`. */
static thumb_status jxldec_begin(decoder *d, jxldec_state *s, int events) {
    if (s->jxl)
        s->lib->JxlDecoderReset(s->jxl);
    else
        s->jxl = s->lib->JxlDecoderCreate(NULL);
    if (!s->jxl)
        return THUMB_ERR_NOMEM;
    if (s->lib->JxlDecoderSubscribeEvents(s->jxl, events) != JXL_DEC_SUCCESS ||
        s->lib->JxlDecoderSetKeepOrientation(s->jxl, JXL_TRUE) !=
            JXL_DEC_SUCCESS ||
        s->lib->JxlDecoderSetUnpremultiplyAlpha(s->jxl, JXL_TRUE) !=
            JXL_DEC_SUCCESS ||
        s->lib->JxlDecoderSetInput(s->jxl, d->data, d->size) != JXL_DEC_SUCCESS)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG XL: libjxl refused the decoder settings");
    s->lib->JxlDecoderCloseInput(s->jxl);
    return THUMB_OK;
}

static JxlPixelFormat jxldec_format(const decoder *d) {
    JxlPixelFormat f = {
        .num_channels = (uint32_t)d->channels,
        .data_type =
            d->depth == JXLDEC_BITS_16 ? JXL_TYPE_UINT16 : JXL_TYPE_UINT8,
        .endianness = JXL_NATIVE_ENDIAN,
        .align = 0,
    };
    return f;
}

/* The profile of the pixels as libjxl gives them (for an XYB image, the
 * space it converts to); without one they are taken as sRGB. */
static thumb_status jxldec_icc(decoder *d, jxldec_state *s) {
    size_t size = 0;
    if (s->lib->JxlDecoderGetICCProfileSize(s->jxl, NULL,
                                            JXL_COLOR_PROFILE_TARGET_DATA,
                                            &size) != JXL_DEC_SUCCESS ||
        size == 0)
        return THUMB_OK;
    s->icc = ctx_malloc(d->ctx, size);
    if (!s->icc)
        return THUMB_ERR_NOMEM;
    if (s->lib->JxlDecoderGetColorAsICCProfile(
            s->jxl, NULL, JXL_COLOR_PROFILE_TARGET_DATA, s->icc, size) ==
        JXL_DEC_SUCCESS) {
        d->icc = s->icc;
        d->icc_size = size;
    }
    return THUMB_OK;
}

static thumb_status jxldec_basic_info(decoder *d, jxldec_state *s,
                                      int *animated) {
    JxlBasicInfo b;
    if (s->lib->JxlDecoderGetBasicInfo(s->jxl, &b) != JXL_DEC_SUCCESS)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "JPEG XL: basic info unreadable");
    if (b.xsize == 0 || b.ysize == 0)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT, "JPEG XL: image is %ux%u",
                        b.xsize, b.ysize);
    d->info.width = b.xsize;
    d->info.height = b.ysize;
    d->info.has_alpha = b.alpha_bits > 0;
    d->info.bit_depth = (int)b.bits_per_sample;
    d->info.orientation = (int)b.orientation;
    /* Grey stays grey: one colour channel. */
    d->info.grey = b.num_color_channels == 1;
    d->channels = (b.num_color_channels == 1 ? 1 : 3) + (b.alpha_bits > 0);
    *animated = b.have_animation != 0;
    return THUMB_OK;
}

static thumb_status jxldec_probe(decoder *d) {
    jxldec_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    d->state = s;
    const char *why = NULL;
    s->lib = codec_lib_jxl(&why);
    if (!s->lib)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FORMAT, "JPEG XL: %s",
                        why);
    thumb_status st = jxldec_begin(
        d, s, JXL_DEC_BASIC_INFO | JXL_DEC_COLOR_ENCODING | JXL_DEC_FRAME);
    int animated = 0, frames = 0;
    while (st == THUMB_OK) {
        JxlDecoderStatus r = s->lib->JxlDecoderProcessInput(s->jxl);
        if (r == JXL_DEC_BASIC_INFO)
            st = jxldec_basic_info(d, s, &animated);
        else if (r == JXL_DEC_COLOR_ENCODING)
            st = jxldec_icc(d, s);
        else if (r == JXL_DEC_FRAME && animated)
            frames++; /* the frames' headers only: their pixels are skipped */
        else if (r == JXL_DEC_FRAME || r == JXL_DEC_SUCCESS)
            break;
        else
            /* A damaged later frame of an animation leaves the first
             * decodable; start finds out. */
            return frames > 0 ? THUMB_OK
                              : jxldec_fail(d, r, "reading the header");
    }
    d->info.frames = frames > 1 ? (uint32_t)frames : 1;
    return st;
}

static thumb_status jxldec_start(decoder *d, const decoder_request *req) {
    /* libjxl 0.7 cannot shrink on load. */
    jxldec_state *s = d->state;
    d->width = d->info.width;
    d->height = d->info.height;
    d->depth = req->depth16 && d->info.bit_depth > JXLDEC_BITS_8
                   ? JXLDEC_BITS_16
                   : JXLDEC_BITS_8;
    JxlPixelFormat f = jxldec_format(d);
    int ok = 1;
    s->stride = size_mul(size_mul(d->width, (size_t)d->channels, &ok),
                         (size_t)d->depth / JXLDEC_BITS_8, &ok);
    size_t total = size_mul(s->stride, d->height, &ok);
    if (!ok)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "JPEG XL: a %ux%u image does not fit in memory",
                        d->width, d->height);
    thumb_status st = jxldec_begin(d, s, JXL_DEC_FULL_IMAGE);
    while (st == THUMB_OK) {
        JxlDecoderStatus r = s->lib->JxlDecoderProcessInput(s->jxl);
        if (r == JXL_DEC_FULL_IMAGE)
            return THUMB_OK; /* the first frame: the rest is not needed */
        if (r != JXL_DEC_NEED_IMAGE_OUT_BUFFER || s->pixels)
            return jxldec_fail(d, r, "decoding the image");
        size_t need = 0;
        if (s->lib->JxlDecoderImageOutBufferSize(s->jxl, &f, &need) !=
                JXL_DEC_SUCCESS ||
            need > total)
            return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                            "JPEG XL: libjxl asks for a buffer of %zu bytes "
                            "for a %ux%u image",
                            need, d->width, d->height);
        s->pixels = ctx_malloc(d->ctx, total);
        if (!s->pixels)
            return THUMB_ERR_NOMEM;
        if (s->lib->JxlDecoderSetImageOutBuffer(s->jxl, &f, s->pixels, total) !=
            JXL_DEC_SUCCESS)
            return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                            "JPEG XL: libjxl refused the output buffer");
    }
    return st;
}

static thumb_status jxldec_read_rows(decoder *d, uint8_t *const *rows,
                                     uint32_t count) {
    jxldec_state *s = d->state;
    if (count > d->height - s->next_row)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "JPEG XL: rows read past the end of the image");
    for (uint32_t i = 0; i < count; i++, s->next_row++)
        memcpy(rows[i], s->pixels + (size_t)s->next_row * s->stride, s->stride);
    return THUMB_OK;
}

/* 1 when libjxl can be loaded. */
static int jxldec_available(void) {
    return codec_lib_jxl(NULL) != NULL;
}

static void jxldec_destroy(decoder *d) {
    jxldec_state *s = d->state;
    if (!s)
        return;
    if (s->jxl)
        s->lib->JxlDecoderDestroy(s->jxl);
    ctx_free(d->ctx, s->icc);
    ctx_free(d->ctx, s->pixels);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops jxl_decoder_ops = {
    .probe = jxldec_probe,
    .start = jxldec_start,
    .read_rows = jxldec_read_rows,
    .destroy = jxldec_destroy,
    .available = jxldec_available,
};
