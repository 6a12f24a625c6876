/*
 * test_s3_limits.c -- the maximum object size holds whether the server
 * announces the size (Content-Length) or not (chunked), and an object of
 * exactly the maximum still downloads.
 */
#include "aws_internal.h"
#include "mock_transport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char body20[] = "0123456789abcdefghij";

static s3_client *client_over(mock_transport *m) {
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport_make(m), &err);
    assert_non_null(c);
    return c;
}

static void test_content_length_over_limit(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(
        &m,
        (mock_response){
            AWS_TRANSPORT_OK, 200, {"Content-Length: 20", NULL}, body20, 0});
    s3_client *c = client_over(&m);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "big", 19, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    assert_null(data);
    assert_int_equal(len, 0);
    /* Refused at the header: no body byte was taken, no retry made. */
    assert_true(m.aborted);
    assert_int_equal(m.body_delivered, 0);
    assert_int_equal(m.calls, 1);
    assert_non_null(strstr(err.message, "20 bytes"));
    assert_non_null(strstr(err.message, "19"));
    s3_client_free(c);
}

static void test_streaming_over_limit(void **state) {
    (void)state;
    mock_transport m = {0};
    /* No Content-Length (chunked): the limit is enforced as data arrives. */
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, body20, 0});
    s3_client *c = client_over(&m);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "big", 10, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    assert_true(m.aborted);
    assert_int_equal(m.calls, 1);
    assert_int_equal(err.status, AWS_ERR_TOO_LARGE);
    s3_client_free(c);
}

/* A lying Content-Length (smaller than the body) cannot get past it. */
static void test_body_longer_than_announced(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(
        &m, (mock_response){
                AWS_TRANSPORT_OK, 200, {"Content-Length: 5", NULL}, body20, 0});
    s3_client *c = client_over(&m);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "k", 12, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    s3_client_free(c);
}

static void test_exactly_at_limit(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(
        &m,
        (mock_response){
            AWS_TRANSPORT_OK, 200, {"Content-Length: 20", NULL}, body20, 0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, body20, 0});
    s3_client *c = client_over(&m);
    unsigned char *data;
    size_t len;
    s3_object_info info;
    aws_error err;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            s3_get_object(c, "b", "k", 20, &data, &len, &info, &err), AWS_OK);
        assert_int_equal(len, 20);
        assert_int_equal(info.size, 20);
        assert_memory_equal(data, body20, 20);
        free(data);
    }
    s3_client_free(c);
}

static void test_empty_object(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m,
              (mock_response){
                  AWS_TRANSPORT_OK, 200, {"Content-Length: 0", NULL}, NULL, 0});
    s3_client *c = client_over(&m);
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "k", 0, &data, &len, NULL, &err),
                     AWS_OK);
    assert_non_null(data);
    assert_int_equal(len, 0);
    free(data);
    s3_client_free(c);
}

/* Error bodies are kept for their code, but bounded. */
static void test_huge_error_body_is_cut(void **state) {
    (void)state;
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    memcpy(big, "<Error><Code>InvalidArgument</Code>", 35);
    big[n] = '\0';
    mock_transport m = {0};
    m.chunk = 65536;
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 400, {NULL}, big, n});
    s3_client *c = client_over(&m);
    aws_error err;
    assert_int_equal(s3_put_object(c, "b", "k", "x", 1, NULL, &err),
                     AWS_ERR_HTTP);
    assert_string_equal(err.code, "InvalidArgument");
    free(big);
    s3_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_length_over_limit),
        cmocka_unit_test(test_streaming_over_limit),
        cmocka_unit_test(test_body_longer_than_announced),
        cmocka_unit_test(test_exactly_at_limit),
        cmocka_unit_test(test_empty_object),
        cmocka_unit_test(test_huge_error_body_is_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
