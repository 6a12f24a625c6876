/* One thumbnail, start to end: open the decoder, plan (plan.h), start
 * the decoder as planned, and run the tail (tail.h) over the image or
 * each frame. */
#include "pipeline.h"

#include "codec/decoder.h"
#include "plan.h"
#include "tail.h"

void pipeline_release(thumb_ctx *ctx) {
    resize_free(ctx->kept_resize);
    ctx->kept_resize = NULL;
    fanout_free(ctx->kept_fanout);
    ctx->kept_fanout = NULL;
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

/* Every frame of an animation through the tail. */
static thumb_status run_frames(tail *t, decoder *dec) {
    for (;;) {
        int more, delay_ms;
        int64_t t0 = ctx_now_us();
        thumb_status st = decoder_next_frame(dec, &more, &delay_ms);
        t->decode_us += ctx_now_us() - t0;
        if (st != THUMB_OK)
            return st;
        if (!more)
            return tail_finish_frames(t);
        st = tail_image(t);
        if (st == THUMB_OK)
            st = tail_write_frame(t, delay_ms, dec->loop_count);
        if (st != THUMB_OK)
            return st;
    }
}

/* Decodes as planned and runs the tail. */
static thumb_status run_planned(thumb_ctx *ctx, decoder *dec, run_plan *plan,
                                int64_t start_us) {
    /* Some decoders (WebP, interlaced PNG) do all their work here. */
    int64_t t0 = ctx_now_us();
    thumb_status st = decoder_start(dec, &plan->request);
    int64_t start_decode_us = ctx_now_us() - t0;
    if (st == THUMB_OK) /* a whole-image decoder may have just finished */
        st = ctx_check_deadline(ctx, "decoding");
    if (st != THUMB_OK)
        return st;
    tail t;
    st = tail_open(&t, ctx, plan, dec);
    if (st == THUMB_OK)
        st = tail_plan_resize(&t);
    if (st == THUMB_OK && dec->frames)
        st = run_frames(&t, dec);
    else if (st == THUMB_OK && tail_streams(&t))
        st = tail_stream_still(&t);
    else if (st == THUMB_OK) {
        st = tail_image(&t);
        /* The decoder's memory goes before the encoder's comes. */
        decoder_close(dec);
        if (st == THUMB_OK)
            st = tail_write_still(&t);
    }
    if (st == THUMB_OK)
        tail_record(&t, start_us, start_decode_us);
    tail_close(&t, st == THUMB_OK);
    return st;
}

thumb_status pipeline_run(thumb_ctx *ctx, const uint8_t *in, size_t size) {
    int64_t start_us = ctx_now_us();
    decoder dec;
    thumb_status st = decoder_open(ctx, in, size, &dec);
    if (st != THUMB_OK)
        return st;
    ctx->info = dec.info;
    run_plan plan;
    st = plan_make(ctx, &dec, &plan);
    if (st == THUMB_OK) {
        st = run_planned(ctx, &dec, &plan, start_us);
        plan_release(ctx, &plan);
    }
    decoder_close(&dec);
    return st;
}
