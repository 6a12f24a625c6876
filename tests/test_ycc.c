/* YCbCr -> RGB of the planar JPEG path (src/ycc.c): every build this CPU
 * runs gives exactly the scalar bytes, over row lengths around its steps
 * and over the whole int16 range (ringing takes Q6 samples well outside
 * 0..255 x 64), and the scalar one is JFIF's conversion. */
#include "support.h"
#include "ycc.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WIDTH 1000
#define BUILDS 4

/* A small deterministic generator (xorshift32). */
static uint32_t next(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Samples: the full int16 range when wide, else 8-bit values in Q6 with
 * ringing of a quarter either side, as resizes give. */
static void fill(int16_t *v, size_t n, uint32_t *seed, int wide) {
    for (size_t i = 0; i < n; i++)
        v[i] = wide ? (int16_t)(next(seed) & 0xffff)
                    : (int16_t)((int32_t)(next(seed) % (384 * 64)) - 64 * 64);
}

START_TEST(test_every_build_matches_scalar) {
    ycc_to_rgb_fn builds[BUILDS];
    size_t n = ycc_test_builds(builds, BUILDS);
    ck_assert_uint_ge(n, 1);
    ck_assert_ptr_eq(builds[0], ycc_to_rgb_scalar);
#if defined(__x86_64__)
    /* Every x86-64 machine this is tested on has AVX2. */
    ck_assert_uint_ge(n, 2);
#endif
    static int16_t y[MAX_WIDTH], cb[MAX_WIDTH], cr[MAX_WIDTH];
    static uint8_t want[3 * MAX_WIDTH + 64], got[3 * MAX_WIDTH + 64];
    uint32_t seed = 2463534242u;
    unsigned compared = 0;
    for (int wide = 0; wide <= 1; wide++)
        for (uint32_t width = 0; width <= MAX_WIDTH;
             width += width < 70 ? 1 : 310) {
            fill(y, width, &seed, wide);
            fill(cb, width, &seed, wide);
            fill(cr, width, &seed, wide);
            memset(want, 0x5A, sizeof want);
            ycc_to_rgb_scalar(y, cb, cr, want, width);
            for (size_t b = 1; b < n; b++) {
                memset(got, 0x5A, sizeof got);
                builds[b](y, cb, cr, got, width);
                /* The whole buffer: nothing written past the row. */
                size_t i = 0;
                while (i < sizeof got && got[i] == want[i])
                    i++;
                ck_assert_msg(i == sizeof got,
                              "build %zu, width %u (%s): byte %zu is %d, "
                              "scalar %d",
                              b, width, wide ? "int16" : "Q6 8-bit", i, got[i],
                              want[i]);
                compared++;
            }
        }
    if (n > 1)
        ck_assert_uint_gt(compared, 0);
}
END_TEST

/* Grey stays grey, and JFIF's primaries come out as libjpeg's do (within
 * the rounding of Q6 input). */
START_TEST(test_scalar_is_jfif) {
    int16_t y[4], cb[4], cr[4];
    uint8_t rgb[12];
    /* Y, Cb, Cr of grey 128, white, red and blue (JFIF, rounded). */
    static const double ycc[4][3] = {{128, 128, 128},
                                     {255, 128, 128},
                                     {76.245, 84.972, 255.5},
                                     {29.07, 255.5, 107.27}};
    static const uint8_t expect[4][3] = {
        {128, 128, 128}, {255, 255, 255}, {255, 0, 0}, {0, 0, 255}};
    for (int i = 0; i < 4; i++) {
        y[i] = (int16_t)lround(ycc[i][0] * 64);
        cb[i] = (int16_t)lround(ycc[i][1] * 64);
        cr[i] = (int16_t)lround(ycc[i][2] * 64);
    }
    ycc_to_rgb_scalar(y, cb, cr, rgb, 4);
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < 3; c++)
            ck_assert_msg(abs(rgb[3 * i + c] - expect[i][c]) <= 1,
                          "colour %d channel %d: %d, expected %d", i, c,
                          rgb[3 * i + c], expect[i][c]);
}
END_TEST

static Suite *ycc_suite(void) {
    Suite *s = suite_create("ycc");
    TCase *tc = tcase_create("ycc");
    tcase_add_test(tc, test_every_build_matches_scalar);
    tcase_add_test(tc, test_scalar_is_jfif);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(ycc_suite)
