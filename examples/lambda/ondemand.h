/*
 * ondemand.h -- the Function URL mode: GET /<key>?width=&height=&fit=&format=
 * answers with the thumbnail itself (base64 body), for CloudFront to cache.
 * Only sizes of THUMB_ONDEMAND_SIZES are served, so nobody can make the
 * function render (and the CDN store) unbounded variants.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_ONDEMAND_H
#define THUMB_LAMBDA_ONDEMAND_H

#include "event.h"
#include "handler.h"

/* Largest response a Function URL returns (its payload limit). */
#define ONDEMAND_MAX_RESPONSE_BYTES (6u * 1024 * 1024)
/* Errors are cached briefly by CloudFront: long enough to absorb a storm
 * of requests for a missing object, short enough that an upload shows. */
#define ONDEMAND_ERROR_CACHE_CONTROL "public, max-age=60"

/* The Function URL response document (malloc'd JSON); NULL when out of
 * memory. HTTP errors (400, 404, ...) are responses, not failures. */
char *ondemand_handle(handler *h, const char *request_id, int64_t deadline_ms,
                      const lambda_http_request *req);

#endif /* THUMB_LAMBDA_ONDEMAND_H */
