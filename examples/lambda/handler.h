/*
 * handler.h -- what the runtime does with one invocation: S3
 * notifications and SQS batches make thumbnails in the destination
 * bucket; Function URL requests return one thumbnail in the response.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_HANDLER_H
#define THUMB_LAMBDA_HANDLER_H

#include "config.h"
#include "runtime.h"
#include "s3.h"

#include <thumbnail.h>

/* Time kept back from the invocation's deadline for posting the result:
 * S3 calls never run past deadline - this. */
#define HANDLER_DEADLINE_MARGIN_MS 500

typedef struct handler {
    const lambda_config *cfg;
    /* One per THUMB_SIZES entry, in its order, reused across objects and
     * invocations; ctxs[0] also serves on-demand requests. */
    thumb_ctx *const *ctxs;
    s3_client *s3;
    const char *function_name; /* the EMF FunctionName dimension */
} handler;

typedef struct handler_reply {
    /* On success: the JSON document to respond with (malloc'd). */
    char *body;
    /* On failure: an invocation error, reported through /error. */
    int failed;
    const char *error_type;
    char error_message[512];
} handler_reply;

/* Handles one invocation and fills reply. Writes the log and EMF lines. */
void handler_invoke(handler *h, const runtime_invocation *inv,
                    handler_reply *reply);
void handler_reply_free(handler_reply *reply);

/* Sets THUMB_OPT_TIMEOUT_MS so that a run ends before the S3 deadline
 * (deadline_ms - HANDLER_DEADLINE_MARGIN_MS); no limit without a
 * deadline. */
void handler_limit_run(thumb_ctx *ctx, int64_t deadline_ms);

/* Microseconds of a monotonic clock, and Unix time in milliseconds. */
int64_t handler_now_us(void);
int64_t handler_unix_ms(void);

#endif /* THUMB_LAMBDA_HANDLER_H */
