/* The run plan, made once (plan.h). The only module besides api.c that
 * reads the options. */
#include "plan.h"

#include "codec/format.h"
#include "exif.h"
#include "orient.h"

#include <stdio.h>
#include <string.h>

/* Shrink-on-load is a block average: it aliases and softens a little.
 * Leaving the Lanczos pass at least this factor to do hides that, as
 * libvips does. */
#define SHRINK_ON_LOAD_MARGIN 2
/* The shrink from which a JPEG's chroma planes (half the width of the
 * luma in 4:2:0) are still shrunk, not enlarged: see planes_allowed(). */
#define PLANAR_MIN_SHRINK 2

/* Pixel counts below this are written in pixels: a limit of 10 pixels is
 * not "0.0 megapixels". */
#define MEGAPIXELS_FROM 100000
#define PIXELS_PER_MEGAPIXEL 1e6
/* Room for "18446744073709551615 pixels". */
#define PIXELS_TEXT_MAX 32

/* "2.1 megapixels", or "10 pixels" for small counts. */
static const char *pixels_text(char *buf, uint64_t pixels) {
    if (pixels >= MEGAPIXELS_FROM)
        snprintf(buf, PIXELS_TEXT_MAX, "%.1f megapixels",
                 (double)pixels / PIXELS_PER_MEGAPIXEL);
    else
        snprintf(buf, PIXELS_TEXT_MAX, "%llu pixels",
                 (unsigned long long)pixels);
    return buf;
}

static int64_t opt(const thumb_ctx *ctx, thumb_option key) {
    return ctx->options[key];
}

thumb_status plan_check_input(thumb_ctx *ctx, size_t size) {
    int64_t max = opt(ctx, THUMB_OPT_MAX_INPUT_BYTES);
    if (size > (uint64_t)max)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "input is %zu bytes, over the limit of %lld bytes "
                        "(THUMB_OPT_MAX_INPUT_BYTES)",
                        size, (long long)max);
    return THUMB_OK;
}

/* The limits, checked from the header before any pixel memory exists. */
static thumb_status check_image_limits(thumb_ctx *ctx, const image_info *info) {
    int64_t max_dim = opt(ctx, THUMB_OPT_MAX_DIMENSION);
    int64_t max_px = opt(ctx, THUMB_OPT_MAX_PIXELS);
    const char *name = format_name(info->format);
    if (info->width > max_dim || info->height > max_dim)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s image is %ux%u, over the limit of %lld pixels "
                        "per side (THUMB_OPT_MAX_DIMENSION)",
                        name, info->width, info->height, (long long)max_dim);
    uint64_t px = (uint64_t)info->width * info->height;
    if (px > (uint64_t)max_px) {
        char size[PIXELS_TEXT_MAX], limit[PIXELS_TEXT_MAX];
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s image is %ux%u (%s), over the limit of %s "
                        "(THUMB_OPT_MAX_PIXELS)",
                        name, info->width, info->height, pixels_text(size, px),
                        pixels_text(limit, (uint64_t)max_px));
    }
    return THUMB_OK;
}

/* The frame count and the canvas from the header, so that an animation
 * bomb is refused before its first frame is decoded. */
static thumb_status check_frame_limits(thumb_ctx *ctx, const image_info *info) {
    int64_t max_frames = opt(ctx, THUMB_OPT_MAX_FRAMES);
    int64_t max_px = opt(ctx, THUMB_OPT_MAX_ANIMATION_PIXELS);
    const char *name = format_name(info->format);
    if (info->frames > (uint64_t)max_frames)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s animation has %u frames, over the limit of %lld "
                        "(THUMB_OPT_MAX_FRAMES)",
                        name, info->frames, (long long)max_frames);
    /* frames < 2^32 and the canvas < 2^32 pixels: no overflow in 128 bits,
     * but 64 could; compare by division instead. */
    uint64_t canvas = (uint64_t)info->width * info->height;
    if (canvas && info->frames > (uint64_t)max_px / canvas) {
        char all[PIXELS_TEXT_MAX], limit[PIXELS_TEXT_MAX];
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s animation is %u frames of %ux%u (%s in all), "
                        "over the limit of %s "
                        "(THUMB_OPT_MAX_ANIMATION_PIXELS)",
                        name, info->frames, info->width, info->height,
                        pixels_text(all, info->frames * canvas),
                        pixels_text(limit, (uint64_t)max_px));
    }
    return THUMB_OK;
}

/* Enlarging can ask for far more pixels than the input has. */
static thumb_status check_output_limit(thumb_ctx *ctx, const geometry *g) {
    int64_t max_px = opt(ctx, THUMB_OPT_MAX_PIXELS);
    if ((uint64_t)g->out_width * g->out_height > (uint64_t)max_px) {
        char limit[PIXELS_TEXT_MAX];
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "output would be %ux%u, over the limit of %s "
                        "(THUMB_OPT_MAX_PIXELS)",
                        g->out_width, g->out_height,
                        pixels_text(limit, (uint64_t)max_px));
    }
    return THUMB_OK;
}

static int animates(thumb_format format) {
    const format_desc *d = format_describe(format);
    return d && d->animates;
}

/* Orientation, the geometry on the stored image, and the crop. */
static void plan_geometry(const thumb_ctx *ctx, const image_info *info,
                          run_plan *p) {
    p->orientation = opt(ctx, THUMB_OPT_AUTOROTATE) ? info->orientation : 1;
    int transposed = orientation_transposes(p->orientation);
    geometry_request req = {
        .width = (uint32_t)opt(ctx, THUMB_OPT_WIDTH),
        .height = (uint32_t)opt(ctx, THUMB_OPT_HEIGHT),
        .fit = (thumb_fit)opt(ctx, THUMB_OPT_FIT),
        .enlarge = (int)opt(ctx, THUMB_OPT_ENLARGE),
    };
    geometry_compute(&req, transposed ? info->height : info->width,
                     transposed ? info->width : info->height, &p->g);
    geometry_to_stored(&p->g, p->orientation);
    /* Animations keep the centred crop: a smart crop chosen per frame
     * would make the window jump. */
    p->crop =
        p->animated ? THUMB_CROP_CENTRE : (thumb_crop)opt(ctx, THUMB_OPT_CROP);
    p->crop_width = p->g.out_width;
    p->crop_height = p->g.out_height;
    /* A smart crop looks at the whole scaled image (in stored orientation,
     * like g) and takes its window out after the resize. */
    if (p->crop != THUMB_CROP_CENTRE &&
        (p->g.out_width < p->g.scaled_width ||
         p->g.out_height < p->g.scaled_height)) {
        p->g.out_width = p->g.scaled_width;
        p->g.out_height = p->g.scaled_height;
        p->g.crop_x = p->g.crop_y = 0;
    }
}

/* Shrink-on-load, depth and frames. */
static void plan_request(const thumb_ctx *ctx, const image_info *info,
                         run_plan *p) {
    uint64_t min_w = (uint64_t)p->g.scaled_width * SHRINK_ON_LOAD_MARGIN;
    uint64_t min_h = (uint64_t)p->g.scaled_height * SHRINK_ON_LOAD_MARGIN;
    /* Accurate: no shrink on load, the Lanczos pass sees every pixel. */
    if (opt(ctx, THUMB_OPT_ACCURATE))
        min_w = min_h = UINT32_MAX;
    p->request.min_width = min_w < info->width ? (uint32_t)min_w : info->width;
    p->request.min_height =
        min_h < info->height ? (uint32_t)min_h : info->height;
    /* 16-bit samples go to the resizer as they are, which keeps 14 bits of
     * them (resize_convert.h); the output is reduced to 8 at the end. */
    p->request.depth16 = 1;
    p->request.frames = p->animated;
}

/* 1 when the encoder will write grey samples for `channels` decoded ones:
 * WebP has no grey, and JPEG flattens grey+alpha to RGB on a coloured
 * background (image_flatten). */
static int output_is_grey(const run_plan *p, int channels) {
    if (channels > 2 || p->format == THUMB_FORMAT_WEBP)
        return 0;
    uint32_t r = p->background >> 16 & 0xFF, g = p->background >> 8 & 0xFF,
             b = p->background & 0xFF;
    return channels == 1 || p->format != THUMB_FORMAT_JPEG ||
           (r == g && g == b);
}

/* A ctx copy of size (> 0) bytes, or NULL when out of memory. */
static uint8_t *copy_block(thumb_ctx *ctx, const uint8_t *src, size_t size) {
    uint8_t *p = ctx_malloc(ctx, size);
    if (p)
        memcpy(p, src, size);
    return p;
}

/* The colour decision (THUMB_OPT_COLOR): the profile kept, or a
 * transform to sRGB for the rows the decoder will give, or nothing. A
 * CMYK JPEG with a profile lcms2 can use is asked for its inks (every
 * colour mode converts CMYK). Animated output carries no profile, so
 * THUMB_COLOR_KEEP converts its frames too. */
static thumb_status plan_color(thumb_ctx *ctx, const decoder *dec,
                               run_plan *p) {
    color_space space = color_profile_space(dec->icc, dec->icc_size);
    if (dec->info.cmyk && space == COLOR_SPACE_CMYK && !p->animated) {
        thumb_status st = color_transform_new(ctx, dec->icc, dec->icc_size, 4,
                                              8, 1, &p->color);
        if (st != THUMB_OK)
            return st;
        p->request.cmyk = p->color != NULL;
    }
    decoder_rows_layout(&dec->info, &p->request, &p->channels, &p->cmyk,
                        &p->depth);
    int fits = color_space_fits(space, p->channels, p->cmyk);
    int keep = p->color_mode == THUMB_COLOR_KEEP && fits && !p->animated &&
               (space == COLOR_SPACE_RGB ||
                (space == COLOR_SPACE_GREY && output_is_grey(p, p->channels)));
    if (keep) {
        p->icc = copy_block(ctx, dec->icc, dec->icc_size);
        if (!p->icc)
            return THUMB_ERR_NOMEM;
        p->icc_size = dec->icc_size;
    } else if (fits && !p->color) {
        thumb_status st =
            color_transform_new(ctx, dec->icc, dec->icc_size, p->channels,
                                p->depth, p->cmyk, &p->color);
        if (st != THUMB_OK)
            return st;
    }
    p->resize_channels =
        p->color ? color_transform_out_channels(p->color) : p->channels;
    p->color_late = p->color && !p->cmyk && p->depth == 8 && !p->linear &&
                    p->resize_channels == p->channels;
    return THUMB_OK;
}

/* The EXIF block to keep (THUMB_OPT_KEEP_EXIF): still outputs only. */
static thumb_status plan_exif(thumb_ctx *ctx, const decoder *dec, run_plan *p) {
    if (!opt(ctx, THUMB_OPT_KEEP_EXIF) || p->animated || !dec->exif ||
        !dec->exif_size)
        return THUMB_OK;
    p->exif = copy_block(ctx, dec->exif, dec->exif_size);
    if (!p->exif)
        return THUMB_ERR_NOMEM;
    p->exif_size = dec->exif_size;
    /* The pixels are turned upright: the tag must not turn them again. */
    if (p->orientation != 1)
        exif_reset_orientation(p->exif, p->exif_size);
    return THUMB_OK;
}

/* Whether a JPEG may come as planes (planar.h). Only when the Lanczos
 * pass shrinks every plane, chroma included (a small shrink keeps
 * libjpeg's upsampling, which the accurate option and the tests'
 * reference decode use), and when no colour transform applies: one
 * works on RGB rows. */
static int planes_allowed(const thumb_ctx *ctx, const image_info *info,
                          const run_plan *p) {
    return info->format == THUMB_FORMAT_JPEG && (!p->color || p->color_late) &&
           !p->cmyk && p->channels == 3 && !opt(ctx, THUMB_OPT_ACCURATE) &&
           !p->linear &&
           (uint64_t)p->g.scaled_width * PLANAR_MIN_SHRINK <= info->width &&
           (uint64_t)p->g.scaled_height * PLANAR_MIN_SHRINK <= info->height;
}

static void plan_encode(const thumb_ctx *ctx, run_plan *p) {
    p->encode = (encode_options){
        .quality = (int)opt(ctx, THUMB_OPT_QUALITY),
        .jpeg_progressive = (int)opt(ctx, THUMB_OPT_JPEG_PROGRESSIVE),
        .jpeg_optimize = (int)opt(ctx, THUMB_OPT_JPEG_OPTIMIZE_CODING),
        .jpeg_subsampling =
            (thumb_subsampling)opt(ctx, THUMB_OPT_JPEG_SUBSAMPLING),
        .png_compression = (int)opt(ctx, THUMB_OPT_PNG_COMPRESSION),
        .webp_lossless = (int)opt(ctx, THUMB_OPT_WEBP_LOSSLESS),
    };
    p->background = (uint32_t)opt(ctx, THUMB_OPT_BACKGROUND);
    p->color_mode = (thumb_color)opt(ctx, THUMB_OPT_COLOR);
    p->linear = (int)opt(ctx, THUMB_OPT_LINEAR);
    p->simd = (int)opt(ctx, THUMB_OPT_SIMD);
}

thumb_status plan_make(thumb_ctx *ctx, const decoder *dec, run_plan *p) {
    const image_info *info = &dec->info;
    memset(p, 0, sizeof *p);
    thumb_status st = check_image_limits(ctx, info);
    if (st != THUMB_OK)
        return st;
    thumb_format wanted = (thumb_format)opt(ctx, THUMB_OPT_FORMAT);
    p->format = wanted != THUMB_FORMAT_AUTO
                    ? wanted
                    : format_auto_output(info->format, info->has_alpha);
    p->animated = info->frames > 1 && opt(ctx, THUMB_OPT_ANIMATION) &&
                  animates(info->format) && animates(p->format);
    if (p->animated) {
        st = check_frame_limits(ctx, info);
        if (st != THUMB_OK)
            return st;
    }
    plan_geometry(ctx, info, p);
    st = check_output_limit(ctx, &p->g);
    if (st != THUMB_OK)
        return st;
    plan_encode(ctx, p);
    plan_request(ctx, info, p);
    st = plan_color(ctx, dec, p);
    if (st == THUMB_OK)
        st = plan_exif(ctx, dec, p);
    if (st != THUMB_OK) {
        plan_release(ctx, p);
        return st;
    }
    p->request.planes = planes_allowed(ctx, info, p);
    p->dst_depth = p->depth == 16 && opt(ctx, THUMB_OPT_PNG_16BIT) &&
                           p->format == THUMB_FORMAT_PNG
                       ? 16
                       : 8;
    return THUMB_OK;
}

void plan_release(thumb_ctx *ctx, run_plan *p) {
    color_transform_free(p->color);
    ctx_free(ctx, p->icc);
    ctx_free(ctx, p->exif);
    ctx_free(ctx, p->srgb);
    p->color = NULL;
    p->color_late = 0;
    p->icc = p->exif = p->srgb = NULL;
}
