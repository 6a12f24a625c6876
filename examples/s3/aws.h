/*
 * aws.h -- what every client of this adapter shares, whichever service it
 * calls (S3: s3.h, SQS: sqs.h): the status and error every call returns,
 * and the configuration (credentials, region, endpoint, retry policy)
 * read from the standard environment.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_AWS_H
#define THUMB_AWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors ------------------------------------------------------------ */

typedef enum aws_status {
    AWS_OK = 0,
    AWS_ERR_ARG,       /* invalid argument or incomplete configuration */
    AWS_ERR_NOMEM,     /* an allocation failed */
    AWS_ERR_NOT_FOUND, /* HTTP 404: NoSuchKey, NoSuchBucket, no such queue */
    AWS_ERR_ACCESS,    /* HTTP 401/403: bad credentials, signature, policy */
    AWS_ERR_TOO_LARGE, /* the object is larger than the caller's maximum */
    AWS_ERR_HTTP,      /* any other HTTP error status, after retries */
    AWS_ERR_TRANSPORT, /* connection error or timeout, after retries */
    AWS_ERR_PROTOCOL   /* a response that cannot be understood */
} aws_status;

#define AWS_ERROR_CODE_SIZE 64
#define AWS_ERROR_MESSAGE_SIZE 256

/* What went wrong, filled by every call that takes one (it may be NULL if
 * the caller only wants the status). On AWS_OK its contents are undefined. */
typedef struct aws_error {
    aws_status status;
    long http_status; /* last HTTP status received, 0 if none */
    int attempts;     /* requests sent, retries included */
    /* The service's error code ("NoSuchKey", "SlowDown",
     * "AWS.SimpleQueueService.NonExistentQueue"), "" if none. */
    char code[AWS_ERROR_CODE_SIZE];
    /* One line naming the operation, the object and the cause. */
    char message[AWS_ERROR_MESSAGE_SIZE];
} aws_error;

/* A static string naming the status, e.g. "not found". */
const char *aws_status_name(aws_status status);

/* ---- Configuration ----------------------------------------------------- */

/* Which service a configuration is for: it selects the signing name and
 * the per-service endpoint variable (AWS_ENDPOINT_URL_S3 / _SQS). */
typedef enum aws_service { AWS_SERVICE_S3, AWS_SERVICE_SQS } aws_service;

/* Defaults used where a field below is 0. */
#define AWS_DEFAULT_MAX_ATTEMPTS 4
#define AWS_DEFAULT_BASE_DELAY_MS 100
#define AWS_DEFAULT_MAX_DELAY_MS 5000
#define AWS_DEFAULT_CONNECT_TIMEOUT_MS 3000
#define AWS_DEFAULT_REQUEST_TIMEOUT_MS 30000

/* The strings are borrowed: they must outlive s3_client_new(), which
 * copies them. NULL optional fields are simply not used. */
typedef struct aws_config {
    aws_service service;
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
} aws_config;

/* Fills cfg from the standard environment: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION else
 * AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL_SQS for
 * AWS_SERVICE_SQS) else AWS_ENDPOINT_URL, and AWS_CA_BUNDLE. Numeric fields are
 * set to 0 (defaults). The strings point into the environment, so do not change
 * it while cfg is in use. Fails with AWS_ERR_ARG naming the first missing
 * variable. */
aws_status aws_config_from_env(aws_config *cfg, aws_service service,
                               aws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_AWS_H */
