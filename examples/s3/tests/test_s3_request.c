/*
 * test_s3_request.c -- what the client asks the transport to send:
 * method, URL, headers and the SigV4 inputs; and what it makes of the
 * answers (metadata, listings, error codes).
 */
#include "aws_internal.h"
#include "mock_transport.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* SHA-256 of the empty string, the payload hash of GET and HEAD. */
#define EMPTY_SHA256                                                           \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static s3_client *client_over(mock_transport *m, aws_config cfg) {
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport_make(m), &err);
    assert_non_null(c);
    return c;
}

static void test_get_request(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK,
                      200,
                      {"Content-Length: 5", "Content-Type: image/jpeg",
                       "Cache-Control: max-age=60", "ETag: \"abc\"",
                       "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT", NULL},
                      "hello",
                      0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    unsigned char *data;
    size_t len;
    s3_object_info info;
    aws_error err;
    assert_int_equal(
        s3_get_object(c, "src", "a.jpg", 100, &data, &len, &info, &err),
        AWS_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    free(data);
    assert_string_equal(m.last.method, "GET");
    assert_string_equal(m.last.url, "http://127.0.0.1:9000/src/a.jpg");
    assert_string_equal(mock_header(&m.last, "x-amz-content-sha256"),
                        EMPTY_SHA256);
    assert_null(mock_header(&m.last, "x-amz-security-token"));
    assert_string_equal(m.last.sigv4, "aws:amz:eu-west-1:s3");
    assert_string_equal(m.last.access_key_id, "AKIDEXAMPLE");
    assert_string_equal(m.last.secret_access_key,
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    assert_int_equal(info.size, 5);
    assert_string_equal(info.content_type, "image/jpeg");
    assert_string_equal(info.cache_control, "max-age=60");
    assert_string_equal(info.etag, "\"abc\"");
    assert_int_equal(info.last_modified, 1445412480);
    s3_client_free(c);
}

static void test_session_token_and_put_headers(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, NULL, 0});
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.session_token = "FwoGZXIvYXdzEXAMPLE";
    s3_client *c = client_over(&m, cfg);
    s3_put_options opts = {"image/webp", "public, max-age=31536000"};
    aws_error err;
    assert_int_equal(s3_put_object(c, "dst", "t/a.webp", "abc", 3, &opts, &err),
                     AWS_OK);
    assert_string_equal(m.last.method, "PUT");
    assert_int_equal(m.last.body_len, 3);
    assert_memory_equal(m.last.body, "abc", 3);
    /* sha256("abc") */
    assert_string_equal(
        mock_header(&m.last, "x-amz-content-sha256"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(mock_header(&m.last, "x-amz-security-token"),
                        "FwoGZXIvYXdzEXAMPLE");
    assert_string_equal(mock_header(&m.last, "Content-Type"), "image/webp");
    assert_string_equal(mock_header(&m.last, "Cache-Control"),
                        "public, max-age=31536000");
    s3_client_free(c);
}

static void test_put_default_content_type(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, NULL, 0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    aws_error err;
    assert_int_equal(s3_put_object(c, "dst", "k", "", 0, NULL, &err), AWS_OK);
    assert_string_equal(mock_header(&m.last, "Content-Type"),
                        "binary/octet-stream");
    assert_null(mock_header(&m.last, "Cache-Control"));
    assert_string_equal(mock_header(&m.last, "x-amz-content-sha256"),
                        EMPTY_SHA256);
    s3_client_free(c);
}

static void test_aws_addressing(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, NULL, 0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, NULL, 0});
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.endpoint = NULL;
    s3_client *c = client_over(&m, cfg);
    aws_error err;
    s3_object_info info;
    assert_int_equal(s3_head_object(c, "plain", "k 1", &info, &err), AWS_OK);
    assert_string_equal(m.last.url,
                        "https://plain.s3.eu-west-1.amazonaws.com/k%201");
    /* A dotted name would not match *.s3...amazonaws.com's certificate. */
    assert_int_equal(s3_head_object(c, "my.bucket", "k", &info, &err), AWS_OK);
    assert_string_equal(m.last.url,
                        "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
    s3_client_free(c);
}

static void test_list_query_is_canonical(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK,
                                  200,
                                  {NULL},
                                  "<ListBucketResult></ListBucketResult>",
                                  0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    s3_list_page page;
    aws_error err;
    assert_int_equal(
        s3_list_objects_page(c, "src", "a b/+", "tok/en=", 7, &page, &err),
        AWS_OK);
    /* Sorted by name, values encoded with '/' as %2F. */
    assert_string_equal(
        m.last.url, "http://127.0.0.1:9000/src?continuation-token=tok%2Fen%3D"
                    "&encoding-type=url&list-type=2&max-keys=7"
                    "&prefix=a%20b%2F%2B");
    assert_int_equal(page.count, 0);
    assert_null(page.next_continuation_token);
    s3_list_page_free(&page);
    s3_client_free(c);
}

static const char listing_page1[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>src</Name><Prefix></Prefix><KeyCount>2</KeyCount>"
    "<MaxKeys>2</MaxKeys><EncodingType>url</EncodingType>"
    "<IsTruncated>true</IsTruncated>"
    "<Contents><Key>a+b%2Bc%25.jpg</Key>"
    "<LastModified>2024-01-02T03:04:05.000Z</LastModified>"
    "<ETag>&quot;e1&quot;</ETag><Size>10</Size>"
    "<StorageClass>STANDARD</StorageClass></Contents>"
    "<Contents><Key>caf%C3%A9/%F0%9F%93%B7.png</Key>"
    "<LastModified>2024-01-02T03:04:06.000Z</LastModified>"
    "<ETag>&#34;e2&#x22;</ETag><Size>20</Size></Contents>"
    "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="
    "</NextContinuationToken></ListBucketResult>";

static const char listing_page2[] =
    "<ListBucketResult><IsTruncated>false</IsTruncated>"
    "<Contents><Key>z &amp; &lt;z&gt;</Key>"
    "<LastModified>2024-01-02T03:04:07Z</LastModified>"
    "<Size>30</Size></Contents></ListBucketResult>";

typedef struct collected {
    char keys[4][64];
    uint64_t sizes[4];
    int64_t times[4];
    size_t n;
} collected;

static int collect(void *user, const s3_list_entry *e) {
    collected *c = user;
    snprintf(c->keys[c->n], sizeof c->keys[c->n], "%s", e->key);
    c->sizes[c->n] = e->size;
    c->times[c->n] = e->last_modified;
    c->n++;
    return 0;
}

static void test_list_pagination_and_decoding(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m,
              (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, listing_page1, 0});
    mock_push(&m,
              (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, listing_page2, 0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    collected got = {0};
    aws_error err;
    assert_int_equal(s3_list_objects(c, "src", NULL, 2, collect, &got, &err),
                     AWS_OK);
    assert_int_equal(m.calls, 2);
    assert_int_equal(got.n, 3);
    /* EncodingType url: '+' is a space, %2B a plus. */
    assert_string_equal(got.keys[0], "a b+c%.jpg");
    assert_string_equal(got.keys[1], "caf\xc3\xa9/\xf0\x9f\x93\xb7.png");
    /* Not url-encoded on this page: only XML entities apply. */
    assert_string_equal(got.keys[2], "z & <z>");
    assert_int_equal(got.sizes[1], 20);
    assert_int_equal(got.times[0], 1704164645);
    assert_string_equal(m.last.url,
                        "http://127.0.0.1:9000/src?continuation-token="
                        "1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D"
                        "&encoding-type=url&list-type=2&max-keys=2");
    s3_client_free(c);
}

static void test_list_page_etag_entities(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m,
              (mock_response){AWS_TRANSPORT_OK, 200, {NULL}, listing_page1, 0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    s3_list_page page;
    aws_error err;
    assert_int_equal(s3_list_objects_page(c, "src", NULL, NULL, 0, &page, &err),
                     AWS_OK);
    assert_int_equal(page.count, 2);
    assert_string_equal(page.entries[0].etag, "\"e1\"");
    assert_string_equal(page.entries[1].etag, "\"e2\"");
    assert_string_equal(page.next_continuation_token,
                        "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    s3_list_page_free(&page);
    s3_client_free(c);
}

static void test_truncated_without_token_is_protocol_error(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(
        &m, (mock_response){AWS_TRANSPORT_OK,
                            200,
                            {NULL},
                            "<ListBucketResult><IsTruncated>true</IsTruncated>"
                            "</ListBucketResult>",
                            0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    s3_list_page page;
    aws_error err;
    assert_int_equal(s3_list_objects_page(c, "src", NULL, NULL, 0, &page, &err),
                     AWS_ERR_PROTOCOL);
    s3_list_page_free(&page);
    s3_client_free(c);
}

static void test_error_mapping(void **state) {
    (void)state;
    mock_transport m = {0};
    mock_push(&m, (mock_response){
                      AWS_TRANSPORT_OK,
                      404,
                      {NULL},
                      "<Error><Code>NoSuchKey</Code><Message>The specified key "
                      "does not exist.</Message></Error>",
                      0});
    mock_push(
        &m, (mock_response){AWS_TRANSPORT_OK,
                            403,
                            {NULL},
                            "<Error><Code>SignatureDoesNotMatch</Code></Error>",
                            0});
    mock_push(&m, (mock_response){AWS_TRANSPORT_OK, 404, {NULL}, NULL, 0});
    s3_client *c = client_over(&m, mock_config(AWS_SERVICE_S3));
    unsigned char *data;
    size_t len;
    aws_error err;
    assert_int_equal(
        s3_get_object(c, "src", "nope", 10, &data, &len, NULL, &err),
        AWS_ERR_NOT_FOUND);
    assert_null(data);
    assert_int_equal(err.status, AWS_ERR_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_int_equal(err.attempts, 1);
    assert_string_equal(err.code, "NoSuchKey");
    assert_non_null(strstr(err.message, "src/nope"));
    assert_non_null(strstr(err.message, "does not exist"));
    assert_int_equal(s3_put_object(c, "dst", "k", "x", 1, NULL, &err),
                     AWS_ERR_ACCESS);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    s3_object_info info;
    assert_int_equal(s3_head_object(c, "src", "nope", &info, &err),
                     AWS_ERR_NOT_FOUND);
    assert_string_equal(err.code, "NoSuchKey");
    s3_client_free(c);
}

static void test_config_checks(void **state) {
    (void)state;
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.region = NULL;
    aws_error err;
    mock_transport m = {0};
    assert_null(
        s3_client_new_with_transport(&cfg, mock_transport_make(&m), &err));
    assert_int_equal(err.status, AWS_ERR_ARG);
    assert_non_null(strstr(err.message, "region"));
    cfg = mock_config(AWS_SERVICE_S3);
    cfg.endpoint = "ftp://example.com";
    assert_null(
        s3_client_new_with_transport(&cfg, mock_transport_make(&m), &err));
    assert_int_equal(err.status, AWS_ERR_ARG);
}

static void test_config_from_env(void **state) {
    (void)state;
    aws_config cfg;
    aws_error err;
    setenv("AWS_ACCESS_KEY_ID", "AK", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
    setenv("AWS_SESSION_TOKEN", "TOK", 1);
    unsetenv("AWS_REGION");
    setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2", 1);
    unsetenv("AWS_ENDPOINT_URL_SQS");
    unsetenv("AWS_CA_BUNDLE");
    assert_int_equal(aws_config_from_env(&cfg, AWS_SERVICE_S3, &err), AWS_OK);
    assert_string_equal(cfg.region, "ap-south-1");
    assert_string_equal(cfg.session_token, "TOK");
    assert_string_equal(cfg.endpoint, "http://127.0.0.1:2");
    assert_null(cfg.ca_bundle);
    setenv("AWS_CA_BUNDLE", "/var/task/certs/ca-certificates.crt", 1);
    assert_int_equal(aws_config_from_env(&cfg, AWS_SERVICE_SQS, &err), AWS_OK);
    assert_string_equal(cfg.ca_bundle, "/var/task/certs/ca-certificates.crt");
    unsetenv("AWS_CA_BUNDLE");
    assert_string_equal(cfg.endpoint, "http://127.0.0.1:1");
    setenv("AWS_REGION", "us-west-2", 1);
    assert_int_equal(aws_config_from_env(&cfg, AWS_SERVICE_S3, &err), AWS_OK);
    assert_string_equal(cfg.region, "us-west-2");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    assert_int_equal(aws_config_from_env(&cfg, AWS_SERVICE_S3, &err),
                     AWS_ERR_ARG);
    assert_non_null(strstr(err.message, "AWS_SECRET_ACCESS_KEY"));
}

static void test_dates(void **state) {
    (void)state;
    const char *http = "Thu, 01 Jan 1970 00:00:00 GMT";
    assert_int_equal(aws_parse_date(http, strlen(http)), 0);
    const char *iso = "2000-02-29T23:59:59.999Z";
    assert_int_equal(aws_parse_date(iso, strlen(iso)), 951868799);
    assert_int_equal(aws_parse_date("garbage", 7), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_request),
        cmocka_unit_test(test_session_token_and_put_headers),
        cmocka_unit_test(test_put_default_content_type),
        cmocka_unit_test(test_aws_addressing),
        cmocka_unit_test(test_list_query_is_canonical),
        cmocka_unit_test(test_list_pagination_and_decoding),
        cmocka_unit_test(test_list_page_etag_entities),
        cmocka_unit_test(test_truncated_without_token_is_protocol_error),
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_config_checks),
        cmocka_unit_test(test_config_from_env),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
