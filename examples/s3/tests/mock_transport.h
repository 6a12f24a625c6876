/*
 * mock_transport.h -- a scripted aws_transport for unit tests: it records
 * every request and the backoff sleeps, and answers from a list of canned
 * responses, delivering bodies in small pieces so streaming checks run.
 */
#ifndef THUMB_S3_MOCK_TRANSPORT_H
#define THUMB_S3_MOCK_TRANSPORT_H

#include "aws_transport.h"

#include <stdbool.h>

#define MOCK_MAX_RESPONSES 16
#define MOCK_MAX_HEADERS 8
#define MOCK_MAX_SLEEPS 16
#define MOCK_TEXT_SIZE 2048

typedef struct mock_response {
    aws_transport_result result;
    long status;
    const char *headers[MOCK_MAX_HEADERS]; /* "Name: value", NULL-ended */
    const char *body;                      /* NULL for none */
    size_t body_len;                       /* 0: strlen(body) */
} mock_response;

typedef struct mock_request {
    char method[16];
    char url[MOCK_TEXT_SIZE];
    char headers[AWS_MAX_REQUEST_HEADERS][MOCK_TEXT_SIZE]; /* "Name: value" */
    size_t header_count;
    char body[MOCK_TEXT_SIZE];
    size_t body_len;
    char sigv4[128];
    char access_key_id[128];
    char secret_access_key[128];
    long timeout_ms;
} mock_request;

typedef struct mock_transport {
    mock_response responses[MOCK_MAX_RESPONSES];
    size_t response_count;
    size_t calls;
    mock_request last; /* the most recent request */
    mock_request first;
    unsigned sleeps[MOCK_MAX_SLEEPS];
    size_t sleep_count;
    int64_t now_ms;        /* advanced by sleeps */
    size_t chunk;          /* body piece size, 0: 7 bytes */
    bool aborted;          /* a sink callback stopped the last transfer */
    size_t body_delivered; /* body bytes the sink took in the last one */
} mock_transport;

/* A transport over m (which the test owns: destroy is NULL). */
aws_transport mock_transport_make(mock_transport *m);

/* Appends a response to the script. */
void mock_push(mock_transport *m, mock_response r);

/* The value of header name in the recorded request, or NULL. */
const char *mock_header(const mock_request *r, const char *name);

/* A configuration with fixed credentials and endpoint for the tests. */
aws_config mock_config(aws_service service);

#endif /* THUMB_S3_MOCK_TRANSPORT_H */
