/* Several outputs from one decode (thumb_run_many): one plan per
 * context, one decoder started for the largest, one fan-out (fanout.h)
 * feeding every output's tail in the same pass. Outputs whose plan asks
 * for another decode run on their own afterwards. */
#include "pipeline.h"

#include "codec/decoder.h"
#include "plan.h"
#include "tail.h"

#include <string.h>

/* One output of the run. */
typedef struct output {
    thumb_ctx *ctx;
    run_plan plan;
    tail tail;
    int planned, opened;
    int shared; /* made from the shared decode */
    /* The planes a decode of its own would give (own_planar 0: rows). */
    decoder_plane own_planes[DECODER_PLANES];
    int own_planar;
    /* Its own failure, kept apart while its context, the first, still
     * serves the shared decode (whose errors it records). */
    thumb_status status;
    char message[CTX_MESSAGE_SIZE];
} output;

/* Records output o's failure st (its message is on o->ctx). */
static void output_fail(output *o, thumb_status st) {
    if (o->status != THUMB_OK)
        return;
    o->status = st;
    memcpy(o->message, o->ctx->message, sizeof o->message);
    ctx_clear_error(o->ctx);
}

/* Every shared output still standing fails with the shared work's
 * error: recorded on the decoding context, or on the context of the
 * output whose memory ran out (an output's own failures were taken off
 * its context by output_fail()). */
static void fail_shared(output *outs, size_t n, thumb_ctx *decode,
                        thumb_status st) {
    char message[CTX_MESSAGE_SIZE] = "";
    const thumb_ctx *where = decode;
    for (size_t i = 0; i < n && where->status == THUMB_OK; i++)
        where = outs[i].ctx;
    if (where->status != THUMB_OK)
        memcpy(message, where->message, sizeof message);
    for (size_t i = 0; i < n; i++) {
        if (outs[i].shared && outs[i].status == THUMB_OK) {
            outs[i].status = st;
            memcpy(outs[i].message, message, sizeof message);
        }
        ctx_clear_error(outs[i].ctx);
    }
}

/* 1 when output b can take its rows from the decode planned for a. */
static int same_decode(const decoder_request *a, const decoder_request *b) {
    return a->cmyk == b->cmyk && a->depth16 == b->depth16 &&
           a->frames == b->frames;
}

/* The shared request: the first planned output's, as large as the
 * largest output needs; planes only when every output may take them. */
static int plan_shared(output *outs, size_t n, decoder_request *req) {
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        const decoder_request *r = &outs[i].plan.request;
        if (!outs[i].planned || (count && !same_decode(req, r)))
            continue;
        if (!count)
            *req = *r;
        if (r->min_width > req->min_width)
            req->min_width = r->min_width;
        if (r->min_height > req->min_height)
            req->min_height = r->min_height;
        req->planes &= r->planes;
        outs[i].shared = 1;
        count++;
    }
    return count;
}

/* JPEG's DCT scales: 1/1 down to 1/JPEG_SCALES. */
#define JPEG_SCALES 8

/* The ratio of extent `shared` to `own` when it is 1, 2, 4 or 8, else 0. */
static uint32_t power_ratio(double shared, double own) {
    for (uint32_t k = 1; k <= JPEG_SCALES; k *= 2)
        if (own > 0 && shared > own * k - 1e-6 && shared < own * k + 1e-6)
            return k;
    return 0;
}

/* The box shrinks (fanout.h) of output o from the shared decode: where
 * that is a JPEG decoded at a finer DCT scale than o's own request would
 * have been, the ratio of each plane to the one a run of its own would
 * have read (libjpeg scales chroma its own way: predicted, not assumed),
 * so that o reads about what that run would. Other formats, alpha, 16
 * bits, CMYK, colour transforms on rows and linear light read the shared
 * decode as it is. */
static void box_shrink(const decoder *dec, const output *o, uint32_t *shrink) {
    for (int i = 0; i < DECODER_PLANES; i++)
        shrink[i] = 1;
    const resize_geometry *g = &o->tail.rg;
    if (dec->info.format != THUMB_FORMAT_JPEG || dec->depth != 8 || dec->cmyk ||
        g->linear || dec->extent_width <= 0 || tail_row_color(&o->plan))
        return;
    if (dec->planar) {
        uint32_t k[DECODER_PLANES];
        for (int i = 0; i < DECODER_PLANES; i++) {
            k[i] = o->own_planar ? power_ratio(dec->planes[i].extent_width,
                                               o->own_planes[i].extent_width)
                                 : 0;
            if (!k[i] || k[i] != power_ratio(dec->planes[i].extent_height,
                                             o->own_planes[i].extent_height))
                return;
        }
        memcpy(shrink, k, sizeof k);
        return;
    }
    if ((dec->channels != 1 && dec->channels != 3) ||
        (g->channels != 1 && g->channels != 3))
        return;
    /* The shared decode's scale is 1/denom; o's may not go below 1/8. */
    const decoder_request *own = &o->plan.request;
    uint32_t denom = (uint32_t)(dec->info.width / dec->extent_width + 0.5);
    uint32_t k = 1;
    while (denom * k * 2 <= JPEG_SCALES &&
           (dec->width + 2 * k - 1) / (2 * k) >= own->min_width &&
           (dec->height + 2 * k - 1) / (2 * k) >= own->min_height)
        k *= 2;
    shrink[0] = k;
}

/* A streamed output's rows go to its encoder; one that fails there has
 * its failure kept (tail_stream_end() reports it) while the shared
 * decode carries on for the others. */
static uint8_t *stream_slot(void *opaque) {
    return tail_stream_slot(opaque);
}

static thumb_status stream_done(void *opaque) {
    tail_stream_push(opaque);
    return THUMB_OK;
}

/* Whether shared output o goes to its encoder row by row: a still image
 * (no frames) that needs no frame (tail_streams()). */
static int streamed(const output *o, int frames) {
    return !frames && tail_streams(&o->tail);
}

/* One image (or frame) through every shared output's tail: into its
 * image, or, streamed, into its encoder. */
static thumb_status make_images(output *outs, size_t n, fanout *fan,
                                decoder *dec, fanout_sink *sinks) {
    size_t m = 0;
    thumb_status st = THUMB_OK;
    for (size_t i = 0; i < n && st == THUMB_OK; i++) {
        if (!outs[i].shared)
            continue;
        tail *t = &outs[i].tail;
        if (streamed(&outs[i], dec->frames)) {
            st = tail_stream_begin(t);
            /* With its rows there, its encoder's failure is its own. */
            if (st != THUMB_OK && t->stream_block) {
                output_fail(&outs[i], st);
                st = THUMB_OK;
            }
            sinks[m++] = (fanout_sink){&t->out, stream_slot, stream_done, t};
        } else {
            st = tail_alloc_out(t);
            sinks[m++] = (fanout_sink){&t->out, NULL, NULL, NULL};
        }
    }
    /* The fan-out needs every output; those begun are ended below. */
    int64_t t0 = ctx_now_us(), decode_us = 0, push_us = 0;
    if (st == THUMB_OK)
        st = fanout_run(fan, dec, sinks, &decode_us);
    for (size_t i = 0; i < n; i++)
        if (outs[i].tail.stream_block)
            push_us += outs[i].tail.push_us;
    int64_t resize_us = ctx_now_us() - t0 - decode_us - push_us;
    for (size_t i = 0; i < n; i++) {
        if (!outs[i].shared)
            continue;
        tail *t = &outs[i].tail;
        if (st == THUMB_OK)
            tail_add_times(t, decode_us, resize_us);
        thumb_status own = THUMB_OK;
        if (t->stream_block)
            own = tail_stream_end(t, st);
        else if (st == THUMB_OK && outs[i].status == THUMB_OK)
            own = tail_finish_image(t);
        if (st == THUMB_OK && own != THUMB_OK)
            output_fail(&outs[i], own);
    }
    return st;
}

/* Writes each shared output still standing: its still image, or its
 * next frame of the decoder `frames`. */
static void write_images(output *outs, size_t n, const decoder *frames,
                         int delay_ms) {
    for (size_t i = 0; i < n; i++) {
        if (!outs[i].shared || outs[i].status != THUMB_OK ||
            streamed(&outs[i], frames != NULL))
            continue;
        thumb_status st = frames ? tail_write_frame(&outs[i].tail, delay_ms,
                                                    frames->loop_count)
                                 : tail_write_still(&outs[i].tail);
        if (st != THUMB_OK)
            output_fail(&outs[i], st);
    }
}

/* The shared decode, image or frame by frame, through every output. */
static thumb_status run_shared(output *outs, size_t n, fanout *fan,
                               decoder *dec, fanout_sink *sinks) {
    if (!dec->frames) {
        thumb_status st = make_images(outs, n, fan, dec, sinks);
        /* The decoder's memory goes before the encoders' comes. */
        decoder_close(dec);
        if (st == THUMB_OK)
            write_images(outs, n, 0, 0);
        return st;
    }
    for (;;) {
        int more, delay_ms;
        thumb_status st = decoder_next_frame(dec, &more, &delay_ms);
        if (st != THUMB_OK)
            return st;
        if (!more)
            break;
        st = make_images(outs, n, fan, dec, sinks);
        if (st != THUMB_OK)
            return st;
        write_images(outs, n, dec, delay_ms);
    }
    for (size_t i = 0; i < n; i++)
        if (outs[i].shared && outs[i].status == THUMB_OK) {
            thumb_status st = tail_finish_frames(&outs[i].tail);
            if (st != THUMB_OK)
                output_fail(&outs[i], st);
        }
    return THUMB_OK;
}

/* Starts the decoder as shared, opens every shared tail and the fan-out,
 * and runs them. */
static thumb_status decode_shared(output *outs, size_t n, decoder *dec,
                                  const decoder_request *req,
                                  int64_t start_us) {
    thumb_ctx *ctx = dec->ctx;
    int64_t t0 = ctx_now_us();
    thumb_status st = decoder_start(dec, req);
    int64_t start_decode_us = ctx_now_us() - t0;
    if (st == THUMB_OK)
        st = ctx_check_deadline(ctx, "decoding");
    fanout_output *fo = ctx_calloc(ctx, n, sizeof *fo);
    fanout_sink *sinks = ctx_calloc(ctx, n, sizeof *sinks);
    size_t m = 0;
    for (size_t i = 0; i < n && st == THUMB_OK; i++) {
        if (!outs[i].shared)
            continue;
        if (!fo || !sinks) {
            st = THUMB_ERR_NOMEM;
            break;
        }
        st = tail_open(&outs[i].tail, outs[i].ctx, &outs[i].plan, dec);
        outs[i].opened = 1;
        fo[m] = (fanout_output){
            outs[i].tail.rg, tail_row_color(&outs[i].plan), {1, 1, 1}};
        box_shrink(dec, &outs[i], fo[m++].shrink);
    }
    fanout *fan = NULL;
    if (st == THUMB_OK)
        st = fanout_reuse(ctx, dec, fo, m, &ctx->kept_fanout, &fan);
    if (st == THUMB_OK)
        st = run_shared(outs, n, fan, dec, sinks);
    for (size_t i = 0; i < n; i++)
        if (outs[i].opened && outs[i].status == THUMB_OK && st == THUMB_OK)
            tail_record(&outs[i].tail, start_us, start_decode_us);
    if (st == THUMB_OK)
        ctx->kept_fanout = fan;
    else
        fanout_free(fan);
    ctx_free(ctx, fo);
    ctx_free(ctx, sinks);
    return st;
}

/* An output that needs a decode of its own. */
static void run_alone(output *o, const uint8_t *in, size_t size) {
    plan_release(o->ctx, &o->plan);
    o->planned = 0;
    thumb_status st = pipeline_run(o->ctx, in, size);
    if (st != THUMB_OK)
        output_fail(o, st);
}

thumb_status pipeline_run_many(thumb_ctx *const *ctxs, size_t n,
                               const uint8_t *in, size_t size) {
    /* One output is a single run: no ring between decoder and resize. */
    if (n == 1)
        return pipeline_run(ctxs[0], in, size);
    int64_t start_us = ctx_now_us();
    thumb_ctx *first = ctxs[0];
    output *outs = ctx_calloc(first, n, sizeof *outs);
    if (!outs)
        return THUMB_ERR_NOMEM;
    decoder dec;
    thumb_status st = decoder_open(first, in, size, &dec);
    for (size_t i = 0; i < n; i++) {
        outs[i].ctx = ctxs[i];
        outs[i].shared = 1; /* until planned: every output needs the header */
    }
    if (st != THUMB_OK) {
        fail_shared(outs, n, first, st);
    } else {
        for (size_t i = 0; i < n; i++) {
            outs[i].shared = 0;
            ctxs[i]->info = dec.info;
            thumb_status own = plan_make(ctxs[i], &dec, &outs[i].plan);
            outs[i].planned = own == THUMB_OK;
            if (own != THUMB_OK)
                output_fail(&outs[i], own);
        }
        decoder_request req = {0};
        if (plan_shared(outs, n, &req)) {
            for (size_t i = 0; i < n; i++)
                if (outs[i].shared)
                    outs[i].own_planar = decoder_predict_planes(
                        &dec, &outs[i].plan.request, outs[i].own_planes);
            st = decode_shared(outs, n, &dec, &req, start_us);
            if (st != THUMB_OK)
                fail_shared(outs, n, first, st);
        }
        for (size_t i = 0; i < n; i++)
            tail_close(&outs[i].tail, outs[i].status == THUMB_OK);
        decoder_close(&dec);
        for (size_t i = 0; i < n; i++)
            if (outs[i].planned && !outs[i].shared &&
                outs[i].status == THUMB_OK)
                run_alone(&outs[i], in, size);
    }
    thumb_status result = THUMB_OK;
    for (size_t i = 0; i < n; i++) {
        plan_release(ctxs[i], &outs[i].plan);
        if (outs[i].status != THUMB_OK) {
            ctx_fail(ctxs[i], outs[i].status, "%s", outs[i].message);
            if (result == THUMB_OK)
                result = outs[i].status;
        }
    }
    ctx_free(first, outs);
    return result;
}
