/* THUMB_OPT_TIMEOUT_MS: a run past its deadline stops soon after with
 * THUMB_ERR_TIMEOUT, frees everything and leaves the context usable; 0
 * means no deadline. The decoders' long phases (progressive JPEG scans,
 * interlaced PNG and GIF rows, WebP's incremental steps) stop on their
 * own, which the white-box tests pin down with a deadline already past. */
#include "codec/decoder.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>
#include <time.h>

/* A 12 MP baseline JPEG (3000x4000): a run to BIG_BOX takes a good
 * fraction of a second even in a release build. */
#define BIG_JPEG "jpeg/Carrie.jpg"
/* Large enough that only a 1/2 shrink on load leaves twice this. */
#define BIG_BOX 1000
/* A 24 MP lossy WebP (3.5 MB): about a quarter of a second to decode. */
#define BIG_WEBP "webp/bryce.webp"
/* The shortest deadline the option takes. */
#define SHORTEST_MS 1
/* A deadline no test run comes near. */
#define GENEROUS_MS 600000
/* How much longer than its deadline a stopped run may take: one JPEG
 * iMCU row, or a batch of rows, plus freeing; generous for sanitizer
 * builds on a loaded machine. */
#define STOP_SLACK_SECONDS 0.5
/* A stopped run must also be this many times faster than the whole run. */
#define STOP_SPEEDUP 4
/* Any time before now: ctx_now_us() counts from boot. */
#define DEADLINE_PAST_US 1

START_TEST(option_defaults_to_no_deadline) {
    int64_t lo, hi, v;
    ck_assert_int_eq(thumb_option_bounds(THUMB_OPT_TIMEOUT_MS, &lo, &hi),
                     THUMB_OK);
    ck_assert_int_eq(lo, 0);
    ck_assert_int_ge(hi, 3600 * 1000);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_TIMEOUT_MS, &v), THUMB_OK);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, -1),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
    ck_assert_str_eq(thumb_strerror(THUMB_ERR_TIMEOUT), "deadline passed");
}
END_TEST

START_TEST(short_deadline_stops_a_big_jpeg_quickly) {
    size_t size;
    uint8_t *data = read_corpus(BIG_JPEG, &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    /* Shrunk by 2 on load: 3 MP decoded, resized, encoded. */
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BIG_BOX);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, BIG_BOX);
    const unsigned char *out;
    size_t out_len;
    double t0 = test_seconds();
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    double whole = test_seconds() - t0;

    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, SHORTEST_MS),
                     THUMB_OK);
    t0 = test_seconds();
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    double stopped = test_seconds() - t0;
    ck_assert_msg(st == THUMB_ERR_TIMEOUT, "status %d (%s)", st,
                  thumb_ctx_error(ctx));
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_msg(strstr(thumb_ctx_error(ctx), "THUMB_OPT_TIMEOUT_MS"), "'%s'",
                  thumb_ctx_error(ctx));
    ck_assert_int_eq(thumb_ctx_status(ctx), THUMB_ERR_TIMEOUT);
    printf("%s to %d px: %.3f s; with a %d ms deadline: %.3f s\n", BIG_JPEG,
           BIG_BOX, whole, SHORTEST_MS, stopped);
    ck_assert_msg(
        stopped < STOP_SLACK_SECONDS && stopped * STOP_SPEEDUP < whole,
        "stopped after %.3f s; the whole run takes %.3f s", stopped, whole);

    /* Nothing of the stopped run is left but the context's own buffers. */
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

START_TEST(context_runs_again_after_a_timeout) {
    size_t size;
    uint8_t *data = read_corpus(BIG_JPEG, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 256);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 256);
    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, SHORTEST_MS);
    const unsigned char *out;
    size_t out_len;
    /* Even shrunk 8 times on load, the 2.8 MB of entropy-coded data take
     * tens of milliseconds to decode. */
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len),
                     THUMB_ERR_TIMEOUT);
    /* 0: no deadline, and the same context makes a thumbnail. */
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, 0), THUMB_OK);
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), 192);
    /* A probe has no deadline. */
    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, SHORTEST_MS);
    ck_assert_int_eq(thumb_probe(ctx, data, size), THUMB_OK);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(generous_deadline_changes_nothing) {
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    const unsigned char *out;
    size_t out_len;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    unsigned char *first = malloc(out_len);
    memcpy(first, out, out_len);
    size_t first_len = out_len;
    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, GENEROUS_MS);
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    ck_assert_uint_eq(out_len, first_len);
    ck_assert_mem_eq(out, first, out_len);
    free(first);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(short_deadline_stops_a_big_webp_quickly) {
    size_t size;
    uint8_t *data = read_corpus(BIG_WEBP, &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 256);
    const unsigned char *out;
    size_t out_len;
    double t0 = test_seconds();
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len), THUMB_OK);
    double whole = test_seconds() - t0;

    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, SHORTEST_MS);
    t0 = test_seconds();
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    double stopped = test_seconds() - t0;
    ck_assert_msg(st == THUMB_ERR_TIMEOUT, "status %d (%s)", st,
                  thumb_ctx_error(ctx));
    printf("%s to 256 px: %.3f s; with a %d ms deadline: %.3f s\n", BIG_WEBP,
           whole, SHORTEST_MS, stopped);
    /* Stopped inside libwebp's decoding, not after it. */
    ck_assert_msg(
        stopped < STOP_SLACK_SECONDS && stopped * STOP_SPEEDUP < whole,
        "stopped after %.3f s; the whole run takes %.3f s", stopped, whole);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

/* Opens path on a counting context and starts it with the deadline
 * already past. */
typedef struct past_deadline {
    counting_allocator a;
    thumb_ctx *ctx;
    uint8_t *data;
    decoder dec;
} past_deadline;

static void open_past_deadline(past_deadline *p, const char *path) {
    size_t size;
    p->data = read_corpus(path, &size);
    p->ctx = counting_ctx(&p->a);
    ck_assert_int_eq(decoder_open(p->ctx, p->data, size, &p->dec), THUMB_OK);
    p->ctx->deadline_us = DEADLINE_PAST_US;
}

static void expect_timeout(past_deadline *p, thumb_status st,
                           const char *doing) {
    ck_assert_msg(st == THUMB_ERR_TIMEOUT, "status %d (%s)", st,
                  p->ctx->message);
    ck_assert_msg(strstr(p->ctx->message, doing), "'%s'", p->ctx->message);
    decoder_close(&p->dec);
    thumb_ctx_free(p->ctx);
    ck_assert_int_eq(p->a.live_blocks, 0);
    free(p->data);
}

START_TEST(progressive_jpeg_stops_inside_its_scans) {
    past_deadline p;
    open_past_deadline(&p, "jpeg/spectral_selection.jpg");
    /* jpeg_start_decompress reads every scan; the progress monitor stops
     * it at the first iMCU row. */
    expect_timeout(&p,
                   decoder_start(&p.dec, &(decoder_request){.min_width = 1,
                                                            .min_height = 1}),
                   "decoding JPEG");
}
END_TEST

START_TEST(baseline_jpeg_stops_reading_rows) {
    past_deadline p;
    open_past_deadline(&p, "jpeg/testorig.jpg");
    ck_assert_int_eq(decoder_start(&p.dec, &(decoder_request){.min_width = 1,
                                                              .min_height = 1}),
                     THUMB_OK);
    uint8_t *row = malloc((size_t)p.dec.width * p.dec.channels);
    thumb_status st = decoder_read_rows(&p.dec, &row, 1);
    free(row);
    expect_timeout(&p, st, "decoding JPEG");
}
END_TEST

START_TEST(interlaced_png_stops_between_rows) {
    past_deadline p;
    open_past_deadline(&p, "png/pngsuite/basi3p08.png");
    expect_timeout(&p,
                   decoder_start(&p.dec, &(decoder_request){.min_width = 1,
                                                            .min_height = 1}),
                   "decoding interlaced PNG");
}
END_TEST

START_TEST(webp_stops_between_decoding_steps) {
    past_deadline p;
    open_past_deadline(&p, BIG_WEBP);
    expect_timeout(&p,
                   decoder_start(&p.dec, &(decoder_request){.min_width = 1,
                                                            .min_height = 1}),
                   "decoding WebP");
}
END_TEST

START_TEST(gif_stops_between_rows) {
    past_deadline p;
    open_past_deadline(&p, "gif/treescap.gif");
    expect_timeout(&p,
                   decoder_start(&p.dec, &(decoder_request){.min_width = 1,
                                                            .min_height = 1}),
                   "decoding GIF");
}
END_TEST

static Suite *deadline_suite(void) {
    Suite *s = suite_create("deadline");
    TCase *api = tcase_create("api");
    /* The full-size runs of a 12 MP JPEG and a 24 MP WebP, under
     * sanitizers on a loaded machine. */
    tcase_set_timeout(api, 120);
    tcase_add_test(api, option_defaults_to_no_deadline);
    tcase_add_test(api, short_deadline_stops_a_big_jpeg_quickly);
    tcase_add_test(api, context_runs_again_after_a_timeout);
    tcase_add_test(api, generous_deadline_changes_nothing);
    tcase_add_test(api, short_deadline_stops_a_big_webp_quickly);
    suite_add_tcase(s, api);
    TCase *codecs = tcase_create("codecs");
    tcase_add_test(codecs, progressive_jpeg_stops_inside_its_scans);
    tcase_add_test(codecs, baseline_jpeg_stops_reading_rows);
    tcase_add_test(codecs, interlaced_png_stops_between_rows);
    tcase_add_test(codecs, gif_stops_between_rows);
    tcase_add_test(codecs, webp_stops_between_decoding_steps);
    suite_add_tcase(s, codecs);
    return s;
}

THUMB_TEST_MAIN(deadline_suite)
