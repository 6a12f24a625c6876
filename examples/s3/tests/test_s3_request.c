/*
 * test_s3_request.c -- what the client asks the transport to send:
 * method, URL, headers and the SigV4 inputs; and what it makes of the
 * answers (metadata, listings, error codes).
 */
#include "aws_internal.h"
#include "aws_mock.h"

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

static s3_client *client_over(mock_request *last, aws_config cfg) {
    aws_error err;
    s3_client *c =
        s3_client_new_with_transport(&cfg, mock_transport(last), &err);
    assert_non_null(c);
    return c;
}

static void test_get_request(void **state) {
    (void)state;
    mock_response r = {
        .result = AWS_TRANSPORT_OK,
        .status = 200,
        .headers = {"Content-Length: 5", "Content-Type: image/jpeg",
                    "Cache-Control: max-age=60", "ETag: \"abc\"",
                    "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT"},
        .body = "hello"};
    mock_expect_request("GET", "http://127.0.0.1:9000/src/a.jpg", &r);
    mock_request last;
    s3_client *c = client_over(&last, mock_config(AWS_SERVICE_S3));
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
    assert_string_equal(mock_header(&last, "x-amz-content-sha256"),
                        EMPTY_SHA256);
    assert_null(mock_header(&last, "x-amz-security-token"));
    assert_string_equal(last.sigv4, "aws:amz:eu-west-1:s3");
    assert_string_equal(last.access_key_id, "AKIDEXAMPLE");
    assert_string_equal(last.secret_access_key,
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
    mock_response ok = {.result = AWS_TRANSPORT_OK, .status = 200};
    mock_expect_request("PUT", "http://127.0.0.1:9000/dst/t/a.webp", &ok);
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.session_token = "FwoGZXIvYXdzEXAMPLE";
    mock_request last;
    s3_client *c = client_over(&last, cfg);
    s3_put_options opts = {"image/webp", "public, max-age=31536000"};
    aws_error err;
    assert_int_equal(s3_put_object(c, "dst", "t/a.webp", "abc", 3, &opts, &err),
                     AWS_OK);
    assert_int_equal(last.body_len, 3);
    assert_memory_equal(last.body, "abc", 3);
    /* sha256("abc") */
    assert_string_equal(
        mock_header(&last, "x-amz-content-sha256"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(mock_header(&last, "x-amz-security-token"),
                        "FwoGZXIvYXdzEXAMPLE");
    assert_string_equal(mock_header(&last, "Content-Type"), "image/webp");
    assert_string_equal(mock_header(&last, "Cache-Control"),
                        "public, max-age=31536000");
    s3_client_free(c);
}

static void test_put_default_content_type(void **state) {
    (void)state;
    mock_response ok = {.result = AWS_TRANSPORT_OK, .status = 200};
    mock_expect_request("PUT", "http://127.0.0.1:9000/dst/k", &ok);
    mock_request last;
    s3_client *c = client_over(&last, mock_config(AWS_SERVICE_S3));
    aws_error err;
    assert_int_equal(s3_put_object(c, "dst", "k", "", 0, NULL, &err), AWS_OK);
    assert_string_equal(mock_header(&last, "Content-Type"),
                        "binary/octet-stream");
    assert_null(mock_header(&last, "Cache-Control"));
    assert_string_equal(mock_header(&last, "x-amz-content-sha256"),
                        EMPTY_SHA256);
    s3_client_free(c);
}

static void test_delete_request(void **state) {
    (void)state;
    mock_response done = {.result = AWS_TRANSPORT_OK, .status = 204};
    mock_response denied = {.result = AWS_TRANSPORT_OK,
                            .status = 403,
                            .body = "<Error><Code>AccessDenied</Code>"
                                    "<Message>no</Message></Error>"};
    mock_expect_request("DELETE", "http://127.0.0.1:9000/dst/t/a%20b.webp",
                        &done);
    mock_expect_request("DELETE", "http://127.0.0.1:9000/dst/k", &denied);
    mock_request last;
    s3_client *c = client_over(&last, mock_config(AWS_SERVICE_S3));
    aws_error err;
    assert_int_equal(s3_delete_object(c, "dst", "t/a b.webp", &err), AWS_OK);
    assert_string_equal(mock_header(&last, "x-amz-content-sha256"),
                        EMPTY_SHA256);
    assert_int_equal(s3_delete_object(c, "dst", "k", &err), AWS_ERR_ACCESS);
    assert_string_equal(err.code, "AccessDenied");
    s3_client_free(c);
}

static void test_aws_addressing(void **state) {
    (void)state;
    mock_response ok = {.result = AWS_TRANSPORT_OK, .status = 200};
    mock_expect_request("HEAD",
                        "https://plain.s3.eu-west-1.amazonaws.com/k%201", &ok);
    /* A dotted name would not match *.s3...amazonaws.com's certificate. */
    mock_expect_request("HEAD",
                        "https://s3.eu-west-1.amazonaws.com/my.bucket/k", &ok);
    aws_config cfg = mock_config(AWS_SERVICE_S3);
    cfg.endpoint = NULL;
    s3_client *c = client_over(NULL, cfg);
    aws_error err;
    s3_object_info info;
    assert_int_equal(s3_head_object(c, "plain", "k 1", &info, &err), AWS_OK);
    assert_int_equal(s3_head_object(c, "my.bucket", "k", &info, &err), AWS_OK);
    s3_client_free(c);
}

static void test_list_query_is_canonical(void **state) {
    (void)state;
    mock_response r = {.result = AWS_TRANSPORT_OK,
                       .status = 200,
                       .body = "<ListBucketResult></ListBucketResult>"};
    /* Sorted by name, values encoded with '/' as %2F. */
    mock_expect_request(
        "GET",
        "http://127.0.0.1:9000/src?continuation-token=tok%2Fen%3D"
        "&encoding-type=url&list-type=2&max-keys=7&prefix=a%20b%2F%2B",
        &r);
    s3_client *c = client_over(NULL, mock_config(AWS_SERVICE_S3));
    s3_list_page page;
    aws_error err;
    assert_int_equal(
        s3_list_objects_page(c, "src", "a b/+", "tok/en=", 7, &page, &err),
        AWS_OK);
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
    mock_response page1 = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = listing_page1};
    mock_response page2 = {
        .result = AWS_TRANSPORT_OK, .status = 200, .body = listing_page2};
    mock_expect_request("GET",
                        "http://127.0.0.1:9000/src?encoding-type=url"
                        "&list-type=2&max-keys=2",
                        &page1);
    /* The second page asks with the first one's token. */
    mock_expect_request("GET",
                        "http://127.0.0.1:9000/src?continuation-token="
                        "1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D"
                        "&encoding-type=url&list-type=2&max-keys=2",
                        &page2);
    s3_client *c = client_over(NULL, mock_config(AWS_SERVICE_S3));
    collected got = {0};
    aws_error err;
    assert_int_equal(s3_list_objects(c, "src", NULL, 2, collect, &got, &err),
                     AWS_OK);
    assert_int_equal(got.n, 3);
    /* EncodingType url: '+' is a space, %2B a plus. */
    assert_string_equal(got.keys[0], "a b+c%.jpg");
    assert_string_equal(got.keys[1], "caf\xc3\xa9/\xf0\x9f\x93\xb7.png");
    /* Not url-encoded on this page: only XML entities apply. */
    assert_string_equal(got.keys[2], "z & <z>");
    assert_int_equal(got.sizes[1], 20);
    assert_int_equal(got.times[0], 1704164645);
    s3_client_free(c);
}

/* One listing page read from a response with this body. */
static aws_status list_page_of(const char *body, s3_list_page *page) {
    mock_response r = {.result = AWS_TRANSPORT_OK, .status = 200, .body = body};
    mock_any_request(&r);
    s3_client *c = client_over(NULL, mock_config(AWS_SERVICE_S3));
    aws_error err;
    aws_status st = s3_list_objects_page(c, "src", NULL, NULL, 0, page, &err);
    s3_client_free(c);
    return st;
}

static void test_list_page_etag_entities(void **state) {
    (void)state;
    s3_list_page page;
    assert_int_equal(list_page_of(listing_page1, &page), AWS_OK);
    assert_int_equal(page.count, 2);
    assert_string_equal(page.entries[0].etag, "\"e1\"");
    assert_string_equal(page.entries[1].etag, "\"e2\"");
    assert_string_equal(page.next_continuation_token,
                        "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    s3_list_page_free(&page);
}

/* EncodingType applies to every key of the document, wherever it comes. */
static void test_list_encoding_type_after_contents(void **state) {
    (void)state;
    s3_list_page page;
    assert_int_equal(
        list_page_of(
            "<ListBucketResult><Contents><Key>a+%2B.jpg</Key></Contents>"
            "<EncodingType>url</EncodingType>"
            "<IsTruncated>false</IsTruncated></ListBucketResult>",
            &page),
        AWS_OK);
    assert_int_equal(page.count, 1);
    assert_string_equal(page.entries[0].key, "a +.jpg");
    s3_list_page_free(&page);
}

static void test_truncated_without_token_is_protocol_error(void **state) {
    (void)state;
    s3_list_page page;
    assert_int_equal(list_page_of("<ListBucketResult><IsTruncated>true"
                                  "</IsTruncated></ListBucketResult>",
                                  &page),
                     AWS_ERR_PROTOCOL);
    s3_list_page_free(&page);
}

static void test_error_mapping(void **state) {
    (void)state;
    mock_response no_such_key = {
        .result = AWS_TRANSPORT_OK,
        .status = 404,
        .body = "<Error><Code>NoSuchKey</Code><Message>The specified key "
                "does not exist.</Message></Error>"};
    mock_response bad_signature = {
        .result = AWS_TRANSPORT_OK,
        .status = 403,
        .body = "<Error><Code>SignatureDoesNotMatch</Code></Error>"};
    mock_response head_404 = {.result = AWS_TRANSPORT_OK, .status = 404};
    /* Each once: 4xx other than throttling are never retried. */
    mock_any_request(&no_such_key);
    mock_any_request(&bad_signature);
    mock_any_request(&head_404);
    s3_client *c = client_over(NULL, mock_config(AWS_SERVICE_S3));
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
    /* Refused before any request: none is scripted. */
    assert_null(s3_client_new_with_transport(&cfg, mock_transport(NULL), &err));
    assert_int_equal(err.status, AWS_ERR_ARG);
    assert_non_null(strstr(err.message, "region"));
    cfg = mock_config(AWS_SERVICE_S3);
    cfg.endpoint = "ftp://example.com";
    assert_null(s3_client_new_with_transport(&cfg, mock_transport(NULL), &err));
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
        cmocka_unit_test(test_delete_request),
        cmocka_unit_test(test_aws_addressing),
        cmocka_unit_test(test_list_query_is_canonical),
        cmocka_unit_test(test_list_pagination_and_decoding),
        cmocka_unit_test(test_list_page_etag_entities),
        cmocka_unit_test(test_list_encoding_type_after_contents),
        cmocka_unit_test(test_truncated_without_token_is_protocol_error),
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_config_checks),
        cmocka_unit_test(test_config_from_env),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
