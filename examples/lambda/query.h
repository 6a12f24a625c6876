/*
 * query.h -- an on-demand thumbnail request, as a Function URL behind
 * CloudFront receives it:
 *
 *     GET /<key>?width=256&height=256&fit=cover&format=webp
 *     Accept: image/avif,image/webp,image/apng
 *
 * parsed into a struct. Pure: strings in, a struct or an error value out,
 * no I/O and no global state, so a fuzz harness can link it alone.
 *
 * Rules: the method is GET or HEAD; the key is the percent-decoded path
 * without its leading '/' ('+' stays a '+', as in any URL path), non-empty,
 * at most QUERY_MAX_KEY_BYTES, with no "." or ".." segment or empty
 * segment; parameters are form-encoded, each at most once, and only
 * width, height, fit and format are allowed: anything else would only make
 * CloudFront cache more copies of the same thumbnail. width and height are
 * decimal 1..THUMB_MAX_DIMENSION (one may be absent); fit is inside,
 * cover or fill; format is auto or a format the library writes, by any
 * of its names (names.h: jpeg, jpg, png, webp, gif, image/webp...).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_QUERY_H
#define THUMB_LAMBDA_QUERY_H

#include <thumbnail.h>

#include <stddef.h>

/* Longest key S3 accepts, in bytes of UTF-8. */
#define QUERY_MAX_KEY_BYTES 1024
#define QUERY_ERROR_SIZE 256

typedef enum query_status {
    QUERY_OK = 0,
    QUERY_ERR_METHOD,  /* not GET or HEAD: HTTP 405 */
    QUERY_ERR_INVALID, /* a bad path or parameter: HTTP 400 */
    QUERY_ERR_NOMEM
} query_status;

typedef struct query_request {
    char *key;           /* malloc'd, decoded */
    int head;            /* 1 for HEAD */
    int width, height;   /* 0: absent */
    thumb_fit fit;       /* THUMB_FIT_INSIDE when absent */
    thumb_format format; /* THUMB_FORMAT_AUTO when absent or "auto" */
} query_request;

/* Parses a request. raw_query is without '?' and may be "". On QUERY_OK
 * release req with query_request_free(); on failure req holds nothing to
 * free and error says why in one line. */
query_status query_parse(const char *method, const char *raw_path,
                         const char *raw_query, query_request *req, char *error,
                         size_t error_size);
void query_request_free(query_request *req);

/* 1 when an Accept header value lists the MIME type of `format`
 * (image/avif, image/webp) with a non-zero q, else 0. Wildcards (image/
 * followed by a star) do not count: browsers without WebP or AVIF, old
 * Safari among them, send those too. */
int query_accepts(const char *accept, thumb_format format);

#endif /* THUMB_LAMBDA_QUERY_H */
