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

#include <stdint.h>

/* Time kept back from the invocation's deadline for posting the result:
 * S3 calls never run past deadline - this. */
#define HANDLER_DEADLINE_MARGIN_MS 500

/* Makes an S3 client configured as the handler's own, with a transport
 * of its own; NULL with err filled when it cannot. */
typedef s3_client *(*handler_new_s3_fn)(void *user, aws_error *err);

typedef struct handler {
    const lambda_config *cfg;
    /* One per THUMB_SIZES entry, in its order, reused across objects and
     * invocations; ctxs[0] also serves on-demand requests. */
    thumb_ctx *const *ctxs;
    s3_client *s3;
    const char *function_name; /* the EMF FunctionName dimension */
    /* The outputs of one object are uploaded at the same time: the
     * calling thread uploads one on s3, a thread each the others, each on
     * a client of its own (a client serves one thread at a time). Those
     * clients come from new_s3 at the first object that needs them and
     * are kept for the next ones, so their connections are reused;
     * handler_cleanup() frees them. Without new_s3 (NULL), or when a
     * client or a thread cannot be made, the calling thread uploads the
     * outputs left one after another. */
    handler_new_s3_fn new_s3;
    void *new_s3_user;
    s3_client *uploaders[CONFIG_MAX_SIZES - 1];
    /* The current invocation's S3 deadline, given to every client. */
    int64_t s3_deadline_ms;
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

/* Frees the clients the handler made (uploaders), not those it was
 * given. */
void handler_cleanup(handler *h);

/* Sets THUMB_OPT_TIMEOUT_MS so that a run ends before the S3 deadline
 * (deadline_ms - HANDLER_DEADLINE_MARGIN_MS); no limit without a
 * deadline. */
void handler_limit_run(thumb_ctx *ctx, int64_t deadline_ms);

/* Microseconds of a monotonic clock, and Unix time in milliseconds. */
int64_t handler_now_us(void);
int64_t handler_unix_ms(void);

#endif /* THUMB_LAMBDA_HANDLER_H */
