/*
 * sqs.h -- a minimal Amazon SQS client (JSON protocol, AmazonSQS.* targets
 * with X-Amz-Target) on the same signing, transport and retry policy as
 * s3.h: enough to enqueue work and to move messages from a dead-letter
 * queue back to its source queue.
 *
 *     aws_config cfg;
 *     aws_error err;
 *     sqs_client *q;
 *     if (aws_config_from_env(&cfg, AWS_SERVICE_SQS, &err) != AWS_OK ||
 *         (q = sqs_client_new(&cfg, &err)) == NULL)
 *         die("%s", err.message);
 *     sqs_send_message(q, queue_url, "{\"Records\":[]}", NULL, &err);
 *
 * Queues are addressed by URL (as returned by CreateQueue/GetQueueUrl).
 * With an endpoint override the request goes to that endpoint, otherwise
 * to https://sqs.<region>.amazonaws.com/. Errors, threads and memory as in
 * s3.h; err->code holds the short SQS error code (e.g.
 * "QueueDoesNotExist", "ReceiptHandleIsInvalid").
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_SQS_H
#define THUMB_SQS_H

#include "aws.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sqs_client sqs_client;

/* cfg->service should be AWS_SERVICE_SQS (it selects the signing name). */
sqs_client *sqs_client_new(const aws_config *cfg, aws_error *err);
void sqs_client_free(sqs_client *client);
void sqs_client_set_deadline(sqs_client *client, int64_t deadline_ms);

/* Looks up a queue's URL by name into a malloc'd string (*url; free() it). */
aws_status sqs_get_queue_url(sqs_client *client, const char *queue_name,
                             char **url, aws_error *err);

#define SQS_MESSAGE_ID_SIZE 128

/* Sends one message. message_id, if not NULL, receives the id assigned by
 * the service (SQS_MESSAGE_ID_SIZE bytes). A send retried after a timeout
 * may have been delivered already: SQS is at-least-once anyway, so
 * consumers must be idempotent. */
aws_status sqs_send_message(sqs_client *client, const char *queue_url,
                            const char *body, char *message_id, aws_error *err);

typedef struct sqs_message {
    char *message_id;
    char *receipt_handle; /* needed to delete it */
    char *body;
    int receive_count; /* ApproximateReceiveCount, 0 if not reported */
} sqs_message;

/* Receives up to max_messages (1..10), waiting up to wait_seconds (0..20,
 * long polling) for the first; visibility_timeout < 0 keeps the queue's
 * default. *messages is a malloc'd array of *count entries (possibly 0);
 * release it with sqs_messages_free(). */
aws_status sqs_receive_messages(sqs_client *client, const char *queue_url,
                                int max_messages, int wait_seconds,
                                int visibility_timeout, sqs_message **messages,
                                size_t *count, aws_error *err);
void sqs_messages_free(sqs_message *messages, size_t count);

aws_status sqs_delete_message(sqs_client *client, const char *queue_url,
                              const char *receipt_handle, aws_error *err);

/* The queue's approximate counts of messages ready to receive (*visible)
 * and received but neither deleted nor back yet (*in_flight): a receive
 * whose answer was lost leaves its messages in flight until their
 * visibility timeout ends. */
aws_status sqs_queue_counts(sqs_client *client, const char *queue_url,
                            long *visible, long *in_flight, aws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* THUMB_SQS_H */
