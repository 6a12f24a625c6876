/* Animated WebP output through libwebpmux's WebPAnimEncoder, which finds
 * each frame's changed rectangle and blend/dispose modes itself.
 *
 * Frames that come out identical to the one before are merged by libwebp
 * into one with the summed duration (as gif2webp does): the timing is the
 * same, the frame count may be lower (libvips and sharp write animated
 * WebP the same way).
 *
 * libwebp allocates with malloc() and has no allocator hooks. */
#include "anim_encoder.h"

#include "../ctx.h"

#include <webp/encode.h>
#include <webp/mux.h>

/* Canvas background hint (ARGB): transparent, as GIF's is drawn. */
#define WEBP_TRANSPARENT_BACKGROUND 0x00000000u

struct webp_anim_writer {
    thumb_ctx *ctx;
    WebPAnimEncoder *enc;
    WebPConfig config;
    int timestamp; /* ms, start of the next frame */
};

static thumb_status picture_fail(thumb_ctx *ctx, const WebPPicture *pic,
                                 const char *doing) {
    if (pic->error_code == VP8_ENC_ERROR_OUT_OF_MEMORY ||
        pic->error_code == VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY)
        return ctx_fail(ctx, THUMB_ERR_NOMEM, "WebP: out of memory %s", doing);
    return ctx_fail(ctx, THUMB_ERR_ENCODE, "WebP: encoder error %d %s",
                    (int)pic->error_code, doing);
}

thumb_status webp_anim_writer_new(thumb_ctx *ctx, uint32_t width,
                                  uint32_t height, const anim_loop *loop,
                                  const encode_options *opt,
                                  webp_anim_writer **wp) {
    *wp = NULL;
    webp_anim_writer *w = ctx_calloc(ctx, 1, sizeof *w);
    if (!w)
        return THUMB_ERR_NOMEM;
    w->ctx = ctx;
    *wp = w;
    if (!WebPConfigInit(&w->config))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebp's ABI does not match its headers");
    /* Lossless keeps libwebp's default effort, as webp_encode.c does. */
    w->config.lossless = opt->webp_lossless;
    if (!opt->webp_lossless)
        w->config.quality = (float)opt->quality;
    if (!WebPValidateConfig(&w->config))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL, "WebP: invalid configuration");
    WebPAnimEncoderOptions eo;
    if (!WebPAnimEncoderOptionsInit(&eo))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebpmux's ABI does not match its headers");
    eo.anim_params.loop_count = loop->count;
    eo.anim_params.bgcolor = WEBP_TRANSPARENT_BACKGROUND;
    w->enc = WebPAnimEncoderNew((int)width, (int)height, &eo);
    if (!w->enc)
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "WebP: out of memory creating the animation encoder");
    return THUMB_OK;
}

thumb_status webp_anim_writer_add(webp_anim_writer *w, const image *frame,
                                  int delay_ms) {
    WebPPicture pic;
    if (!WebPPictureInit(&pic))
        return ctx_fail(w->ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebp's ABI does not match its headers");
    pic.use_argb = 1;
    pic.width = (int)frame->width;
    pic.height = (int)frame->height;
    if (!WebPPictureImportRGBA(&pic, frame->px, (int)frame->stride))
        return picture_fail(w->ctx, &pic, "importing a frame");
    int ok = WebPAnimEncoderAdd(w->enc, &pic, w->timestamp, &w->config);
    thumb_status st =
        ok ? THUMB_OK : picture_fail(w->ctx, &pic, "encoding a frame");
    if (!ok && pic.error_code == VP8_ENC_OK)
        st = ctx_fail(w->ctx, THUMB_ERR_ENCODE, "WebP: %s",
                      WebPAnimEncoderGetError(w->enc));
    WebPPictureFree(&pic);
    w->timestamp += delay_ms > 0 ? delay_ms : 0;
    return st;
}

thumb_status webp_anim_writer_finish(webp_anim_writer *w, buffer *out) {
    if (!WebPAnimEncoderAdd(w->enc, NULL, w->timestamp, NULL))
        return ctx_fail(w->ctx, THUMB_ERR_ENCODE, "WebP: %s",
                        WebPAnimEncoderGetError(w->enc));
    WebPData data;
    WebPDataInit(&data);
    if (!WebPAnimEncoderAssemble(w->enc, &data))
        return ctx_fail(w->ctx, THUMB_ERR_ENCODE, "WebP: %s",
                        WebPAnimEncoderGetError(w->enc));
    thumb_status st = buffer_append(out, data.bytes, data.size);
    WebPDataClear(&data);
    return st;
}

void webp_anim_writer_free(webp_anim_writer *w) {
    if (!w)
        return;
    WebPAnimEncoderDelete(w->enc);
    ctx_free(w->ctx, w);
}
