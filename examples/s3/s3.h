/*
 * s3.h -- a small S3 client: GetObject, PutObject, HeadObject and
 * ListObjectsV2, signed with AWS Signature Version 4 by libcurl.
 *
 *     // once, at program start, before any thread exists:
 *     curl_global_init(CURL_GLOBAL_DEFAULT);
 *
 *     aws_config cfg;
 *     aws_error err;
 *     if (aws_config_from_env(&cfg, AWS_SERVICE_S3, &err) != AWS_OK ||
 *         (client = s3_client_new(&cfg, &err)) == NULL)
 *         die("%s", err.message);
 *
 *     unsigned char *data;
 *     size_t len;
 *     if (s3_get_object(client, "src-bucket", "photos/a b+c.jpg",
 *                       64u << 20, &data, &len, NULL, &err) != AWS_OK)
 *         fprintf(stderr, "%s (HTTP %ld, %s)\n", err.message,
 *                 err.http_status, err.code);
 *     ...
 *     free(data);
 *     s3_client_free(client);
 *     curl_global_cleanup();
 *
 * curl_global_init() is not thread-safe and initialises process-wide
 * state (OpenSSL), so this library never calls it: the program does, once,
 * at start. Everything here is otherwise free of global state.
 *
 * Keys are plain UTF-8 strings exactly as stored in S3 ("a b+c.jpg", not
 * "a+b%2Bc.jpg"): the client percent-encodes them (RFC 3986 unreserved
 * characters and '/' are kept). S3 event notifications carry keys
 * form-encoded; decode them before calling in here.
 *
 * Addressing: with an endpoint override (AWS_ENDPOINT_URL_S3, else
 * AWS_ENDPOINT_URL) requests are path-style, <endpoint>/<bucket>/<key>.
 * Without one they go to https://<bucket>.s3.<region>.amazonaws.com/<key>
 * (virtual-hosted), or path-style if the bucket name contains a dot,
 * which would not match the wildcard TLS certificate.
 *
 * Retries: connection errors, timeouts, HTTP 5xx, 429 and the S3 error
 * codes SlowDown / RequestTimeout / InternalError are retried with
 * exponential backoff and full jitter: before attempt n (n >= 2) the client
 * sleeps a uniformly random time in [0, min(max_delay, base_delay *
 * 2^(n-2))]. Other 4xx are final at once. TLS peer and host verification
 * are always on; there is no option to turn them off.
 *
 * Threads: a client is used by one thread at a time (it keeps one curl
 * handle so that connections are reused between calls). Clients share no
 * state, so any number of threads may each use their own.
 *
 * Memory: buffers and strings returned to the caller are allocated with
 * malloc() and released with free() or the matching *_free() function.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_S3_H
#define THUMB_S3_H

#include "aws.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Client ------------------------------------------------------------ */

typedef struct s3_client s3_client;

/* A client over libcurl (see aws_transport.h to supply another transport).
 * Returns NULL and fills err if cfg is incomplete or memory runs out. */
s3_client *s3_client_new(const aws_config *cfg, aws_error *err);
void s3_client_free(s3_client *client);

/* No request or retry sleep of this client will run past deadline_ms
 * (Unix time in milliseconds, e.g. Lambda-Runtime-Deadline-Ms minus a
 * margin); a call that would have to fails with AWS_ERR_TRANSPORT. 0 removes
 * the deadline. */
void s3_client_set_deadline(s3_client *client, int64_t deadline_ms);

/* ---- Objects ----------------------------------------------------------- */

#define S3_CONTENT_TYPE_SIZE 128
#define S3_CACHE_CONTROL_SIZE 128
#define S3_ETAG_SIZE 80

/* Object metadata from GetObject / HeadObject response headers. Strings
 * are "" when the header was absent (or longer than the field). */
typedef struct s3_object_info {
    uint64_t size;         /* Content-Length */
    int64_t last_modified; /* Unix seconds, 0 if unknown */
    char content_type[S3_CONTENT_TYPE_SIZE];
    char cache_control[S3_CACHE_CONTROL_SIZE];
    char etag[S3_ETAG_SIZE]; /* with its quotes, as S3 sends it */
} s3_object_info;

/* Downloads bucket/key into a new malloc'd buffer (*data, *len; free() it).
 * Objects larger than max_size bytes fail with AWS_ERR_TOO_LARGE: checked
 * against Content-Length before the body is read and again while it
 * arrives, so at most max_size bytes are ever buffered. info may be NULL.
 * On failure *data is NULL and *len 0. */
aws_status s3_get_object(s3_client *client, const char *bucket, const char *key,
                         size_t max_size, unsigned char **data, size_t *len,
                         s3_object_info *info, aws_error *err);

/* Headers sent with an upload. A NULL content_type sends
 * "binary/octet-stream" (S3's own default); a NULL cache_control sends
 * none. */
typedef struct s3_put_options {
    const char *content_type;  /* e.g. "image/webp" */
    const char *cache_control; /* e.g. "public, max-age=31536000, immutable" */
} s3_put_options;

/* Uploads len bytes to bucket/key in one PUT, replacing any object there.
 * opts may be NULL. */
aws_status s3_put_object(s3_client *client, const char *bucket, const char *key,
                         const void *body, size_t len,
                         const s3_put_options *opts, aws_error *err);

/* Fetches metadata only. A missing object is AWS_ERR_NOT_FOUND (HEAD
 * responses have no body, so err->code is "NoSuchKey" by inference). */
aws_status s3_head_object(s3_client *client, const char *bucket,
                          const char *key, s3_object_info *info,
                          aws_error *err);

/* Deletes bucket/key. Deleting a key that does not exist succeeds, as S3
 * answers 204 either way. */
aws_status s3_delete_object(s3_client *client, const char *bucket,
                            const char *key, aws_error *err);

/* ---- Listing ----------------------------------------------------------- */

typedef struct s3_list_entry {
    char *key; /* decoded UTF-8 */
    uint64_t size;
    int64_t last_modified; /* Unix seconds */
    char etag[S3_ETAG_SIZE];
} s3_list_entry;

typedef struct s3_list_page {
    s3_list_entry *entries;
    size_t count;
    /* Token for the next page, NULL when this was the last one. */
    char *next_continuation_token;
} s3_list_page;

/* One ListObjectsV2 page of keys under prefix (NULL or "" for all), in
 * S3's order (UTF-8 binary). continuation_token is NULL for the first page,
 * then the previous page's next_continuation_token. max_keys 0 means the
 * service default (1000). Fills *page; release it with s3_list_page_free()
 * whatever the status. */
aws_status s3_list_objects_page(s3_client *client, const char *bucket,
                                const char *prefix,
                                const char *continuation_token, int max_keys,
                                s3_list_page *page, aws_error *err);
void s3_list_page_free(s3_list_page *page);

/* Called once per key; return nonzero to stop the listing early (the list
 * call then returns AWS_OK). The entry is valid during the call only. */
typedef int (*s3_list_fn)(void *user, const s3_list_entry *entry);

/* Lists every key under prefix, following continuation tokens, max_keys
 * per request (0: service default). */
aws_status s3_list_objects(s3_client *client, const char *bucket,
                           const char *prefix, int max_keys, s3_list_fn fn,
                           void *user, aws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_S3_H */
