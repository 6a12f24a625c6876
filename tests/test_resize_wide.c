/* The resizer's wide rows (src/resize/resize_convert.h): 16-bit samples
 * keep at least 12 bits through both passes, and linear light mixes light,
 * not code values. Every kernel table this machine runs is checked against
 * an exact float64 Lanczos3 (tests/lanczos_ref.c). */
#include "decoded.h"
#include "lanczos_ref.h"
#include "support.h"

#include "ctx.h"
#include "resize/resize.h"
#include "resize/resize_convert.h"
#include "resize/resize_kernels.h"
#include "resize/resize_test.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 8
#define MAX16 65535.0
/* 12 bits of a 16-bit sample: 2^(16 - 12). */
#define TWELVE_BIT_ERROR 16.0

/* Source rows of any depth, tightly packed. */
typedef struct wide_src {
    uint32_t w, h;
    int ch, depth;
    uint8_t *px;
    uint32_t next;
} wide_src;

static size_t row_bytes(const wide_src *s) {
    return (size_t)s->w * s->ch * (s->depth / 8);
}

static thumb_status feed(void *opaque, uint8_t *const *rows, uint32_t count) {
    wide_src *s = opaque;
    for (uint32_t i = 0; i < count; i++, s->next++)
        memcpy(rows[i], s->px + s->next * row_bytes(s), row_bytes(s));
    return THUMB_OK;
}

static double sample(const uint8_t *px, size_t i, int depth) {
    if (depth == 8)
        return px[i];
    uint16_t v;
    memcpy(&v, px + 2 * i, sizeof v);
    return v;
}

static void put16(uint8_t *px, size_t i, uint32_t v) {
    uint16_t s = (uint16_t)v;
    memcpy(px + 2 * i, &s, sizeof s);
}

/* Resizes src to dw x dh with one kernel table; returns malloc'd pixels of
 * dst_depth. */
static uint8_t *run(wide_src *src, uint32_t dw, uint32_t dh, int dst_depth,
                    int linear, const resize_kernels *kernels) {
    thumb_ctx *ctx = thumb_ctx_new();
    resize_geometry g = {.src_width = src->w,
                         .src_height = src->h,
                         .scaled_width = dw,
                         .scaled_height = dh,
                         .dst_width = dw,
                         .dst_height = dh,
                         .channels = src->ch,
                         .src_depth = src->depth,
                         .dst_depth = dst_depth,
                         .linear = linear};
    resize *r = NULL;
    ck_assert_msg(resize_new(ctx, &g, &r) == THUMB_OK, "resize_new: %s",
                  thumb_ctx_error(ctx));
    resize_test_set_kernels(r, kernels);
    image dst;
    ck_assert_int_eq(image_alloc_depth(ctx, &dst, dw, dh, src->ch, dst_depth),
                     THUMB_OK);
    src->next = 0;
    ck_assert_msg(resize_run(r, feed, src, &dst) == THUMB_OK, "resize_run: %s",
                  thumb_ctx_error(ctx));
    size_t bytes = dst.stride * dh;
    uint8_t *out = malloc(bytes);
    ck_assert_ptr_nonnull(out);
    memcpy(out, dst.px, bytes);
    image_release(ctx, &dst);
    resize_free(r);
    thumb_ctx_free(ctx);
    return out;
}

static double *exact(const wide_src *src, uint32_t dw, uint32_t dh,
                     double max) {
    size_t n = (size_t)src->w * src->h * src->ch;
    double *s = malloc(n * sizeof *s);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        s[i] = sample(src->px, i, src->depth);
    lanczos_ref_geometry g = {src->w, src->h, dw, dh, 0, 0, dw, dh, src->ch};
    double *d = lanczos_ref_resize_f(s, &g, max);
    free(s);
    return d;
}

/* A 16-bit ramp too shallow for 8 bits: 2048 16-bit levels (8 levels of
 * 8 bits) across the width, with an alpha ramp when ch has alpha. */
static wide_src shallow_ramp(uint32_t w, uint32_t h, int ch) {
    wide_src s = {w, h, ch, 16, malloc((size_t)w * h * ch * 2), 0};
    ck_assert_ptr_nonnull(s.px);
    int alpha = ch == 2 || ch == 4;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < ch; c++) {
                uint32_t v = 20000 + x * 2048 / w + (uint32_t)c * 3000;
                if (alpha && c == ch - 1)
                    v = 30000 + (x + y) * 20000 / (w + h);
                put16(s.px, ((size_t)y * w + x) * ch + c, v);
            }
    return s;
}

/* Item 4 of issue 3: >= 12 bits through the resize, no banding. */
START_TEST(sixteen_bit_ramp_keeps_twelve_bits) {
    const int ch = _i + 1;
    const uint32_t sw = 2048, sh = 12, dw = 512, dh = 3;
    wide_src src = shallow_ramp(sw, sh, ch);
    double *ref = exact(&src, dw, dh, MAX16);
    const resize_kernels *tables[MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, MAX_TABLES);
    for (size_t t = 0; t < ntables; t++) {
        uint8_t *out = run(&src, dw, dh, 16, 0, tables[t]);
        double worst = 0;
        for (size_t i = 0; i < (size_t)dw * dh * ch; i++) {
            double e = fabs(sample(out, i, 16) - ref[i]);
            if (e > worst)
                worst = e;
        }
        ck_assert_msg(worst <= TWELVE_BIT_ERROR,
                      "%s, %d channels: off by %.1f of 65535 (12 bits allow "
                      "%.0f)",
                      tables[t]->name, ch, worst, TWELVE_BIT_ERROR);
        /* The first channel climbs 2048 levels over 512 columns: every
         * column a new value, never a step back (8 bits would give 8 bands
         * of 64 equal columns). Unpremultiplying by an alpha near one half
         * doubles the Q6 step (4 levels): a step back of that much is
         * rounding, not banding. */
        double slack = ch == 2 || ch == 4 ? 2 * MAX16 / RESIZE_Q6_MAX : 0;
        uint32_t distinct = 1;
        for (uint32_t x = 1; x < dw; x++) {
            double a = sample(out, (size_t)(x - 1) * ch, 16);
            double b = sample(out, (size_t)x * ch, 16);
            if (x > 3 && x < dw - 3)
                ck_assert_msg(b >= a - slack,
                              "%s: column %u falls from %.0f to %.0f",
                              tables[t]->name, x, a, b);
            distinct += b != a;
        }
        /* Premultiplied by alpha near one half, the colour has one bit
         * less: most columns, not all, still differ. */
        uint32_t want = slack > 0 ? dw * 9 / 10 : dw - 8;
        ck_assert_msg(distinct >= want, "%s: %u distinct levels of %u",
                      tables[t]->name, distinct, dw);
        free(out);

        /* Reduced to 8 bits once, at the end: each sample is the exact
         * value rounded, give or take a Q6 step or two where the exact
         * value sits on a rounding boundary. */
        out = run(&src, dw, dh, 8, 0, tables[t]);
        for (size_t i = 0; i < (size_t)dw * dh * ch; i++)
            ck_assert_msg(fabs(out[i] - ref[i] / 257.0) <=
                              0.5 + (slack > 0 ? slack / 257 : 1.0 / 32),
                          "%s: 8-bit sample %zu is %u, exact %.3f",
                          tables[t]->name, i, out[i], ref[i] / 257.0);
        free(out);
    }
    free(ref);
    free(src.px);
}
END_TEST

static wide_src checkerboard(uint32_t w, uint32_t h, int ch) {
    wide_src s = {w, h, ch, 8, malloc((size_t)w * h * ch), 0};
    ck_assert_ptr_nonnull(s.px);
    int alpha = ch == 2 || ch == 4;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < ch; c++)
                s.px[((size_t)y * w + x) * ch + c] =
                    alpha && c == ch - 1 ? 255 : ((x + y) & 1) * 255;
    return s;
}

static double mean_colour(const uint8_t *px, uint32_t w, uint32_t h, int ch) {
    int colours = ch == 2 || ch == 4 ? ch - 1 : ch;
    double sum = 0;
    for (size_t p = 0; p < (size_t)w * h; p++)
        for (int c = 0; c < colours; c++)
            sum += px[p * ch + c];
    return sum / ((double)w * h * colours);
}

/* Item 5 of issue 3: half black, half white is 50% of the light, which
 * sRGB encodes as 187.5; averaging the code values gives 127.5. */
START_TEST(linear_light_checkerboard_is_188) {
    const int ch = _i + 1;
    wide_src src = checkerboard(64, 64, ch);
    const resize_kernels *tables[MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, MAX_TABLES);
    for (size_t t = 0; t < ntables; t++) {
        uint8_t *lin = run(&src, 16, 16, 8, 1, tables[t]);
        double m = mean_colour(lin, 16, 16, ch);
        ck_assert_msg(m >= 187.0 && m <= 188.5, "%s, %d channels: linear %.2f",
                      tables[t]->name, ch, m);
        uint8_t *plain = run(&src, 16, 16, 8, 0, tables[t]);
        m = mean_colour(plain, 16, 16, ch);
        ck_assert_msg(m >= 127.0 && m <= 128.5, "%s, %d channels: plain %.2f",
                      tables[t]->name, ch, m);
        free(lin);
        free(plain);
    }
    free(src.px);
}
END_TEST

/* Flat areas stay exactly flat: every 8-bit level survives the trip to
 * linear Q6 and back (no level is lost in the darks). */
START_TEST(linear_light_keeps_every_level) {
    const int ch = _i + 1;
    int alpha = ch == 2 || ch == 4;
    wide_src src = {256 * 8, 6, ch, 8, malloc((size_t)256 * 8 * 6 * ch), 0};
    ck_assert_ptr_nonnull(src.px);
    for (uint32_t y = 0; y < src.h; y++)
        for (uint32_t x = 0; x < src.w; x++)
            for (int c = 0; c < ch; c++)
                src.px[((size_t)y * src.w + x) * ch + c] =
                    alpha && c == ch - 1 ? 255 : (uint8_t)(x / 8);
    /* An identity width would skip the filter: 2048 -> 2047 keeps the
     * bands 8 wide while every output is filtered. */
    uint8_t *out = run(&src, 2047, 3, 8, 1, &resize_kernels_scalar);
    for (uint32_t level = 0; level < 256; level++) {
        /* The middle of each band: the kernel (about 3 px) stays inside. */
        uint32_t x = level * 8 + 4;
        ck_assert_msg(out[(size_t)(2047 + x) * ch] == level,
                      "level %u came back as %u", level,
                      out[(size_t)(2047 + x) * ch]);
    }
    free(out);
    free(src.px);
}
END_TEST

/* On a photo, linear light agrees with the exact linear-light Lanczos3
 * (float64, sRGB decoded and encoded with the exact formulas). */
START_TEST(linear_light_matches_exact_on_a_photo) {
    size_t size;
    uint8_t *file = read_corpus("jpeg/Carrie.jpg", &size);
    ck_assert_ptr_nonnull(file);
    /* A 4x-shrunk decode keeps the test quick and is still a photo. */
    const option_value opts[] = {{THUMB_OPT_WIDTH, 750},
                                 {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                                 {THUMB_OPT_PNG_COMPRESSION, 1}};
    decoded d = thumbnail_decoded(file, size, opts, OPTION_COUNT(opts));
    free(file);
    wide_src src = {d.width, d.height, d.channels, 8, d.px, 0};
    uint32_t dw = d.width / 5, dh = d.height / 5;

    size_t n = (size_t)src.w * src.h * src.ch;
    double *lin = malloc(n * sizeof *lin);
    ck_assert_ptr_nonnull(lin);
    for (size_t i = 0; i < n; i++)
        lin[i] = resize_srgb_to_linear(src.px[i] / 255.0);
    lanczos_ref_geometry g = {src.w, src.h, dw, dh, 0, 0, dw, dh, src.ch};
    double *ref = lanczos_ref_resize_f(lin, &g, 1.0);
    uint8_t *out = run(&src, dw, dh, 8, 1, &resize_kernels_scalar);
    double worst = 0, sum = 0;
    for (size_t i = 0; i < (size_t)dw * dh * src.ch; i++) {
        double v = ref[i] < 0 ? 0 : ref[i] > 1 ? 1 : ref[i];
        double e = fabs(out[i] - resize_linear_to_srgb(v) * 255.0);
        sum += e;
        if (e > worst)
            worst = e;
    }
    double mean = sum / ((double)dw * dh * src.ch);
    /* Rounding alone gives 0.5 at worst and 0.25 on average; the Q6
     * linear domain and its tables add a little in the darks. */
    ck_assert_msg(worst <= 1.5 && mean <= 0.3, "worst %.2f, mean %.3f", worst,
                  mean);
    free(out);
    free(ref);
    free(lin);
    decoded_free(&d);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("resize_wide");
    TCase *tc = tcase_create("wide");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, sixteen_bit_ramp_keeps_twelve_bits, 0, 4);
    tcase_add_loop_test(tc, linear_light_checkerboard_is_188, 0, 4);
    tcase_add_loop_test(tc, linear_light_keeps_every_level, 0, 4);
    tcase_add_test(tc, linear_light_matches_exact_on_a_photo);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(suite)
