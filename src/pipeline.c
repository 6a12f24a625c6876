#include "pipeline.h"

#include "codec/decoder.h"
#include "codec/encoder.h"
#include "geometry.h"
#include "orient.h"
#include "resize/resize.h"

#include <time.h>

/* Shrink-on-load is a block average: it aliases and softens a little.
 * Leaving the Lanczos pass at least this factor to do hides that, as
 * libvips does. */
#define SHRINK_ON_LOAD_MARGIN 2

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t opt(const thumb_ctx *ctx, thumb_option key) {
    return ctx->options[key];
}

/* The limits, checked from the header before any pixel memory exists. */
static thumb_status check_limits(thumb_ctx *ctx, const image_info *info) {
    int64_t max_dim = opt(ctx, THUMB_OPT_MAX_DIMENSION);
    int64_t max_px = opt(ctx, THUMB_OPT_MAX_PIXELS);
    const char *name = thumb_format_name(info->format);
    if (info->width > max_dim || info->height > max_dim)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s image is %ux%u, over the limit of %lld pixels "
                        "per side (THUMB_OPT_MAX_DIMENSION)",
                        name, info->width, info->height, (long long)max_dim);
    uint64_t px = (uint64_t)info->width * info->height;
    if (px > (uint64_t)max_px)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s image is %ux%u (%.1f megapixels), over the limit "
                        "of %.1f megapixels (THUMB_OPT_MAX_PIXELS)",
                        name, info->width, info->height, px / 1e6,
                        max_px / 1e6);
    return THUMB_OK;
}

typedef struct row_feed {
    decoder *dec;
    int64_t decode_us;
} row_feed;

/* Resize pulls decoded rows through this, so decoding is timed apart
 * from the resize that interleaves with it. */
static thumb_status feed_rows(void *opaque, uint8_t *const *rows,
                              uint32_t count) {
    row_feed *feed = opaque;
    int64_t t0 = now_us();
    thumb_status st = decoder_read_rows(feed->dec, rows, count);
    feed->decode_us += now_us() - t0;
    return st;
}

static thumb_format output_format(const thumb_ctx *ctx, thumb_format in) {
    thumb_format f = (thumb_format)opt(ctx, THUMB_OPT_FORMAT);
    if (f != THUMB_FORMAT_AUTO)
        return f;
    /* No GIF encoder yet: PNG keeps GIF's lossless palette colours. */
    return in == THUMB_FORMAT_GIF ? THUMB_FORMAT_PNG : in;
}

static thumb_status encode(thumb_ctx *ctx, image *img, thumb_format format) {
    encode_options eo = {
        .quality = (int)opt(ctx, THUMB_OPT_QUALITY),
        .jpeg_progressive = (int)opt(ctx, THUMB_OPT_JPEG_PROGRESSIVE),
        .jpeg_subsampling =
            (thumb_subsampling)opt(ctx, THUMB_OPT_JPEG_SUBSAMPLING),
        .png_compression = (int)opt(ctx, THUMB_OPT_PNG_COMPRESSION),
        .webp_lossless = (int)opt(ctx, THUMB_OPT_WEBP_LOSSLESS),
    };
    buffer_clear(&ctx->output);
    switch (format) {
    case THUMB_FORMAT_JPEG: {
        thumb_status st =
            image_flatten(ctx, img, (uint32_t)opt(ctx, THUMB_OPT_BACKGROUND));
        if (st != THUMB_OK)
            return st;
        return jpeg_encode(ctx, img, &eo, &ctx->output);
    }
    case THUMB_FORMAT_PNG:
        return png_encode(ctx, img, &eo, &ctx->output);
    case THUMB_FORMAT_WEBP:
        return webp_encode(ctx, img, &eo, &ctx->output);
    default:
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "cannot write %s output", thumb_format_name(format));
    }
}

thumb_status pipeline_probe(thumb_ctx *ctx, const uint8_t *in, size_t size) {
    decoder dec;
    thumb_status st = decoder_open(ctx, in, size, &dec);
    if (st != THUMB_OK)
        return st;
    ctx->info = dec.info;
    decoder_close(&dec);
    return THUMB_OK;
}

thumb_status pipeline_run(thumb_ctx *ctx, const uint8_t *in, size_t size) {
    int64_t t_start = now_us();
    if (size > (uint64_t)opt(ctx, THUMB_OPT_MAX_INPUT_BYTES))
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "input is %zu bytes, over the limit of %lld bytes "
                        "(THUMB_OPT_MAX_INPUT_BYTES)",
                        size, (long long)opt(ctx, THUMB_OPT_MAX_INPUT_BYTES));

    decoder dec;
    thumb_status st = decoder_open(ctx, in, size, &dec);
    if (st != THUMB_OK)
        return st;
    ctx->info = dec.info;
    resize *rs = NULL;
    image out = {0};

    st = check_limits(ctx, &dec.info);
    if (st != THUMB_OK)
        goto done;

    int orientation = opt(ctx, THUMB_OPT_AUTOROTATE) ? dec.info.orientation : 1;
    int transposed = orientation_transposes(orientation);
    geometry_request req = {
        .width = (uint32_t)opt(ctx, THUMB_OPT_WIDTH),
        .height = (uint32_t)opt(ctx, THUMB_OPT_HEIGHT),
        .fit = (thumb_fit)opt(ctx, THUMB_OPT_FIT),
        .enlarge = (int)opt(ctx, THUMB_OPT_ENLARGE),
    };
    geometry g;
    geometry_compute(&req, transposed ? dec.info.height : dec.info.width,
                     transposed ? dec.info.width : dec.info.height, &g);
    geometry_to_stored(&g, orientation);
    /* Enlarging can ask for far more pixels than the input has. */
    if ((uint64_t)g.out_width * g.out_height >
        (uint64_t)opt(ctx, THUMB_OPT_MAX_PIXELS)) {
        st = ctx_fail(ctx, THUMB_ERR_LIMIT,
                      "output would be %ux%u, over the limit of %.1f "
                      "megapixels (THUMB_OPT_MAX_PIXELS)",
                      g.out_width, g.out_height,
                      opt(ctx, THUMB_OPT_MAX_PIXELS) / 1e6);
        goto done;
    }

    uint64_t min_w = (uint64_t)g.scaled_width * SHRINK_ON_LOAD_MARGIN;
    uint64_t min_h = (uint64_t)g.scaled_height * SHRINK_ON_LOAD_MARGIN;
    /* Some decoders (WebP, interlaced PNG) do all their work here. */
    int64_t t_decode_start = now_us();
    st = decoder_start(
        &dec, min_w < dec.info.width ? (uint32_t)min_w : dec.info.width,
        min_h < dec.info.height ? (uint32_t)min_h : dec.info.height);
    int64_t start_us = now_us() - t_decode_start;
    if (st != THUMB_OK)
        goto done;
    ctx->decoded_width = dec.width;
    ctx->decoded_height = dec.height;

    resize_geometry rg = {
        .src_width = dec.width,
        .src_height = dec.height,
        .scaled_width = g.scaled_width,
        .scaled_height = g.scaled_height,
        .crop_x = g.crop_x,
        .crop_y = g.crop_y,
        .dst_width = g.out_width,
        .dst_height = g.out_height,
        .channels = dec.channels,
    };
    st = resize_new(ctx, &rg, &rs);
    if (st != THUMB_OK)
        goto done;
    st = image_alloc(ctx, &out, g.out_width, g.out_height, dec.channels);
    if (st != THUMB_OK)
        goto done;
    row_feed feed = {.dec = &dec, .decode_us = 0};
    int64_t t_resize = now_us();
    st = resize_run(rs, feed_rows, &feed, &out);
    if (st != THUMB_OK)
        goto done;
    ctx->decode_us = start_us + feed.decode_us;
    ctx->resize_us = now_us() - t_resize - feed.decode_us;
    resize_free(rs);
    rs = NULL;
    decoder_close(&dec);

    int64_t t_encode = now_us();
    st = orient_apply(ctx, &out, orientation);
    if (st != THUMB_OK)
        goto done;
    thumb_format format = output_format(ctx, ctx->info.format);
    st = encode(ctx, &out, format);
    if (st != THUMB_OK)
        goto done;
    ctx->encode_us = now_us() - t_encode;
    ctx->out_format = format;
    ctx->out_width = out.width;
    ctx->out_height = out.height;
    ctx->total_us = now_us() - t_start;
    ctx->have_output = 1;

done:
    resize_free(rs);
    image_release(ctx, &out);
    decoder_close(&dec);
    return st;
}
