/*
 * test_s3_encode.c -- key and query encoding: the bytes curl sends are
 * the bytes SigV4 signs, so they must be exactly AWS's canonical form.
 */
#include "aws_internal.h"
#include "aws_mock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void check_encode(const char *in, bool keep_slash, const char *want) {
    char *out = aws_uri_encode(in, keep_slash);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

static void test_unreserved_kept(void **state) {
    (void)state;
    check_encode("AZaz09-._~", false, "AZaz09-._~");
}

static void test_awkward_bytes(void **state) {
    (void)state;
    check_encode("a b", true, "a%20b");
    check_encode("a+b", true, "a%2Bb");
    check_encode("100%", true, "100%25");
    check_encode("caf\xc3\xa9", true, "caf%C3%A9");         /* é */
    check_encode("\xf0\x9f\x93\xb7", true, "%F0%9F%93%B7"); /* camera */
    check_encode("a~b", true, "a~b");
    check_encode("q?x=1&y#z", true, "q%3Fx%3D1%26y%23z");
    check_encode("", true, "");
}

static void test_slash(void **state) {
    (void)state;
    check_encode("photos/2024/a b.jpg", true, "photos/2024/a%20b.jpg");
    check_encode("photos/2024/", false, "photos%2F2024%2F");
    /* Dot segments are names in S3, not paths to resolve. */
    check_encode("a/../b", true, "a/../b");
}

static void test_decode(void **state) {
    (void)state;
    char *s = aws_uri_decode("a+b%2Bc%25%C3%A9", strlen("a+b%2Bc%25%C3%A9"),
                             AWS_URI_PLUS_IS_SPACE);
    assert_non_null(s);
    assert_string_equal(s, "a b+c%\xc3\xa9");
    free(s);
    s = aws_uri_decode("a+b", 3, AWS_URI_PLUS_IS_PLUS);
    assert_string_equal(s, "a+b");
    free(s);
    assert_null(aws_uri_decode("bad%2", 5, AWS_URI_PLUS_IS_PLUS));
    assert_null(aws_uri_decode("bad%zz", 6, AWS_URI_PLUS_IS_PLUS));
    assert_null(aws_uri_decode("%", 1, AWS_URI_PLUS_IS_PLUS));
}

static void test_round_trip(void **state) {
    (void)state;
    const char *keys[] = {"a b+c%d~e/f", "\xe6\x97\xa5\xe6\x9c\xac/x y.png",
                          "%2F", "+++", "a//b"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char *e = aws_uri_encode(keys[i], true);
        char *d = aws_uri_decode(e, strlen(e), AWS_URI_PLUS_IS_PLUS);
        assert_string_equal(d, keys[i]);
        free(e);
        free(d);
    }
}

/* The key reaches the URL encoded once, after the bucket. */
static void test_key_in_url(void **state) {
    (void)state;
    mock_response ok = {.result = AWS_TRANSPORT_OK, .status = 200};
    mock_expect_request(
        "HEAD", "http://127.0.0.1:9000/bkt/dir/a%20b%2Bc%25%C3%A9~.jpg", &ok);
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport(NULL), &err);
    assert_non_null(c);
    s3_object_info info;
    assert_int_equal(
        s3_head_object(c, "bkt", "dir/a b+c%\xc3\xa9~.jpg", &info, &err),
        AWS_OK);
    s3_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unreserved_kept),
        cmocka_unit_test(test_awkward_bytes),
        cmocka_unit_test(test_slash),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_key_in_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
