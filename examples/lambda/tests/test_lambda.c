/* Unit tests of the Lambda runtime's pure parts: event and query parsing,
 * configuration and the recursion guard, key templates, telemetry lines,
 * base64; and the handler's uploads, over a mock S3 transport. */
#include "aws_transport.h"
#include "aws_uri.h"
#include "base64.h"
#include "config.h"
#include "event.h"
#include "handler.h"
#include "keytemplate.h"
#include "names.h"
#include "query.h"
#include "telemetry.h"

#include <cjson/cJSON.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- helpers ---- */

static lambda_event parse_ok(const char *json) {
    lambda_event ev;
    char why[LAMBDA_EVENT_ERROR_SIZE];
    lambda_event_status st =
        lambda_event_parse(json, strlen(json), &ev, why, sizeof why);
    if (st != LAMBDA_EVENT_OK)
        fail_msg("parse failed: %s", why);
    return ev;
}

/* An environment given as a NULL-terminated list of "NAME=value". */
static const char *list_lookup(void *user, const char *name) {
    const char *const *env = user;
    size_t n = strlen(name);
    for (; *env; env++)
        if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

static config_status load(const char *const *env, lambda_config *cfg, char *why,
                          size_t why_size) {
    return config_load(cfg, list_lookup, (void *)env, why, why_size);
}

/* ---- url_decode ---- */

static void url_decode_plus_is_space_only_in_form_encoding(void **state) {
    (void)state;
    char *a = aws_uri_decode("a+b%2Bc%20d", 11, AWS_URI_PLUS_IS_SPACE);
    char *b = aws_uri_decode("a+b%2Bc%20d", 11, AWS_URI_PLUS_IS_PLUS);
    assert_string_equal(a, "a b+c d");
    assert_string_equal(b, "a+b+c d");
    free(a);
    free(b);
}

static void url_decode_refuses_broken_escapes_and_nul(void **state) {
    (void)state;
    assert_null(aws_uri_decode("abc%", 4, AWS_URI_PLUS_IS_PLUS));
    assert_null(aws_uri_decode("abc%2", 5, AWS_URI_PLUS_IS_PLUS));
    assert_null(aws_uri_decode("abc%zz", 6, AWS_URI_PLUS_IS_PLUS));
    assert_null(aws_uri_decode("a%00b", 5, AWS_URI_PLUS_IS_PLUS));
    char *utf8 = aws_uri_decode("caf%C3%A9", 9, AWS_URI_PLUS_IS_PLUS);
    assert_string_equal(utf8, "caf\xc3\xa9");
    free(utf8);
}

/* ---- events ---- */

static const char s3_event[] =
    "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
    "\"awsRegion\":\"us-east-1\",\"eventName\":\"ObjectCreated:Put\","
    "\"s3\":{\"bucket\":{\"name\":\"src\"},\"object\":{\"key\":"
    "\"photos/a+b%2Bc%25d+%C3%A9.jpg\",\"size\":1234,\"eTag\":\"abc\"}}}]}";

static void s3_event_keys_are_decoded(void **state) {
    (void)state;
    lambda_event ev = parse_ok(s3_event);
    assert_int_equal(ev.kind, LAMBDA_EVENT_S3);
    assert_int_equal(ev.record_count, 1);
    assert_string_equal(ev.records[0].bucket, "src");
    assert_string_equal(ev.records[0].key, "photos/a b+c%d \xc3\xa9.jpg");
    assert_string_equal(ev.records[0].event_name, "ObjectCreated:Put");
    assert_int_equal(ev.records[0].size, 1234);
    assert_string_equal(ev.records[0].etag, "abc");
    lambda_event_free(&ev);
}

static void s3_event_without_key_is_refused(void **state) {
    (void)state;
    const char *json = "{\"Records\":[{\"eventSource\":\"aws:s3\","
                       "\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
                       "\"bucket\":{\"name\":\"b\"},\"object\":{}}}]}";
    lambda_event ev;
    char why[LAMBDA_EVENT_ERROR_SIZE];
    assert_int_equal(
        lambda_event_parse(json, strlen(json), &ev, why, sizeof why),
        LAMBDA_EVENT_ERR_SHAPE);
    assert_non_null(strstr(why, "s3.object.key"));
    lambda_event_free(&ev);
}

static void sqs_batch_marks_each_message(void **state) {
    (void)state;
    const char *json =
        "{\"Records\":["
        /* an S3 notification */
        "{\"messageId\":\"m1\",\"eventSource\":\"aws:sqs\",\"attributes\":{"
        "\"ApproximateReceiveCount\":\"2\"},\"body\":\"{\\\"Records\\\":[{"
        "\\\"eventSource\\\":\\\"aws:s3\\\",\\\"eventName\\\":"
        "\\\"ObjectCreated:"
        "Put\\\",\\\"s3\\\":{\\\"bucket\\\":{\\\"name\\\":\\\"src\\\"},"
        "\\\"object\\\":{\\\"key\\\":\\\"x+y.png\\\",\\\"size\\\":5}}}]}\"},"
        /* the test event S3 sends when the notification is set up */
        "{\"messageId\":\"m2\",\"eventSource\":\"aws:sqs\",\"body\":"
        "\"{\\\"Service\\\":\\\"Amazon "
        "S3\\\",\\\"Event\\\":\\\"s3:TestEvent\\\","
        "\\\"Bucket\\\":\\\"src\\\"}\"},"
        /* garbage */
        "{\"messageId\":\"m3\",\"eventSource\":\"aws:sqs\",\"body\":\"hello\"},"
        /* JSON, not a notification */
        "{\"messageId\":\"m4\",\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}"
        "]}";
    lambda_event ev = parse_ok(json);
    assert_int_equal(ev.kind, LAMBDA_EVENT_SQS);
    assert_int_equal(ev.message_count, 4);
    assert_string_equal(ev.messages[0].message_id, "m1");
    assert_int_equal(ev.messages[0].status, LAMBDA_MESSAGE_S3);
    assert_int_equal(ev.messages[0].receive_count, 2);
    assert_int_equal(ev.messages[0].record_count, 1);
    assert_string_equal(ev.messages[0].records[0].key, "x y.png");
    assert_int_equal(ev.messages[1].status, LAMBDA_MESSAGE_TEST_EVENT);
    assert_int_equal(ev.messages[2].status, LAMBDA_MESSAGE_INVALID);
    assert_non_null(strstr(ev.messages[2].error, "not JSON"));
    assert_int_equal(ev.messages[3].status, LAMBDA_MESSAGE_INVALID);
    assert_string_equal(ev.messages[3].message_id, "m4");
    lambda_event_free(&ev);
}

static void sqs_message_without_id_refuses_the_batch(void **state) {
    (void)state;
    const char *json =
        "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}";
    lambda_event ev;
    assert_int_equal(lambda_event_parse(json, strlen(json), &ev, NULL, 0),
                     LAMBDA_EVENT_ERR_SHAPE);
}

static void function_url_request_is_recognised(void **state) {
    (void)state;
    const char *json =
        "{\"version\":\"2.0\",\"rawPath\":\"/a%20b.jpg\",\"rawQueryString\":"
        "\"width=256\",\"headers\":{\"accept\":\"image/webp\"},"
        "\"requestContext\":{\"http\":{\"method\":\"GET\"}}}";
    lambda_event ev = parse_ok(json);
    assert_int_equal(ev.kind, LAMBDA_EVENT_HTTP);
    assert_string_equal(ev.http.method, "GET");
    assert_string_equal(ev.http.raw_path, "/a%20b.jpg");
    assert_string_equal(ev.http.raw_query, "width=256");
    assert_string_equal(ev.http.accept, "image/webp");
    lambda_event_free(&ev);
}

static void non_json_and_unknown_shapes_are_errors(void **state) {
    (void)state;
    lambda_event ev;
    assert_int_equal(lambda_event_parse("{\"Rec", 5, &ev, NULL, 0),
                     LAMBDA_EVENT_ERR_JSON);
    assert_int_equal(lambda_event_parse("[]", 2, &ev, NULL, 0),
                     LAMBDA_EVENT_ERR_SHAPE);
    assert_int_equal(lambda_event_parse("{\"Records\":[]}", 14, &ev, NULL, 0),
                     LAMBDA_EVENT_ERR_SHAPE);
    /* Not NUL-terminated: the length is what counts. */
    assert_int_equal(lambda_event_parse("{}garbage", 2, &ev, NULL, 0),
                     LAMBDA_EVENT_ERR_SHAPE);
}

/* ---- queries ---- */

static void query_parses_every_parameter(void **state) {
    (void)state;
    query_request q;
    char why[QUERY_ERROR_SIZE];
    assert_int_equal(query_parse("GET", "/dir/a+b%20c.jpg",
                                 "width=256&height=128&fit=cover&format=webp",
                                 &q, why, sizeof why),
                     QUERY_OK);
    assert_string_equal(q.key, "dir/a+b c.jpg");
    assert_int_equal(q.width, 256);
    assert_int_equal(q.height, 128);
    assert_int_equal(q.fit, THUMB_FIT_COVER);
    assert_int_equal(q.format, THUMB_FORMAT_WEBP);
    assert_int_equal(q.head, 0);
    query_request_free(&q);
}

/* Format words are the library's (thumb_format_from_name): GIF included,
 * as a name, an extension or a MIME type. */
static void format_names_are_the_librarys(void **state) {
    (void)state;
    static const struct {
        const char *name;
        thumb_format want;
    } cases[] = {
        {"auto", THUMB_FORMAT_AUTO},       {"jpeg", THUMB_FORMAT_JPEG},
        {"jpg", THUMB_FORMAT_JPEG},        {"png", THUMB_FORMAT_PNG},
        {"webp", THUMB_FORMAT_WEBP},       {"gif", THUMB_FORMAT_GIF},
        {"image/gif", THUMB_FORMAT_GIF},   {"avif", THUMB_FORMAT_AVIF},
        {"image/avif", THUMB_FORMAT_AVIF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        thumb_format f = THUMB_FORMAT_AUTO;
        if (!names_parse_format(cases[i].name, &f) || f != cases[i].want)
            fail_msg("%s: not format %d", cases[i].name, cases[i].want);
    }
    /* Names the library knows but cannot write are no output format
     * (the fuzzer's "format=.hif"). */
    static const char *const refused[] = {"bmp", "heic", ".hif", "image/jxl"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        thumb_format f = THUMB_FORMAT_PNG;
        if (names_parse_format(refused[i], &f) || f != THUMB_FORMAT_PNG)
            fail_msg("%s: taken as an output format", refused[i]);
    }

    query_request q;
    char why[QUERY_ERROR_SIZE];
    assert_int_equal(
        query_parse("GET", "/a.gif", "format=gif", &q, why, sizeof why),
        QUERY_OK);
    assert_int_equal(q.format, THUMB_FORMAT_GIF);
    query_request_free(&q);

    const char *env[] = {"THUMB_SOURCE_BUCKET=a", "THUMB_DEST_BUCKET=b",
                         "THUMB_FORMAT=gif", NULL};
    lambda_config cfg;
    char cfg_why[CONFIG_ERROR_SIZE];
    assert_int_equal(load(env, &cfg, cfg_why, sizeof cfg_why), CONFIG_OK);
    assert_int_equal(cfg.format, THUMB_FORMAT_GIF);
}

static void query_refuses_bad_requests(void **state) {
    (void)state;
    static const struct {
        const char *method, *path, *query;
        query_status want;
    } cases[] = {
        {"POST", "/a.jpg", "", QUERY_ERR_METHOD},
        {"GET", "/", "", QUERY_ERR_INVALID},
        {"GET", "a.jpg", "", QUERY_ERR_INVALID},
        {"GET", "/a/../b.jpg", "", QUERY_ERR_INVALID},
        {"GET", "/a//b.jpg", "", QUERY_ERR_INVALID},
        {"GET", "/a%2", "", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width=0", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width=65536", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width=-1", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width=1e3", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width=1&width=2", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "fit=stretch", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "format=bmp", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "cachebuster=1", QUERY_ERR_INVALID},
        {"GET", "/a.jpg", "width", QUERY_ERR_INVALID},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        query_request q;
        char why[QUERY_ERROR_SIZE];
        query_status st = query_parse(cases[i].method, cases[i].path,
                                      cases[i].query, &q, why, sizeof why);
        if (st != cases[i].want)
            fail_msg("case %zu (%s %s?%s): got %d", i, cases[i].method,
                     cases[i].path, cases[i].query, st);
        assert_true(why[0] != '\0');
    }
}

static void query_accepts_only_what_is_listed(void **state) {
    (void)state;
    const thumb_format webp = THUMB_FORMAT_WEBP, avif = THUMB_FORMAT_AVIF;
    assert_true(query_accepts("image/avif,image/webp,*/*;q=0.8", webp));
    assert_true(query_accepts("image/avif,image/webp,*/*;q=0.8", avif));
    assert_true(query_accepts("IMAGE/WEBP", webp));
    assert_true(query_accepts("image/png, image/webp ;q=0.5", webp));
    assert_false(query_accepts("image/png, image/webp ;q=0.5", avif));
    assert_false(query_accepts("image/webp;q=0", webp));
    assert_false(query_accepts("image/avif;q=0,image/webp", avif));
    assert_false(query_accepts("image/*,*/*", webp));
    assert_false(query_accepts("", webp));
    assert_false(query_accepts("image/webpx", webp));
    assert_false(query_accepts("image/avif", THUMB_FORMAT_AUTO));
}

/* ---- configuration ---- */

static void config_defaults(void **state) {
    (void)state;
    const char *env[] = {"THUMB_SOURCE_BUCKET=src", "THUMB_DEST_BUCKET=dst",
                         NULL};
    lambda_config cfg;
    char why[CONFIG_ERROR_SIZE];
    assert_int_equal(load(env, &cfg, why, sizeof why), CONFIG_OK);
    assert_int_equal(cfg.sizes.count, 1);
    assert_string_equal(cfg.sizes.items[0].name, "256x256");
    assert_int_equal(cfg.format, THUMB_FORMAT_WEBP);
    assert_int_equal(cfg.quality, 80);
    assert_string_equal(cfg.key_template, "thumbnails/{size}/{key_stem}.{ext}");
    assert_int_equal(cfg.ondemand_sizes.count, 1);
}

static void config_sizes_take_every_form(void **state) {
    (void)state;
    config_size_list list;
    char why[CONFIG_ERROR_SIZE];
    assert_int_equal(
        config_parse_sizes("64,200x,x120,320x240", &list, why, sizeof why),
        CONFIG_OK);
    assert_int_equal(list.count, 4);
    assert_string_equal(list.items[0].name, "64x64");
    assert_string_equal(list.items[1].name, "200x");
    assert_int_equal(list.items[1].height, 0);
    assert_string_equal(list.items[2].name, "x120");
    assert_non_null(config_find_size(&list, 320, 240));
    assert_null(config_find_size(&list, 320, 241));
    assert_int_equal(config_parse_sizes("64,,", &list, why, sizeof why),
                     CONFIG_ERR_INVALID);
    assert_int_equal(config_parse_sizes("x", &list, why, sizeof why),
                     CONFIG_ERR_INVALID);
    assert_int_equal(config_parse_sizes("64,64x64", &list, why, sizeof why),
                     CONFIG_ERR_INVALID);
    assert_int_equal(config_parse_sizes("70000", &list, why, sizeof why),
                     CONFIG_ERR_INVALID);
}

static void config_recursion_guard_refuses_overlapping_prefixes(void **s) {
    (void)s;
    lambda_config cfg;
    char why[CONFIG_ERROR_SIZE];
    const char *same_bucket_default[] = {"THUMB_SOURCE_BUCKET=b",
                                         "THUMB_DEST_BUCKET=b", NULL};
    assert_int_equal(load(same_bucket_default, &cfg, why, sizeof why),
                     CONFIG_ERR_INVALID);
    assert_non_null(strstr(why, "recursion guard"));
    const char *under_trigger[] = {
        "THUMB_SOURCE_BUCKET=b", "THUMB_DEST_BUCKET=b",
        "THUMB_SOURCE_PREFIX=uploads/",
        "THUMB_KEY_TEMPLATE=uploads/thumbs/{size}/{key}", NULL};
    assert_int_equal(load(under_trigger, &cfg, why, sizeof why),
                     CONFIG_ERR_INVALID);
    const char *template_starts_with_key[] = {
        "THUMB_SOURCE_BUCKET=b", "THUMB_DEST_BUCKET=b",
        "THUMB_SOURCE_PREFIX=uploads/", "THUMB_KEY_TEMPLATE={key}.{size}.jpg",
        NULL};
    assert_int_equal(load(template_starts_with_key, &cfg, why, sizeof why),
                     CONFIG_ERR_INVALID);
    const char *disjoint[] = {"THUMB_SOURCE_BUCKET=b", "THUMB_DEST_BUCKET=b",
                              "THUMB_SOURCE_PREFIX=uploads/", NULL};
    assert_int_equal(load(disjoint, &cfg, why, sizeof why), CONFIG_OK);
    const char *two_buckets[] = {"THUMB_SOURCE_BUCKET=a", "THUMB_DEST_BUCKET=b",
                                 "THUMB_KEY_TEMPLATE={key}.{size}.{ext}", NULL};
    assert_int_equal(load(two_buckets, &cfg, why, sizeof why), CONFIG_OK);
}

static void config_refuses_bad_values(void **state) {
    (void)state;
    static const char *const bad[] = {
        "THUMB_QUALITY=0",
        "THUMB_QUALITY=101",
        "THUMB_FORMAT=bmp",
        "THUMB_FIT=stretch",
        "THUMB_SIZES=abc",
        "THUMB_MAX_PIXELS=-5",
        "THUMB_KEY_TEMPLATE=t/{nope}",
        "THUMB_KEY_TEMPLATE=t/{size}.jpg",
        "THUMB_MIN_REMAINING_MS=x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *env[] = {"THUMB_SOURCE_BUCKET=a", "THUMB_DEST_BUCKET=b",
                             bad[i], NULL};
        lambda_config cfg;
        char why[CONFIG_ERROR_SIZE] = "";
        if (load(env, &cfg, why, sizeof why) != CONFIG_ERR_INVALID)
            fail_msg("%s accepted", bad[i]);
        assert_true(why[0] != '\0');
    }
    const char *several_sizes_one_key[] = {
        "THUMB_SOURCE_BUCKET=a", "THUMB_DEST_BUCKET=b", "THUMB_SIZES=64,128",
        "THUMB_KEY_TEMPLATE=t/{key_stem}.{ext}", NULL};
    lambda_config cfg;
    char why[CONFIG_ERROR_SIZE];
    assert_int_equal(load(several_sizes_one_key, &cfg, why, sizeof why),
                     CONFIG_ERR_INVALID);
    const char *missing[] = {"THUMB_SOURCE_BUCKET=a", NULL};
    assert_int_equal(load(missing, &cfg, why, sizeof why), CONFIG_ERR_INVALID);
    assert_non_null(strstr(why, "THUMB_DEST_BUCKET"));
}

/* ---- key templates ---- */

static void keytemplate_expands_every_placeholder(void **state) {
    (void)state;
    char out[KEYTEMPLATE_MAX_KEY_BYTES + 1];
    keytemplate_vars v = {"photos/a b.c.JPG", "200x", 200, 0, "webp"};
    assert_int_equal(
        keytemplate_expand("t/{size}/{key_stem}.{ext}", &v, out, sizeof out),
        KEYTEMPLATE_OK);
    assert_string_equal(out, "t/200x/photos/a b.c.webp");
    assert_int_equal(
        keytemplate_expand("{width}-{height}/{key}", &v, out, sizeof out),
        KEYTEMPLATE_OK);
    assert_string_equal(out, "200-0/photos/a b.c.JPG");
    keytemplate_vars dotted = {"dir.d/.hidden", "1x1", 1, 1, "png"};
    assert_int_equal(
        keytemplate_expand("{key_stem}.{ext}", &dotted, out, sizeof out),
        KEYTEMPLATE_OK);
    assert_string_equal(out, "dir.d/.hidden.png");
    assert_int_equal(keytemplate_expand("{key", &v, out, sizeof out),
                     KEYTEMPLATE_ERR_SYNTAX);
    assert_int_equal(keytemplate_expand("a}", &v, out, sizeof out),
                     KEYTEMPLATE_ERR_SYNTAX);
    char small[8];
    assert_int_equal(keytemplate_expand("{key}", &v, small, sizeof small),
                     KEYTEMPLATE_ERR_TOO_LONG);
    assert_int_equal(keytemplate_fixed_prefix("thumbs/{size}"), 7);
}

/* ---- telemetry ---- */

static void telemetry_lines_are_json_with_the_metrics(void **state) {
    (void)state;
    config_size size = {256, 256, "256x256"};
    telemetry_report r;
    telemetry_report_init(&r, "req-1", "src", "a \"b\".jpg");
    r.sizes[r.size_count++] = &size;
    r.outcome = TELEMETRY_OK;
    r.decodes = 1;
    r.input_bytes = 1000;
    r.output_bytes = 100;
    r.input_width = 2000;
    r.input_height = 1000;
    r.decode_us = 1500;
    r.resize_us = 500;
    r.encode_us = 250;
    r.total_us = 3000;
    r.output_count = 1;
    strcpy(r.outputs[0].key, "t/a.webp");
    r.outputs[0].size_name = size.name;
    char *log = telemetry_log_line(&r);
    cJSON *doc = cJSON_Parse(log);
    assert_non_null(doc);
    assert_string_equal(cJSON_GetObjectItem(doc, "key")->valuestring,
                        "a \"b\".jpg");
    assert_float_equal(cJSON_GetObjectItem(doc, "decodeMs")->valuedouble, 1.5,
                       1e-9);
    assert_null(cJSON_GetObjectItem(doc, "errorClass"));
    cJSON_Delete(doc);
    cJSON_free(log);

    char *emf = telemetry_emf_line(&r, "ns", "fn", 1700000000000);
    doc = cJSON_Parse(emf);
    assert_non_null(doc);
    const cJSON *aws = cJSON_GetObjectItem(doc, "_aws");
    const cJSON *directive =
        cJSON_GetArrayItem(cJSON_GetObjectItem(aws, "CloudWatchMetrics"), 0);
    assert_string_equal(
        cJSON_GetObjectItem(directive, "Namespace")->valuestring, "ns");
    static const char *const names[] = {
        "Thumbnails",   "Errors",      "ClientErrors",   "Refused",  "Decodes",
        "OutputErrors", "DecodeMs",    "ResizeMs",       "EncodeMs", "TotalMs",
        "InputBytes",   "OutputBytes", "InputMegapixels"};
    const cJSON *defs = cJSON_GetObjectItem(directive, "Metrics");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int found = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, defs) found |=
            strcmp(cJSON_GetObjectItem(d, "Name")->valuestring, names[i]) == 0;
        if (!found || !cJSON_IsNumber(cJSON_GetObjectItem(doc, names[i])))
            fail_msg("metric %s missing", names[i]);
    }
    assert_float_equal(cJSON_GetObjectItem(doc, "InputMegapixels")->valuedouble,
                       2.0, 1e-9);
    assert_float_equal(cJSON_GetObjectItem(doc, "Errors")->valuedouble, 0, 0);
    cJSON_Delete(doc);
    cJSON_free(emf);

    /* Each failing outcome counts in its own metric, and that metric
     * alone is recorded by class; the others stay 0. */
    static const struct {
        telemetry_outcome outcome;
        const char *metric;
    } by_class[] = {{TELEMETRY_ERROR, "Errors"},
                    {TELEMETRY_CLIENT_ERROR, "ClientErrors"},
                    {TELEMETRY_REFUSED, "Refused"}};
    for (size_t i = 0; i < sizeof by_class / sizeof by_class[0]; i++) {
        r.outcome = by_class[i].outcome;
        r.error_class = "corrupt";
        strcpy(r.error_message, "JPEG: bad");
        emf = telemetry_emf_line(&r, "ns", "fn", 1);
        doc = cJSON_Parse(emf);
        assert_string_equal(cJSON_GetObjectItem(doc, "ErrorClass")->valuestring,
                            "corrupt");
        for (size_t j = 0; j < sizeof by_class / sizeof by_class[0]; j++)
            assert_float_equal(
                cJSON_GetObjectItem(doc, by_class[j].metric)->valuedouble,
                i == j, 0);
        const cJSON *per_class = cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "_aws"),
                                "CloudWatchMetrics"),
            1);
        const cJSON *metrics = cJSON_GetObjectItem(per_class, "Metrics");
        assert_int_equal(cJSON_GetArraySize(metrics), 1);
        assert_string_equal(
            cJSON_GetObjectItem(cJSON_GetArrayItem(metrics, 0), "Name")
                ->valuestring,
            by_class[i].metric);
        const cJSON *dims =
            cJSON_GetArrayItem(cJSON_GetObjectItem(per_class, "Dimensions"), 0);
        assert_string_equal(cJSON_GetArrayItem(dims, 1)->valuestring,
                            "ErrorClass");
        cJSON_Delete(doc);
        cJSON_free(emf);
    }

    r.outcome = TELEMETRY_SKIPPED;
    assert_null(telemetry_emf_line(&r, "ns", "fn", 1));
}

/* ---- base64 ---- */

static void base64_matches_rfc4648_vectors(void **state) {
    (void)state;
    static const char *const in[] = {"",     "f",     "fo",    "foo",
                                     "foob", "fooba", "foobar"};
    static const char *const want[] = {
        "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char out[16];
        size_t n = strlen(in[i]);
        assert_int_equal(base64_encoded_length(n), strlen(want[i]));
        base64_encode((const unsigned char *)in[i], n, out);
        assert_string_equal(out, want[i]);
    }
}

/* ---- the handler's uploads ---- */

/* A 32x24 RGB PNG: the source object. */
static const unsigned char tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00,
    0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
    0x00, 0x18, 0x08, 0x02, 0x00, 0x00, 0x00, 0x14, 0x31, 0x68, 0x63,
    0x00, 0x00, 0x00, 0x2a, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed,
    0xcd, 0xb1, 0x09, 0x00, 0x00, 0x08, 0xc0, 0xb0, 0x0a, 0x0e, 0xe2,
    0xd5, 0x9e, 0xee, 0x13, 0xba, 0xb5, 0x74, 0x4f, 0xc0, 0x14, 0xfc,
    0x9d, 0x34, 0xaf, 0x09, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
    0xdc, 0xb4, 0xf3, 0xd2, 0x02, 0xbc, 0xef, 0x42, 0x22, 0x48, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

#define MOCK_SIZES "16x16,8x,x4"
#define MOCK_MAX_PUTS 8

/* What a PUT whose URL holds `part` does: answer after delay_ms, with
 * 403 AccessDenied when refused. The first size ends last and the
 * refused middle one first, so the uploads end in reverse order. */
static const struct mock_put {
    const char *part;
    unsigned delay_ms;
    int refused;
} mock_puts[] = {{"/16x16/", 300, 0}, {"/8x/", 100, 1}, {"/x4/", 200, 0}};

/* One S3 shared by every client of a test: the source, and the PUTs
 * seen, counted under a lock as the clients run on several threads. */
typedef struct mock_s3 {
    pthread_mutex_t lock;
    int in_flight, max_in_flight;
    size_t puts, clients_made, clients_freed;
    /* When set, the clock jumps this far once the source is read. */
    int64_t jump_ms;
    int64_t skew_ms; /* added to the system clock */
} mock_s3;

static void mock_sleep(unsigned ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int mock_header(const aws_http_sink *sink, long status, const char *name,
                       const char *value) {
    return sink->header ? sink->header(sink->user, status, name, strlen(name),
                                       value, strlen(value))
                        : 0;
}

static aws_transport_result
mock_perform(void *self, const aws_http_request *req, const aws_http_sink *sink,
             long *status, char *errbuf, size_t errbuf_size) {
    mock_s3 *m = self;
    (void)errbuf;
    (void)errbuf_size;
    if (strcmp(req->method, "PUT") != 0) { /* GET or HEAD of the source */
        char len[32];
        *status = 200;
        snprintf(len, sizeof len, "%zu", sizeof tiny_png);
        mock_header(sink, 200, "Content-Length", len);
        mock_header(sink, 200, "ETag", "\"v1\"");
        if (strcmp(req->method, "GET") == 0 && sink->body)
            sink->body(sink->user, 200, tiny_png, sizeof tiny_png);
        pthread_mutex_lock(&m->lock);
        m->skew_ms = m->jump_ms;
        pthread_mutex_unlock(&m->lock);
        return AWS_TRANSPORT_OK;
    }
    const struct mock_put *p = NULL;
    for (size_t i = 0; i < sizeof mock_puts / sizeof mock_puts[0]; i++)
        if (strstr(req->url, mock_puts[i].part))
            p = &mock_puts[i];
    assert_non_null(p);
    pthread_mutex_lock(&m->lock);
    m->puts++;
    if (++m->in_flight > m->max_in_flight)
        m->max_in_flight = m->in_flight;
    pthread_mutex_unlock(&m->lock);
    mock_sleep(p->delay_ms);
    pthread_mutex_lock(&m->lock);
    m->in_flight--;
    pthread_mutex_unlock(&m->lock);
    if (!p->refused) {
        *status = 200;
        mock_header(sink, 200, "ETag", "\"t\"");
        return AWS_TRANSPORT_OK;
    }
    static const char doc[] = "<?xml version=\"1.0\"?><Error><Code>"
                              "AccessDenied</Code><Message>no</Message>"
                              "</Error>";
    *status = 403;
    mock_header(sink, 403, "Content-Type", "application/xml");
    if (sink->body)
        sink->body(sink->user, 403, doc, strlen(doc));
    return AWS_TRANSPORT_OK;
}

static int64_t mock_now_ms(void *self) {
    mock_s3 *m = self;
    pthread_mutex_lock(&m->lock);
    int64_t skew = m->skew_ms;
    pthread_mutex_unlock(&m->lock);
    return aws_system_now_ms(NULL) + skew;
}

static void mock_destroy(void *self) {
    mock_s3 *m = self;
    pthread_mutex_lock(&m->lock);
    m->clients_freed++;
    pthread_mutex_unlock(&m->lock);
}

static const aws_config mock_config = {.service = AWS_SERVICE_S3,
                                       .access_key_id = "AKID",
                                       .secret_access_key = "secret",
                                       .region = "us-east-1",
                                       .endpoint = "http://127.0.0.1:9"};

static s3_client *mock_client(void *user, aws_error *err) {
    mock_s3 *m = user;
    m->clients_made++;
    aws_transport t = {m, mock_perform, aws_system_sleep_ms, mock_now_ms,
                       mock_destroy};
    return s3_client_new_with_transport(&mock_config, t, err);
}

/* `times` S3 events for src/photo.png through one handler on m, the
 * uploads made beside the calling thread's when concurrent; returns the
 * first invocation's log line (malloc'd), read back from stdout, and the
 * last one's reply. */
static char *invoke(mock_s3 *m, int concurrent, int times,
                    handler_reply *reply) {
    static const char *const env[] = {"THUMB_SOURCE_BUCKET=src",
                                      "THUMB_DEST_BUCKET=dst",
                                      "THUMB_SIZES=" MOCK_SIZES, NULL};
    lambda_config cfg;
    char why[CONFIG_ERROR_SIZE];
    assert_int_equal(load(env, &cfg, why, sizeof why), CONFIG_OK);
    thumb_ctx *ctxs[CONFIG_MAX_SIZES] = {NULL};
    for (size_t i = 0; i < cfg.sizes.count; i++)
        assert_non_null(ctxs[i] = thumb_ctx_new());
    aws_error err;
    s3_client *s3 = mock_client(m, &err);
    assert_non_null(s3);
    handler h = {.cfg = &cfg,
                 .ctxs = ctxs,
                 .s3 = s3,
                 .function_name = "test",
                 .new_s3 = concurrent ? mock_client : NULL,
                 .new_s3_user = m};
    char body[] = "{\"Records\":[{\"eventVersion\":\"2.1\","
                  "\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                  "\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":"
                  "{\"name\":\"src\"},\"object\":{\"key\":\"photo.png\","
                  "\"size\":99}}}]}";
    runtime_invocation inv = {.request_id = "r1",
                              .deadline_ms = handler_unix_ms() + 60000,
                              .body = body,
                              .body_len = strlen(body)};
    /* The log lines go to stdout: into a file for the time of the call. */
    FILE *log = tmpfile();
    assert_non_null(log);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0 && dup2(fileno(log), STDOUT_FILENO) >= 0);
    for (int k = 0; k < times; k++) {
        if (k > 0)
            handler_reply_free(reply);
        handler_invoke(&h, &inv, reply);
    }
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    handler_cleanup(&h);
    s3_client_free(s3);
    for (size_t i = 0; i < CONFIG_MAX_SIZES; i++)
        thumb_ctx_free(ctxs[i]);
    char *line = calloc(1, 8192);
    assert_non_null(line);
    rewind(log);
    assert_non_null(fgets(line, 8192, log));
    fclose(log);
    return line;
}

static char *invoke_once(mock_s3 *m, int concurrent, handler_reply *reply) {
    return invoke(m, concurrent, 1, reply);
}

/* The log line's outputs and failedOutputs: the sizes in order. */
static void assert_report_in_size_order(const char *line) {
    cJSON *doc = cJSON_Parse(line);
    assert_non_null(doc);
    const cJSON *outputs = cJSON_GetObjectItem(doc, "outputs");
    const cJSON *failed = cJSON_GetObjectItem(doc, "failedOutputs");
    assert_int_equal(cJSON_GetArraySize(outputs), 2);
    assert_int_equal(cJSON_GetArraySize(failed), 1);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(outputs, 0), "size")
            ->valuestring,
        "16x16");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetArrayItem(outputs, 1), "size")
            ->valuestring,
        "x4");
    const cJSON *f = cJSON_GetArrayItem(failed, 0);
    assert_string_equal(cJSON_GetObjectItem(f, "size")->valuestring, "8x");
    assert_string_equal(cJSON_GetObjectItem(f, "errorClass")->valuestring,
                        "s3_access");
    /* putMs: the uploads together, so at least the slowest one. */
    assert_true(cJSON_GetObjectItem(doc, "putMs")->valuedouble >= 300);
    cJSON_Delete(doc);
}

static void handler_uploads_an_objects_outputs_at_the_same_time(void **s) {
    (void)s;
    mock_s3 m = {.lock = PTHREAD_MUTEX_INITIALIZER};
    handler_reply reply;
    char *line = invoke_once(&m, 1, &reply);
    /* All three PUTs in flight at once; the refused one alone failed. */
    assert_int_equal(m.puts, 3);
    assert_int_equal(m.max_in_flight, 3);
    assert_true(reply.failed);
    assert_report_in_size_order(line);
    /* The handler's client and one per upload beside it, all freed. */
    assert_int_equal(m.clients_made, 3);
    assert_int_equal(m.clients_freed, 3);
    free(line);
    handler_reply_free(&reply);
}

/* The README's promise about the uploads' clients: those beside the
 * handler's are made at the first object and kept for the next. */
static void handler_keeps_upload_clients_between_objects(void **s) {
    (void)s;
    mock_s3 m = {.lock = PTHREAD_MUTEX_INITIALIZER};
    handler_reply reply;
    char *line = invoke(&m, 1, 2, &reply);
    assert_int_equal(m.puts, 6);
    assert_int_equal(m.clients_made, 3);
    assert_int_equal(m.clients_freed, 3);
    free(line);
    handler_reply_free(&reply);
}

static void handler_upload_clients_keep_the_deadline(void **s) {
    (void)s;
    /* The clock passes the invocation's deadline once the source is read:
     * every upload, on whichever client, must then be refused unsent. */
    mock_s3 m = {.lock = PTHREAD_MUTEX_INITIALIZER, .jump_ms = 3600000};
    handler_reply reply;
    char *line = invoke_once(&m, 1, &reply);
    assert_int_equal(m.puts, 0);
    assert_int_equal(m.clients_made, 3);
    cJSON *doc = cJSON_Parse(line);
    assert_non_null(doc);
    const cJSON *failed = cJSON_GetObjectItem(doc, "failedOutputs");
    assert_int_equal(cJSON_GetArraySize(failed), 3);
    const cJSON *f;
    cJSON_ArrayForEach(f, failed) {
        assert_non_null(strstr(
            cJSON_GetObjectItem(f, "errorMessage")->valuestring, "deadline"));
    }
    cJSON_Delete(doc);
    free(line);
    handler_reply_free(&reply);
}

static void handler_without_client_factory_uploads_in_turn(void **s) {
    (void)s;
    mock_s3 m = {.lock = PTHREAD_MUTEX_INITIALIZER};
    handler_reply reply;
    char *line = invoke_once(&m, 0, &reply);
    assert_int_equal(m.puts, 3);
    assert_int_equal(m.max_in_flight, 1);
    assert_report_in_size_order(line);
    assert_int_equal(m.clients_made, 1);
    free(line);
    handler_reply_free(&reply);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_decode_plus_is_space_only_in_form_encoding),
        cmocka_unit_test(url_decode_refuses_broken_escapes_and_nul),
        cmocka_unit_test(s3_event_keys_are_decoded),
        cmocka_unit_test(s3_event_without_key_is_refused),
        cmocka_unit_test(sqs_batch_marks_each_message),
        cmocka_unit_test(sqs_message_without_id_refuses_the_batch),
        cmocka_unit_test(function_url_request_is_recognised),
        cmocka_unit_test(non_json_and_unknown_shapes_are_errors),
        cmocka_unit_test(query_parses_every_parameter),
        cmocka_unit_test(format_names_are_the_librarys),
        cmocka_unit_test(query_refuses_bad_requests),
        cmocka_unit_test(query_accepts_only_what_is_listed),
        cmocka_unit_test(config_defaults),
        cmocka_unit_test(config_sizes_take_every_form),
        cmocka_unit_test(config_recursion_guard_refuses_overlapping_prefixes),
        cmocka_unit_test(config_refuses_bad_values),
        cmocka_unit_test(keytemplate_expands_every_placeholder),
        cmocka_unit_test(telemetry_lines_are_json_with_the_metrics),
        cmocka_unit_test(base64_matches_rfc4648_vectors),
        cmocka_unit_test(handler_uploads_an_objects_outputs_at_the_same_time),
        cmocka_unit_test(handler_keeps_upload_clients_between_objects),
        cmocka_unit_test(handler_upload_clients_keep_the_deadline),
        cmocka_unit_test(handler_without_client_factory_uploads_in_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
