/* libFuzzer harness: the Lambda invocation payload parser
 * (examples/lambda/event.c) on any bytes, not NUL-terminated. On success
 * every string of the parsed event is read through, so ASan checks that
 * each is a valid, terminated allocation; on failure the reason must be
 * set. */
#include "event.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s) {
    if (!s)
        abort(); /* event.h: strings are "" when absent, never NULL */
    return strlen(s);
}

static size_t touch_records(const lambda_s3_record *r, size_t count) {
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += touch(r[i].event_name) + touch(r[i].bucket) + touch(r[i].key) +
             touch(r[i].etag);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lambda_event ev;
    char error[LAMBDA_EVENT_ERROR_SIZE];
    volatile size_t sink = 0;
    lambda_event_status st =
        lambda_event_parse((const char *)data, size, &ev, error, sizeof error);
    if (st == LAMBDA_EVENT_OK) {
        switch (ev.kind) {
        case LAMBDA_EVENT_S3:
            sink += touch_records(ev.records, ev.record_count);
            break;
        case LAMBDA_EVENT_SQS:
            for (size_t i = 0; i < ev.message_count; i++) {
                const lambda_sqs_message *m = &ev.messages[i];
                sink += touch(m->message_id);
                if (m->status == LAMBDA_MESSAGE_S3)
                    sink += touch_records(m->records, m->record_count);
                else if (m->status == LAMBDA_MESSAGE_INVALID &&
                         m->error[0] == '\0')
                    abort(); /* an invalid message says why */
            }
            break;
        case LAMBDA_EVENT_HTTP:
            sink += touch(ev.http.method) + touch(ev.http.raw_path) +
                    touch(ev.http.raw_query) + touch(ev.http.accept);
            break;
        }
    } else if (memchr(error, '\0', sizeof error) == NULL || error[0] == '\0') {
        abort(); /* a failure names its cause in a terminated line */
    }
    (void)sink;
    lambda_event_free(&ev);
    return 0;
}
