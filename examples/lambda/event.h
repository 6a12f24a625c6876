/*
 * event.h -- the Lambda invocation payloads the runtime accepts, parsed
 * into plain structs. Pure: bytes in, a struct or an error value out; no
 * I/O, no global state, so a fuzz harness can link it alone (with cJSON).
 *
 *     lambda_event ev;
 *     char why[LAMBDA_EVENT_ERROR_SIZE];
 *     if (lambda_event_parse(body, len, &ev, why, sizeof why) !=
 * LAMBDA_EVENT_OK) reply_error(why);
 *     ...
 *     lambda_event_free(&ev);
 *
 * Three shapes are recognised:
 *  - an S3 event notification ({"Records":[{"eventSource":"aws:s3",...}]}),
 *    as S3 invokes a function directly;
 *  - an SQS batch ({"Records":[{"eventSource":"aws:sqs",...}]}) whose
 *    message bodies are S3 notifications (or s3:TestEvent);
 *  - a Lambda Function URL request (payload format 2.0), for on-demand
 *    thumbnails behind CloudFront.
 *
 * A message of an SQS batch that cannot be understood does not fail the
 * batch: it is marked LAMBDA_MESSAGE_INVALID with the reason, so the
 * handler can report exactly that message in batchItemFailures.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_EVENT_H
#define THUMB_LAMBDA_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* Room for one line saying why a payload or a message was refused. */
#define LAMBDA_EVENT_ERROR_SIZE 256

typedef enum lambda_event_status {
    LAMBDA_EVENT_OK = 0,
    LAMBDA_EVENT_ERR_JSON,  /* not JSON */
    LAMBDA_EVENT_ERR_SHAPE, /* JSON, but none of the shapes above */
    LAMBDA_EVENT_ERR_NOMEM
} lambda_event_status;

typedef enum lambda_event_kind {
    LAMBDA_EVENT_S3,
    LAMBDA_EVENT_SQS,
    LAMBDA_EVENT_HTTP
} lambda_event_kind;

/* One object of an S3 notification. */
typedef struct lambda_s3_record {
    char *event_name; /* "ObjectCreated:Put", ... (without "s3:") */
    char *bucket;
    char *key;     /* decoded: '+' is a space, %XX a byte */
    uint64_t size; /* 0 when absent (ObjectRemoved has none) */
    char *etag;    /* "" when absent */
} lambda_s3_record;

typedef enum lambda_message_status {
    LAMBDA_MESSAGE_S3,         /* records holds the notification's objects */
    LAMBDA_MESSAGE_TEST_EVENT, /* s3:TestEvent, sent when a notification is
                                  configured: nothing to do */
    LAMBDA_MESSAGE_INVALID     /* error says why */
} lambda_message_status;

/* One message of an SQS batch. */
typedef struct lambda_sqs_message {
    char *message_id;
    lambda_message_status status;
    int receive_count; /* ApproximateReceiveCount, 0 when absent */
    lambda_s3_record *records;
    size_t record_count;
    char error[LAMBDA_EVENT_ERROR_SIZE];
} lambda_sqs_message;

/* A Function URL request (payload format 2.0). Strings are "" when the
 * field is absent. */
typedef struct lambda_http_request {
    char *method;    /* "GET" */
    char *raw_path;  /* "/photos/a%20b.jpg", still percent-encoded */
    char *raw_query; /* "width=256&height=256", without '?' */
    char *accept;    /* the Accept header */
} lambda_http_request;

typedef struct lambda_event {
    lambda_event_kind kind;
    lambda_s3_record *records; /* LAMBDA_EVENT_S3 */
    size_t record_count;
    lambda_sqs_message *messages; /* LAMBDA_EVENT_SQS */
    size_t message_count;
    lambda_http_request http; /* LAMBDA_EVENT_HTTP */
} lambda_event;

/* Parses json[0..len) (need not be NUL-terminated). On LAMBDA_EVENT_OK
 * *ev owns its strings: release it with lambda_event_free(). On failure
 * *ev is empty (freeing it is harmless) and error holds one line. */
lambda_event_status lambda_event_parse(const char *json, size_t len,
                                       lambda_event *ev, char *error,
                                       size_t error_size);
void lambda_event_free(lambda_event *ev);

#endif /* THUMB_LAMBDA_EVENT_H */
