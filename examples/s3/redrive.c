/*
 * redrive.c -- thumbnail-redrive: moves messages from the dead-letter
 * queue back to the main queue once the fault that sent them there is
 * fixed, so the normal path processes them again.
 *
 *   thumbnail-redrive --from DLQ_URL --to QUEUE_URL [--max N]
 *                     [--visibility SECONDS]
 *
 * Each message is received from the DLQ (hidden from other consumers for
 * SECONDS, 60 by default), sent unchanged to the main queue, and only
 * then deleted from the DLQ: a crash in between leaves a copy in both
 * queues, never in neither, and the function's writes are idempotent. It
 * stops after N messages, or when the DLQ answers empty and has no
 * message in flight: a receive whose answer was lost (and so retried)
 * has hidden its messages for SECONDS, so while the DLQ counts some in
 * flight it keeps receiving, for up to SECONDS more. Exit status 0 on
 * success, 1 on any error (messages still in flight after that included),
 * 2 on bad usage. Credentials, region and endpoint from the standard
 * environment (see s3.h, sqs.h).
 */
#include "sqs.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USAGE                                                                  \
    "usage: thumbnail-redrive --from DLQ_URL --to QUEUE_URL [--max N]\n"       \
    "                         [--visibility SECONDS]\n"
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define BATCH 10
/* Long enough to send and delete a batch; short enough that a crashed
 * redrive's messages reappear soon. */
#define VISIBILITY_SECONDS 60
/* SQS's own bound on a visibility timeout (12 hours). */
#define VISIBILITY_MAX_SECONDS 43200
/* Long polling: an empty answer then really means an empty queue. */
#define WAIT_SECONDS 2

typedef struct options {
    const char *from;
    const char *to;
    long max;
    long visibility;
} options;

static int parse_args(int argc, char **argv, options *o) {
    memset(o, 0, sizeof *o);
    o->visibility = VISIBILITY_SECONDS;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--from") == 0)
            o->from = argv[i + 1];
        else if (strcmp(argv[i], "--to") == 0)
            o->to = argv[i + 1];
        else if (strcmp(argv[i], "--max") == 0) {
            char *end;
            o->max = strtol(argv[i + 1], &end, 10);
            if (*end || o->max < 1)
                return 0;
        } else if (strcmp(argv[i], "--visibility") == 0) {
            char *end;
            o->visibility = strtol(argv[i + 1], &end, 10);
            if (*end || o->visibility < 1 ||
                o->visibility > VISIBILITY_MAX_SECONDS)
                return 0;
        } else
            return 0;
    }
    return argc % 2 == 1 && o->from != NULL && o->to != NULL &&
           strcmp(o->from, o->to) != 0;
}

static int redrive(sqs_client *q, const options *o) {
    aws_error err;
    long moved = 0;
    int rc = 0;
    time_t give_up = 0; /* while the DLQ answers empty but counts some */
    while (rc == 0 && (o->max == 0 || moved < o->max)) {
        long want =
            o->max == 0 || o->max - moved > BATCH ? BATCH : o->max - moved;
        sqs_message *msgs;
        size_t n;
        if (sqs_receive_messages(q, o->from, (int)want, WAIT_SECONDS,
                                 (int)o->visibility, &msgs, &n,
                                 &err) != AWS_OK) {
            fprintf(stderr, "thumbnail-redrive: %s\n", err.message);
            return EXIT_ERROR;
        }
        if (n == 0) {
            long visible, in_flight;
            if (sqs_queue_counts(q, o->from, &visible, &in_flight, &err) !=
                AWS_OK) {
                fprintf(stderr, "thumbnail-redrive: %s\n", err.message);
                return EXIT_ERROR;
            }
            if (visible == 0 && in_flight == 0)
                break;
            time_t now = time(NULL);
            if (give_up == 0)
                give_up = now + o->visibility;
            if (now >= give_up) {
                fprintf(stderr,
                        "thumbnail-redrive: the DLQ still counts %ld "
                        "messages and %ld in flight: run it again later\n",
                        visible, in_flight);
                rc = EXIT_ERROR;
            }
            continue;
        }
        give_up = 0;
        for (size_t i = 0; i < n; i++) {
            if (sqs_send_message(q, o->to, msgs[i].body, NULL, &err) !=
                    AWS_OK ||
                sqs_delete_message(q, o->from, msgs[i].receipt_handle, &err) !=
                    AWS_OK) {
                fprintf(stderr, "thumbnail-redrive: message %s: %s\n",
                        msgs[i].message_id, err.message);
                rc = EXIT_ERROR;
                break;
            }
            moved++;
        }
        sqs_messages_free(msgs, n);
    }
    fprintf(stderr, "thumbnail-redrive: moved %ld messages\n", moved);
    printf("%ld\n", moved);
    return rc;
}

int main(int argc, char **argv) {
    options o;
    if (!parse_args(argc, argv, &o)) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    aws_config cfg;
    aws_error err;
    sqs_client *q = NULL;
    int rc;
    if (aws_config_from_env(&cfg, AWS_SERVICE_SQS, &err) != AWS_OK ||
        (q = sqs_client_new(&cfg, &err)) == NULL) {
        fprintf(stderr, "thumbnail-redrive: %s\n", err.message);
        rc = EXIT_ERROR;
    } else {
        rc = redrive(q, &o);
    }
    sqs_client_free(q);
    curl_global_cleanup();
    return rc;
}
