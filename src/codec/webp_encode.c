/* WebP output through libwebp 1.2 (encode.h): lossy or lossless, RGB or
 * RGBA. WebP has no grey layout, so grey and grey+alpha images are
 * expanded to RGB and RGBA first.
 *
 * The encoded bytes reach the output buffer through our own writer, so
 * they are allocated by the context; the WebPPicture's planes are
 * libwebp's own memory, freed by WebPPictureFree on every path. */
#include "encoder.h"

#include "../ctx.h"

#include <limits.h>
#include <webp/encode.h>
#include <webp/mux.h>

/* THUMB_OPT_QUALITY's range; libwebp takes 0..100 as a float. */
#define WEBPENC_QUALITY_MIN 1
#define WEBPENC_QUALITY_MAX 100

typedef struct webpenc_writer {
    buffer *out;
    int failed; /* growing the output buffer failed: the error is NOMEM */
} webpenc_writer;

/* libwebp's WebPWriterFunction: 1 to go on, 0 to stop with
 * VP8_ENC_ERROR_BAD_WRITE. */
static int webpenc_write(const uint8_t *data, size_t size,
                         const WebPPicture *picture) {
    webpenc_writer *w = picture->custom_ptr;
    if (buffer_append(w->out, data, size) != THUMB_OK) {
        w->failed = 1;
        return 0;
    }
    return 1;
}

/* A WebPEncodingError as a thumb_status and words that name it. */
typedef struct webpenc_error {
    thumb_status status;
    const char *text;
} webpenc_error;

static webpenc_error webpenc_error_for(WebPEncodingError code) {
    switch (code) {
    case VP8_ENC_OK:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "the encoder failed without saying why"};
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
        return (webpenc_error){THUMB_ERR_NOMEM,
                               "out of memory (VP8_ENC_ERROR_OUT_OF_MEMORY)"};
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
        return (webpenc_error){THUMB_ERR_NOMEM,
                               "out of memory flushing the bitstream "
                               "(VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY)"};
    case VP8_ENC_ERROR_NULL_PARAMETER:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "a parameter is NULL "
                               "(VP8_ENC_ERROR_NULL_PARAMETER)"};
    case VP8_ENC_ERROR_INVALID_CONFIGURATION:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "invalid configuration "
                               "(VP8_ENC_ERROR_INVALID_CONFIGURATION)"};
    case VP8_ENC_ERROR_BAD_DIMENSION:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "invalid picture size "
                               "(VP8_ENC_ERROR_BAD_DIMENSION)"};
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "first partition larger than 512 KiB "
                               "(VP8_ENC_ERROR_PARTITION0_OVERFLOW)"};
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "partition larger than 16 MiB "
                               "(VP8_ENC_ERROR_PARTITION_OVERFLOW)"};
    case VP8_ENC_ERROR_BAD_WRITE:
        return (webpenc_error){THUMB_ERR_ENCODE, "writing the output failed "
                                                 "(VP8_ENC_ERROR_BAD_WRITE)"};
    case VP8_ENC_ERROR_FILE_TOO_BIG:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "file larger than 4 GiB "
                               "(VP8_ENC_ERROR_FILE_TOO_BIG)"};
    case VP8_ENC_ERROR_USER_ABORT:
        return (webpenc_error){THUMB_ERR_ENCODE,
                               "aborted (VP8_ENC_ERROR_USER_ABORT)"};
    case VP8_ENC_ERROR_LAST:
        break;
    }
    return (webpenc_error){THUMB_ERR_ENCODE, "unknown libwebp error"};
}

static thumb_status webpenc_fail(thumb_ctx *ctx, const WebPPicture *picture,
                                 const webpenc_writer *w,
                                 const char *while_doing) {
    /* Our writer's failure reaches libwebp as BAD_WRITE; the cause is
     * ours, and ctx_realloc has already recorded it. */
    if (w->failed)
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "WebP: out of memory growing the output buffer");
    webpenc_error e = webpenc_error_for(picture->error_code);
    return ctx_fail(ctx, e.status, "WebP: %s while %s", e.text, while_doing);
}

/* Grey (1) to RGB (3) or grey+alpha (2) to RGBA (4), tightly packed, in
 * memory from the context. */
static thumb_status webpenc_expand_grey(thumb_ctx *ctx, const image *img,
                                        uint8_t **out, size_t *out_stride) {
    int out_channels = img->channels == 1 ? 3 : 4;
    int ok = 1;
    size_t stride = size_mul(img->width, (size_t)out_channels, &ok);
    size_t total = size_mul(stride, img->height, &ok);
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_NOMEM,
                        "WebP: a %ux%u RGB copy does not fit in memory",
                        img->width, img->height);
    uint8_t *px = ctx_malloc(ctx, total);
    if (!px)
        return THUMB_ERR_NOMEM;
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *src = image_row(img, y);
        uint8_t *dst = px + (size_t)y * stride;
        for (uint32_t x = 0; x < img->width; x++) {
            uint8_t v = src[0];
            dst[0] = v;
            dst[1] = v;
            dst[2] = v;
            if (img->channels == 2)
                dst[3] = src[1];
            src += img->channels;
            dst += out_channels;
        }
    }
    *out = px;
    *out_stride = stride;
    return THUMB_OK;
}

/* Rewrites the file at out[start..] with ICCP and EXIF chunks, through
 * libwebpmux, which also sets the VP8X flags. The mux's memory is
 * libwebp's own; the result is copied back into our buffer. */
static thumb_status webpenc_add_chunks(thumb_ctx *ctx,
                                       const encode_options *opt, buffer *out,
                                       size_t start) {
    WebPData plain = {out->data + start, out->size - start};
    WebPMux *mux = WebPMuxCreate(&plain, 0);
    if (!mux)
        return ctx_fail(ctx, THUMB_ERR_ENCODE,
                        "WebP: libwebpmux cannot parse our own output");
    thumb_status st = THUMB_OK;
    WebPData assembled = {NULL, 0};
    WebPMuxError err = WEBP_MUX_OK;
    if (opt->icc && opt->icc_size > 0) {
        WebPData icc = {opt->icc, opt->icc_size};
        err = WebPMuxSetChunk(mux, "ICCP", &icc, 0);
    }
    if (err == WEBP_MUX_OK && opt->exif && opt->exif_size > 0) {
        WebPData exif = {opt->exif, opt->exif_size};
        err = WebPMuxSetChunk(mux, "EXIF", &exif, 0);
    }
    if (err == WEBP_MUX_OK)
        err = WebPMuxAssemble(mux, &assembled);
    if (err != WEBP_MUX_OK) {
        st = ctx_fail(ctx,
                      err == WEBP_MUX_MEMORY_ERROR ? THUMB_ERR_NOMEM
                                                   : THUMB_ERR_ENCODE,
                      "WebP: adding the ICC and EXIF chunks failed (mux "
                      "error %d)",
                      (int)err);
        goto done;
    }
    out->size = start;
    st = buffer_append(out, assembled.bytes, assembled.size);
done:
    WebPDataClear(&assembled);
    WebPMuxDelete(mux);
    return st;
}

thumb_status webp_encode(thumb_ctx *ctx, const image *img,
                         const encode_options *opt, buffer *out) {
    if (img->channels < 1 || img->channels > 4 || img->width == 0 ||
        img->height == 0)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "WebP: cannot encode a %ux%u image with %d channels",
                        img->width, img->height, img->channels);
    WebPConfig config;
    WebPPicture picture;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&picture))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebp's encoder ABI does not match the "
                        "headers we were built with");

    int quality = opt->quality;
    if (quality < WEBPENC_QUALITY_MIN)
        quality = WEBPENC_QUALITY_MIN;
    if (quality > WEBPENC_QUALITY_MAX)
        quality = WEBPENC_QUALITY_MAX;
    if (opt->webp_lossless) {
        /* Lossless keeps libwebp's default effort; THUMB_OPT_QUALITY is
         * documented for lossy only. exact stays 0, as in cwebp, libvips
         * and sharp: RGB under fully transparent pixels is invisible and
         * may be changed to compress better. */
        config.lossless = 1;
        picture.use_argb = 1;
    } else {
        config.quality = (float)quality;
    }

    thumb_status st = THUMB_OK;
    size_t start_size = out->size;
    uint8_t *expanded = NULL;
    webpenc_writer writer = {.out = out, .failed = 0};
    const uint8_t *px = img->px;
    size_t stride = img->stride;
    int channels = img->channels;

    if (!WebPValidateConfig(&config)) {
        st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                      "WebP: invalid encoder configuration (quality %d, "
                      "lossless %d)",
                      quality, opt->webp_lossless);
        goto done;
    }

    if (channels <= 2) {
        st = webpenc_expand_grey(ctx, img, &expanded, &stride);
        if (st != THUMB_OK)
            goto done;
        px = expanded;
        channels += 2;
    }
    /* libwebp takes the stride as an int. */
    if (stride > INT_MAX) {
        st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                      "WebP: a row stride of %zu bytes is too large", stride);
        goto done;
    }

    picture.width = (int)img->width;
    picture.height = (int)img->height;
    int imported = channels == 4
                       ? WebPPictureImportRGBA(&picture, px, (int)stride)
                       : WebPPictureImportRGB(&picture, px, (int)stride);
    /* The copy is in the picture now. */
    ctx_free(ctx, expanded);
    expanded = NULL;
    if (!imported) {
        st = webpenc_fail(ctx, &picture, &writer, "importing the pixels");
        goto done;
    }

    picture.writer = webpenc_write;
    picture.custom_ptr = &writer;
    if (!WebPEncode(&config, &picture))
        st = webpenc_fail(ctx, &picture, &writer, "encoding");
    else if (opt->icc || opt->exif)
        st = webpenc_add_chunks(ctx, opt, out, start_size);

done:
    ctx_free(ctx, expanded);
    WebPPictureFree(&picture);
    /* A failed encode leaves no partial file behind. */
    if (st != THUMB_OK)
        out->size = start_size;
    return st;
}
