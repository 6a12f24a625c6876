/* thumb_run_many: several outputs from one decode, each as thumb_run
 * would make it. Over the good corpus, every output is byte for byte the
 * single run's where both decode the same way (scale, and rows or JPEG
 * planes); where the shared decode differs (finer, or rows where the
 * single run took planes), a lossless output is within 45 dB of the
 * single run's or closer than it to the exact result. Outputs fail
 * alone, decoding fails them all, allocation failures leak nothing. */
#include "counting_alloc.h"
#include "decoded.h"
#include "plan.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

/* Outputs per run, and the least PSNR of an output made from a finer
 * decode than its single run's, as the issue asks. */
#define OUTPUTS 3
#define FINER_DECODE_MIN_PSNR 45.0
/* Below that, how much further from THUMB_OPT_ACCURATE's exact result
 * than the single run an output may be: rounding. */
#define EXACT_SLACK_DB 0.5

static const char *const good_dirs[] = {"jpeg/", "png/", "webp/", "gif/",
                                        "orientation/"};

/* One output's options, as key/value pairs ending with key 0. */
typedef struct setting {
    thumb_option key;
    int64_t value;
} setting;

/* The three outputs of each scenario: a srcset's sizes, crops and fits,
 * with the format given per run. */
static const setting scenarios[][OUTPUTS][5] = {
    {{{THUMB_OPT_WIDTH, 1024}, {THUMB_OPT_HEIGHT, 1024}},
     {{THUMB_OPT_WIDTH, 256}, {THUMB_OPT_HEIGHT, 256}},
     {{THUMB_OPT_WIDTH, 64}, {THUMB_OPT_HEIGHT, 64}}},
    {{{THUMB_OPT_WIDTH, 200},
      {THUMB_OPT_HEIGHT, 150},
      {THUMB_OPT_FIT, THUMB_FIT_COVER},
      {THUMB_OPT_CROP, THUMB_CROP_ATTENTION}},
     {{THUMB_OPT_WIDTH, 120}, {THUMB_OPT_HEIGHT, 0}},
     {{THUMB_OPT_WIDTH, 80},
      {THUMB_OPT_HEIGHT, 40},
      {THUMB_OPT_FIT, THUMB_FIT_FILL}}},
};
#define SCENARIOS (sizeof scenarios / sizeof scenarios[0])

static const thumb_format formats[] = {THUMB_FORMAT_PNG, THUMB_FORMAT_AUTO,
                                       THUMB_FORMAT_JPEG, THUMB_FORMAT_WEBP};
#define FORMATS (sizeof formats / sizeof formats[0])

static void apply(thumb_ctx *ctx, const setting *s, thumb_format format) {
    for (; s->key; s++)
        ck_assert_int_eq(thumb_ctx_set(ctx, s->key, s->value), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format), THUMB_OK);
}

typedef struct tally {
    int runs, identical, finer, closer, failed;
    double worst_psnr;
    char worst[160];
} tally;

/* The many-run output of ctx against the single run of the same options
 * (single): same bytes at the same decode scale, else close pixels. */
static void compare(const char *path, const uint8_t *data, size_t size,
                    const setting *setup, int same_path, thumb_ctx *many,
                    thumb_ctx *single, thumb_status single_status, tally *t) {
    ck_assert_msg(thumb_ctx_status(many) == single_status,
                  "%s: many gave %d (%s), single %d (%s)", path,
                  thumb_ctx_status(many), thumb_ctx_error(many), single_status,
                  thumb_ctx_error(single));
    if (single_status != THUMB_OK) {
        ck_assert_str_eq(thumb_ctx_error(many), thumb_ctx_error(single));
        t->failed++;
        return;
    }
    const unsigned char *a, *b;
    size_t a_len, b_len;
    ck_assert_int_eq(thumb_ctx_output(many, &a, &a_len), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_output(single, &b, &b_len), THUMB_OK);
    static const thumb_info keys[] = {THUMB_INFO_OUTPUT_FORMAT,
                                      THUMB_INFO_OUTPUT_WIDTH,
                                      THUMB_INFO_OUTPUT_HEIGHT};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        ck_assert_int_eq(thumb_ctx_info(many, keys[k]),
                         thumb_ctx_info(single, keys[k]));
    t->runs++;
    int same_scale = thumb_ctx_info(many, THUMB_INFO_DECODED_WIDTH) ==
                         thumb_ctx_info(single, THUMB_INFO_DECODED_WIDTH) &&
                     thumb_ctx_info(many, THUMB_INFO_DECODED_HEIGHT) ==
                         thumb_ctx_info(single, THUMB_INFO_DECODED_HEIGHT);
    if (same_scale && same_path) {
        ck_assert_msg(a_len == b_len && memcmp(a, b, a_len) == 0,
                      "%s: output differs from the single run's at the "
                      "same decode scale",
                      path);
        t->identical++;
        return;
    }
    ck_assert_int_le(thumb_ctx_info(single, THUMB_INFO_DECODED_WIDTH),
                     thumb_ctx_info(many, THUMB_INFO_DECODED_WIDTH));
    t->finer++;
    /* A lossy encoder turns a small change of its input into a larger
     * one of its output: the pixels are compared on lossless output. */
    if (thumb_ctx_info(many, THUMB_INFO_OUTPUT_FORMAT) != THUMB_FORMAT_PNG)
        return;
    decoded da = decode_image(a, a_len), db = decode_image(b, b_len);
    ck_assert_int_eq(da.channels, db.channels);
    size_t samples = (size_t)da.width * da.height * (size_t)da.channels;
    double psnr = psnr_u8(da.px, db.px, samples);
    if (psnr < FINER_DECODE_MIN_PSNR) {
        /* The single run shrank on load, a block average that softens
         * and aliases a little (fine detail, graphics): then the finer
         * decode must be at least as close to the exact result. */
        thumb_ctx *exact = thumb_ctx_new();
        apply(exact, setup, THUMB_FORMAT_PNG);
        thumb_ctx_set(exact, THUMB_OPT_ACCURATE, 1);
        const unsigned char *e;
        size_t e_len;
        ck_assert_int_eq(thumb_run(exact, data, size, &e, &e_len), THUMB_OK);
        decoded de = decode_image(e, e_len);
        double many_err = psnr_u8(da.px, de.px, samples);
        double single_err = psnr_u8(db.px, de.px, samples);
        ck_assert_msg(
            many_err >= single_err - EXACT_SLACK_DB,
            "%s: %ux%u decoded at %ux%u: %.1f dB from the single "
            "run's output (decoded at %ux%u), and %.1f dB from "
            "the exact result where the single run is %.1f dB "
            "from it",
            path, da.width, da.height,
            (unsigned)thumb_ctx_info(many, THUMB_INFO_DECODED_WIDTH),
            (unsigned)thumb_ctx_info(many, THUMB_INFO_DECODED_HEIGHT), psnr,
            (unsigned)thumb_ctx_info(single, THUMB_INFO_DECODED_WIDTH),
            (unsigned)thumb_ctx_info(single, THUMB_INFO_DECODED_HEIGHT),
            many_err, single_err);
        psnr = many_err - single_err + FINER_DECODE_MIN_PSNR;
        t->closer++;
        decoded_free(&de);
        thumb_ctx_free(exact);
    }
    if (psnr < t->worst_psnr) {
        t->worst_psnr = psnr;
        snprintf(t->worst, sizeof t->worst, "%s", path);
    }
    decoded_free(&da);
    decoded_free(&db);
}

/* Whether a single run with ctx's options asks for JPEG planes (plan.h):
 * the shared decode takes them only when every output does. */
static int plans_planes(thumb_ctx *ctx, const uint8_t *data, size_t size) {
    decoder dec;
    if (decoder_open(ctx, data, size, &dec) != THUMB_OK) {
        ctx_clear_error(ctx);
        return 0;
    }
    run_plan plan;
    int planes = 0;
    if (plan_make(ctx, &dec, &plan) == THUMB_OK) {
        planes = plan.request.planes;
        plan_release(ctx, &plan);
    }
    ctx_clear_error(ctx);
    decoder_close(&dec);
    return planes;
}

static void check_file(const char *path, const char *description,
                       void *opaque) {
    (void)description;
    tally *t = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    for (size_t s = 0; s < SCENARIOS; s++)
        for (size_t f = 0; f < FORMATS; f++) {
            thumb_ctx *ctxs[OUTPUTS], *single = thumb_ctx_new();
            ck_assert_ptr_nonnull(single);
            for (int i = 0; i < OUTPUTS; i++) {
                ctxs[i] = thumb_ctx_new();
                ck_assert_ptr_nonnull(ctxs[i]);
                apply(ctxs[i], scenarios[s][i], formats[f]);
            }
            int planes[OUTPUTS], shared_planes = 1;
            for (int i = 0; i < OUTPUTS; i++) {
                planes[i] = plans_planes(ctxs[i], data, size);
                shared_planes &= planes[i];
            }
            thumb_run_many(ctxs, OUTPUTS, data, size);
            for (int i = 0; i < OUTPUTS; i++) {
                thumb_ctx_reset(single);
                apply(single, scenarios[s][i], formats[f]);
                const unsigned char *out;
                size_t out_len;
                thumb_status st = thumb_run(single, data, size, &out, &out_len);
                compare(path, data, size, scenarios[s][i],
                        planes[i] == shared_planes, ctxs[i], single, st, t);
                thumb_ctx_free(ctxs[i]);
            }
            thumb_ctx_free(single);
        }
    free(data);
}

START_TEST(every_output_is_the_single_runs_over_the_corpus) {
    tally t = {0, 0, 0, 0, 0, INFINITY, ""};
    manifest_each(good_dirs[_i], check_file, &t);
    printf("run_many %s: %d outputs, %d identical to single runs, %d from a "
           "finer decode (worst %.1f dB, %s; %d under %.0f dB and closer to "
           "the exact result), %d failed as single runs do\n",
           good_dirs[_i], t.runs, t.identical, t.finer, t.worst_psnr, t.worst,
           t.closer, FINER_DECODE_MIN_PSNR, t.failed);
    ck_assert_int_gt(t.identical, 0);
}
END_TEST

/* A copy of a context's output, or NULL. */
static unsigned char *copy_output(const thumb_ctx *ctx, size_t *len) {
    const unsigned char *out;
    if (thumb_ctx_output(ctx, &out, len) != THUMB_OK)
        return NULL;
    unsigned char *copy = malloc(*len);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, out, *len);
    return copy;
}

/* Output i of a run of contexts configured by `set` equals the single
 * run of the same options. */
static void check_against_single(const uint8_t *data, size_t size,
                                 thumb_ctx *const *ctxs, int n,
                                 void (*set)(thumb_ctx *, int)) {
    for (int i = 0; i < n; i++) {
        thumb_ctx *single = thumb_ctx_new();
        set(single, i);
        const unsigned char *out;
        size_t out_len, len;
        ck_assert_int_eq(thumb_run(single, data, size, &out, &out_len),
                         THUMB_OK);
        unsigned char *many = copy_output(ctxs[i], &len);
        ck_assert_ptr_nonnull(many);
        ck_assert_msg(len == out_len && memcmp(many, out, len) == 0,
                      "output %d differs from its single run", i);
        ck_assert_int_eq(thumb_ctx_info(ctxs[i], THUMB_INFO_OUTPUT_FORMAT),
                         thumb_ctx_info(single, THUMB_INFO_OUTPUT_FORMAT));
        free(many);
        thumb_ctx_free(single);
    }
}

/* Two animated outputs share the frames; a still one beside them takes a
 * decode of its own. */
static void set_mixed(thumb_ctx *ctx, int i) {
    static const int64_t sizes[] = {96, 48, 64};
    static const thumb_format fmts[] = {THUMB_FORMAT_AUTO, THUMB_FORMAT_WEBP,
                                        THUMB_FORMAT_JPEG};
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, sizes[i]);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, sizes[i]);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, fmts[i]);
}

START_TEST(animations_go_frame_by_frame_to_every_animated_output) {
    static const char *const files[] = {"gif/chi.gif", "gif/dispose_prev.gif",
                                        "gif/fire.gif"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        thumb_ctx *ctxs[OUTPUTS];
        for (int i = 0; i < OUTPUTS; i++) {
            ctxs[i] = thumb_ctx_new();
            set_mixed(ctxs[i], i);
        }
        ck_assert_int_eq(thumb_run_many(ctxs, OUTPUTS, data, size), THUMB_OK);
        ck_assert_int_gt(thumb_ctx_info(ctxs[0], THUMB_INFO_FRAMES), 1);
        check_against_single(data, size, ctxs, OUTPUTS, set_mixed);
        for (int i = 0; i < OUTPUTS; i++)
            thumb_ctx_free(ctxs[i]);
        free(data);
    }
}
END_TEST

/* Outputs written row by row as the shared decode goes (JPEG, PNG) fail
 * alone too: output 1 is too wide for JPEG, output 2 the same as a
 * progressive JPEG (made from a whole frame), with the same error. */
static void set_streamed_isolated(thumb_ctx *ctx, int i) {
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, i == 0 ? 128 : 65510);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, i == 0 ? 0 : 4);
    thumb_ctx_set(ctx, THUMB_OPT_FIT,
                  i == 0 ? THUMB_FIT_INSIDE : THUMB_FIT_FILL);
    thumb_ctx_set(ctx, THUMB_OPT_ENLARGE, i != 0);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG);
    thumb_ctx_set(ctx, THUMB_OPT_JPEG_PROGRESSIVE, i == 2);
}

START_TEST(a_streamed_output_that_fails_leaves_the_others_complete) {
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    thumb_ctx *ctxs[OUTPUTS];
    for (int i = 0; i < OUTPUTS; i++) {
        ctxs[i] = thumb_ctx_new();
        set_streamed_isolated(ctxs[i], i);
    }
    ck_assert_int_eq(thumb_run_many(ctxs, OUTPUTS, data, size),
                     THUMB_ERR_ENCODE);
    ck_assert_int_eq(thumb_ctx_status(ctxs[0]), THUMB_OK);
    for (int i = 1; i < OUTPUTS; i++) {
        ck_assert_int_eq(thumb_ctx_status(ctxs[i]), THUMB_ERR_ENCODE);
        ck_assert_ptr_nonnull(
            strstr(thumb_ctx_error(ctxs[i]), "dimension is 65500"));
        const unsigned char *out;
        size_t len;
        ck_assert_int_eq(thumb_ctx_output(ctxs[i], &out, &len),
                         THUMB_ERR_INVALID_ARGUMENT);
    }
    check_against_single(data, size, ctxs, 1, set_streamed_isolated);
    for (int i = 0; i < OUTPUTS; i++)
        thumb_ctx_free(ctxs[i]);
    free(data);
}
END_TEST

/* Output 1 is over its own pixel limit, output 2 too large for WebP:
 * both fail alone, output 0 is made. */
static void set_isolated(thumb_ctx *ctx, int i) {
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, i == 2 ? 17000 : 128);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, i == 2 ? 10 : 0);
    thumb_ctx_set(ctx, THUMB_OPT_FIT,
                  i == 2 ? THUMB_FIT_FILL : THUMB_FIT_INSIDE);
    thumb_ctx_set(ctx, THUMB_OPT_ENLARGE, i == 2);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP);
    if (i == 1)
        thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, 1000);
}

START_TEST(an_output_that_fails_leaves_the_others_complete) {
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    thumb_ctx *ctxs[OUTPUTS];
    for (int i = 0; i < OUTPUTS; i++) {
        ctxs[i] = thumb_ctx_new();
        set_isolated(ctxs[i], i);
    }
    ck_assert_int_eq(thumb_run_many(ctxs, OUTPUTS, data, size),
                     THUMB_ERR_LIMIT);
    ck_assert_int_eq(thumb_ctx_status(ctxs[0]), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_status(ctxs[1]), THUMB_ERR_LIMIT);
    ck_assert_ptr_nonnull(
        strstr(thumb_ctx_error(ctxs[1]), "over the limit of 1000 pixels"));
    ck_assert_int_eq(thumb_ctx_status(ctxs[2]), THUMB_ERR_ENCODE);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctxs[2]), "WebP"));
    const unsigned char *out;
    size_t len;
    ck_assert_int_eq(thumb_ctx_output(ctxs[1], &out, &len),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(thumb_ctx_info(ctxs[2], THUMB_INFO_OUTPUT_WIDTH), -1);
    /* The input information is there for every context. */
    for (int i = 0; i < OUTPUTS; i++)
        ck_assert_int_eq(thumb_ctx_info(ctxs[i], THUMB_INFO_WIDTH), 227);
    check_against_single(data, size, ctxs, 1, set_isolated);
    for (int i = 0; i < OUTPUTS; i++)
        thumb_ctx_free(ctxs[i]);
    free(data);
}
END_TEST

START_TEST(a_decoding_error_fails_every_output_with_its_message) {
    size_t size;
    uint8_t *data = read_corpus("bad/jpeg/truncated.jpg", &size);
    thumb_ctx *single = thumb_ctx_new();
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(single, data, size, &out, &out_len);
    ck_assert_int_ne(st, THUMB_OK);
    thumb_ctx *ctxs[OUTPUTS];
    for (int i = 0; i < OUTPUTS; i++) {
        ctxs[i] = thumb_ctx_new();
        thumb_ctx_set(ctxs[i], THUMB_OPT_WIDTH, 32 << i);
    }
    ck_assert_int_eq(thumb_run_many(ctxs, OUTPUTS, data, size), st);
    for (int i = 0; i < OUTPUTS; i++) {
        ck_assert_int_eq(thumb_ctx_status(ctxs[i]), st);
        ck_assert_str_eq(thumb_ctx_error(ctxs[i]), thumb_ctx_error(single));
        thumb_ctx_free(ctxs[i]);
    }
    thumb_ctx_free(single);
    free(data);
}
END_TEST

/* The same contexts, run after run over files whose decoded rows differ
 * in layout but not in size (CMYK inks with a profile, RGB without one):
 * what a run keeps for the next must be planned anew, so each output is
 * what fresh contexts make. */
static void set_reused(thumb_ctx *ctx, int i) {
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, i % 2 ? 32 : 128);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT,
                  i < 2 ? THUMB_FORMAT_AUTO : THUMB_FORMAT_PNG);
}

START_TEST(contexts_run_again_on_another_row_layout) {
    static const char *const files[] = {
        "jpeg/Channel_digital_image_CMYK_color.jpg",
        "jpeg/Channel_digital_image_CMYK_color_no_profile.jpg",
        "jpeg/Channel_digital_image_CMYK_color.jpg", "png/buggie.png"};
    enum { REUSED = 4 };
    thumb_ctx *kept[REUSED], *fresh[REUSED];
    for (int i = 0; i < REUSED; i++) {
        kept[i] = thumb_ctx_new();
        set_reused(kept[i], i);
    }
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        for (int i = 0; i < REUSED; i++) {
            fresh[i] = thumb_ctx_new();
            set_reused(fresh[i], i);
        }
        ck_assert_int_eq(thumb_run_many(kept, REUSED, data, size), THUMB_OK);
        ck_assert_int_eq(thumb_run_many(fresh, REUSED, data, size), THUMB_OK);
        for (int i = 0; i < REUSED; i++) {
            size_t a_len, b_len;
            unsigned char *a = copy_output(kept[i], &a_len);
            unsigned char *b = copy_output(fresh[i], &b_len);
            ck_assert_msg(a_len == b_len && memcmp(a, b, a_len) == 0,
                          "%s: output %d of reused contexts differs", files[f],
                          i);
            free(a);
            free(b);
            thumb_ctx_free(fresh[i]);
        }
        free(data);
    }
    for (int i = 0; i < REUSED; i++)
        thumb_ctx_free(kept[i]);
}
END_TEST

START_TEST(bad_arguments_are_refused) {
    thumb_ctx *a = thumb_ctx_new(), *b = thumb_ctx_new();
    thumb_ctx *dup[2] = {a, a}, *with_null[2] = {a, NULL}, *two[2] = {a, b};
    static const uint8_t byte = 0;
    ck_assert_int_eq(thumb_run_many(NULL, 1, &byte, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run_many(two, 0, &byte, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run_many(dup, 2, &byte, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run_many(with_null, 2, &byte, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_run_many(two, 2, NULL, 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(b), "in is NULL"));
    /* The first context's input limit is everyone's. */
    thumb_ctx_set(a, THUMB_OPT_MAX_INPUT_BYTES, 1);
    static const uint8_t two_bytes[2] = {0xFF, 0xD8};
    ck_assert_int_eq(thumb_run_many(two, 2, two_bytes, 2), THUMB_ERR_LIMIT);
    ck_assert_int_eq(thumb_ctx_status(b), THUMB_ERR_LIMIT);
    const unsigned char *out = (const unsigned char *)"x";
    size_t len = 1;
    ck_assert_int_eq(thumb_ctx_output(NULL, &out, &len),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    thumb_ctx_free(a);
    thumb_ctx_free(b);
}
END_TEST

/* Every allocation of a three-output run fails once, in turn, through one
 * counting allocator the three contexts share: no leak, and every context
 * ends with a status (out of memory, or made). */
START_TEST(allocation_failures_leak_nothing) {
    static const char *const files[] = {"jpeg/testorig.jpg", "gif/chi.gif",
                                        "png/pngsuite/basn6a08.png"};
    size_t size;
    uint8_t *data = read_corpus(files[_i], &size);
    counting_allocator a;
    counting_allocator_init(&a);
    thumb_allocator hooks = counting_allocator_hooks(&a);
    a.spare_lcms2 = 1;
    long calls = -1;
    /* The first pass counts the run's allocations; then each fails. */
    for (long k = -1; k == -1 || k < calls; k++) {
        thumb_ctx *ctxs[OUTPUTS];
        for (int i = 0; i < OUTPUTS; i++) {
            a.fail_at = -1;
            ctxs[i] = thumb_ctx_new_with_allocator(&hooks);
            ck_assert_ptr_nonnull(ctxs[i]);
            thumb_ctx_set(ctxs[i], THUMB_OPT_WIDTH, 80 >> i);
            thumb_ctx_set(ctxs[i], THUMB_OPT_FORMAT,
                          i ? THUMB_FORMAT_PNG : THUMB_FORMAT_AUTO);
        }
        long before = a.calls;
        a.failed = 0;
        a.fail_at = k < 0 ? -1 : before + k;
        thumb_status st = thumb_run_many(ctxs, OUTPUTS, data, size);
        if (calls < 0) {
            ck_assert_int_eq(st, THUMB_OK);
            calls = a.calls - before;
        }
        for (int i = 0; i < OUTPUTS; i++) {
            thumb_status own = thumb_ctx_status(ctxs[i]);
            ck_assert_msg(own == THUMB_OK || own == THUMB_ERR_NOMEM,
                          "%s, failure %ld: output %d ended with %d (%s)",
                          files[_i], k, i, own, thumb_ctx_error(ctxs[i]));
            if (own == THUMB_ERR_NOMEM)
                ck_assert_ptr_nonnull(
                    strstr(thumb_ctx_error(ctxs[i]), "out of memory"));
        }
        if (a.failed && !a.spared)
            ck_assert_msg(st == THUMB_ERR_NOMEM,
                          "%s: failure %ld of %ld gave %d", files[_i], k, calls,
                          st);
        for (int i = 0; i < OUTPUTS; i++)
            thumb_ctx_free(ctxs[i]);
        ck_assert_int_eq(a.live_blocks, 0);
    }
    ck_assert_int_gt(calls, 10);
    free(data);
}
END_TEST

static Suite *run_many_suite(void) {
    Suite *s = suite_create("run_many");
    TCase *corpus = tcase_create("corpus");
    tcase_set_timeout(corpus, 600);
    tcase_add_loop_test(corpus, every_output_is_the_single_runs_over_the_corpus,
                        0, sizeof good_dirs / sizeof good_dirs[0]);
    suite_add_tcase(s, corpus);
    TCase *tc = tcase_create("run_many");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, animations_go_frame_by_frame_to_every_animated_output);
    tcase_add_test(tc, an_output_that_fails_leaves_the_others_complete);
    tcase_add_test(tc, a_streamed_output_that_fails_leaves_the_others_complete);
    tcase_add_test(tc, a_decoding_error_fails_every_output_with_its_message);
    tcase_add_test(tc, contexts_run_again_on_another_row_layout);
    tcase_add_test(tc, bad_arguments_are_refused);
    tcase_add_loop_test(tc, allocation_failures_leak_nothing, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(run_many_suite)
