#include "anim_run.h"

#include "anim.h"
#include "codec/anim_encoder.h"
#include "codec/format.h"
#include "color.h"
#include "orient.h"
#include "resize/resize.h"

#include <string.h>

#define ANIM_CHANNELS 4

int anim_applies(const thumb_ctx *ctx, const image_info *info,
                 thumb_format format) {
    return info->frames > 1 && ctx->options[THUMB_OPT_ANIMATION] &&
           (info->format == THUMB_FORMAT_GIF ||
            info->format == THUMB_FORMAT_WEBP) &&
           (format == THUMB_FORMAT_GIF || format == THUMB_FORMAT_WEBP);
}

/* The frame counts and the canvas from the header, so that an animation
 * bomb is refused before its first frame is decoded. */
static thumb_status check_frame_limits(thumb_ctx *ctx, const image_info *info) {
    int64_t max_frames = ctx->options[THUMB_OPT_MAX_FRAMES];
    int64_t max_px = ctx->options[THUMB_OPT_MAX_ANIMATION_PIXELS];
    const char *name = format_name(info->format);
    if (info->frames > (uint64_t)max_frames)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s animation has %u frames, over the limit of %lld "
                        "(THUMB_OPT_MAX_FRAMES)",
                        name, info->frames, (long long)max_frames);
    /* frames < 2^32 and the canvas < 2^32 pixels: no overflow in 128 bits,
     * but 64 could; compare by division instead. */
    uint64_t canvas = (uint64_t)info->width * info->height;
    if (canvas && info->frames > (uint64_t)max_px / canvas)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "%s animation is %u frames of %ux%u (%.1f megapixels "
                        "in all), over the limit of %.1f megapixels "
                        "(THUMB_OPT_MAX_ANIMATION_PIXELS)",
                        name, info->frames, info->width, info->height,
                        (double)info->frames * (double)canvas / 1e6,
                        max_px / 1e6);
    return THUMB_OK;
}

typedef struct canvas_feed {
    const uint8_t *canvas;
    uint32_t width;
    uint32_t next_row;
    color_transform *color; /* NULL: sRGB already */
} canvas_feed;

static thumb_status feed_canvas(void *opaque, uint8_t *const *rows,
                                uint32_t count) {
    canvas_feed *f = opaque;
    size_t stride = (size_t)f->width * ANIM_CHANNELS;
    for (uint32_t i = 0; i < count; i++, f->next_row++) {
        const uint8_t *row = f->canvas + (size_t)f->next_row * stride;
        if (f->color)
            color_transform_row(f->color, row, rows[i], f->width);
        else
            memcpy(rows[i], row, stride);
    }
    return THUMB_OK;
}

/* One of the two writers, made when the first frame (and with it a GIF's
 * loop count, which comes before it) has been read. */
typedef struct anim_writer {
    thumb_format format;
    gif_writer *gif;
    webp_anim_writer *webp;
} anim_writer;

static thumb_status writer_new(thumb_ctx *ctx, anim_writer *w,
                               const image *frame, const anim_info *info) {
    anim_loop loop = {info->loop_count};
    if (w->format == THUMB_FORMAT_GIF)
        return gif_writer_new(ctx, frame->width, frame->height, &loop,
                              &ctx->output, &w->gif);
    encode_options eo = {
        .quality = (int)ctx->options[THUMB_OPT_QUALITY],
        .webp_lossless = (int)ctx->options[THUMB_OPT_WEBP_LOSSLESS],
    };
    return webp_anim_writer_new(ctx, frame->width, frame->height, &loop, &eo,
                                &w->webp);
}

static thumb_status writer_add(anim_writer *w, const image *frame, int delay) {
    return w->format == THUMB_FORMAT_GIF
               ? gif_writer_add(w->gif, frame, delay)
               : webp_anim_writer_add(w->webp, frame, delay);
}

static thumb_status writer_finish(thumb_ctx *ctx, anim_writer *w) {
    return w->format == THUMB_FORMAT_GIF
               ? gif_writer_finish(w->gif)
               : webp_anim_writer_finish(w->webp, &ctx->output);
}

static void writer_free(anim_writer *w) {
    gif_writer_free(w->gif);
    webp_anim_writer_free(w->webp);
}

/* Resizes and orients one composited canvas into *frame (allocated
 * here). */
static thumb_status make_frame(thumb_ctx *ctx, resize *rs, const geometry *g,
                               const anim_info *info, const uint8_t *canvas,
                               color_transform *color, int orientation,
                               image *frame) {
    thumb_status st =
        image_alloc(ctx, frame, g->out_width, g->out_height, ANIM_CHANNELS);
    if (st != THUMB_OK)
        return st;
    canvas_feed feed = {canvas, info->width, 0, color};
    st = resize_run(rs, feed_canvas, &feed, frame);
    if (st == THUMB_OK)
        st = orient_apply(ctx, frame, orientation);
    return st;
}

thumb_status anim_run(thumb_ctx *ctx, const uint8_t *in, size_t size,
                      const image_info *info, const uint8_t *icc,
                      size_t icc_size, const geometry *g, int orientation,
                      thumb_format format) {
    int64_t t_start = ctx_now_us();
    thumb_status st = check_frame_limits(ctx, info);
    if (st != THUMB_OK)
        return st;
    /* Enlarging can ask for far more pixels than the input has. */
    if ((uint64_t)g->out_width * g->out_height >
        (uint64_t)ctx->options[THUMB_OPT_MAX_PIXELS])
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "output would be %ux%u, over the limit of %.1f "
                        "megapixels (THUMB_OPT_MAX_PIXELS)",
                        g->out_width, g->out_height,
                        ctx->options[THUMB_OPT_MAX_PIXELS] / 1e6);
    anim_source *src = NULL;
    resize *rs = NULL;
    anim_writer w = {.format = format};
    image frame = {0};
    color_transform *color = NULL;
    int64_t decode_us = 0, resize_us = 0, encode_us = 0;

    st = anim_open(ctx, in, size, info->format, &src);
    if (st != THUMB_OK)
        goto done;
    const anim_info *ai = anim_source_info(src);
    if (ai->width != info->width || ai->height != info->height) {
        st = ctx_fail(ctx, THUMB_ERR_CORRUPT,
                      "%s: the animation canvas is %ux%u but the header "
                      "says %ux%u",
                      format_name(info->format), ai->width, ai->height,
                      info->width, info->height);
        goto done;
    }
    st = color_transform_new(ctx, icc, icc_size, ANIM_CHANNELS, 8, 0, &color);
    if (st != THUMB_OK)
        goto done;
    resize_geometry rg = {
        .src_width = ai->width,
        .src_height = ai->height,
        .scaled_width = g->scaled_width,
        .scaled_height = g->scaled_height,
        .crop_x = g->crop_x,
        .crop_y = g->crop_y,
        .dst_width = g->out_width,
        .dst_height = g->out_height,
        .channels = ANIM_CHANNELS,
        .linear = (int)ctx->options[THUMB_OPT_LINEAR],
        .simd = (int)ctx->options[THUMB_OPT_SIMD],
    };
    st = resize_reuse(ctx, &rg, &ctx->kept_resize, &rs);
    if (st != THUMB_OK)
        goto done;
    buffer_clear(&ctx->output);
    uint32_t frames = 0;
    for (;;) {
        const uint8_t *canvas;
        int delay_ms;
        int64_t t0 = ctx_now_us();
        st = anim_next(src, &canvas, &delay_ms);
        int64_t t1 = ctx_now_us();
        decode_us += t1 - t0;
        if (st != THUMB_OK || !canvas)
            break;
        st = make_frame(ctx, rs, g, ai, canvas, color, orientation, &frame);
        int64_t t2 = ctx_now_us();
        resize_us += t2 - t1;
        if (st == THUMB_OK && frames == 0)
            st = writer_new(ctx, &w, &frame, ai);
        if (st == THUMB_OK)
            st = writer_add(&w, &frame, delay_ms);
        image_release(ctx, &frame);
        encode_us += ctx_now_us() - t2;
        if (st == THUMB_OK)
            st = ctx_check_deadline(ctx, "making animation frames");
        if (st != THUMB_OK)
            break;
        frames++;
    }
    if (st == THUMB_OK && frames == 0)
        st = ctx_fail(ctx, THUMB_ERR_CORRUPT, "%s: the animation has no frame",
                      format_name(info->format));
    if (st != THUMB_OK)
        goto done;
    int64_t t_finish = ctx_now_us();
    st = writer_finish(ctx, &w);
    if (st != THUMB_OK)
        goto done;
    encode_us += ctx_now_us() - t_finish;
    int transposed = orientation_transposes(orientation);
    ctx->out_format = format;
    ctx->out_width = transposed ? g->out_height : g->out_width;
    ctx->out_height = transposed ? g->out_width : g->out_height;
    ctx->decoded_width = ai->width;
    ctx->decoded_height = ai->height;
    ctx->decode_us = decode_us;
    ctx->resize_us = resize_us;
    ctx->encode_us = encode_us;
    ctx->total_us = ctx_now_us() - t_start;
    ctx->have_output = 1;
    ctx->kept_resize = rs;
    rs = NULL;

done:
    color_transform_free(color);
    image_release(ctx, &frame);
    writer_free(&w);
    resize_free(rs);
    anim_close(src);
    return st;
}
