/* GIF output through giflib 5.2's EGif API, one frame at a time.
 *
 * Each frame is a whole canvas with its own local colour table, chosen by
 * the median-cut quantiser (quantize.c), and index 0 transparent (for
 * pixels of alpha < 128). Every frame replaces the whole canvas, so each
 * is written with disposal 2 (restore to background): the transparent
 * pixels of the next one then show the page, not this frame.
 *
 * giflib allocates with malloc() and has no allocator hooks; the
 * quantiser, indices and output go through the context. */
#include "anim_encoder.h"

#include "../ctx.h"
#include "quantize.h"

#include <gif_lib.h>
#include <string.h>

#define GIF_CHANNELS 4
/* Bits per primary the screen descriptor claims: 8, as for true colour. */
#define GIF_COLOR_RESOLUTION 8
#define GIF_MS_PER_DELAY_UNIT 10
/* GIF stores delays in 16 bits. */
#define GIF_MAX_DELAY 0xFFFF
#define GIF_APP_ID "NETSCAPE2.0"
#define GIF_APP_ID_SIZE 11
#define GIF_LOOP_SUBBLOCK_ID 1
#define GIF_LOOP_SUBBLOCK_SIZE 3
#define GIF_MAX_LOOP 0xFFFF
#define GIF_PLAYS_ONCE 1
/* A Graphics Control Extension's data. */
#define GIF_GCE_SIZE 4
/* Colour tables hold a power of two entries, at least 2. */
#define GIF_MIN_TABLE 2

struct gif_writer {
    thumb_ctx *ctx;
    GifFileType *gif;
    buffer *out;
    int write_failed; /* the output buffer could not grow */
    uint32_t width, height;
    quantizer *quant;
    uint8_t *indices; /* width x height */
};

static int on_output(GifFileType *gif, const GifByteType *data, int len) {
    gif_writer *w = gif->UserData;
    if (len <= 0)
        return 0;
    if (buffer_append(w->out, data, (size_t)len) != THUMB_OK) {
        w->write_failed = 1;
        return 0;
    }
    return len;
}

static thumb_status gif_writer_fail(gif_writer *w, int code,
                                    const char *doing) {
    if (w->write_failed || code == E_GIF_ERR_NOT_ENOUGH_MEM)
        return ctx_fail(w->ctx, THUMB_ERR_NOMEM, "GIF: out of memory %s",
                        doing);
    const char *text = GifErrorString(code);
    return ctx_fail(w->ctx, THUMB_ERR_ENCODE, "GIF: %s %s",
                    text ? text : "giflib error", doing);
}

static thumb_status put_loop(gif_writer *w, int count) {
    if (count > GIF_MAX_LOOP)
        count = GIF_MAX_LOOP;
    const GifByteType sub[GIF_LOOP_SUBBLOCK_SIZE] = {
        GIF_LOOP_SUBBLOCK_ID, (GifByteType)(count & 0xFF),
        (GifByteType)(count >> 8)};
    if (EGifPutExtensionLeader(w->gif, APPLICATION_EXT_FUNC_CODE) ==
            GIF_ERROR ||
        EGifPutExtensionBlock(w->gif, GIF_APP_ID_SIZE, GIF_APP_ID) ==
            GIF_ERROR ||
        EGifPutExtensionBlock(w->gif, GIF_LOOP_SUBBLOCK_SIZE, sub) ==
            GIF_ERROR ||
        EGifPutExtensionTrailer(w->gif) == GIF_ERROR)
        return gif_writer_fail(w, w->gif->Error, "writing the loop count");
    return THUMB_OK;
}

thumb_status gif_writer_new(thumb_ctx *ctx, uint32_t width, uint32_t height,
                            const anim_loop *loop, buffer *out,
                            gif_writer **wp) {
    *wp = NULL;
    gif_writer *w = ctx_malloc(ctx, sizeof *w);
    if (!w)
        return THUMB_ERR_NOMEM;
    *w = (gif_writer){.ctx = ctx, .out = out, .width = width, .height = height};
    *wp = w;
    thumb_status st = quantizer_new(ctx, &w->quant);
    if (st != THUMB_OK)
        return st;
    w->indices = ctx_malloc(ctx, (size_t)width * height);
    if (!w->indices)
        return THUMB_ERR_NOMEM;
    int code = 0;
    w->gif = EGifOpen(w, on_output, &code);
    if (!w->gif)
        return gif_writer_fail(w, code, "opening the encoder");
    EGifSetGifVersion(w->gif, true);
    if (EGifPutScreenDesc(w->gif, (int)width, (int)height, GIF_COLOR_RESOLUTION,
                          0, NULL) == GIF_ERROR)
        return gif_writer_fail(w, w->gif->Error, "writing the header");
    /* Played once: no extension. Otherwise it counts the repeats after
     * the first play. */
    if (loop->count == GIF_PLAYS_ONCE)
        return THUMB_OK;
    return put_loop(w, loop->count ? loop->count - 1 : 0);
}

static int table_size(int colors) {
    int n = GIF_MIN_TABLE;
    while (n < colors)
        n *= 2;
    return n;
}

thumb_status gif_writer_add(gif_writer *w, const image *frame, int delay_ms) {
    quant_palette pal;
    /* Every frame has a transparent index, used or not: disposal 2 then
     * clears to transparent in readers that follow the letter of the spec
     * too (Pillow and libnsgif fill with the background colour when the
     * frame has none). */
    thumb_status st = quantize_rgba(
        w->quant, frame->px, (size_t)w->width * w->height, 1, &pal, w->indices);
    if (st != THUMB_OK)
        return st;
    GifColorType colors[QUANT_MAX_COLORS];
    memset(colors, 0, sizeof colors);
    for (int i = 0; i < pal.colors; i++) {
        colors[i].Red = pal.rgb[i][0];
        colors[i].Green = pal.rgb[i][1];
        colors[i].Blue = pal.rgb[i][2];
    }
    int delay = (delay_ms + GIF_MS_PER_DELAY_UNIT / 2) / GIF_MS_PER_DELAY_UNIT;
    GraphicsControlBlock gcb = {
        .DisposalMode = DISPOSE_BACKGROUND,
        .UserInputFlag = false,
        .DelayTime = delay > GIF_MAX_DELAY ? GIF_MAX_DELAY : delay,
        .TransparentColor = pal.transparent,
    };
    GifByteType gce[GIF_GCE_SIZE];
    EGifGCBToExtension(&gcb, gce);
    if (EGifPutExtension(w->gif, GRAPHICS_EXT_FUNC_CODE, GIF_GCE_SIZE, gce) ==
        GIF_ERROR)
        return gif_writer_fail(w, w->gif->Error, "writing a frame's control");
    ColorMapObject *map = GifMakeMapObject(table_size(pal.colors), colors);
    if (!map)
        return ctx_fail(w->ctx, THUMB_ERR_NOMEM,
                        "GIF: out of memory for a colour table");
    int ok = EGifPutImageDesc(w->gif, 0, 0, (int)w->width, (int)w->height,
                              false, map) != GIF_ERROR;
    GifFreeMapObject(map);
    for (uint32_t y = 0; ok && y < w->height; y++)
        ok = EGifPutLine(w->gif, w->indices + (size_t)y * w->width,
                         (int)w->width) != GIF_ERROR;
    if (!ok)
        return gif_writer_fail(w, w->gif->Error, "writing a frame");
    return THUMB_OK;
}

thumb_status gif_writer_finish(gif_writer *w) {
    int code = 0;
    int failed = EGifCloseFile(w->gif, &code) == GIF_ERROR;
    w->gif = NULL; /* freed either way */
    if (failed)
        return gif_writer_fail(w, code, "finishing the file");
    return THUMB_OK;
}

void gif_writer_free(gif_writer *w) {
    if (!w)
        return;
    if (w->gif) {
        int ignored;
        EGifCloseFile(w->gif, &ignored);
    }
    quantizer_free(w->quant);
    ctx_free(w->ctx, w->indices);
    ctx_free(w->ctx, w);
}

/* RGBA from 1 to 4 channels. */
static thumb_status to_rgba(thumb_ctx *ctx, const image *img, image *rgba) {
    thumb_status st =
        image_alloc(ctx, rgba, img->width, img->height, GIF_CHANNELS);
    if (st != THUMB_OK)
        return st;
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *in = image_row(img, y);
        uint8_t *o = image_row(rgba, y);
        for (uint32_t x = 0; x < img->width; x++, in += img->channels) {
            int grey = img->channels <= 2;
            *o++ = in[0];
            *o++ = grey ? in[0] : in[1];
            *o++ = grey ? in[0] : in[2];
            *o++ = channels_have_alpha(img->channels) ? in[img->channels - 1]
                                                      : (uint8_t)0xFF;
        }
    }
    return THUMB_OK;
}

thumb_status gif_encode(thumb_ctx *ctx, const image *img,
                        const encode_options *opt, buffer *out) {
    (void)opt; /* GIF has no quality, ICC profile or EXIF block */
    image rgba = {0};
    gif_writer *w = NULL;
    const anim_loop still = {GIF_PLAYS_ONCE};
    thumb_status st = to_rgba(ctx, img, &rgba);
    if (st == THUMB_OK)
        st = gif_writer_new(ctx, img->width, img->height, &still, out, &w);
    if (st == THUMB_OK && w)
        st = gif_writer_add(w, &rgba, 0);
    if (st == THUMB_OK && w)
        st = gif_writer_finish(w);
    gif_writer_free(w);
    image_release(ctx, &rgba);
    return st;
}
