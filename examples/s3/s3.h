/*
 * s3.h -- a small S3 client: GetObject, PutObject, HeadObject and
 * ListObjectsV2, signed with AWS Signature Version 4 by libcurl.
 *
 *     // once, at program start, before any thread exists:
 *     curl_global_init(CURL_GLOBAL_DEFAULT);
 *
 *     s3_config cfg;
 *     s3_error err;
 *     if (s3_config_from_env(&cfg, S3_SERVICE_S3, &err) != S3_OK ||
 *         (client = s3_client_new(&cfg, &err)) == NULL)
 *         die("%s", err.message);
 *
 *     unsigned char *data;
 *     size_t len;
 *     if (s3_get_object(client, "src-bucket", "photos/a b+c.jpg",
 *                       64u << 20, &data, &len, NULL, &err) != S3_OK)
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

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors ------------------------------------------------------------ */

typedef enum s3_status {
    S3_OK = 0,
    S3_ERR_ARG,       /* invalid argument or incomplete configuration */
    S3_ERR_NOMEM,     /* an allocation failed */
    S3_ERR_NOT_FOUND, /* HTTP 404: NoSuchKey, NoSuchBucket, no such queue */
    S3_ERR_ACCESS,    /* HTTP 401/403: bad credentials, signature, policy */
    S3_ERR_TOO_LARGE, /* the object is larger than the caller's maximum */
    S3_ERR_HTTP,      /* any other HTTP error status, after retries */
    S3_ERR_TRANSPORT, /* connection error or timeout, after retries */
    S3_ERR_PROTOCOL   /* a response that cannot be understood */
} s3_status;

#define S3_ERROR_CODE_SIZE 64
#define S3_ERROR_MESSAGE_SIZE 256

/* What went wrong, filled by every call that takes one (it may be NULL if
 * the caller only wants the status). On S3_OK its contents are undefined. */
typedef struct s3_error {
    s3_status status;
    long http_status; /* last HTTP status received, 0 if none */
    int attempts;     /* requests sent, retries included */
    /* The service's error code ("NoSuchKey", "SlowDown",
     * "AWS.SimpleQueueService.NonExistentQueue"), "" if none. */
    char code[S3_ERROR_CODE_SIZE];
    /* One line naming the operation, the object and the cause. */
    char message[S3_ERROR_MESSAGE_SIZE];
} s3_error;

/* A static string naming the status, e.g. "not found". */
const char *s3_status_name(s3_status status);

/* ---- Configuration ----------------------------------------------------- */

/* Which service a configuration is for: it selects the signing name and
 * the per-service endpoint variable (AWS_ENDPOINT_URL_S3 / _SQS). */
typedef enum s3_service { S3_SERVICE_S3, S3_SERVICE_SQS } s3_service;

/* Defaults used where a field below is 0. */
#define S3_DEFAULT_MAX_ATTEMPTS 4
#define S3_DEFAULT_BASE_DELAY_MS 100
#define S3_DEFAULT_MAX_DELAY_MS 5000
#define S3_DEFAULT_CONNECT_TIMEOUT_MS 3000
#define S3_DEFAULT_REQUEST_TIMEOUT_MS 30000

/* The strings are borrowed: they must outlive s3_client_new(), which
 * copies them. NULL optional fields are simply not used. */
typedef struct s3_config {
    s3_service service;
    const char *access_key_id;     /* required */
    const char *secret_access_key; /* required */
    const char *session_token;     /* optional: sent as x-amz-security-token */
    const char *region;            /* required, e.g. "eu-west-1" */
    /* Optional "scheme://host[:port]" (no path): path-style addressing
     * against this endpoint instead of AWS. http:// is allowed here only,
     * for local test servers; https:// is always verified. */
    const char *endpoint;
    int max_attempts;        /* total tries per request, >= 1 */
    unsigned base_delay_ms;  /* first backoff ceiling */
    unsigned max_delay_ms;   /* backoff ceiling cap */
    long connect_timeout_ms; /* per attempt */
    long request_timeout_ms; /* per attempt, whole transfer */
    uint64_t jitter_seed;    /* 0: seeded from the clock and pid */
    /* Optional CA certificate file for verifying https endpoints; NULL
     * uses libcurl's built-in path. Lambda's Amazon Linux keeps its CAs
     * elsewhere than Debian, so function.zip ships a bundle and names it. */
    const char *ca_bundle;
} s3_config;

/* Fills cfg from the standard environment: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION else
 * AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL_SQS for
 * S3_SERVICE_SQS) else AWS_ENDPOINT_URL, and AWS_CA_BUNDLE. Numeric fields are
 * set to 0 (defaults). The strings point into the environment, so do not change
 * it while cfg is in use. Fails with S3_ERR_ARG naming the first missing
 * variable. */
s3_status s3_config_from_env(s3_config *cfg, s3_service service, s3_error *err);

/* ---- Client ------------------------------------------------------------ */

typedef struct s3_client s3_client;

/* A client over libcurl (see s3_transport.h to supply another transport).
 * Returns NULL and fills err if cfg is incomplete or memory runs out. */
s3_client *s3_client_new(const s3_config *cfg, s3_error *err);
void s3_client_free(s3_client *client);

/* No request or retry sleep of this client will run past deadline_ms
 * (Unix time in milliseconds, e.g. Lambda-Runtime-Deadline-Ms minus a
 * margin); a call that would have to fails with S3_ERR_TRANSPORT. 0 removes
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
 * Objects larger than max_size bytes fail with S3_ERR_TOO_LARGE: checked
 * against Content-Length before the body is read and again while it
 * arrives, so at most max_size bytes are ever buffered. info may be NULL.
 * On failure *data is NULL and *len 0. */
s3_status s3_get_object(s3_client *client, const char *bucket, const char *key,
                        size_t max_size, unsigned char **data, size_t *len,
                        s3_object_info *info, s3_error *err);

/* Headers sent with an upload. A NULL content_type sends
 * "binary/octet-stream" (S3's own default); a NULL cache_control sends
 * none. */
typedef struct s3_put_options {
    const char *content_type;  /* e.g. "image/webp" */
    const char *cache_control; /* e.g. "public, max-age=31536000, immutable" */
} s3_put_options;

/* Uploads len bytes to bucket/key in one PUT, replacing any object there.
 * opts may be NULL. */
s3_status s3_put_object(s3_client *client, const char *bucket, const char *key,
                        const void *body, size_t len,
                        const s3_put_options *opts, s3_error *err);

/* Fetches metadata only. A missing object is S3_ERR_NOT_FOUND (HEAD
 * responses have no body, so err->code is "NoSuchKey" by inference). */
s3_status s3_head_object(s3_client *client, const char *bucket, const char *key,
                         s3_object_info *info, s3_error *err);

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
s3_status s3_list_objects_page(s3_client *client, const char *bucket,
                               const char *prefix,
                               const char *continuation_token, int max_keys,
                               s3_list_page *page, s3_error *err);
void s3_list_page_free(s3_list_page *page);

/* Called once per key; return nonzero to stop the listing early (the list
 * call then returns S3_OK). The entry is valid during the call only. */
typedef int (*s3_list_fn)(void *user, const s3_list_entry *entry);

/* Lists every key under prefix, following continuation tokens, max_keys
 * per request (0: service default). */
s3_status s3_list_objects(s3_client *client, const char *bucket,
                          const char *prefix, int max_keys, s3_list_fn fn,
                          void *user, s3_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_S3_H */
