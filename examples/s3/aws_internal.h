/*
 * aws_internal.h -- what the S3 and SQS clients share: the client core
 * (configuration, transport, retry loop), SHA-256,
 * retry policy, dates and the XML reader (expat). Not installed.
 */
#ifndef THUMB_AWS_INTERNAL_H
#define THUMB_AWS_INTERNAL_H

#include "aws_transport.h"
#include "aws_uri.h"

#include <stdarg.h>
#include <stdbool.h>

/* ---- Core -------------------------------------------------------------- */

typedef struct aws_core {
    aws_service service;
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL if none */
    char *region;
    char *endpoint; /* without trailing '/', NULL for AWS */
    char *sigv4;    /* "aws:amz:<region>:<service>" */
    int max_attempts;
    unsigned base_delay_ms;
    unsigned max_delay_ms;
    long connect_timeout_ms;
    long request_timeout_ms;
    uint64_t rng;
    int64_t deadline_ms;
    aws_transport transport;
} aws_core;

aws_status aws_core_init(aws_core *core, const aws_config *cfg,
                         aws_transport transport, aws_error *err);
void aws_core_cleanup(aws_core *core);

/* A client of `size` bytes whose first member is its aws_core, set up from
 * cfg over transport, which it owns (destroyed here on failure). NULL,
 * with err set, on failure. */
void *aws_client_new(size_t size, const aws_config *cfg,
                     aws_transport transport, aws_error *err);
/* Frees such a client; NULL is fine. */
void aws_client_free(aws_core *core);

/* Decides a failed response's error code from its body and headers. */
typedef void (*aws_error_parser)(const char *body, size_t len,
                                 const char *query_error, char *code,
                                 size_t code_size, char *message,
                                 size_t message_size);

/* One logical request. The caller fills method, url, headers (its own:
 * the core adds x-amz-content-sha256 and x-amz-security-token), body,
 * and a sink for successful (2xx) responses. */
typedef struct aws_call {
    const char *op;     /* "GetObject", for messages */
    const char *target; /* "bucket/key", for messages */
    aws_http_request req;
    aws_http_sink sink;
    /* Called before every attempt so partial data of a failed one is
     * dropped. May be NULL. */
    void (*reset)(void *user);
    aws_error_parser parse_error;
    /* Set by a sink callback that aborts on purpose (e.g. too large):
     * the call then ends with this status and message, without retry. */
    aws_status abort_status;
    char abort_message[AWS_ERROR_MESSAGE_SIZE];
} aws_call;

/* Sends call per the retry policy. On AWS_OK, *status_out (if not NULL)
 * is the final HTTP status. */
aws_status aws_core_send(aws_core *core, aws_call *call, long *status_out,
                         aws_error *err);

/* A growable, NUL-terminated response body of at most max bytes, as a
 * sink (aws_body_data) with its reset; exceeding max aborts the call
 * with AWS_ERR_PROTOCOL. */
typedef struct aws_body {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    aws_call *call;
} aws_body;

void aws_body_reset(void *user);
int aws_body_data(void *user, long status, const void *data, size_t len);

/* Formats err (if not NULL) and returns status. */
aws_status aws_fail(aws_error *err, aws_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- Hashing ----------------------------------------------------------- */

#define AWS_SHA256_HEX_SIZE 65

/* Lower-case hex SHA-256 of data, NUL-terminated; false on failure. */
bool aws_sha256_hex(const void *data, size_t len,
                    char out[AWS_SHA256_HEX_SIZE]);

/* ---- Retry policy ------------------------------------------------------ */

/* Whether an attempt that ended so should be tried again. code is the
 * service error code ("" if none). */
bool aws_retry_is_retryable(aws_transport_result result, long http_status,
                            const char *code);

/* The backoff ceiling before attempt number `attempt` (2 for the first
 * retry): min(max_delay, base_delay * 2^(attempt-2)). */
unsigned aws_backoff_ceiling(int attempt, unsigned base_delay_ms,
                             unsigned max_delay_ms);

/* Full jitter: a uniform draw from [0, ceiling], advancing *rng. */
unsigned aws_backoff_delay(uint64_t *rng, int attempt, unsigned base_delay_ms,
                           unsigned max_delay_ms);

/* ---- Dates ------------------------------------------------------------- */

/* "Wed, 21 Oct 2015 07:28:00 GMT" (HTTP) or "2015-10-21T07:28:00.000Z"
 * (ISO 8601, as in listings) to Unix seconds; -1 if unparseable. */
int64_t aws_parse_date(const char *s, size_t len);

/* ---- XML --------------------------------------------------------------- */

/* Deepest element and longest path read: AWS's documents nest three or
 * four levels (ListBucketResult/Contents/Owner/ID). */
#define AWS_XML_MAX_DEPTH 16
#define AWS_XML_PATH_SIZE 256

/* What aws_xml_parse() tells its caller. A path names an element by its
 * ancestors below the root and itself, joined by '/': "Contents/Key" in
 * a ListBucketResult, "Error/Code" in an SQS ErrorResponse. */
typedef struct aws_xml_handler {
    void *user;
    /* At every element below the root; may be NULL. */
    void (*start)(void *user, const char *path);
    /* At the end of every element below the root that has no child
     * elements, with its text, entities decoded, NUL-terminated. */
    void (*text)(void *user, const char *path, const char *text, size_t len);
} aws_xml_handler;

/* Parses xml[0..len) with expat, calling h as it goes. False if the
 * document is not well-formed, has a DTD, nests deeper than
 * AWS_XML_MAX_DEPTH, or memory runs out; what was reported before the
 * fault stays reported. */
bool aws_xml_parse(const char *xml, size_t len, const aws_xml_handler *h);

/* The text of the first element called name, at any depth, into out
 * (truncated, always terminated). False if there is none. The document
 * may be cut short: what comes before the cut is read. */
bool aws_xml_find(const char *xml, size_t len, const char *name, char *out,
                  size_t out_size);

#endif /* THUMB_AWS_INTERNAL_H */
