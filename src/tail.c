#include "tail.h"

#include "codec/encoder.h"
#include "codec/format.h"
#include "crop.h"
#include "orient.h"

#include <string.h>

typedef struct row_feed {
    decoder *dec;
    color_transform *color; /* NULL: rows pass as decoded */
    uint8_t *scratch;       /* one decoded row, when color changes the layout */
    int64_t decode_us;
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
    int64_t t0 = ctx_now_us();
    thumb_status st = feed->color ? feed_color_rows(feed, rows, count)
                                  : decoder_read_rows(feed->dec, rows, count);
    feed->decode_us += ctx_now_us() - t0;
    return st;
}

thumb_status tail_open(tail *t, thumb_ctx *ctx, run_plan *plan, decoder *dec) {
    const run_plan *p = plan;
    *t = (tail){.ctx = ctx,
                .plan = plan,
                .dec = dec,
                .in_format = dec->info.format,
                .decoded_width = dec->width,
                .decoded_height = dec->height};
    t->rg = (resize_geometry){
        .src_width = dec->width,
        .src_height = dec->height,
        .extent_width = dec->extent_width,
        .extent_height = dec->extent_height,
        .scaled_width = p->g.scaled_width,
        .scaled_height = p->g.scaled_height,
        .crop_x = p->g.crop_x,
        .crop_y = p->g.crop_y,
        .dst_width = p->g.out_width,
        .dst_height = p->g.out_height,
        .channels = p->resize_channels,
        .src_depth = dec->depth,
        .dst_depth = p->dst_depth,
        .linear = p->linear,
        .simd = p->simd,
    };
    if (p->resize_channels == dec->channels || dec->planar)
        return THUMB_OK;
    t->scratch = ctx_malloc(ctx, (size_t)dec->width * dec->channels *
                                     (size_t)(dec->depth / 8));
    return t->scratch ? THUMB_OK : THUMB_ERR_NOMEM;
}

thumb_status tail_plan_resize(tail *t) {
    thumb_ctx *ctx = t->ctx;
    if (!t->dec->planar)
        return resize_reuse(ctx, &t->rg, &ctx->kept_resize, &t->rs);
    fanout_output one = {t->rg, NULL, {1, 1, 1}};
    return fanout_reuse(ctx, t->dec, &one, 1, &ctx->kept_fanout, &t->fan);
}

/* The output pixels, in the block the last image kept when it is large
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

/* Whatever holds the output at the end of an image (orienting or
 * flattening may have replaced the first block) is kept for the next. */
static void output_keep(thumb_ctx *ctx, image *out) {
    if (!out->px)
        return;
    ctx_free(ctx, ctx->kept_px);
    ctx->kept_px = out->px;
    ctx->kept_px_size = out->stride * out->height;
    out->px = NULL;
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

thumb_status tail_alloc_out(tail *t) {
    const run_plan *p = t->plan;
    output_keep(t->ctx, &t->out);
    return output_alloc(t->ctx, &t->out, p->g.out_width, p->g.out_height,
                        p->resize_channels, p->dst_depth);
}

void tail_add_times(tail *t, int64_t decode_us, int64_t resize_us) {
    t->decode_us += decode_us;
    t->resize_us += resize_us;
}

color_transform *tail_row_color(const run_plan *p) {
    return p->color_late ? NULL : p->color;
}

thumb_status tail_finish_image(tail *t) {
    const run_plan *p = t->plan;
    int64_t t0 = ctx_now_us();
    /* Timed with the resize, whose pixels it finishes. */
    if (p->color_late) {
        for (uint32_t y = 0; y < t->out.height; y++)
            color_transform_row(p->color, image_row(&t->out, y),
                                image_row(&t->out, y), t->out.width);
        int64_t t1 = ctx_now_us();
        t->resize_us += t1 - t0;
        t0 = t1;
    }
    /* Encoding is bounded by the output's size; the stages before it
     * by the input's. */
    thumb_status st = ctx_check_deadline(t->ctx, "resizing");
    if (st == THUMB_OK &&
        (t->out.width != p->crop_width || t->out.height != p->crop_height))
        st =
            smart_crop(t->ctx, p->crop, &t->out, p->crop_width, p->crop_height);
    if (st == THUMB_OK)
        st = orient_apply(t->ctx, &t->out, p->orientation);
    t->encode_us += ctx_now_us() - t0;
    return st;
}

thumb_status tail_image(tail *t) {
    thumb_status st = tail_alloc_out(t);
    if (st != THUMB_OK)
        return st;
    int64_t t0 = ctx_now_us(), decode_us = 0;
    if (t->fan) {
        fanout_sink sink = {&t->out, NULL, NULL, NULL};
        st = fanout_run(t->fan, t->dec, &sink, &decode_us);
    } else {
        row_feed feed = {t->dec, tail_row_color(t->plan), t->scratch, 0};
        st = resize_run(t->rs, feed_rows, &feed, &t->out);
        decode_us = feed.decode_us;
    }
    tail_add_times(t, decode_us, ctx_now_us() - t0 - decode_us);
    return st == THUMB_OK ? tail_finish_image(t) : st;
}

/* The ICC profile and EXIF block the encoder embeds, for img as it will
 * be written. */
static thumb_status attach_metadata(thumb_ctx *ctx, run_plan *p,
                                    const image *img, encode_options *eo) {
    int grey = img->channels <= 2 && p->format != THUMB_FORMAT_WEBP;
    eo->exif = p->exif;
    eo->exif_size = p->exif_size;
    if (p->icc) {
        color_space space = color_profile_space(p->icc, p->icc_size);
        if ((space == COLOR_SPACE_GREY) == grey) {
            eo->icc = p->icc;
            eo->icc_size = p->icc_size;
        }
        return THUMB_OK;
    }
    if (p->color_mode != THUMB_COLOR_SRGB_TAGGED)
        return THUMB_OK;
    thumb_status st = color_srgb_profile(ctx, grey, &p->srgb, &p->srgb_size);
    eo->icc = p->srgb;
    eo->icc_size = p->srgb_size;
    return st;
}

/* Whether the format keeps alpha; when not, the output is flattened on
 * the background. */
static int writes_alpha(thumb_format format) {
    const format_desc *d = format_describe(format);
    return d && d->has_alpha;
}

thumb_status tail_write_still(tail *t) {
    run_plan *p = t->plan;
    int64_t t0 = ctx_now_us();
    buffer_clear(&t->ctx->output);
    thumb_status st = THUMB_OK;
    if (!writes_alpha(p->format))
        st = image_flatten(t->ctx, &t->out, p->background);
    encode_options eo = p->encode;
    if (st == THUMB_OK)
        st = attach_metadata(t->ctx, p, &t->out, &eo);
    if (st == THUMB_OK)
        st = encoder_write(t->ctx, p->format, &t->out, &eo, &t->ctx->output);
    t->encode_us += ctx_now_us() - t0;
    return st;
}

int tail_streams(const tail *t) {
    const run_plan *p = t->plan;
    int flatten =
        !writes_alpha(p->format) && channels_have_alpha(p->resize_channels);
    return encoder_streams(p->format, &p->encode) &&
           p->g.out_width == p->crop_width &&
           p->g.out_height == p->crop_height &&
           (p->orientation < 2 || p->orientation > 8) &&
           !(flatten && p->dst_depth == 16);
}

thumb_status tail_stream_begin(tail *t) {
    thumb_ctx *ctx = t->ctx;
    run_plan *p = t->plan;
    int64_t t0 = ctx_now_us();
    uint32_t w = p->g.out_width, h = p->g.out_height;
    int channels = p->resize_channels, depth = p->dst_depth;
    size_t row_bytes = (size_t)w * (size_t)channels * (size_t)(depth / 8);
    /* The output's shape, for the record and the fanout; no pixels. */
    output_keep(ctx, &t->out);
    t->out = (image){w, h, channels, row_bytes, NULL, depth};
    image shape = t->out;
    if (!writes_alpha(p->format))
        shape.channels = image_flatten_channels(channels, p->background);
    shape.stride = (size_t)w * (size_t)shape.channels * (size_t)(depth / 8);

    /* Two rows of each kind: the encoder may still read the row above.
     * The kernels may store whole registers past a row's end. */
    size_t slot = row_bytes + RESIZE_Q6_ROW_SLACK * sizeof(int16_t);
    size_t flat = shape.channels != channels ? shape.stride : 0;
    t->stream_block = ctx_malloc(ctx, 2 * (slot + flat));
    thumb_status st = t->stream_block ? THUMB_OK : THUMB_ERR_NOMEM;
    if (st == THUMB_OK) {
        for (int i = 0; i < 2; i++) {
            t->stream_rows[i] = t->stream_block + i * slot;
            t->stream_flat[i] =
                flat ? t->stream_block + 2 * slot + i * flat : NULL;
        }
        t->stream_y = 0;
        t->stream_status = THUMB_OK;
        t->push_us = 0;
        encode_options eo = p->encode;
        st = format_check_size(ctx, p->format, w, h);
        if (st == THUMB_OK)
            st = attach_metadata(ctx, p, &shape, &eo);
        buffer_clear(&ctx->output);
        if (st == THUMB_OK)
            st = row_encoder_new(ctx, p->format, &shape, &eo, &ctx->output,
                                 &t->encoder);
        t->stream_status = st;
    }
    t->encode_us += ctx_now_us() - t0;
    return st;
}

uint8_t *tail_stream_slot(tail *t) {
    return t->stream_rows[t->stream_y & 1];
}

thumb_status tail_stream_push(tail *t) {
    const run_plan *p = t->plan;
    int64_t t0 = ctx_now_us();
    uint8_t *row = tail_stream_slot(t);
    if (t->stream_status == THUMB_OK) {
        if (p->color_late)
            color_transform_row(p->color, row, row, t->out.width);
        if (t->stream_flat[0]) {
            uint8_t *flat = t->stream_flat[t->stream_y & 1];
            image_flatten_row(row, t->out.channels, t->out.width, p->background,
                              flat);
            row = flat;
        }
        t->stream_status = row_encoder_add(t->encoder, row);
    }
    t->stream_y++;
    int64_t spent = ctx_now_us() - t0;
    t->encode_us += spent;
    t->push_us += spent;
    return t->stream_status;
}

thumb_status tail_stream_end(tail *t, thumb_status st) {
    int64_t t0 = ctx_now_us();
    if (st == THUMB_OK)
        st = t->stream_status;
    if (st == THUMB_OK && t->stream_y != t->out.height)
        st =
            ctx_fail(t->ctx, THUMB_ERR_INTERNAL, "encoder: %u rows of %u given",
                     t->stream_y, t->out.height);
    if (st == THUMB_OK)
        st = row_encoder_finish(t->encoder);
    /* Unfinished, the encoder takes its partial file back. */
    row_encoder_free(t->encoder);
    t->encoder = NULL;
    ctx_free(t->ctx, t->stream_block);
    t->stream_block = NULL;
    t->encode_us += ctx_now_us() - t0;
    return st;
}

static uint8_t *stream_slot(void *opaque) {
    return tail_stream_slot(opaque);
}

static thumb_status stream_done(void *opaque) {
    return tail_stream_push(opaque);
}

thumb_status tail_stream_still(tail *t) {
    thumb_status st = tail_stream_begin(t);
    int64_t t0 = ctx_now_us(), decode_us = 0;
    if (st == THUMB_OK && t->fan) {
        fanout_sink sink = {&t->out, stream_slot, stream_done, t};
        st = fanout_run(t->fan, t->dec, &sink, &decode_us);
    } else if (st == THUMB_OK) {
        row_feed feed = {t->dec, tail_row_color(t->plan), t->scratch, 0};
        resize_begin(t->rs);
        for (uint32_t y = 0; st == THUMB_OK && y < t->out.height; y++) {
            st = resize_next_row(t->rs, feed_rows, &feed, tail_stream_slot(t));
            if (st == THUMB_OK)
                st = tail_stream_push(t);
        }
        /* The rest of the source is read, as resize_run() reads it:
         * damage below the last row used fails the run. */
        if (st == THUMB_OK)
            st = resize_finish(t->rs, feed_rows, &feed);
        decode_us = feed.decode_us;
    }
    tail_add_times(t, decode_us, ctx_now_us() - t0 - decode_us - t->push_us);
    return tail_stream_end(t, st);
}

thumb_status tail_write_frame(tail *t, int delay_ms, int loop_count) {
    int64_t t0 = ctx_now_us();
    thumb_status st = THUMB_OK;
    if (!t->writer) {
        anim_loop loop = {loop_count};
        buffer_clear(&t->ctx->output);
        st = anim_writer_new(t->ctx, t->plan->format, t->out.width,
                             t->out.height, &loop, &t->plan->encode,
                             &t->ctx->output, &t->writer);
    }
    if (st == THUMB_OK)
        st = anim_writer_add(t->writer, &t->out, delay_ms);
    t->encode_us += ctx_now_us() - t0;
    if (st == THUMB_OK)
        st = ctx_check_deadline(t->ctx, "making animation frames");
    if (st == THUMB_OK)
        t->frames++;
    return st;
}

thumb_status tail_finish_frames(tail *t) {
    if (!t->frames)
        return ctx_fail(t->ctx, THUMB_ERR_CORRUPT,
                        "%s: the animation has no frame",
                        format_name(t->in_format));
    int64_t t0 = ctx_now_us();
    thumb_status st = anim_writer_finish(t->writer);
    t->encode_us += ctx_now_us() - t0;
    return st;
}

void tail_record(tail *t, int64_t start_us, int64_t start_decode_us) {
    thumb_ctx *ctx = t->ctx;
    ctx->out_format = t->plan->format;
    ctx->out_width = t->out.width;
    ctx->out_height = t->out.height;
    ctx->decoded_width = t->decoded_width;
    ctx->decoded_height = t->decoded_height;
    ctx->decode_us = start_decode_us + t->decode_us;
    ctx->resize_us = t->resize_us;
    ctx->encode_us = t->encode_us;
    ctx->total_us = ctx_now_us() - start_us;
    ctx->have_output = 1;
}

void tail_close(tail *t, int keep) {
    thumb_ctx *ctx = t->ctx;
    if (!ctx)
        return;
    if (keep && t->rs)
        ctx->kept_resize = t->rs;
    else
        resize_free(t->rs);
    if (keep && t->fan)
        ctx->kept_fanout = t->fan;
    else
        fanout_free(t->fan);
    output_keep(ctx, &t->out);
    row_encoder_free(t->encoder);
    ctx_free(ctx, t->stream_block);
    anim_writer_free(ctx, t->writer);
    ctx_free(ctx, t->scratch);
    *t = (tail){0};
}
