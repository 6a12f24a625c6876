/* One thumbnail, start to end: decode -> resize -> orient -> flatten ->
 * encode. The only module that sees every other one but the API. */
#ifndef THUMB_PIPELINE_H
#define THUMB_PIPELINE_H

#include "ctx.h"

/* Fills ctx->info and the output fields; the encoded file goes to
 * ctx->output. Options are read from ctx->options. */
thumb_status pipeline_run(thumb_ctx *ctx, const uint8_t *in, size_t size);

/* Frees what runs keep on the context for the next one. */
void pipeline_release(thumb_ctx *ctx);

/* Header only: fills ctx->info. */
thumb_status pipeline_probe(thumb_ctx *ctx, const uint8_t *in, size_t size);

#endif
