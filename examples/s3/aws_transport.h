/*
 * aws_transport.h -- the HTTP transport under the S3 and SQS clients, as a
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
#ifndef THUMB_AWS_TRANSPORT_H
#define THUMB_AWS_TRANSPORT_H

#include "s3.h"
#include "sqs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum aws_transport_result {
    AWS_TRANSPORT_OK = 0,  /* a complete HTTP response arrived (any status) */
    AWS_TRANSPORT_TIMEOUT, /* no complete response within the timeout */
    AWS_TRANSPORT_CONNECT, /* resolve/connect failed or connection dropped */
    AWS_TRANSPORT_ABORTED, /* a sink callback returned nonzero */
    AWS_TRANSPORT_FAILED   /* anything else (TLS verification, bad URL) */
} aws_transport_result;

typedef struct aws_header {
    const char *name;
    const char *value;
} aws_header;

/* Enough for every request the clients build. */
#define AWS_MAX_REQUEST_HEADERS 12

typedef struct aws_http_request {
    const char *method; /* "GET", "PUT", "HEAD", "POST" */
    const char *url;    /* absolute, path and query already encoded */
    aws_header headers[AWS_MAX_REQUEST_HEADERS];
    size_t header_count;
    const void *body; /* NULL for no body */
    size_t body_len;
    /* SigV4 scope in CURLOPT_AWS_SIGV4 syntax: "aws:amz:<region>:<service>". */
    const char *sigv4;
    const char *access_key_id;
    const char *secret_access_key;
    long connect_timeout_ms;
    long timeout_ms;
} aws_http_request;

/* Where the response goes. Callbacks return 0 to continue, nonzero to
 * abort the transfer (the transport then returns AWS_TRANSPORT_ABORTED).
 * header() gets one response header at a time, name and value trimmed,
 * not NUL-terminated; body() gets the body in pieces. Both get the status
 * of the response they belong to. */
typedef struct aws_http_sink {
    void *user;
    int (*header)(void *user, long status, const char *name, size_t name_len,
                  const char *value, size_t value_len);
    int (*body)(void *user, long status, const void *data, size_t len);
} aws_http_sink;

typedef struct aws_transport {
    void *self;
    /* Sends req; on AWS_TRANSPORT_OK sets *status. On failure writes a
     * one-line cause into errbuf. */
    aws_transport_result (*perform)(void *self, const aws_http_request *req,
                                    const aws_http_sink *sink, long *status,
                                    char *errbuf, size_t errbuf_size);
    void (*sleep_ms)(void *self, unsigned ms);
    int64_t (*now_ms)(void *self); /* Unix time in milliseconds */
    void (*destroy)(void *self);   /* may be NULL */
} aws_transport;

/* The system's clock (CLOCK_REALTIME) and sleep (nanosleep, resumed after
 * a signal), for the sleep_ms and now_ms of a real transport; self is
 * ignored. */
void aws_system_sleep_ms(void *self, unsigned ms);
int64_t aws_system_now_ms(void *self);

/* The libcurl transport. Needs curl_global_init() done by the program.
 * ca_bundle: a CA certificate file, or NULL for libcurl's default; it is
 * copied. */
aws_status aws_transport_curl_new(aws_transport *out, const char *ca_bundle,
                                  aws_error *err);

/* Clients over any transport; they take ownership of it (destroy() is
 * called by the matching *_free(), or here on failure). */
s3_client *s3_client_new_with_transport(const aws_config *cfg,
                                        aws_transport transport,
                                        aws_error *err);
sqs_client *sqs_client_new_with_transport(const aws_config *cfg,
                                          aws_transport transport,
                                          aws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_AWS_TRANSPORT_H */
