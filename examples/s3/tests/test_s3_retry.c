/*
 * test_s3_retry.c -- the retry policy: which failures are retried, how
 * long the client waits (full jitter under an exponential ceiling), how
 * many attempts it makes, and that it never sleeps past its deadline.
 */
#include "aws_internal.h"
#include "aws_mock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DRAWS 2000

static void test_retryable_table(void **state) {
    (void)state;
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_OK, 500, ""));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_OK, 502, ""));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_OK, 503, "SlowDown"));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_OK, 429, ""));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_OK, 400, "SlowDown"));
    assert_true(
        aws_retry_is_retryable(AWS_TRANSPORT_OK, 400, "RequestTimeout"));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_TIMEOUT, 0, ""));
    assert_true(aws_retry_is_retryable(AWS_TRANSPORT_CONNECT, 0, ""));
    assert_false(aws_retry_is_retryable(AWS_TRANSPORT_OK, 400, "BadDigest"));
    assert_false(
        aws_retry_is_retryable(AWS_TRANSPORT_OK, 403, "SignatureDoesNotMatch"));
    assert_false(aws_retry_is_retryable(AWS_TRANSPORT_OK, 404, "NoSuchKey"));
    assert_false(aws_retry_is_retryable(AWS_TRANSPORT_ABORTED, 0, ""));
    assert_false(aws_retry_is_retryable(AWS_TRANSPORT_FAILED, 0, ""));
}

static void test_backoff_ceiling(void **state) {
    (void)state;
    assert_int_equal(aws_backoff_ceiling(1, 100, 5000), 0);
    assert_int_equal(aws_backoff_ceiling(2, 100, 5000), 100);
    assert_int_equal(aws_backoff_ceiling(3, 100, 5000), 200);
    assert_int_equal(aws_backoff_ceiling(4, 100, 5000), 400);
    assert_int_equal(aws_backoff_ceiling(7, 100, 5000), 3200);
    assert_int_equal(aws_backoff_ceiling(8, 100, 5000), 5000);
    assert_int_equal(aws_backoff_ceiling(1000, 100, 5000), 5000);
}

/* Full jitter: every draw in [0, ceiling], and the draws spread over it
 * (not all at one end, as plain exponential backoff would be). */
static void test_backoff_full_jitter(void **state) {
    (void)state;
    uint64_t rng = 1;
    unsigned lo = 0, hi = 0, max_seen = 0;
    for (int i = 0; i < DRAWS; i++) {
        unsigned d = aws_backoff_delay(&rng, 4, 100, 5000);
        assert_true(d <= 400);
        if (d < 100)
            lo++;
        if (d > 300)
            hi++;
        if (d > max_seen)
            max_seen = d;
    }
    assert_true(lo > DRAWS / 8);
    assert_true(hi > DRAWS / 8);
    assert_true(max_seen > 390);
}

static s3_client *client_over(int attempts) {
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.max_attempts = attempts;
    cfg.base_delay_ms = 100;
    cfg.max_delay_ms = 1000;
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport(NULL), &err);
    assert_non_null(c);
    return c;
}

static const char slow_down[] =
    "<Error><Code>SlowDown</Code><Message>Please reduce your request "
    "rate.</Message></Error>";

static void test_retries_then_succeeds(void **state) {
    (void)state;
    mock_response throttled = {
        .result = AWS_TRANSPORT_OK, .status = 503, .body = slow_down};
    mock_response timed_out = {.result = AWS_TRANSPORT_TIMEOUT};
    mock_response failed = {.result = AWS_TRANSPORT_OK,
                            .status = 500,
                            .body = "partial error body"};
    mock_response ok = {.result = AWS_TRANSPORT_OK,
                        .status = 200,
                        .headers = {"Content-Length: 2"},
                        .body = "ok"};
    mock_any_request(&throttled);
    mock_any_request(&timed_out);
    mock_any_request(&failed);
    mock_any_request(&ok);
    /* Full jitter under a doubling ceiling: 100, 200, 400 ms. */
    expect_in_range(mock_sleep_ms, ms, 0, 100);
    expect_in_range(mock_sleep_ms, ms, 0, 200);
    expect_in_range(mock_sleep_ms, ms, 0, 400);
    s3_client *c = client_over(4);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "k", 100, &data, &len, NULL, &err),
                     AWS_OK);
    /* Only the successful attempt's body is returned. */
    assert_int_equal(len, 2);
    assert_memory_equal(data, "ok", 2);
    free(data);
    s3_client_free(c);
}

static void test_attempt_limit(void **state) {
    (void)state;
    mock_response throttled = {
        .result = AWS_TRANSPORT_OK, .status = 503, .body = slow_down};
    for (int i = 0; i < 3; i++)
        mock_any_request(&throttled);
    expect_in_range_count(mock_sleep_ms, ms, 0, 200, 2);
    s3_client *c = client_over(3);
    aws_error err;
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_HTTP);
    assert_int_equal(err.attempts, 3);
    assert_int_equal(err.http_status, 503);
    assert_string_equal(err.code, "SlowDown");
    s3_client_free(c);
}

static void test_client_errors_not_retried(void **state) {
    (void)state;
    mock_response denied = {.result = AWS_TRANSPORT_OK,
                            .status = 403,
                            .body = "<Error><Code>AccessDenied</Code></Error>"};
    /* One request, no sleep: nothing else is scripted. */
    mock_any_request(&denied);
    s3_client *c = client_over(4);
    aws_error err;
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_ACCESS);
    assert_int_equal(err.attempts, 1);
    s3_client_free(c);
}

static void test_connection_errors_exhaust_to_transport(void **state) {
    (void)state;
    mock_response refused = {.result = AWS_TRANSPORT_CONNECT};
    for (int i = 0; i < 4; i++)
        mock_any_request(&refused);
    expect_any_count(mock_sleep_ms, ms, 3);
    s3_client *c = client_over(4);
    s3_object_info info;
    aws_error err;
    assert_int_equal(s3_head_object(c, "b", "k", &info, &err),
                     AWS_ERR_TRANSPORT);
    assert_int_equal(err.attempts, 4);
    assert_int_equal(err.http_status, 0);
    s3_client_free(c);
}

#define NOW_MS 1000000
#define LEFT_MS 150

/* With 150 ms left, the client sends once, its timeout clamped to what
 * is left; when the clock then says the deadline is here, it starts no
 * retry and does not sleep. */
static void test_deadline(void **state) {
    (void)state;
    mock_response failed = {.result = AWS_TRANSPORT_OK, .status = 500};
    mock_request last;
    mock_any_request(&failed);
    will_return(mock_now_ms, NOW_MS);           /* before the request */
    will_return(mock_now_ms, NOW_MS + LEFT_MS); /* before a retry */
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport(&last), &err);
    assert_non_null(c);
    s3_client_set_deadline(c, NOW_MS + LEFT_MS);
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_HTTP);
    assert_int_equal(last.timeout_ms, LEFT_MS);
    assert_int_equal(err.attempts, 1);
    /* A deadline already gone: nothing is sent. */
    will_return(mock_now_ms, NOW_MS);
    s3_client_set_deadline(c, NOW_MS - 1);
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_TRANSPORT);
    assert_non_null(strstr(err.message, "deadline"));
    s3_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retryable_table),
        cmocka_unit_test(test_backoff_ceiling),
        cmocka_unit_test(test_backoff_full_jitter),
        cmocka_unit_test(test_retries_then_succeeds),
        cmocka_unit_test(test_attempt_limit),
        cmocka_unit_test(test_client_errors_not_retried),
        cmocka_unit_test(test_connection_errors_exhaust_to_transport),
        cmocka_unit_test(test_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
