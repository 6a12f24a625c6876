/*
 * test_s3_retry.c -- the retry policy: which failures are retried, how
 * long the client waits (full jitter under an exponential ceiling), how
 * many attempts it makes, and that it never sleeps past its deadline.
 */
#include "aws_internal.h"
#include "mock_transport.h"

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

static s3_client *client_over(mock_transport *m, int attempts) {
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.max_attempts = attempts;
    cfg.base_delay_ms = 100;
    cfg.max_delay_ms = 1000;
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport_make(m), &err);
    assert_non_null(c);
    return c;
}

static const char slow_down[] =
    "<Error><Code>SlowDown</Code><Message>Please reduce your request "
    "rate.</Message></Error>";

static void test_retries_then_succeeds(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 503, {NULL}, slow_down, 0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_TIMEOUT, 0, {NULL}, NULL, 0});
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK, 500, {NULL}, "partial error body", 0});
    mock_push(&m,
              (mock_response){
                  AWS_TRANSPORT_OK, 200, {"Content-Length: 2", NULL}, "ok", 0});
    s3_client *c = client_over(&m, 4);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "k", 100, &data, &len, NULL, &err),
                     AWS_OK);
    assert_int_equal(m.calls, 4);
    /* Only the successful attempt's body is returned. */
    assert_int_equal(len, 2);
    assert_memory_equal(data, "ok", 2);
    free(data);
    assert_int_equal(m.sleep_count, 3);
    assert_true(m.sleeps[0] <= 100);
    assert_true(m.sleeps[1] <= 200);
    assert_true(m.sleeps[2] <= 400);
    s3_client_free(c);
}

static void test_attempt_limit(void **state) {
    (void)state;
    mock_transport m = {0};
    for (int i = 0; i < 5; i++)
        mock_push(&m,
                  (mock_response){AWS_TRANSPORT_OK, 503, {NULL}, slow_down, 0});
    s3_client *c = client_over(&m, 3);
    aws_error err;
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_HTTP);
    assert_int_equal(m.calls, 3);
    assert_int_equal(m.sleep_count, 2);
    assert_int_equal(err.attempts, 3);
    assert_int_equal(err.http_status, 503);
    assert_string_equal(err.code, "SlowDown");
    s3_client_free(c);
}

static void test_client_errors_not_retried(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK,
                                  403,
                                  {NULL},
                                  "<Error><Code>AccessDenied</Code></Error>",
                                  0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, NULL, 0});
    s3_client *c = client_over(&m, 4);
    aws_error err;
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_ACCESS);
    assert_int_equal(m.calls, 1);
    assert_int_equal(m.sleep_count, 0);
    s3_client_free(c);
}

static void test_connection_errors_exhaust_to_transport(void **state) {
    (void)state;
    mock_transport m = {0};
    for (int i = 0; i < 4; i++)
        mock_push(&m,
                  (mock_response){AWS_TRANSPORT_CONNECT, 0, {NULL}, NULL, 0});
    s3_client *c = client_over(&m, 4);
    s3_object_info info;
    aws_error err;
    assert_int_equal(s3_head_object(c, "b", "k", &info, &err),
                     AWS_ERR_TRANSPORT);
    assert_int_equal(m.calls, 4);
    assert_int_equal(err.http_status, 0);
    s3_client_free(c);
}

/* With 150 ms left, the client sends once (its timeout clamped to what
 * is left) and does not start a retry it could not finish. */
static void test_deadline(void **state) {
    (void)state;
    mock_transport m = {0};
    for (int i = 0; i < 4; i++)
        mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 500, {NULL}, NULL, 0});
    s3_client *c = client_over(&m, 4);
    m.now_ms = 1000000;
    s3_client_set_deadline(c, m.now_ms + 150);
    aws_error err;
    aws_status st = s3_put_object(c, "b", "k", "x", 1, NULL, &err);
    assert_int_equal(st, AWS_ERR_HTTP);
    assert_true(m.first.timeout_ms <= 150);
    assert_true(m.now_ms < 1000000 + 150);
    assert_true(m.calls >= 1 && m.calls <= 4);
    /* A deadline already gone: nothing is sent. */
    size_t calls = m.calls;
    s3_client_set_deadline(c, m.now_ms - 1);
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_TRANSPORT);
    assert_int_equal(m.calls, calls);
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
