/* WebP input through libwebp 1.2 (decode.h) and libwebpdemux (demux.h).
 *
 * Still images are decoded at start, straight into a buffer from the
 * context's allocator (is_external_memory), shrunk on load by libwebp's
 * own rescaler; read_rows then copies rows out. The decoding runs through
 * libwebp's incremental decoder (WebPIDecode) over a growing prefix of
 * the input, so that the deadline is checked between steps instead of
 * after one WebPDecode() call of unbounded length.
 *
 * Animations come frame by frame, or as their first frame, composited on
 * the canvas through WebPAnimDecoder, which keeps the canvas in libwebp's
 * own memory (the codec libraries keep their own allocators; only our
 * buffers go through the context). There is no shrink-on-load for them.
 *
 * libwebp reports errors as return values, so nothing here jumps. */
#include "decoder.h"

#include "../ctx.h"
#include "../exif.h"

#include <limits.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>

/* Samples per pixel of the two layouts libwebp gives us. */
#define WEBPDEC_RGB_CHANNELS 3
#define WEBPDEC_RGBA_CHANNELS 4

/* WebPAnimDecoder (libwebp 1.2.4, anim_decode.c) computes the canvas size
 * in bytes, width * 4 * height, in an int: a canvas larger than this would
 * overflow it. The VP8X header allows up to 2^24 x 2^24, so such a file is
 * refused before libwebp sees it. The caller's pixel limit (100 MP by
 * default) normally stops it long before. */
#define WEBPDEC_ANIM_CANVAS_MAX_BYTES ((uint64_t)INT_MAX)

/* The EXIF and ICC profile chunks' FourCCs in the RIFF container. */
static const char webpdec_exif_fourcc[] = "EXIF";
static const char webpdec_iccp_fourcc[] = "ICCP";
/* Some writers start the EXIF chunk as JPEG's APP1 does. */
static const uint8_t webpdec_exif_prefix[] = {'E', 'x', 'i', 'f', 0, 0};

typedef enum webpdec_kind {
    WEBPDEC_STILL,
    WEBPDEC_ANIMATED,
} webpdec_kind;

typedef struct webpdec_state {
    webpdec_kind kind;
    /* What WebPDemuxPartial() made of the container at probe time. An
     * animation is decoded only when it parsed completely (DONE): that is
     * the condition under which WebPAnimDecoderNew's own WebPDemux()
     * succeeds, so a later failure there can only be memory. */
    WebPDemuxState demux_state;

    /* Still images. */
    WebPDecoderConfig config;
    uint8_t *pixels; /* d->height rows of `stride` bytes, ctx memory */
    size_t stride;

    /* Animations. */
    WebPAnimDecoder *anim;
    const uint8_t *canvas; /* RGBA, d->width x d->height, owned by anim */
    int timestamp;         /* of the frame last given, in milliseconds */

    int started;       /* start succeeded: rows may be read */
    uint32_t next_row; /* the next row read_rows gives */
} webpdec_state;

/* A VP8StatusCode as a thumb_status and words that name it. */
typedef struct webpdec_error {
    thumb_status status;
    const char *text;
} webpdec_error;

static webpdec_error webpdec_error_for(VP8StatusCode code) {
    switch (code) {
    case VP8_STATUS_OK:
        return (webpdec_error){THUMB_OK, "no error"};
    case VP8_STATUS_OUT_OF_MEMORY:
        return (webpdec_error){THUMB_ERR_NOMEM,
                               "out of memory (VP8_STATUS_OUT_OF_MEMORY)"};
    case VP8_STATUS_INVALID_PARAM:
        return (webpdec_error){THUMB_ERR_INTERNAL,
                               "invalid decoder parameters "
                               "(VP8_STATUS_INVALID_PARAM)"};
    case VP8_STATUS_BITSTREAM_ERROR:
        return (webpdec_error){THUMB_ERR_CORRUPT,
                               "damaged or invalid bitstream "
                               "(VP8_STATUS_BITSTREAM_ERROR)"};
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return (webpdec_error){THUMB_ERR_UNSUPPORTED_FEATURE,
                               "unsupported feature "
                               "(VP8_STATUS_UNSUPPORTED_FEATURE)"};
    case VP8_STATUS_SUSPENDED:
        return (webpdec_error){THUMB_ERR_CORRUPT,
                               "decoding suspended for lack of data "
                               "(VP8_STATUS_SUSPENDED)"};
    /* We never abort libwebp ourselves; its incremental decoder reports
     * a damaged alpha plane this way (the row output step fails). */
    case VP8_STATUS_USER_ABORT:
        return (webpdec_error){THUMB_ERR_CORRUPT,
                               "damaged image data, the decoder stopped "
                               "(VP8_STATUS_USER_ABORT)"};
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return (webpdec_error){THUMB_ERR_CORRUPT,
                               "data ends early, as in a truncated file "
                               "(VP8_STATUS_NOT_ENOUGH_DATA)"};
    }
    return (webpdec_error){THUMB_ERR_CORRUPT, "unknown libwebp status"};
}

static thumb_status webpdec_fail(thumb_ctx *ctx, VP8StatusCode code,
                                 const char *while_doing) {
    webpdec_error e = webpdec_error_for(code);
    return ctx_fail(ctx, e.status, "WebP: %s while %s", e.text, while_doing);
}

/* Frame count, EXIF orientation and block, and ICC profile from the RIFF
 * chunks; the blocks point into the input. A container that does not
 * parse is not an error here: a still image's bitstream may still decode
 * (or fail with a precise status), and an animation is refused at start
 * from demux_state. */
static void webpdec_read_chunks(decoder *d, webpdec_state *s) {
    WebPData data = {d->data, d->size};
    s->demux_state = WEBP_DEMUX_PARSE_ERROR;
    WebPDemuxer *demux = WebPDemuxPartial(&data, &s->demux_state);
    if (!demux)
        return;
    if (s->kind == WEBPDEC_ANIMATED) {
        uint32_t frames = WebPDemuxGetI(demux, WEBP_FF_FRAME_COUNT);
        d->info.frames = frames ? frames : 1;
    }
    WebPChunkIterator chunk;
    memset(&chunk, 0, sizeof chunk);
    if (WebPDemuxGetChunk(demux, webpdec_exif_fourcc, 1, &chunk)) {
        const uint8_t *bytes = chunk.chunk.bytes;
        size_t size = chunk.chunk.size;
        d->info.orientation = exif_orientation(bytes, size);
        if (size >= sizeof webpdec_exif_prefix &&
            memcmp(bytes, webpdec_exif_prefix, sizeof webpdec_exif_prefix) ==
                0) {
            bytes += sizeof webpdec_exif_prefix;
            size -= sizeof webpdec_exif_prefix;
        }
        d->exif = bytes;
        d->exif_size = size;
        WebPDemuxReleaseChunkIterator(&chunk);
    }
    memset(&chunk, 0, sizeof chunk);
    if (WebPDemuxGetChunk(demux, webpdec_iccp_fourcc, 1, &chunk)) {
        d->icc = chunk.chunk.bytes;
        d->icc_size = chunk.chunk.size;
        WebPDemuxReleaseChunkIterator(&chunk);
    }
    WebPDemuxDelete(demux);
}

static thumb_status webpdec_probe(decoder *d) {
    webpdec_state *s = ctx_calloc(d->ctx, 1, sizeof *s);
    if (!s)
        return THUMB_ERR_NOMEM;
    d->state = s;

    WebPBitstreamFeatures features;
    VP8StatusCode code = WebPGetFeatures(d->data, d->size, &features);
    if (code != VP8_STATUS_OK)
        return webpdec_fail(d->ctx, code, "reading the header");
    if (features.width <= 0 || features.height <= 0)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "WebP: header declares a %dx%d image", features.width,
                        features.height);
    s->kind = features.has_animation ? WEBPDEC_ANIMATED : WEBPDEC_STILL;
    d->info.width = (uint32_t)features.width;
    d->info.height = (uint32_t)features.height;
    d->info.has_alpha = features.has_alpha != 0;
    d->info.bit_depth = 8;
    d->info.frames = 1;
    d->info.orientation = 1;
    webpdec_read_chunks(d, s);
    return THUMB_OK;
}

static uint32_t ceil_div(uint32_t a, uint32_t b) {
    return a / b + (a % b != 0);
}

/* The largest n with ceil(size / n) >= min, or UINT32_MAX when every n
 * qualifies (min <= 1). ceil(size / n) >= min  <=>  size > n * (min - 1)
 * <=>  n <= (size - 1) / (min - 1). */
static uint32_t max_shrink_for(uint32_t size, uint32_t min) {
    if (min <= 1)
        return UINT32_MAX;
    if (min > size)
        return 1;
    return (size - 1) / (min - 1);
}

/* The shrink-on-load factor: the largest integer n >= 1 leaving at least
 * min_width x min_height. Past max(width, height) every n gives 1x1, so n
 * stops there. */
static uint32_t webpdec_shrink(uint32_t width, uint32_t height,
                               uint32_t min_width, uint32_t min_height) {
    uint32_t n = max_shrink_for(width, min_width);
    uint32_t nh = max_shrink_for(height, min_height);
    if (nh < n)
        n = nh;
    uint32_t largest = width > height ? width : height;
    if (n > largest)
        n = largest;
    return n ? n : 1;
}

/* Sets up config and our output buffer for d->width x d->height. */
static thumb_status webpdec_prepare_still(decoder *d, webpdec_state *s,
                                          uint32_t shrink) {
    if (!WebPInitDecoderConfig(&s->config))
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebp's decoder ABI does not match the "
                        "headers we were built with");
    d->width = ceil_div(d->info.width, shrink);
    d->height = ceil_div(d->info.height, shrink);
    d->channels =
        d->info.has_alpha ? WEBPDEC_RGBA_CHANNELS : WEBPDEC_RGB_CHANNELS;

    int ok = 1;
    s->stride = size_mul(d->width, (size_t)d->channels, &ok);
    size_t total = size_mul(s->stride, d->height, &ok);
    /* libwebp keeps the stride in an int. A still image is at most
     * 16383 pixels wide, so this only trips on a header libwebp would
     * refuse anyway. */
    if (!ok || s->stride > INT_MAX)
        return ctx_fail(d->ctx, THUMB_ERR_LIMIT,
                        "WebP: a %ux%u image does not fit in memory", d->width,
                        d->height);
    s->pixels = ctx_malloc(d->ctx, total);
    if (!s->pixels)
        return THUMB_ERR_NOMEM;

    WebPDecoderConfig *c = &s->config;
    if (shrink > 1) {
        c->options.use_scaling = 1;
        c->options.scaled_width = (int)d->width;
        c->options.scaled_height = (int)d->height;
    }
    /* Straight (not premultiplied) alpha, as decoder.h promises. */
    c->output.colorspace = d->info.has_alpha ? MODE_RGBA : MODE_RGB;
    c->output.is_external_memory = 1;
    c->output.u.RGBA.rgba = s->pixels;
    c->output.u.RGBA.stride = (int)s->stride;
    c->output.u.RGBA.size = total;
    return THUMB_OK;
}

/* libwebp's incremental decoder decodes the rows that the input it has
 * seen so far allows; growing that input this many bytes at a time lets
 * the deadline be checked while a large image decodes. A step costs one
 * call (WebPIUpdate reads the caller's buffer, nothing is copied), and
 * even the most compressible 16 KiB of VP8 (all-skip macroblocks, about a
 * bit each) is a few tens of milliseconds of decoding. */
#define WEBPDEC_STEP_BYTES 16384

/* The RIFF header's size field plus its own 8 bytes: what the file should
 * hold. */
#define WEBPDEC_RIFF_SIZE_OFFSET 4
#define WEBPDEC_RIFF_PREAMBLE 8

static thumb_status webpdec_decode_still(decoder *d, webpdec_state *s) {
    /* WebPDecode refuses a file shorter than its RIFF header says; the
     * incremental decoder, expecting more to come, would decode what is
     * there when the image data happens to be complete. */
    if (d->size >= WEBPDEC_RIFF_PREAMBLE && !memcmp(d->data, "RIFF", 4)) {
        const uint8_t *p = d->data + WEBPDEC_RIFF_SIZE_OFFSET;
        uint64_t riff = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
                        (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
        if (riff + WEBPDEC_RIFF_PREAMBLE > d->size)
            return webpdec_fail(d->ctx, VP8_STATUS_NOT_ENOUGH_DATA,
                                "decoding the image");
    }
    WebPIDecoder *idec = WebPIDecode(NULL, 0, &s->config);
    if (!idec)
        return ctx_fail(d->ctx, THUMB_ERR_NOMEM,
                        "WebP: out of memory creating the decoder");
    VP8StatusCode code = VP8_STATUS_SUSPENDED;
    thumb_status st = THUMB_OK;
    size_t seen = 0;
    while (code == VP8_STATUS_SUSPENDED && seen < d->size) {
        seen += d->size - seen < WEBPDEC_STEP_BYTES ? d->size - seen
                                                    : WEBPDEC_STEP_BYTES;
        code = WebPIUpdate(idec, d->data, seen);
        if (code == VP8_STATUS_SUSPENDED) {
            st = ctx_check_deadline(d->ctx, "decoding WebP");
            if (st != THUMB_OK)
                break;
        }
    }
    WebPIDelete(idec);
    /* Our memory is external; this frees only what libwebp may hold. */
    WebPFreeDecBuffer(&s->config.output);
    if (st != THUMB_OK)
        return st;
    /* Still waiting for more when the input has ended: truncated. */
    if (code == VP8_STATUS_SUSPENDED)
        code = VP8_STATUS_NOT_ENOUGH_DATA;
    if (code != VP8_STATUS_OK)
        return webpdec_fail(d->ctx, code, "decoding the image");
    return THUMB_OK;
}

static thumb_status webpdec_start_animated(decoder *d, webpdec_state *s) {
    if (s->demux_state != WEBP_DEMUX_DONE)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "WebP: the animation's chunks are %s",
                        s->demux_state == WEBP_DEMUX_PARSE_ERROR
                            ? "damaged"
                            : "incomplete: the file is truncated");
    uint64_t canvas_bytes = (uint64_t)d->info.width * d->info.height *
                            (uint64_t)WEBPDEC_RGBA_CHANNELS;
    if (canvas_bytes > WEBPDEC_ANIM_CANVAS_MAX_BYTES)
        return ctx_fail(d->ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "WebP: a %ux%u animation canvas is larger than "
                        "libwebp's animation decoder handles",
                        d->info.width, d->info.height);

    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options))
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "WebP: libwebpdemux's ABI does not match the "
                        "headers we were built with");
    options.color_mode = MODE_RGBA; /* straight alpha */
    options.use_threads = 0;
    WebPData data = {d->data, d->size};
    s->anim = WebPAnimDecoderNew(&data, &options);
    /* The container parsed completely at probe time, and the options are
     * valid, so what is left to fail is libwebp's canvas allocation. */
    if (!s->anim)
        return ctx_fail(d->ctx, THUMB_ERR_NOMEM,
                        "WebP: out of memory creating the animation decoder "
                        "for a %ux%u canvas",
                        d->info.width, d->info.height);
    WebPAnimInfo anim_info;
    if (!WebPAnimDecoderGetInfo(s->anim, &anim_info) ||
        anim_info.canvas_width != d->info.width ||
        anim_info.canvas_height != d->info.height)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "WebP: the animation canvas is %ux%u but the header "
                        "says %ux%u",
                        anim_info.canvas_width, anim_info.canvas_height,
                        d->info.width, d->info.height);
    d->width = d->info.width;
    d->height = d->info.height;
    d->loop_count = (int)anim_info.loop_count;
    return THUMB_OK;
}

/* Decodes the next frame onto the canvas. */
static thumb_status webpdec_decode_frame(decoder *d, webpdec_state *s,
                                         const char *which) {
    uint8_t *canvas = NULL;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(s->anim, &canvas, &timestamp) || !canvas)
        return ctx_fail(d->ctx, THUMB_ERR_CORRUPT,
                        "WebP: the %s animation frame does not decode "
                        "(damaged bitstream)",
                        which);
    s->canvas = canvas;
    s->next_row = 0;
    s->timestamp = timestamp;
    return ctx_check_deadline(d->ctx, "decoding WebP");
}

static thumb_status webpdec_next_frame(decoder *d, int *more, int *delay_ms) {
    webpdec_state *s = d->state;
    if (!s->started || !WebPAnimDecoderHasMoreFrames(s->anim))
        return THUMB_OK;
    int before = s->timestamp;
    thumb_status st = webpdec_decode_frame(d, s, "next");
    if (st != THUMB_OK)
        return st;
    *more = 1;
    *delay_ms = s->timestamp - before;
    return THUMB_OK;
}

static thumb_status webpdec_start(decoder *d, const decoder_request *req) {
    webpdec_state *s = d->state;
    if (s->started || s->pixels || s->anim)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL, "WebP: start called twice");
    thumb_status st;
    if (s->kind == WEBPDEC_ANIMATED) {
        st = webpdec_start_animated(d, s);
        if (st == THUMB_OK && req->frames) {
            d->frames = 1;
            d->channels = WEBPDEC_RGBA_CHANNELS;
        } else if (st == THUMB_OK) {
            d->channels = d->info.has_alpha ? WEBPDEC_RGBA_CHANNELS
                                            : WEBPDEC_RGB_CHANNELS;
            st = webpdec_decode_frame(d, s, "first");
        }
    } else {
        uint32_t shrink = webpdec_shrink(d->info.width, d->info.height,
                                         req->min_width, req->min_height);
        st = webpdec_prepare_still(d, s, shrink);
        if (st == THUMB_OK)
            st = webpdec_decode_still(d, s);
    }
    if (st == THUMB_OK)
        s->started = 1;
    return st;
}

/* One canvas row (RGBA) in the layout read_rows promised. */
static void webpdec_copy_canvas_row(const uint8_t *src, uint8_t *dst,
                                    uint32_t width, int channels) {
    if (channels == WEBPDEC_RGBA_CHANNELS) {
        memcpy(dst, src, (size_t)width * WEBPDEC_RGBA_CHANNELS);
        return;
    }
    for (uint32_t x = 0; x < width; x++) {
        dst[0] = src[0];
        dst[1] = src[1];
        dst[2] = src[2];
        src += WEBPDEC_RGBA_CHANNELS;
        dst += WEBPDEC_RGB_CHANNELS;
    }
}

static thumb_status webpdec_read_rows(decoder *d, uint8_t *const *rows,
                                      uint32_t count) {
    webpdec_state *s = d->state;
    if (!s || !s->started)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "WebP: rows asked for before a successful start");
    if (count > d->height - s->next_row)
        return ctx_fail(d->ctx, THUMB_ERR_INTERNAL,
                        "WebP: %u rows asked for at row %u of %u", count,
                        s->next_row, d->height);
    if (s->kind == WEBPDEC_ANIMATED) {
        size_t canvas_stride = (size_t)d->width * WEBPDEC_RGBA_CHANNELS;
        for (uint32_t i = 0; i < count; i++, s->next_row++)
            webpdec_copy_canvas_row(s->canvas +
                                        (size_t)s->next_row * canvas_stride,
                                    rows[i], d->width, d->channels);
        return THUMB_OK;
    }
    for (uint32_t i = 0; i < count; i++, s->next_row++)
        memcpy(rows[i], s->pixels + (size_t)s->next_row * s->stride, s->stride);
    return THUMB_OK;
}

static void webpdec_destroy(decoder *d) {
    webpdec_state *s = d->state;
    if (!s)
        return;
    WebPAnimDecoderDelete(s->anim); /* accepts NULL; frees the canvas */
    ctx_free(d->ctx, s->pixels);
    ctx_free(d->ctx, s);
    d->state = NULL;
}

const decoder_ops webp_decoder_ops = {
    .probe = webpdec_probe,
    .start = webpdec_start,
    .read_rows = webpdec_read_rows,
    .destroy = webpdec_destroy,
    .next_frame = webpdec_next_frame,
};
