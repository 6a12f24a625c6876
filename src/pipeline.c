#include "pipeline.h"

#include "anim_run.h"
#include "codec/anim_encoder.h"
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/format.h"
#include "color.h"
#include "crop.h"
#include "exif.h"
#include "geometry.h"
#include "orient.h"
#include "planar.h"
#include "resize/resize.h"

#include <string.h>
#include <time.h>

/* Shrink-on-load is a block average: it aliases and softens a little.
 * Leaving the Lanczos pass at least this factor to do hides that, as
 * libvips does. */
#define SHRINK_ON_LOAD_MARGIN 2
/* The shrink from which a JPEG's chroma planes (half the width of the
 * luma in 4:2:0) are still shrunk, not enlarged: see planes_wanted(). */
#define PLANAR_MIN_SHRINK 2

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
    const char *name = format_name(info->format);
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
    color_transform *color; /* NULL: rows pass as decoded */
    uint8_t *scratch;       /* one decoded row, when color changes the layout */
} row_feed;

/* Decoded rows through the colour transform: in place, or through the
 * scratch row when the layout changes (CMYK to RGB). */
static thumb_status feed_color_rows(row_feed *feed, uint8_t *const *rows,
                                    uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *src = feed->scratch ? feed->scratch : rows[i];
        thumb_status st = decoder_read_rows(feed->dec, &src, 1);
        if (st != THUMB_OK)
            return st;
        color_transform_row(feed->color, src, rows[i], feed->dec->width);
    }
    return THUMB_OK;
}

/* Resize pulls decoded rows through this, so decoding is timed apart
 * from the resize that interleaves with it (the colour transform counts
 * as decoding). */
static thumb_status feed_rows(void *opaque, uint8_t *const *rows,
                              uint32_t count) {
    row_feed *feed = opaque;
    /* A big image spends its time here, a few rows per call. */
    if (ctx_check_deadline(feed->dec->ctx, "decoding") != THUMB_OK)
        return THUMB_ERR_TIMEOUT;
    int64_t t0 = now_us();
    thumb_status st = feed->color ? feed_color_rows(feed, rows, count)
                                  : decoder_read_rows(feed->dec, rows, count);
    feed->decode_us += now_us() - t0;
    return st;
}

/* Colour and metadata for one run (THUMB_OPT_COLOR, THUMB_OPT_KEEP_EXIF).
 * The blocks are ctx memory: copies of the decoder's, which go with it,
 * or made here. */
typedef struct meta_plan {
    color_transform *color; /* NULL: pixels pass unchanged */
    int color_cmyk;         /* color was made for CMYK inks */
    uint8_t *icc;           /* the input's profile, kept (THUMB_COLOR_KEEP) */
    size_t icc_size;
    uint8_t *exif; /* kept (THUMB_OPT_KEEP_EXIF) */
    size_t exif_size;
    uint8_t *srgb; /* made at encode time (THUMB_COLOR_SRGB_TAGGED) */
    size_t srgb_size;
} meta_plan;

/* A ctx copy of size (> 0) bytes, or NULL when out of memory. */
static uint8_t *copy_block(thumb_ctx *ctx, const uint8_t *src, size_t size) {
    uint8_t *p = ctx_malloc(ctx, size);
    if (p)
        memcpy(p, src, size);
    return p;
}

static void meta_release(thumb_ctx *ctx, meta_plan *mp) {
    color_transform_free(mp->color);
    ctx_free(ctx, mp->icc);
    ctx_free(ctx, mp->exif);
    ctx_free(ctx, mp->srgb);
    *mp = (meta_plan){0};
}

/* 1 when the encoder will write grey samples for `channels` decoded ones:
 * WebP has no grey, and JPEG flattens grey+alpha to RGB on a coloured
 * background (image_flatten). */
static int output_is_grey(const thumb_ctx *ctx, int channels,
                          thumb_format format) {
    if (channels > 2 || format == THUMB_FORMAT_WEBP)
        return 0;
    uint32_t bg = (uint32_t)opt(ctx, THUMB_OPT_BACKGROUND);
    uint32_t r = bg >> 16 & 0xFF, g = bg >> 8 & 0xFF, b = bg & 0xFF;
    return channels == 1 || format != THUMB_FORMAT_JPEG || (r == g && g == b);
}

/* Before decoder_start: a CMYK profile that lcms2 can use asks a CMYK
 * JPEG for its inks (every colour mode converts CMYK). */
static thumb_status meta_before_start(thumb_ctx *ctx, decoder *dec,
                                      meta_plan *mp) {
    if (color_profile_space(dec->icc, dec->icc_size) != COLOR_SPACE_CMYK)
        return THUMB_OK;
    thumb_status st =
        color_transform_new(ctx, dec->icc, dec->icc_size, 4, 8, 1, &mp->color);
    dec->want_cmyk = mp->color != NULL;
    mp->color_cmyk = 1;
    return st;
}

/* Before decoder_start: whether a JPEG may come as planes (planar.h).
 * Only when the Lanczos pass shrinks every plane, chroma included (a
 * small shrink keeps libjpeg's upsampling, which the accurate option and
 * the tests' reference decode use), and when no ICC transform applies:
 * one works on RGB rows. The transform of an RGB profile is made here to
 * find that out, and kept for meta_after_start. */
static thumb_status planes_wanted(thumb_ctx *ctx, decoder *dec,
                                  const geometry *g, meta_plan *mp) {
    dec->want_planes = 0;
    if (dec->info.format != THUMB_FORMAT_JPEG || mp->color ||
        opt(ctx, THUMB_OPT_ACCURATE) || opt(ctx, THUMB_OPT_LINEAR) ||
        (uint64_t)g->scaled_width * PLANAR_MIN_SHRINK > dec->info.width ||
        (uint64_t)g->scaled_height * PLANAR_MIN_SHRINK > dec->info.height)
        return THUMB_OK;
    if (opt(ctx, THUMB_OPT_COLOR) != THUMB_COLOR_KEEP &&
        color_profile_space(dec->icc, dec->icc_size) == COLOR_SPACE_RGB) {
        thumb_status st = color_transform_new(ctx, dec->icc, dec->icc_size, 3,
                                              8, 0, &mp->color);
        if (st != THUMB_OK || mp->color)
            return st;
    }
    dec->want_planes = 1;
    return THUMB_OK;
}

/* After decoder_start: the transform (or the kept profile) for the rows
 * the decoder gives, and the EXIF block to keep. */
static thumb_status meta_after_start(thumb_ctx *ctx, decoder *dec,
                                     thumb_format format, int orientation,
                                     meta_plan *mp) {
    /* Made before start for rows that did not come: a CMYK profile on a
     * YCbCr file, or an RGB one on CMYK or grey. */
    int made_for_rows =
        mp->color_cmyk ? dec->cmyk
                       : !dec->cmyk && dec->channels == 3 && dec->depth == 8;
    if (mp->color && !made_for_rows) {
        color_transform_free(mp->color);
        mp->color = NULL;
    }
    color_space space = color_profile_space(dec->icc, dec->icc_size);
    int fits = color_space_fits(space, dec->channels, dec->cmyk);
    int keep = opt(ctx, THUMB_OPT_COLOR) == THUMB_COLOR_KEEP && fits &&
               (space == COLOR_SPACE_RGB ||
                (space == COLOR_SPACE_GREY &&
                 output_is_grey(ctx, dec->channels, format)));
    if (keep) {
        mp->icc = copy_block(ctx, dec->icc, dec->icc_size);
        if (!mp->icc)
            return THUMB_ERR_NOMEM;
        mp->icc_size = dec->icc_size;
    } else if (fits && !mp->color) {
        thumb_status st =
            color_transform_new(ctx, dec->icc, dec->icc_size, dec->channels,
                                dec->depth, dec->cmyk, &mp->color);
        if (st != THUMB_OK)
            return st;
    }
    if (opt(ctx, THUMB_OPT_KEEP_EXIF) && dec->exif && dec->exif_size) {
        mp->exif = copy_block(ctx, dec->exif, dec->exif_size);
        if (!mp->exif)
            return THUMB_ERR_NOMEM;
        mp->exif_size = dec->exif_size;
        /* The pixels are turned upright: the tag must not turn them
         * again. */
        if (orientation != 1)
            exif_reset_orientation(mp->exif, mp->exif_size);
    }
    return THUMB_OK;
}

/* The ICC profile and EXIF block the encoder embeds, for img as it will
 * be written. */
static thumb_status meta_attach(thumb_ctx *ctx, const image *img,
                                thumb_format format, meta_plan *mp,
                                encode_options *eo) {
    int grey = img->channels <= 2 && format != THUMB_FORMAT_WEBP;
    eo->exif = mp->exif;
    eo->exif_size = mp->exif_size;
    if (mp->icc) {
        color_space space = color_profile_space(mp->icc, mp->icc_size);
        if ((space == COLOR_SPACE_GREY) == grey) {
            eo->icc = mp->icc;
            eo->icc_size = mp->icc_size;
        }
        return THUMB_OK;
    }
    if (opt(ctx, THUMB_OPT_COLOR) != THUMB_COLOR_SRGB_TAGGED)
        return THUMB_OK;
    thumb_status st = color_srgb_profile(ctx, grey, &mp->srgb, &mp->srgb_size);
    eo->icc = mp->srgb;
    eo->icc_size = mp->srgb_size;
    return st;
}

static thumb_format output_format(const thumb_ctx *ctx, thumb_format in) {
    thumb_format f = (thumb_format)opt(ctx, THUMB_OPT_FORMAT);
    if (f != THUMB_FORMAT_AUTO)
        return f;
    return format_auto_output(in, ctx->info.has_alpha);
}

static thumb_status encode(thumb_ctx *ctx, image *img, thumb_format format,
                           meta_plan *mp) {
    encode_options eo = {
        .quality = (int)opt(ctx, THUMB_OPT_QUALITY),
        .jpeg_progressive = (int)opt(ctx, THUMB_OPT_JPEG_PROGRESSIVE),
        .jpeg_optimize = (int)opt(ctx, THUMB_OPT_JPEG_OPTIMIZE_CODING),
        .jpeg_subsampling =
            (thumb_subsampling)opt(ctx, THUMB_OPT_JPEG_SUBSAMPLING),
        .png_compression = (int)opt(ctx, THUMB_OPT_PNG_COMPRESSION),
        .webp_lossless = (int)opt(ctx, THUMB_OPT_WEBP_LOSSLESS),
    };
    buffer_clear(&ctx->output);
    if (format == THUMB_FORMAT_JPEG) {
        thumb_status st =
            image_flatten(ctx, img, (uint32_t)opt(ctx, THUMB_OPT_BACKGROUND));
        if (st != THUMB_OK)
            return st;
    }
    thumb_status st = meta_attach(ctx, img, format, mp, &eo);
    if (st != THUMB_OK)
        return st;
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return jpeg_encode(ctx, img, &eo, &ctx->output);
    case THUMB_FORMAT_PNG:
        return png_encode(ctx, img, &eo, &ctx->output);
    case THUMB_FORMAT_WEBP:
        return webp_encode(ctx, img, &eo, &ctx->output);
    case THUMB_FORMAT_GIF:
        return gif_encode(ctx, img, &eo, &ctx->output);
    default:
        return ctx_fail(ctx, THUMB_ERR_INVALID_ARGUMENT,
                        "cannot write %s output", format_name(format));
    }
}

/* The output pixels, in the block the last run kept when it is large
 * enough (images are tightly packed, so any block of the size fits). */
static thumb_status output_alloc(thumb_ctx *ctx, image *out, uint32_t width,
                                 uint32_t height, int channels, int depth) {
    size_t stride = (size_t)width * (size_t)channels * (size_t)(depth / 8);
    if (ctx->kept_px && ctx->kept_px_size >= stride * height) {
        *out = (image){width, height, channels, stride, ctx->kept_px, depth};
        ctx->kept_px = NULL;
        ctx->kept_px_size = 0;
        return THUMB_OK;
    }
    return image_alloc_depth(ctx, out, width, height, channels, depth);
}

/* A smart crop of out to width x height: the window is chosen on 8-bit
 * samples, which is all the analysis looks at. */
static thumb_status smart_crop(thumb_ctx *ctx, thumb_crop crop, image *out,
                               uint32_t width, uint32_t height) {
    image view = *out, reduced = {0};
    if (out->depth == 16) {
        thumb_status st = image_to_8bit(ctx, out, &reduced);
        if (st != THUMB_OK)
            return st;
        view = reduced;
    }
    uint32_t cx, cy;
    thumb_status st = crop_find(ctx, crop, &view, width, height, &cx, &cy);
    image_release(ctx, &reduced);
    if (st == THUMB_OK)
        crop_extract(out, cx, cy, width, height);
    return st;
}

/* Whatever holds the output at the end of a run (orienting or flattening
 * may have replaced the first block) is kept for the next. */
static void output_keep(thumb_ctx *ctx, image *out) {
    if (!out->px)
        return;
    ctx_free(ctx, ctx->kept_px);
    ctx->kept_px = out->px;
    ctx->kept_px_size = out->stride * out->height;
    out->px = NULL;
}

void pipeline_release(thumb_ctx *ctx) {
    resize_free(ctx->kept_resize);
    ctx->kept_resize = NULL;
    planar_free(ctx->kept_planar);
    ctx->kept_planar = NULL;
    ctx_free(ctx, ctx->kept_px);
    ctx->kept_px = NULL;
    ctx->kept_px_size = 0;
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
    planar *pl = NULL;
    image out = {0};
    meta_plan mp = {0};
    uint8_t *color_scratch = NULL;

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
    /* Animations take their own path, with a centred crop: a smart crop
     * chosen per frame would make the window jump. */
    if (anim_applies(ctx, &dec.info, output_format(ctx, dec.info.format))) {
        st = anim_run(ctx, in, size, &dec.info, dec.icc, dec.icc_size, &g,
                      orientation, output_format(ctx, dec.info.format));
        goto done;
    }
    /* A smart crop looks at the whole scaled image (in stored orientation,
     * like g now) and takes its window out after the resize. */
    thumb_crop crop = (thumb_crop)opt(ctx, THUMB_OPT_CROP);
    uint32_t crop_width = g.out_width, crop_height = g.out_height;
    if (crop != THUMB_CROP_CENTRE &&
        (crop_width < g.scaled_width || crop_height < g.scaled_height)) {
        g.out_width = g.scaled_width;
        g.out_height = g.scaled_height;
        g.crop_x = g.crop_y = 0;
    }
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
    /* Accurate: no shrink on load, the Lanczos pass sees every pixel. */
    if (opt(ctx, THUMB_OPT_ACCURATE))
        min_w = min_h = UINT32_MAX;
    st = meta_before_start(ctx, &dec, &mp);
    if (st == THUMB_OK)
        st = planes_wanted(ctx, &dec, &g, &mp);
    if (st != THUMB_OK)
        goto done;
    /* 16-bit samples go to the resizer as they are, which keeps 14 bits of
     * them (resize_convert.h); the output is reduced to 8 at the end. */
    dec.want_16 = 1;
    /* Some decoders (WebP, interlaced PNG) do all their work here. */
    int64_t t_decode_start = now_us();
    st = decoder_start(
        &dec, min_w < dec.info.width ? (uint32_t)min_w : dec.info.width,
        min_h < dec.info.height ? (uint32_t)min_h : dec.info.height);
    int64_t start_us = now_us() - t_decode_start;
    if (st == THUMB_OK) /* a whole-image decoder may have just finished */
        st = ctx_check_deadline(ctx, "decoding");
    if (st != THUMB_OK)
        goto done;
    ctx->decoded_width = dec.width;
    ctx->decoded_height = dec.height;
    st = meta_after_start(ctx, &dec, output_format(ctx, dec.info.format),
                          orientation, &mp);
    if (st != THUMB_OK)
        goto done;
    int channels =
        mp.color ? color_transform_out_channels(mp.color) : dec.channels;
    if (channels != dec.channels) {
        color_scratch = ctx_malloc(ctx, (size_t)dec.width * dec.channels *
                                            (size_t)(dec.depth / 8));
        if (!color_scratch) {
            st = THUMB_ERR_NOMEM;
            goto done;
        }
    }

    resize_geometry rg = {
        .src_width = dec.width,
        .src_height = dec.height,
        .extent_width = dec.extent_width,
        .extent_height = dec.extent_height,
        .scaled_width = g.scaled_width,
        .scaled_height = g.scaled_height,
        .crop_x = g.crop_x,
        .crop_y = g.crop_y,
        .dst_width = g.out_width,
        .dst_height = g.out_height,
        .channels = channels,
        .src_depth = dec.depth,
        .dst_depth =
            dec.depth == 16 && opt(ctx, THUMB_OPT_PNG_16BIT) &&
                    output_format(ctx, dec.info.format) == THUMB_FORMAT_PNG
                ? 16
                : 8,
        .linear = (int)opt(ctx, THUMB_OPT_LINEAR),
        .simd = (int)opt(ctx, THUMB_OPT_SIMD),
    };
    if (dec.planar)
        st = planar_reuse(ctx, &dec, &rg, &ctx->kept_planar, &pl);
    else
        st = resize_reuse(ctx, &rg, &ctx->kept_resize, &rs);
    if (st != THUMB_OK)
        goto done;
    st = output_alloc(ctx, &out, g.out_width, g.out_height, channels,
                      rg.dst_depth);
    if (st != THUMB_OK)
        goto done;
    row_feed feed = {.dec = &dec,
                     .decode_us = 0,
                     .color = mp.color,
                     .scratch = color_scratch};
    int64_t t_resize = now_us();
    if (pl)
        st = planar_run(pl, &dec, &out, &feed.decode_us);
    else
        st = resize_run(rs, feed_rows, &feed, &out);
    if (st != THUMB_OK)
        goto done;
    ctx->decode_us = start_us + feed.decode_us;
    ctx->resize_us = now_us() - t_resize - feed.decode_us;
    if (pl)
        ctx->kept_planar = pl;
    else
        ctx->kept_resize = rs;
    rs = NULL;
    pl = NULL;
    decoder_close(&dec);

    int64_t t_encode = now_us();
    /* Encoding is bounded by the output's size; the stages before it
     * by the input's. */
    st = ctx_check_deadline(ctx, "resizing");
    if (st == THUMB_OK &&
        (out.width != crop_width || out.height != crop_height))
        st = smart_crop(ctx, crop, &out, crop_width, crop_height);
    if (st == THUMB_OK)
        st = orient_apply(ctx, &out, orientation);
    if (st != THUMB_OK)
        goto done;
    thumb_format format = output_format(ctx, ctx->info.format);
    st = encode(ctx, &out, format, &mp);
    if (st != THUMB_OK)
        goto done;
    ctx->encode_us = now_us() - t_encode;
    ctx->out_format = format;
    ctx->out_width = out.width;
    ctx->out_height = out.height;
    ctx->total_us = now_us() - t_start;
    ctx->have_output = 1;

done:
    meta_release(ctx, &mp);
    ctx_free(ctx, color_scratch);
    resize_free(rs);
    planar_free(pl);
    output_keep(ctx, &out);
    decoder_close(&dec);
    return st;
}
