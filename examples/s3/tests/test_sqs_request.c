/*
 * test_sqs_request.c -- SQS requests in the JSON protocol and what the
 * client makes of replies and errors.
 */
#include "aws_internal.h"
#include "mock_transport.h"

#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define QUEUE "http://127.0.0.1:9000/123456789012/thumbs"

static sqs_client *client_over(mock_transport *m) {
    aws_config cfg = mock_config(AWS_SERVICE_SQS);
    aws_error err;
    sqs_client *c =
        sqs_client_new_with_transport(&cfg, mock_transport_make(m), &err);
    assert_non_null(c);
    return c;
}

static cJSON *sent_json(const mock_transport *m) {
    cJSON *doc = cJSON_ParseWithLength(m->last.body, m->last.body_len);
    assert_non_null(doc);
    return doc;
}

static void test_send_message(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK,
                                  200,
                                  {NULL},
                                  "{\"MessageId\":\"m-1\",\"MD5OfMessageBody\""
                                  ":\"x\"}",
                                  0});
    sqs_client *c = client_over(&m);
    char id[SQS_MESSAGE_ID_SIZE];
    aws_error err;
    assert_int_equal(
        sqs_send_message(c, QUEUE, "{\"a\":\"\\u00e9\"}", id, &err), AWS_OK);
    assert_string_equal(id, "m-1");
    assert_string_equal(m.last.method, "POST");
    assert_string_equal(m.last.url, "http://127.0.0.1:9000/");
    assert_string_equal(m.last.sigv4, "aws:amz:eu-west-1:sqs");
    assert_string_equal(mock_header(&m.last, "X-Amz-Target"),
                        "AmazonSQS.SendMessage");
    assert_string_equal(mock_header(&m.last, "Content-Type"),
                        "application/x-amz-json-1.0");
    assert_non_null(mock_header(&m.last, "x-amz-content-sha256"));
    cJSON *doc = sent_json(&m);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "QueueUrl")->valuestring, QUEUE);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "MessageBody")->valuestring,
        "{\"a\":\"\\u00e9\"}");
    cJSON_Delete(doc);
    sqs_client_free(c);
}

static void test_receive_and_delete(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK,
                      200,
                      {NULL},
                      "{\"Messages\":[{\"MessageId\":\"a\",\"ReceiptHandle\":"
                      "\"rh-a\",\"Body\":\"one\",\"Attributes\":{"
                      "\"ApproximateReceiveCount\":\"3\"}},{\"MessageId\":"
                      "\"b\",\"ReceiptHandle\":\"rh-b\",\"Body\":\"two\"}]}",
                      0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, "{}", 0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, "{}", 0});
    sqs_client *c = client_over(&m);
    sqs_message *msgs;
    size_t n;
    aws_error err;
    assert_int_equal(sqs_receive_messages(c, QUEUE, 10, 1, 30, &msgs, &n, &err),
                     AWS_OK);
    cJSON *doc = sent_json(&m);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "MaxNumberOfMessages")->valueint,
        10);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "VisibilityTimeout")->valueint,
        30);
    cJSON_Delete(doc);
    assert_int_equal(n, 2);
    assert_string_equal(msgs[0].body, "one");
    assert_string_equal(msgs[0].receipt_handle, "rh-a");
    assert_int_equal(msgs[0].receive_count, 3);
    assert_int_equal(msgs[1].receive_count, 0);
    assert_int_equal(sqs_delete_message(c, QUEUE, msgs[1].receipt_handle, &err),
                     AWS_OK);
    assert_string_equal(mock_header(&m.last, "X-Amz-Target"),
                        "AmazonSQS.DeleteMessage");
    doc = sent_json(&m);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "ReceiptHandle")->valuestring,
        "rh-b");
    cJSON_Delete(doc);
    sqs_messages_free(msgs, n);
    /* An empty queue is zero messages, not an error. */
    assert_int_equal(sqs_receive_messages(c, QUEUE, 1, 0, -1, &msgs, &n, &err),
                     AWS_OK);
    assert_int_equal(n, 0);
    doc = sent_json(&m);
    assert_null(cJSON_GetObjectItemCaseSensitive(doc, "VisibilityTimeout"));
    cJSON_Delete(doc);
    sqs_messages_free(msgs, n);
    sqs_client_free(c);
}

static void test_errors(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK,
                      400,
                      {NULL},
                      "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
                      "\"message\":\"The specified queue does not exist.\"}",
                      0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK,
                                  400,
                                  {"x-amzn-query-error: AWS.SimpleQueueService."
                                   "NonExistentQueue;Sender",
                                   NULL},
                                  NULL,
                                  0});
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK,
                      400,
                      {NULL},
                      "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\"}",
                      0});
    mock_push(&m,
              (mock_response){
                  AWS_TRANSPORT_OK, 200, {NULL}, "{\"MessageId\":\"m\"}", 0});
    sqs_client *c = client_over(&m);
    aws_error err;
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_ERR_HTTP);
    assert_string_equal(err.code, "QueueDoesNotExist");
    assert_non_null(strstr(err.message, "does not exist"));
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_ERR_HTTP);
    assert_string_equal(err.code, "AWS.SimpleQueueService.NonExistentQueue");
    /* Throttling is retried even as a 400. */
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_OK);
    assert_int_equal(m.calls, 4);
    assert_int_equal(sqs_send_message(c, QUEUE, "", NULL, &err), AWS_ERR_ARG);
    sqs_message *msgs;
    size_t n;
    assert_int_equal(sqs_receive_messages(c, QUEUE, 11, 0, 0, &msgs, &n, &err),
                     AWS_ERR_ARG);
    sqs_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_message),
        cmocka_unit_test(test_receive_and_delete),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
