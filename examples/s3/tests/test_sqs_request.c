/*
 * test_sqs_request.c -- SQS requests in the JSON protocol and what the
 * client makes of replies and errors.
 */
#include "aws_internal.h"
#include "aws_mock.h"

#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define QUEUE "http://127.0.0.1:9000/123456789012/thumbs"
/* The JSON protocol posts every action to the endpoint's root. */
#define SQS_URL "http://127.0.0.1:9000/"

static sqs_client *client_over(mock_request *last) {
    aws_config cfg = mock_config(AWS_SERVICE_SQS);
    aws_error err;
    sqs_client *c =
        sqs_client_new_with_transport(&cfg, mock_transport(last), &err);
    assert_non_null(c);
    return c;
}

static cJSON *sent_json(const mock_request *last) {
    cJSON *doc = cJSON_ParseWithLength(last->body, last->body_len);
    assert_non_null(doc);
    return doc;
}

static void test_send_message(void **state) {
    (void)state;
    mock_response r = {
        .result = AWS_TRANSPORT_OK,
        .status = 200,
        .body = "{\"MessageId\":\"m-1\",\"MD5OfMessageBody\":\"x\"}"};
    mock_expect_request("POST", SQS_URL, &r);
    mock_request last;
    sqs_client *c = client_over(&last);
    char id[SQS_MESSAGE_ID_SIZE];
    aws_error err;
    assert_int_equal(
        sqs_send_message(c, QUEUE, "{\"a\":\"\\u00e9\"}", id, &err), AWS_OK);
    assert_string_equal(id, "m-1");
    assert_string_equal(last.sigv4, "aws:amz:eu-west-1:sqs");
    assert_string_equal(mock_header(&last, "X-Amz-Target"),
                        "AmazonSQS.SendMessage");
    assert_string_equal(mock_header(&last, "Content-Type"),
                        "application/x-amz-json-1.0");
    assert_non_null(mock_header(&last, "x-amz-content-sha256"));
    cJSON *doc = sent_json(&last);
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
    mock_response two = {
        .result = AWS_TRANSPORT_OK,
        .status = 200,
        .body = "{\"Messages\":[{\"MessageId\":\"a\",\"ReceiptHandle\":"
                "\"rh-a\",\"Body\":\"one\",\"Attributes\":{"
                "\"ApproximateReceiveCount\":\"3\"}},{\"MessageId\":"
                "\"b\",\"ReceiptHandle\":\"rh-b\",\"Body\":\"two\"}]}"};
    mock_response empty = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = "{}"};
    mock_expect_request("POST", SQS_URL, &two);
    mock_expect_request("POST", SQS_URL, &empty);
    mock_expect_request("POST", SQS_URL, &empty);
    mock_request last;
    sqs_client *c = client_over(&last);
    sqs_message *msgs;
    size_t n;
    aws_error err;
    assert_int_equal(sqs_receive_messages(c, QUEUE, 10, 1, 30, &msgs, &n, &err),
                     AWS_OK);
    cJSON *doc = sent_json(&last);
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
    assert_string_equal(mock_header(&last, "X-Amz-Target"),
                        "AmazonSQS.DeleteMessage");
    doc = sent_json(&last);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(doc, "ReceiptHandle")->valuestring,
        "rh-b");
    cJSON_Delete(doc);
    sqs_messages_free(msgs, n);
    /* An empty queue is zero messages, not an error. */
    assert_int_equal(sqs_receive_messages(c, QUEUE, 1, 0, -1, &msgs, &n, &err),
                     AWS_OK);
    assert_int_equal(n, 0);
    doc = sent_json(&last);
    assert_null(cJSON_GetObjectItemCaseSensitive(doc, "VisibilityTimeout"));
    cJSON_Delete(doc);
    sqs_messages_free(msgs, n);
    sqs_client_free(c);
}

static void test_queue_counts(void **state) {
    (void)state;
    mock_response counts = {
        .result = AWS_TRANSPORT_OK,
        .status = 200,
        .body = "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"4\","
                "\"ApproximateNumberOfMessagesNotVisible\":\"10\"}}"};
    mock_response no_counts = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = "{}"};
    mock_expect_request("POST", SQS_URL, &counts);
    mock_expect_request("POST", SQS_URL, &no_counts);
    mock_request last;
    sqs_client *c = client_over(&last);
    long visible, in_flight;
    aws_error err;
    assert_int_equal(sqs_queue_counts(c, QUEUE, &visible, &in_flight, &err),
                     AWS_OK);
    assert_int_equal(visible, 4);
    assert_int_equal(in_flight, 10);
    assert_string_equal(mock_header(&last, "X-Amz-Target"),
                        "AmazonSQS.GetQueueAttributes");
    cJSON *doc = sent_json(&last);
    const cJSON *names =
        cJSON_GetObjectItemCaseSensitive(doc, "AttributeNames");
    assert_int_equal(cJSON_GetArraySize(names), 2);
    assert_string_equal(cJSON_GetArrayItem(names, 1)->valuestring,
                        "ApproximateNumberOfMessagesNotVisible");
    cJSON_Delete(doc);
    /* A reply without the counts is an error, not an empty queue: the
     * redrive would stop early on it. */
    assert_int_equal(sqs_queue_counts(c, QUEUE, &visible, &in_flight, &err),
                     AWS_ERR_PROTOCOL);
    sqs_client_free(c);
}

static void test_errors(void **state) {
    (void)state;
    mock_response no_queue = {
        .result = AWS_TRANSPORT_OK,
        .status = 400,
        .body = "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
                "\"message\":\"The specified queue does not exist.\"}"};
    mock_response no_queue_legacy = {
        .result = AWS_TRANSPORT_OK,
        .status = 400,
        .headers = {"x-amzn-query-error: AWS.SimpleQueueService."
                    "NonExistentQueue;Sender"}};
    mock_response throttled = {
        .result = AWS_TRANSPORT_OK,
        .status = 400,
        .body = "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\"}"};
    mock_response sent = {.result = AWS_TRANSPORT_OK,
                          .status = 200,
                          .body = "{\"MessageId\":\"m\"}"};
    mock_any_request(&no_queue);
    mock_any_request(&no_queue_legacy);
    mock_any_request(&throttled);
    mock_any_request(&sent);
    expect_any(mock_sleep_ms, ms);
    sqs_client *c = client_over(NULL);
    aws_error err;
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_ERR_HTTP);
    assert_string_equal(err.code, "QueueDoesNotExist");
    assert_non_null(strstr(err.message, "does not exist"));
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_ERR_HTTP);
    assert_string_equal(err.code, "AWS.SimpleQueueService.NonExistentQueue");
    /* Throttling is retried even as a 400. */
    assert_int_equal(sqs_send_message(c, QUEUE, "x", NULL, &err), AWS_OK);
    assert_int_equal(err.attempts, 2);
    /* Refused before any request: nothing more is scripted. */
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
        cmocka_unit_test(test_queue_counts),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
