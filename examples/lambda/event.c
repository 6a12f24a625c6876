/* Lambda event payloads -> lambda_event, through cJSON. */
#include "event.h"

#include "aws_uri.h"
#include "set_error.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first double beyond uint64_t's range. */
#define UINT64_LIMIT_AS_DOUBLE 18446744073709551616.0

/* Prefix S3 puts before event names in notifications ("s3:ObjectCreated:
 * Put" in SQS bodies from some producers); stored without it. */
static const char s3_event_prefix[] = "s3:";

static char *dup_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* The string member name of obj, or NULL when absent or not a string. */
static const char *get_string(const cJSON *obj, const char *name) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const cJSON *get_object(const cJSON *obj, const char *name) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsObject(item) ? item : NULL;
}

static void record_free(lambda_s3_record *r) {
    free(r->event_name);
    free(r->bucket);
    free(r->key);
    free(r->etag);
}

static void records_free(lambda_s3_record *records, size_t count) {
    for (size_t i = 0; i < count; i++)
        record_free(&records[i]);
    free(records);
}

/* One element of an S3 notification's Records. */
static lambda_event_status parse_s3_record(const cJSON *rec,
                                           lambda_s3_record *out, char *error,
                                           size_t error_size) {
    memset(out, 0, sizeof *out);
    const char *name = get_string(rec, "eventName");
    const cJSON *s3 = get_object(rec, "s3");
    const cJSON *bucket = s3 ? get_object(s3, "bucket") : NULL;
    const cJSON *object = s3 ? get_object(s3, "object") : NULL;
    const char *bucket_name = bucket ? get_string(bucket, "name") : NULL;
    const char *key = object ? get_string(object, "key") : NULL;
    if (!name || !bucket_name || !key) {
        set_error(error, error_size,
                  "S3 record without eventName, s3.bucket.name or "
                  "s3.object.key");
        return LAMBDA_EVENT_ERR_SHAPE;
    }
    if (strncmp(name, s3_event_prefix, sizeof s3_event_prefix - 1) == 0)
        name += sizeof s3_event_prefix - 1;
    const char *etag = get_string(object, "eTag");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(object, "size");
    /* 2^64: converting a double at or above it (or NaN) to uint64_t is
     * undefined behaviour, so such sizes are refused here. */
    if (size && (!cJSON_IsNumber(size) ||
                 !(size->valuedouble >= 0 &&
                   size->valuedouble < UINT64_LIMIT_AS_DOUBLE))) {
        set_error(error, error_size, "S3 record with a bad object size");
        return LAMBDA_EVENT_ERR_SHAPE;
    }
    out->size = size ? (uint64_t)size->valuedouble : 0;
    out->event_name = dup_string(name);
    out->bucket = dup_string(bucket_name);
    out->etag = dup_string(etag ? etag : "");
    out->key = aws_uri_decode(key, strlen(key), AWS_URI_PLUS_IS_SPACE);
    if (!out->event_name || !out->bucket || !out->etag) {
        record_free(out);
        set_error(error, error_size, "out of memory");
        return LAMBDA_EVENT_ERR_NOMEM;
    }
    if (!out->key || !*out->key || !*out->bucket) {
        /* url_decode fails for memory too; a broken key is by far the
         * likelier cause, and the message is reported either way. */
        set_error(error, error_size, "S3 record with a bad key \"%.100s\"",
                  key);
        record_free(out);
        return LAMBDA_EVENT_ERR_SHAPE;
    }
    return LAMBDA_EVENT_OK;
}

/* Records of an S3 notification; every element must be an S3 record. */
static lambda_event_status parse_s3_records(const cJSON *records,
                                            lambda_s3_record **out,
                                            size_t *count, char *error,
                                            size_t error_size) {
    *out = NULL;
    *count = 0;
    int n = cJSON_GetArraySize(records);
    if (n == 0) {
        set_error(error, error_size, "S3 notification without records");
        return LAMBDA_EVENT_ERR_SHAPE;
    }
    lambda_s3_record *recs = calloc((size_t)n, sizeof *recs);
    if (!recs) {
        set_error(error, error_size, "out of memory");
        return LAMBDA_EVENT_ERR_NOMEM;
    }
    size_t done = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records) {
        const char *source = get_string(rec, "eventSource");
        if (!cJSON_IsObject(rec) || !source || strcmp(source, "aws:s3") != 0) {
            set_error(error, error_size, "record %zu is not from aws:s3", done);
            records_free(recs, done);
            return LAMBDA_EVENT_ERR_SHAPE;
        }
        lambda_event_status st =
            parse_s3_record(rec, &recs[done], error, error_size);
        if (st != LAMBDA_EVENT_OK) {
            records_free(recs, done);
            return st;
        }
        done++;
    }
    *out = recs;
    *count = done;
    return LAMBDA_EVENT_OK;
}

/* The body of one SQS message: an S3 notification or s3:TestEvent. Fills
 * msg->status; only memory exhaustion is an error of the whole batch. */
static lambda_event_status parse_sqs_body(const char *body,
                                          lambda_sqs_message *msg) {
    cJSON *root = cJSON_Parse(body);
    if (!root) {
        msg->status = LAMBDA_MESSAGE_INVALID;
        set_error(msg->error, sizeof msg->error, "message body is not JSON");
        return LAMBDA_EVENT_OK;
    }
    lambda_event_status st = LAMBDA_EVENT_OK;
    const char *event = get_string(root, "Event");
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(root, "Records");
    if (event && strcmp(event, "s3:TestEvent") == 0) {
        msg->status = LAMBDA_MESSAGE_TEST_EVENT;
    } else if (cJSON_IsArray(records)) {
        st = parse_s3_records(records, &msg->records, &msg->record_count,
                              msg->error, sizeof msg->error);
        if (st == LAMBDA_EVENT_ERR_SHAPE) {
            msg->status = LAMBDA_MESSAGE_INVALID;
            st = LAMBDA_EVENT_OK;
        } else {
            msg->status = LAMBDA_MESSAGE_S3;
        }
    } else {
        msg->status = LAMBDA_MESSAGE_INVALID;
        set_error(msg->error, sizeof msg->error,
                  "message body is not an S3 notification");
    }
    cJSON_Delete(root);
    return st;
}

static void messages_free(lambda_sqs_message *msgs, size_t count) {
    for (size_t i = 0; i < count; i++) {
        free(msgs[i].message_id);
        records_free(msgs[i].records, msgs[i].record_count);
    }
    free(msgs);
}

static lambda_event_status parse_sqs(const cJSON *records, lambda_event *ev,
                                     char *error, size_t error_size) {
    int n = cJSON_GetArraySize(records);
    lambda_sqs_message *msgs = calloc((size_t)n, sizeof *msgs);
    if (!msgs) {
        set_error(error, error_size, "out of memory");
        return LAMBDA_EVENT_ERR_NOMEM;
    }
    size_t done = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records) {
        const char *source = get_string(rec, "eventSource");
        const char *id = get_string(rec, "messageId");
        const char *body = get_string(rec, "body");
        /* Without a messageId a failure could not be reported for this
         * message alone, so such a batch is refused as a whole. */
        if (!source || strcmp(source, "aws:sqs") != 0 || !id || !*id) {
            set_error(error, error_size,
                      "record %zu is not an SQS message with a messageId",
                      done);
            messages_free(msgs, done);
            return LAMBDA_EVENT_ERR_SHAPE;
        }
        lambda_sqs_message *msg = &msgs[done++];
        msg->message_id = dup_string(id);
        if (!msg->message_id) {
            messages_free(msgs, done);
            set_error(error, error_size, "out of memory");
            return LAMBDA_EVENT_ERR_NOMEM;
        }
        const cJSON *attrs = get_object(rec, "attributes");
        const char *count =
            attrs ? get_string(attrs, "ApproximateReceiveCount") : NULL;
        msg->receive_count = count ? (int)strtol(count, NULL, 10) : 0;
        if (!body) {
            msg->status = LAMBDA_MESSAGE_INVALID;
            set_error(msg->error, sizeof msg->error, "message without a body");
            continue;
        }
        if (parse_sqs_body(body, msg) != LAMBDA_EVENT_OK) {
            messages_free(msgs, done);
            set_error(error, error_size, "out of memory");
            return LAMBDA_EVENT_ERR_NOMEM;
        }
    }
    ev->kind = LAMBDA_EVENT_SQS;
    ev->messages = msgs;
    ev->message_count = done;
    return LAMBDA_EVENT_OK;
}

static lambda_event_status parse_http(const cJSON *root, lambda_event *ev,
                                      char *error, size_t error_size) {
    const cJSON *ctx = get_object(root, "requestContext");
    const cJSON *http = ctx ? get_object(ctx, "http") : NULL;
    const char *method = http ? get_string(http, "method") : NULL;
    const char *path = get_string(root, "rawPath");
    const char *query = get_string(root, "rawQueryString");
    const cJSON *headers = get_object(root, "headers");
    /* Function URLs lower-case header names. */
    const char *accept = headers ? get_string(headers, "accept") : NULL;
    if (!method || !path) {
        set_error(error, error_size,
                  "HTTP request without requestContext.http.method or "
                  "rawPath");
        return LAMBDA_EVENT_ERR_SHAPE;
    }
    lambda_http_request *req = &ev->http;
    req->method = dup_string(method);
    req->raw_path = dup_string(path);
    req->raw_query = dup_string(query ? query : "");
    req->accept = dup_string(accept ? accept : "");
    if (!req->method || !req->raw_path || !req->raw_query || !req->accept) {
        lambda_event_free(ev);
        set_error(error, error_size, "out of memory");
        return LAMBDA_EVENT_ERR_NOMEM;
    }
    ev->kind = LAMBDA_EVENT_HTTP;
    return LAMBDA_EVENT_OK;
}

lambda_event_status lambda_event_parse(const char *json, size_t len,
                                       lambda_event *ev, char *error,
                                       size_t error_size) {
    memset(ev, 0, sizeof *ev);
    set_error(error, error_size, "%s", "");
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        set_error(error, error_size, "event is not JSON");
        return LAMBDA_EVENT_ERR_JSON;
    }
    lambda_event_status st = LAMBDA_EVENT_ERR_SHAPE;
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(root, "Records");
    const cJSON *first = cJSON_IsArray(records) ? records->child : NULL;
    const char *source = first ? get_string(first, "eventSource") : NULL;
    if (source && strcmp(source, "aws:sqs") == 0) {
        st = parse_sqs(records, ev, error, error_size);
    } else if (source && strcmp(source, "aws:s3") == 0) {
        st = parse_s3_records(records, &ev->records, &ev->record_count, error,
                              error_size);
        ev->kind = LAMBDA_EVENT_S3;
    } else if (cJSON_IsObject(root) &&
               cJSON_GetObjectItemCaseSensitive(root, "requestContext")) {
        st = parse_http(root, ev, error, error_size);
    } else {
        set_error(error, error_size,
                  "event is neither an S3 notification, an SQS batch nor a "
                  "Function URL request");
    }
    cJSON_Delete(root);
    if (st != LAMBDA_EVENT_OK)
        memset(ev, 0, sizeof *ev);
    return st;
}

void lambda_event_free(lambda_event *ev) {
    if (!ev)
        return;
    records_free(ev->records, ev->record_count);
    messages_free(ev->messages, ev->message_count);
    free(ev->http.method);
    free(ev->http.raw_path);
    free(ev->http.raw_query);
    free(ev->http.accept);
    memset(ev, 0, sizeof *ev);
}
