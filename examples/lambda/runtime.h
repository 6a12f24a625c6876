/*
 * runtime.h -- a client of the Lambda Runtime API
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) over
 * plain HTTP (runtime_http.h): fetch the next invocation, post its
 * response or error, or report an initialisation error.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_RUNTIME_H
#define THUMB_LAMBDA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

/* Synchronous invocations carry at most 6 MB; a little more for the
 * headers' sake would never be needed, the body is all we buffer. */
#define RUNTIME_MAX_EVENT_BYTES ((size_t)6 * 1024 * 1024)
#define RUNTIME_REQUEST_ID_SIZE 128
#define RUNTIME_TRACE_ID_SIZE 512
#define RUNTIME_ERROR_SIZE 256

typedef struct runtime runtime;

typedef struct runtime_invocation {
    char request_id[RUNTIME_REQUEST_ID_SIZE];
    char trace_id[RUNTIME_TRACE_ID_SIZE]; /* "" when absent */
    int64_t deadline_ms;                  /* Unix milliseconds; 0 when absent */
    char *body; /* NUL-terminated; owned by the runtime */
    size_t body_len;
} runtime_invocation;

/* api is AWS_LAMBDA_RUNTIME_API ("host:port"). NULL on failure, with
 * error filled. */
runtime *runtime_new(const char *api, char *error, size_t error_size);
void runtime_free(runtime *rt);

/* Blocks until the next invocation. inv->body stays valid until the next
 * call. Returns 0, or -1 with error filled (the loop should exit: Lambda
 * restarts the process). */
int runtime_next(runtime *rt, runtime_invocation *inv, char *error,
                 size_t error_size);

/* Posts the invocation's result (a JSON document). */
int runtime_respond(runtime *rt, const char *request_id, const char *body,
                    size_t len, char *error, size_t error_size);

/* Posts an invocation error: {"errorType": type, "errorMessage": message}. */
int runtime_fail(runtime *rt, const char *request_id, const char *type,
                 const char *message, char *error, size_t error_size);

/* Reports that the function could not start (bad configuration). */
int runtime_init_error(runtime *rt, const char *type, const char *message,
                       char *error, size_t error_size);

#endif /* THUMB_LAMBDA_RUNTIME_H */
