/*
 * aws_mock.h -- the transport and the clock under the S3 and SQS clients,
 * as cmocka mocks.
 *
 * Every request checks the expectations the test queued for its method
 * and URL (expect_string(mock_perform, url, "..."), or expect_any) and is
 * answered with the next response the test queued with
 * will_return(mock_perform, &response); a request nobody scripted, or a
 * scripted one never sent, fails the test. Each backoff sleep checks the
 * expectations queued for mock_sleep_ms's ms (expect_in_range), and each
 * clock reading returns the next value queued with
 * will_return(mock_now_ms, ms). The last request is kept whole (headers,
 * body, signing inputs) in a mock_request the test owns, to look into.
 */
#ifndef THUMB_AWS_MOCK_H
#define THUMB_AWS_MOCK_H

#include "aws_transport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#define MOCK_MAX_HEADERS 8
#define MOCK_TEXT_SIZE 2048
#define MOCK_NAME_SIZE 128

/* One scripted answer. perform() fills the last two fields. */
typedef struct mock_response {
    aws_transport_result result;
    long status;
    const char *headers[MOCK_MAX_HEADERS]; /* "Name: value", NULL-ended */
    const char *body;                      /* NULL for none */
    size_t body_len;                       /* 0: strlen(body) */
    size_t chunk; /* the body arrives in pieces of this size; 0: 7 bytes,
                     so that streaming checks run */
    bool aborted; /* a sink callback stopped the transfer */
    size_t taken; /* body bytes the sink took */
} mock_response;

typedef struct mock_request {
    char method[16];
    char url[MOCK_TEXT_SIZE];
    char headers[AWS_MAX_REQUEST_HEADERS][MOCK_TEXT_SIZE]; /* "Name: value" */
    size_t header_count;
    char body[MOCK_TEXT_SIZE];
    size_t body_len;
    char sigv4[MOCK_NAME_SIZE];
    char access_key_id[MOCK_NAME_SIZE];
    char secret_access_key[MOCK_NAME_SIZE];
    long timeout_ms;
} mock_request;

/* The mocked transport; each request is copied into *last (which the test
 * owns; destroy is NULL). */
aws_transport mock_transport(mock_request *last);

/* The mocks themselves, named in expect_* and will_return. */
aws_transport_result mock_perform(void *self, const aws_http_request *req,
                                  const aws_http_sink *sink, long *status,
                                  char *errbuf, size_t errbuf_size);
void mock_sleep_ms(void *self, unsigned ms);
int64_t mock_now_ms(void *self);

/* One request of method to url, answered with *response. */
#define mock_expect_request(method_, url_, response)                           \
    do {                                                                       \
        expect_string(mock_perform, method, method_);                          \
        expect_string(mock_perform, url, url_);                                \
        will_return(mock_perform, response);                                   \
    } while (0)

/* One request, whatever it asks, answered with *response. */
#define mock_any_request(response)                                             \
    do {                                                                       \
        expect_any(mock_perform, method);                                      \
        expect_any(mock_perform, url);                                         \
        will_return(mock_perform, response);                                   \
    } while (0)

/* The value of header name in the recorded request, or NULL. */
const char *mock_header(const mock_request *r, const char *name);

/* A configuration with fixed credentials, endpoint and jitter seed (so
 * that no clock is read to seed it). */
aws_config mock_config(aws_service service);

#endif /* THUMB_AWS_MOCK_H */
