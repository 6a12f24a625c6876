/* The tail of a run, the same for every source: resize, smart crop,
 * orient, then encode a still image or add an animation frame. A still
 * image that needs no crop or orientation goes from the resize to the
 * encoder row by row where the format allows (tail_stream_still()), and
 * no output frame is made. Rows
 * (through the plan's colour transform), a JPEG's planes and an
 * animation's frames all come from the decoder the tail is given; the
 * tail works from the plan alone and keeps its memory on the context
 * for the next run. */
#ifndef THUMB_TAIL_H
#define THUMB_TAIL_H

#include "codec/anim_encoder.h"
#include "fanout.h"
#include "plan.h"
#include "resize/resize.h"

typedef struct tail {
    thumb_ctx *ctx;
    run_plan *plan;
    decoder *dec; /* started as plan->request asks */
    thumb_format in_format;
    uint32_t decoded_width, decoded_height;
    resize_geometry rg; /* of the resize to the plan's geometry */
    /* The resize of a single output: rows, or a JPEG's planes through a
     * fan-out of one; NULL when a run of several outputs shares one. */
    resize *rs;
    fanout *fan;
    uint8_t *scratch; /* one decoded row, when colour changes the layout */
    image out;        /* the image, or the frame, made last */
    anim_writer *writer;
    uint32_t frames; /* added so far */
    /* A still output encoded row by row (tail_stream_begin()): two rows
     * as the resize makes them, two flattened when the format has no
     * alpha, in one block. */
    row_encoder *encoder;
    uint8_t *stream_block, *stream_rows[2], *stream_flat[2];
    uint32_t stream_y;          /* rows given so far */
    thumb_status stream_status; /* the encoder's first failure */
    int64_t push_us; /* in tail_stream_push() since the begin: encoding */
    int64_t decode_us, resize_us, encode_us;
} tail;

/* Prepares the tail of dec's image to plan->g. */
thumb_status tail_open(tail *t, thumb_ctx *ctx, run_plan *plan, decoder *dec);
/* Plans the resize of a single output, reusing the context's. */
thumb_status tail_plan_resize(tail *t);
/* Makes t->out from the decoder's image, or its current frame: resized,
 * smart-cropped, oriented. */
thumb_status tail_image(tail *t);
/* The same in steps, for a run of several outputs that resizes them all
 * at once: t->out allocated, then filled by the caller (who adds the
 * times it took), then cropped and oriented. */
thumb_status tail_alloc_out(tail *t);
void tail_add_times(tail *t, int64_t decode_us, int64_t resize_us);
thumb_status tail_finish_image(tail *t);
/* The colour transform the decoded rows go through on their way to the
 * resize: the plan's, unless it applies to the output (color_late). */
color_transform *tail_row_color(const run_plan *p);
/* Encodes t->out as the still output into ctx->output. */
thumb_status tail_write_still(tail *t);
/* 1 when the still image can go from the resize to the encoder row by
 * row, with no output frame: nothing needs the whole image (a smart crop,
 * an orientation) and the encoder writes rows as they come
 * (encoder_streams()). */
int tail_streams(const tail *t);
/* A still output encoded row by row as the resize makes it, when
 * tail_streams(): tail_stream_begin() opens the encoder; for each row, top
 * to bottom, the caller makes the resized row in tail_stream_slot() and
 * calls tail_stream_push(), which finishes it (late colour transform,
 * flattening) and encodes it; tail_stream_end() with how the rows went
 * ends the file, or takes it back, and frees. After an encoder failure
 * (in tail_stream_begin() too, once its rows are allocated:
 * t->stream_block) pushes do nothing and return it, so that a run of
 * several outputs can carry on with the others. */
thumb_status tail_stream_begin(tail *t);
uint8_t *tail_stream_slot(tail *t);
thumb_status tail_stream_push(tail *t);
thumb_status tail_stream_end(tail *t, thumb_status st);
/* tail_image() and tail_write_still() in one pass through the above. The
 * decoder stays open while the encoder works; no output frame is made. */
thumb_status tail_stream_still(tail *t);
/* Adds t->out as the next frame of the animated output; loop_count (the
 * decoder's) is read with the first frame. */
thumb_status tail_write_frame(tail *t, int delay_ms, int loop_count);
/* Ends the animated output: at least one frame must have been added. */
thumb_status tail_finish_frames(tail *t);
/* Records a successful run's output fields on the context. */
void tail_record(tail *t, int64_t start_us, int64_t start_decode_us);
/* Frees what the run holds; with keep (a run that succeeded), keeps the
 * resize plan and output block on the context for the next run. */
void tail_close(tail *t, int keep);

#endif
