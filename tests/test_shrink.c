/* Shrink-on-load against THUMB_OPT_ACCURATE: by default JPEG and WebP
 * decode smaller (about 2x the target); accurate decodes everything and
 * must match an exact float64 Lanczos3 of the full image within 55 dB
 * PSNR. */
#include "decoded.h"
#include "lanczos_ref.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* The accuracy target for THUMB_OPT_ACCURATE. */
#define ACCURATE_MIN_PSNR_DB 55.0

static int verbose(void) {
    const char *v = getenv("THUMB_TEST_VERBOSE");
    return v && *v && *v != '0';
}

typedef struct shrink_case {
    const char *path;
    uint32_t box_w, box_h; /* inside this box */
} shrink_case;

/* T1 of the benchmark, and WebP, which decodes scaled in libwebp. Neither
 * has an ICC profile or a rotating EXIF orientation, so the output is the
 * resize alone. */
static const shrink_case cases[] = {
    {"jpeg/2569067123_aca715a2ee_o.jpg", 720, 588},
    {"jpeg/flowers.jpeg", 256, 256},
    {"webp/iss634.webp", 200, 200},
};

/* Sources large enough against their box to shrink on load. */
static const shrink_case shrinking[] = {
    {"jpeg/flowers.jpeg", 256, 256},
    {"webp/4.webp", 200, 200},
};

/* Thumbnail as PNG (lossless) and its PSNR against the exact reference of
 * the full decode; *decoded_w is the width the decoder produced. */
static double run_case(const shrink_case *c, int accurate, int64_t *decoded_w,
                       uint32_t *full_w) {
    size_t size;
    uint8_t *data = read_corpus(c->path, &size);
    decoded full = decode_image(data, size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, c->box_w), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, c->box_h), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_PNG),
                     THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, accurate),
                     THUMB_OK);
    const unsigned char *out;
    size_t out_len;
    ck_assert_msg(thumb_run(ctx, data, size, &out, &out_len) == THUMB_OK,
                  "%s: %s", c->path, thumb_ctx_error(ctx));
    *decoded_w = thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH);
    *full_w = full.width;
    decoded got = decode_image(out, out_len);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(got.channels, full.channels);

    lanczos_ref_geometry g = {full.width, full.height, got.width,
                              got.height, 0,           0,
                              got.width,  got.height,  full.channels};
    uint8_t *want = lanczos_ref_resize(full.px, &g);
    double db =
        psnr_u8(got.px, want, (size_t)got.width * got.height * got.channels);
    if (verbose())
        printf("%s %ux%u -> %ux%u, accurate %d, decoded width %lld: %.2f dB\n",
               c->path, full.width, full.height, got.width, got.height,
               accurate, (long long)*decoded_w, db);
    free(want);
    decoded_free(&got);
    decoded_free(&full);
    free(data);
    return db;
}

START_TEST(test_accurate_matches_the_exact_lanczos3) {
    const shrink_case *c = &cases[_i];
    int64_t decoded_w;
    uint32_t full_w;
    double db = run_case(c, 1, &decoded_w, &full_w);
    ck_assert_int_eq(decoded_w, full_w); /* nothing shrunk on load */
    ck_assert_msg(db >= ACCURATE_MIN_PSNR_DB, "%s: %.2f dB < %.0f dB", c->path,
                  db, ACCURATE_MIN_PSNR_DB);
}
END_TEST

START_TEST(test_default_shrinks_on_load) {
    const shrink_case *c = &shrinking[_i];
    int64_t decoded_w, accurate_w;
    uint32_t full_w;
    double fast = run_case(c, 0, &decoded_w, &full_w);
    double exact = run_case(c, 1, &accurate_w, &full_w);
    /* Smaller than the source, still about 2x the target. */
    ck_assert_int_lt(decoded_w, full_w);
    ck_assert_int_ge(decoded_w, 2 * (int64_t)c->box_w * 95 / 100);
    /* The price of it, which the option exists to avoid. */
    ck_assert_msg(fast < exact, "%s: shrink-on-load %.2f dB, accurate %.2f dB",
                  c->path, fast, exact);
}
END_TEST

static Suite *shrink_suite(void) {
    Suite *s = suite_create("shrink");
    TCase *tc = tcase_create("accurate");
    tcase_set_timeout(tc, 600);
    int n = (int)(sizeof cases / sizeof *cases);
    tcase_add_loop_test(tc, test_accurate_matches_the_exact_lanczos3, 0, n);
    tcase_add_loop_test(tc, test_default_shrinks_on_load, 0,
                        (int)(sizeof shrinking / sizeof *shrinking));
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(shrink_suite)
