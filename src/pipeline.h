/* One thumbnail, start to end: open the decoder, plan the run (plan.h),
 * decode as planned, and the tail (tail.h): resize -> crop -> orient ->
 * flatten -> encode. Called by api.c alone. */
#ifndef THUMB_PIPELINE_H
#define THUMB_PIPELINE_H

#include "ctx.h"

/* Fills ctx->info and the output fields; the encoded file goes to
 * ctx->output. The plan reads the options; the caller has checked the
 * input's size (plan_check_input()) and set the deadline. */
thumb_status pipeline_run(thumb_ctx *ctx, const uint8_t *in, size_t size);

/* Several outputs of one input, one per context, from one decode where
 * they can share it (run_many.c): each context gets its own output
 * fields and status as pipeline_run() gives them; the first context's
 * decodes. Returns the first failing context's status, or THUMB_OK. */
thumb_status pipeline_run_many(thumb_ctx *const *ctxs, size_t n,
                               const uint8_t *in, size_t size);

/* Frees what runs keep on the context for the next one. */
void pipeline_release(thumb_ctx *ctx);

/* Header only: fills ctx->info. */
thumb_status pipeline_probe(thumb_ctx *ctx, const uint8_t *in, size_t size);

#endif
