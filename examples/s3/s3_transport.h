/*
 * s3_transport.h -- the HTTP transport under the S3 and SQS clients, as a
 * small vtable so that tests can replace the network (and the clock).
 *
 * The client builds a complete request (URL with the key already
 * percent-encoded, every header including x-amz-content-sha256 and
 * x-amz-security-token) and names the SigV4 scope; the transport signs and
 * sends it. The libcurl transport signs with CURLOPT_AWS_SIGV4; a mock
 * transport records the request and plays back a scripted response.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_S3_TRANSPORT_H
#define THUMB_S3_TRANSPORT_H

#include "s3.h"
#include "sqs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum s3_transport_result {
    S3_TRANSPORT_OK = 0,  /* a complete HTTP response arrived (any status) */
    S3_TRANSPORT_TIMEOUT, /* no complete response within the timeout */
    S3_TRANSPORT_CONNECT, /* resolve/connect failed or connection dropped */
    S3_TRANSPORT_ABORTED, /* a sink callback returned nonzero */
    S3_TRANSPORT_FAILED   /* anything else (TLS verification, bad URL) */
} s3_transport_result;

typedef struct s3_header {
    const char *name;
    const char *value;
} s3_header;

/* Enough for every request the clients build. */
#define S3_MAX_REQUEST_HEADERS 12

typedef struct s3_http_request {
    const char *method; /* "GET", "PUT", "HEAD", "POST" */
    const char *url;    /* absolute, path and query already encoded */
    s3_header headers[S3_MAX_REQUEST_HEADERS];
    size_t header_count;
    const void *body; /* NULL for no body */
    size_t body_len;
    /* SigV4 scope in CURLOPT_AWS_SIGV4 syntax: "aws:amz:<region>:<service>". */
    const char *sigv4;
    const char *access_key_id;
    const char *secret_access_key;
    long connect_timeout_ms;
    long timeout_ms;
} s3_http_request;

/* Where the response goes. Callbacks return 0 to continue, nonzero to
 * abort the transfer (the transport then returns S3_TRANSPORT_ABORTED).
 * header() gets one response header at a time, name and value trimmed,
 * not NUL-terminated; body() gets the body in pieces. Both get the status
 * of the response they belong to. */
typedef struct s3_http_sink {
    void *user;
    int (*header)(void *user, long status, const char *name, size_t name_len,
                  const char *value, size_t value_len);
    int (*body)(void *user, long status, const void *data, size_t len);
} s3_http_sink;

typedef struct s3_transport {
    void *self;
    /* Sends req; on S3_TRANSPORT_OK sets *status. On failure writes a
     * one-line cause into errbuf. */
    s3_transport_result (*perform)(void *self, const s3_http_request *req,
                                   const s3_http_sink *sink, long *status,
                                   char *errbuf, size_t errbuf_size);
    void (*sleep_ms)(void *self, unsigned ms);
    int64_t (*now_ms)(void *self); /* Unix time in milliseconds */
    void (*destroy)(void *self);   /* may be NULL */
} s3_transport;

/* The system's clock (CLOCK_REALTIME) and sleep (nanosleep, resumed after
 * a signal), for the sleep_ms and now_ms of a real transport; self is
 * ignored. */
void s3_system_sleep_ms(void *self, unsigned ms);
int64_t s3_system_now_ms(void *self);

/* The libcurl transport. Needs curl_global_init() done by the program.
 * ca_bundle: a CA certificate file, or NULL for libcurl's default; it is
 * copied. */
s3_status s3_transport_curl_new(s3_transport *out, const char *ca_bundle,
                                s3_error *err);

/* Clients over any transport; they take ownership of it (destroy() is
 * called by the matching *_free(), or here on failure). */
s3_client *s3_client_new_with_transport(const s3_config *cfg,
                                        s3_transport transport, s3_error *err);
sqs_client *sqs_client_new_with_transport(const s3_config *cfg,
                                          s3_transport transport,
                                          s3_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_S3_TRANSPORT_H */
