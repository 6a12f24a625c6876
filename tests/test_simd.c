/* The SIMD resize kernels against the scalar ones: every table this CPU
 * runs, on corpus images in every channel layout and at several scale
 * factors, within 1 LSB; and the THUMB_OPT_SIMD option and THUMB_SIMD
 * environment variable that force a path. */
#include "decoded.h"
#include "simd_compare.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tolerance: every path within 1 LSB of scalar. */
#define MAX_DIFF 1
/* Weights of ITU-R BT.601 luma in 1/256: grey made from colour. */
#define LUMA_R 77
#define LUMA_G 150
#define LUMA_B 29

static int verbose(void) {
    const char *v = getenv("THUMB_TEST_VERBOSE");
    return v && *v && *v != '0';
}

/* Larger images are cropped to their top-left corner this size: the
 * scalar path runs every geometry in every layout, and the suite must stay
 * fast on a shared machine. */
#define MAX_SIDE 720

/* The top-left w x h of src (3 or 4 channels) in layout ch: grey is luma;
 * alpha is the image's own, or a radial ramp from opaque to clear when it
 * has none. */
static uint8_t *to_layout(const decoded *src, uint32_t w, uint32_t h, int ch) {
    uint8_t *px = malloc((size_t)w * h * ch);
    ck_assert_ptr_nonnull(px);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *s = decoded_px(src, x, y);
            uint8_t *d = px + ((size_t)y * w + x) * ch;
            double dx = x - w / 2.0, dy = y - h / 2.0;
            double r2 = (dx * dx + dy * dy) / ((h / 2.0) * (h / 2.0));
            uint8_t a = src->channels == 4 ? s[3]
                        : r2 < 0.25        ? 255
                        : r2 > 1           ? 0
                                           : (uint8_t)(255 * (1 - r2));
            uint8_t grey =
                (uint8_t)((s[0] * LUMA_R + s[1] * LUMA_G + s[2] * LUMA_B) >> 8);
            switch (ch) {
            case 1:
                d[0] = grey;
                break;
            case 2:
                d[0] = grey;
                d[1] = a;
                break;
            default:
                memcpy(d, s, 3);
                if (ch == 4)
                    d[3] = a;
            }
        }
    return px;
}

static const char *const corpus_images[] = {
    "jpeg/testorig.jpg",        /* 227x149 */
    "png/embedgravitybird.png", /* 576x384 RGBA, soft alpha edges */
    "jpeg/flowers.jpeg",        /* 1920x1080, cropped */
    "png/buggie.png",           /* 64x138 RGBA */
};

START_TEST(test_every_path_matches_scalar_on_corpus) {
    const char *path = corpus_images[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    decoded src = decode_image(data, size);
    free(data);
    ck_assert_int_ge(src.channels, 3);
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
#if defined(__x86_64__)
    /* This machine's CPU has SSE4.1 at least: a test that compared only
     * scalar with itself would pass vacuously. */
    ck_assert_uint_ge(ntables, 2);
#endif
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    uint32_t w = src.width < MAX_SIDE ? src.width : MAX_SIDE;
    uint32_t h = src.height < MAX_SIDE ? src.height : MAX_SIDE;
    for (int ch = 1; ch <= 4; ch++) {
        uint8_t *px = to_layout(&src, w, h, ch);
        simd_image img = {w, h, ch, px};
        char name[96];
        snprintf(name, sizeof name, "%s x%d", path, ch);
        unsigned cases = 0;
        int worst =
            simd_compare_all(ctx, &img, name, MAX_DIFF, verbose(), &cases);
        ck_assert_msg(worst >= 0, "%s: a resize failed", name);
        ck_assert_msg(worst <= MAX_DIFF,
                      "%s: a SIMD path differs from scalar by %d", name, worst);
        ck_assert_uint_gt(cases, 0);
        free(px);
    }
    thumb_ctx_free(ctx);
    decoded_free(&src);
}
END_TEST

/* Whole thumbnails, each forced path: the same pixels, within 1 LSB. */
START_TEST(test_option_forces_each_path) {
    static const char *const inputs[] = {"png/embedgravitybird.png",
                                         "jpeg/flowers.jpeg"};
    for (size_t f = 0; f < sizeof inputs / sizeof *inputs; f++) {
        size_t size;
        uint8_t *data = read_corpus(inputs[f], &size);
        decoded want = {0};
        int ran = 0;
        for (int simd = THUMB_SIMD_SCALAR; simd <= THUMB_SIMD_NEON; simd++) {
            if (!resize_simd_available(simd))
                continue;
            option_value opts[] = {{THUMB_OPT_WIDTH, 301},
                                   {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                                   {THUMB_OPT_SIMD, simd}};
            decoded got = thumbnail_decoded(data, size, opts, 3);
            ran++;
            if (simd == THUMB_SIMD_SCALAR) {
                want = got;
                continue;
            }
            ck_assert_uint_eq(got.width, want.width);
            ck_assert_uint_eq(got.height, want.height);
            ck_assert_int_eq(got.channels, want.channels);
            size_t n = (size_t)got.width * got.height * got.channels;
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(abs(got.px[i] - want.px[i]) <= MAX_DIFF,
                              "%s, simd %d: sample %zu is %d, scalar %d",
                              inputs[f], simd, i, got.px[i], want.px[i]);
            decoded_free(&got);
        }
        ck_assert_int_ge(ran, 2);
        decoded_free(&want);
        free(data);
    }
}
END_TEST

START_TEST(test_option_refuses_missing_paths) {
    thumb_ctx *ctx = thumb_ctx_new();
    int64_t v = -1;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_SIMD, &v), THUMB_OK);
    int64_t lo, hi;
    ck_assert_int_eq(thumb_option_bounds(THUMB_OPT_SIMD, &lo, &hi), THUMB_OK);
    ck_assert_int_eq(lo, THUMB_SIMD_AUTO);
    ck_assert_int_eq(hi, THUMB_SIMD_NEON);
    int missing = 0;
    for (int simd = THUMB_SIMD_AUTO; simd <= THUMB_SIMD_NEON; simd++) {
        thumb_status st = thumb_ctx_set(ctx, THUMB_OPT_SIMD, simd);
        if (resize_simd_available(simd)) {
            ck_assert_int_eq(st, THUMB_OK);
            continue;
        }
        missing++;
        ck_assert_int_eq(st, THUMB_ERR_UNSUPPORTED_FEATURE);
        ck_assert_msg(strstr(thumb_ctx_error(ctx), "simd") != NULL, "%s",
                      thumb_ctx_error(ctx));
    }
    /* An x86 build has no NEON, an Arm one no SSE. */
    ck_assert_int_ge(missing, 1);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_SIMD, THUMB_SIMD_NEON + 1),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(test_environment_sets_the_default) {
    int other = resize_simd_available(THUMB_SIMD_NEON) ? THUMB_SIMD_SSE41
                                                       : THUMB_SIMD_NEON;
    static const char *const names[] = {"auto", "scalar", "sse41",
                                        "avx2", "avx512", "neon"};
    ck_assert_int_eq(setenv("THUMB_SIMD", "scalar", 1), 0);
    thumb_ctx *ctx = thumb_ctx_new();
    int64_t v = -1;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_SIMD, &v), THUMB_OK);
    ck_assert_int_eq(v, THUMB_SIMD_SCALAR);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_SIMD, THUMB_SIMD_AUTO),
                     THUMB_OK);
    thumb_ctx_reset(ctx); /* back to what the environment said */
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_SIMD, &v), THUMB_OK);
    ck_assert_int_eq(v, THUMB_SIMD_SCALAR);
    thumb_ctx_free(ctx);

    ck_assert_int_eq(setenv("THUMB_SIMD", "fastest please", 1), 0);
    ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_SIMD, &v), THUMB_OK);
    ck_assert_int_eq(v, THUMB_SIMD_AUTO);
    thumb_ctx_free(ctx);

    /* A path this CPU lacks, from the environment: the run fails, saying
     * why, rather than quietly taking another. */
    ck_assert_int_eq(setenv("THUMB_SIMD", names[other], 1), 0);
    ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_SIMD, &v), THUMB_OK);
    ck_assert_int_eq(v, other);
    size_t size;
    uint8_t *data = read_corpus("jpeg/testorig.jpg", &size);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 50), THUMB_OK);
    const unsigned char *out;
    size_t out_len;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_len),
                     THUMB_ERR_UNSUPPORTED_FEATURE);
    ck_assert_msg(strstr(thumb_ctx_error(ctx), names[other]) != NULL, "%s",
                  thumb_ctx_error(ctx));
    free(data);
    thumb_ctx_free(ctx);
    unsetenv("THUMB_SIMD");
}
END_TEST

static Suite *simd_suite(void) {
    Suite *s = suite_create("simd");
    TCase *paths = tcase_create("paths");
    /* The scalar path over every layout and geometry is slow under
     * sanitizers. */
    tcase_set_timeout(paths, 600);
    tcase_add_loop_test(paths, test_every_path_matches_scalar_on_corpus, 0,
                        (int)(sizeof corpus_images / sizeof *corpus_images));
    tcase_add_test(paths, test_option_forces_each_path);
    suite_add_tcase(s, paths);
    TCase *options = tcase_create("options");
    tcase_add_test(options, test_option_refuses_missing_paths);
    tcase_add_test(options, test_environment_sets_the_default);
    suite_add_tcase(s, options);
    return s;
}

THUMB_TEST_MAIN(simd_suite)
