/*
 * test_s3_limits.c -- the maximum object size holds whether the server
 * announces the size (Content-Length) or not (chunked), and an object of
 * exactly the maximum still downloads.
 */
#include "aws_internal.h"
#include "aws_mock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char body20[] = "0123456789abcdefghij";

static s3_client *client_over(void) {
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport(NULL), &err);
    assert_non_null(c);
    return c;
}

static void test_content_length_over_limit(void **state) {
    (void)state;
    mock_response r = {.result = AWS_TRANSPORT_OK,
                       .status = 200,
                       .headers = {"Content-Length: 20"},
                       .body = body20};
    /* Once: a size over the limit is final. */
    mock_any_request(&r);
    s3_client *c = client_over();
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "big", 19, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    assert_null(data);
    assert_int_equal(len, 0);
    /* Refused at the header: no body byte was taken. */
    assert_true(r.aborted);
    assert_int_equal(r.taken, 0);
    assert_non_null(strstr(err.message, "20 bytes"));
    assert_non_null(strstr(err.message, "19"));
    s3_client_free(c);
}

static void test_streaming_over_limit(void **state) {
    (void)state;
    /* No Content-Length (chunked): the limit is enforced as data arrives. */
    mock_response r = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = body20};
    mock_any_request(&r);
    s3_client *c = client_over();
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "big", 10, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    assert_true(r.aborted);
    assert_true(r.taken <= 10);
    assert_int_equal(err.status, AWS_ERR_TOO_LARGE);
    s3_client_free(c);
}

/* A lying Content-Length (smaller than the body) cannot get past it. */
static void test_body_longer_than_announced(void **state) {
    (void)state;
    mock_response r = {.result = AWS_TRANSPORT_OK,
                       .status = 200,
                       .headers = {"Content-Length: 5"},
                       .body = body20};
    mock_any_request(&r);
    s3_client *c = client_over();
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(s3_get_object(c, "b", "k", 12, &data, &len, NULL, &err),
                     AWS_ERR_TOO_LARGE);
    s3_client_free(c);
}

static void test_exactly_at_limit(void **state) {
    (void)state;
    mock_response announced = {.result = AWS_TRANSPORT_OK,
                               .status = 200,
                               .headers = {"Content-Length: 20"},
                               .body = body20};
    mock_response chunked = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = body20};
    mock_any_request(&announced);
    mock_any_request(&chunked);
    s3_client *c = client_over();
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
    mock_response r = {.result = AWS_TRANSPORT_OK,
                       .status = 200,
                       .headers = {"Content-Length: 0"}};
    mock_any_request(&r);
    s3_client *c = client_over();
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
    mock_response r = {.result = AWS_TRANSPORT_OK,
                       .status = 400,
                       .body = big,
                       .body_len = n,
                       .chunk = 65536};
    mock_any_request(&r);
    s3_client *c = client_over();
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
