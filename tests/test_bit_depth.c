/* Bit depth and linear light through whole runs (issue 3, items 4 and 5):
 * 16-bit PNGs are resized from their 16 bits and reduced once, at the end
 * (or kept 16-bit with THUMB_OPT_PNG_16BIT); THUMB_OPT_LINEAR resizes in
 * linear light. Low-depth palettes and greys are PngSuite's, checked
 * against Pillow by pngsuite_vs_pillow.py. */
#include "decoded.h"
#include "lanczos_ref.h"
#include "support.h"

#include "codec/encoder.h"
#include "orient.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The bit depth byte of a PNG's IHDR: signature 8, length 4, type 4,
 * width 4, height 4. */
#define PNG_IHDR_DEPTH_OFFSET 24
#define MAX16 65535.0
/* 12 bits of a 16-bit sample. */
#define TWELVE_BIT_ERROR 16.0

static uint16_t get16(const uint8_t *px, size_t i) {
    uint16_t v;
    memcpy(&v, px + 2 * i, sizeof v);
    return v;
}

/* A 4096x16 16-bit grey ramp over 2048 levels: 8 levels of 8 bits. */
static uint8_t *ramp_png(size_t *size, double **exact_row, uint32_t dw) {
    const uint32_t w = 4096, h = 16;
    uint8_t *px = malloc((size_t)w * h * 2);
    double *src = malloc((size_t)w * h * sizeof *src);
    ck_assert(px && src);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint16_t v = (uint16_t)(30000 + x / 2);
            memcpy(px + 2 * ((size_t)y * w + x), &v, sizeof v);
            src[(size_t)y * w + x] = v;
        }
    image img = {w, h, 1, (size_t)w * 2, px, 16};
    uint8_t *png = encode_png_file(&img, size);
    lanczos_ref_geometry g = {w, h, dw, 4, 0, 0, dw, 4, 1};
    *exact_row = lanczos_ref_resize_f(src, &g, MAX16);
    free(src);
    free(px);
    return png;
}

START_TEST(sixteen_bit_ramp_does_not_band) {
    const uint32_t dw = 512;
    size_t size;
    double *exact;
    uint8_t *png = ramp_png(&size, &exact, dw);
    const option_value opts[] = {{THUMB_OPT_WIDTH, dw},
                                 {THUMB_OPT_HEIGHT, 4},
                                 {THUMB_OPT_FIT, THUMB_FIT_FILL},
                                 {THUMB_OPT_PNG_16BIT, 1}};
    size_t out_size;
    uint8_t *out = make_thumbnail(png, size, opts, 4, &out_size);
    ck_assert_int_eq(out[PNG_IHDR_DEPTH_OFFSET], 16);
    decoded d = decode_image_depth(out, out_size, 1);
    ck_assert_int_eq(d.depth, 16);
    ck_assert_uint_eq(d.width, dw);
    uint32_t distinct = 1;
    for (uint32_t x = 0; x < dw; x++) {
        double e = fabs(get16(d.px, x) - exact[x]);
        ck_assert_msg(e <= TWELVE_BIT_ERROR, "column %u: %u, exact %.1f", x,
                      get16(d.px, x), exact[x]);
        if (x > 0) {
            ck_assert_uint_ge(get16(d.px, x), get16(d.px, x - 1));
            distinct += get16(d.px, x) != get16(d.px, x - 1);
        }
    }
    /* 8 bits in between would leave 8 bands. */
    ck_assert_msg(distinct >= dw - 8, "%u distinct levels of %u", distinct, dw);
    decoded_free(&d);
    free(out);

    /* By default the same run writes 8 bits: the exact values, rounded. */
    out = make_thumbnail(png, size, opts, 3, &out_size);
    ck_assert_int_eq(out[PNG_IHDR_DEPTH_OFFSET], 8);
    d = decode_image(out, out_size);
    for (uint32_t x = 0; x < dw; x++)
        ck_assert_msg(fabs(d.px[x] - exact[x] / 257.0) <= 0.5 + 1.0 / 32,
                      "column %u: %u, exact %.3f", x, d.px[x],
                      exact[x] / 257.0);
    decoded_free(&d);
    free(out);
    free(exact);
    free(png);
}
END_TEST

typedef struct corpus_count {
    int files;
} corpus_count;

/* Every 16-bit PNG of the corpus: 16-bit output when asked, 8-bit by
 * default, and the two agree; without a profile or alpha (nothing but the
 * resize changes the samples) the 16-bit output is the exact Lanczos3
 * within 12 bits. */
static void check_sixteen_bit_file(const manifest_row *row, void *opaque) {
    if (!strstr(row->description, "16-bit") || strncmp(row->path, "png/", 4))
        return;
    corpus_count *count = opaque;
    size_t size;
    uint8_t *file = read_corpus(row->path, &size);
    ck_assert_ptr_nonnull(file);
    decoded in = decode_image_depth(file, size, 1);
    ck_assert_msg(in.depth == 16, "%s: decoded with %d bits", row->path,
                  in.depth);
    count->files++;
    uint32_t dw = in.width > 64 ? 64 : in.width / 2 + 1;
    uint32_t dh = (uint32_t)((uint64_t)in.height * dw / in.width);
    dh = dh ? dh : 1;
    option_value opts[] = {{THUMB_OPT_WIDTH, dw},
                           {THUMB_OPT_HEIGHT, dh},
                           {THUMB_OPT_FIT, THUMB_FIT_FILL},
                           {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                           {THUMB_OPT_PNG_16BIT, 1}};
    size_t out_size;
    uint8_t *out = make_thumbnail(file, size, opts, 5, &out_size);
    ck_assert_msg(out[PNG_IHDR_DEPTH_OFFSET] == 16, "%s: %u-bit output",
                  row->path, out[PNG_IHDR_DEPTH_OFFSET]);
    decoded o16 = decode_image_depth(out, out_size, 1);
    free(out);
    out = make_thumbnail(file, size, opts, 4, &out_size);
    ck_assert_int_eq(out[PNG_IHDR_DEPTH_OFFSET], 8);
    decoded o8 = decode_image(out, out_size);
    free(out);
    ck_assert_int_eq(o16.channels, o8.channels);
    size_t n = (size_t)dw * dh * o8.channels;
    int alpha = o8.channels == 2 || o8.channels == 4;
    for (size_t i = 0; i < n; i++) {
        /* Colour under an alpha near 0 is unpremultiplied from few bits
         * in either depth. */
        uint8_t a8 = alpha ? o8.px[i - i % o8.channels + o8.channels - 1] : 255;
        double limit = a8 >= 16 ? 1.0 : 255.0;
        ck_assert_msg(fabs(get16(o16.px, i) / 257.0 - o8.px[i]) <= limit,
                      "%s: sample %zu is %u in 16 bits, %u in 8", row->path, i,
                      get16(o16.px, i), o8.px[i]);
    }
    if (!in.icc && !alpha) {
        size_t in_n = (size_t)in.width * in.height * in.channels;
        double *src = malloc(in_n * sizeof *src);
        ck_assert_ptr_nonnull(src);
        for (size_t i = 0; i < in_n; i++)
            src[i] = get16(in.px, i);
        lanczos_ref_geometry g = {in.width, in.height, dw, dh,         0,
                                  0,        dw,        dh, in.channels};
        double *exact = lanczos_ref_resize_f(src, &g, MAX16);
        for (size_t i = 0; i < n; i++) {
            double v = exact[i] < 0 ? 0 : exact[i] > MAX16 ? MAX16 : exact[i];
            ck_assert_msg(fabs(get16(o16.px, i) - v) <= TWELVE_BIT_ERROR,
                          "%s: sample %zu is %u, exact %.1f", row->path, i,
                          get16(o16.px, i), v);
        }
        free(exact);
        free(src);
    }
    decoded_free(&o16);
    decoded_free(&o8);
    decoded_free(&in);
    free(file);
}

START_TEST(corpus_sixteen_bit_pngs) {
    corpus_count count = {0};
    manifest_each_row("png/", check_sixteen_bit_file, &count);
    /* PngSuite alone has more than 20. */
    ck_assert_int_ge(count.files, 20);
}
END_TEST

/* 16-bit output through a smart crop (analysed on an 8-bit copy). */
START_TEST(sixteen_bit_smart_crop) {
    size_t size;
    uint8_t *file = read_corpus("png/Flag_of_the_Netherlands-16bit.png", &size);
    const option_value opts[] = {{THUMB_OPT_WIDTH, 100},
                                 {THUMB_OPT_HEIGHT, 100},
                                 {THUMB_OPT_FIT, THUMB_FIT_COVER},
                                 {THUMB_OPT_CROP, THUMB_CROP_ATTENTION},
                                 {THUMB_OPT_PNG_16BIT, 1}};
    size_t out_size;
    uint8_t *out = make_thumbnail(file, size, opts, 5, &out_size);
    decoded d = decode_image_depth(out, out_size, 1);
    ck_assert_int_eq(d.depth, 16);
    ck_assert_uint_eq(d.width, 100);
    ck_assert_uint_eq(d.height, 100);
    /* The flag's bands run red, white, blue from the top: red is high in
     * R at the top, blue low in R at the bottom. */
    ck_assert_uint_gt(get16(d.px, 0), 40000);
    ck_assert_uint_lt(get16(d.px, (size_t)99 * 100 * 3), 30000);
    decoded_free(&d);
    free(out);
    free(file);
}
END_TEST

/* Orientation moves whole 16-bit pixels. */
START_TEST(sixteen_bit_orientation) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img;
    ck_assert_int_eq(image_alloc_depth(ctx, &img, 3, 2, 3, 16), THUMB_OK);
    for (size_t i = 0; i < 3 * 2 * 3; i++) {
        uint16_t v = (uint16_t)(1000 * i + 1);
        memcpy(img.px + 2 * i, &v, sizeof v);
    }
    /* 6: turned 90 degrees clockwise; the stored bottom-left pixel
     * (0, 1) is shown at the top left. */
    ck_assert_int_eq(orient_apply(ctx, &img, 6), THUMB_OK);
    ck_assert_uint_eq(img.width, 2);
    ck_assert_uint_eq(img.height, 3);
    ck_assert_int_eq(img.depth, 16);
    for (int c = 0; c < 3; c++)
        ck_assert_uint_eq(get16(img.px, (size_t)c), 1000 * (9 + c) + 1);
    image_release(ctx, &img);
    thumb_ctx_free(ctx);
}
END_TEST

static uint8_t *checkerboard_png(size_t *size, int channels) {
    const uint32_t w = 96, h = 64;
    uint8_t *px = malloc((size_t)w * h * channels);
    ck_assert_ptr_nonnull(px);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < channels; c++)
                px[((size_t)y * w + x) * channels + c] =
                    c == 3 ? 255 : (uint8_t)(((x + y) & 1) * 255);
    image img = {w, h, channels, (size_t)w * channels, px, 8};
    uint8_t *png = encode_png_file(&img, size);
    free(px);
    return png;
}

static double mean_of(const decoded *d) {
    int colours = d->channels == 4 ? 3 : d->channels;
    double sum = 0;
    for (size_t p = 0; p < (size_t)d->width * d->height; p++)
        for (int c = 0; c < colours; c++)
            sum += d->px[p * d->channels + c];
    return sum / ((double)d->width * d->height * colours);
}

/* Item 5: a 1-pixel checkerboard in linear light is 50% of the light,
 * sRGB 187.5; as code values it is 127.5. */
START_TEST(linear_light_checkerboard) {
    static const int layouts[] = {1, 3, 4};
    const int channels = layouts[_i];
    size_t size;
    uint8_t *png = checkerboard_png(&size, channels);
    for (int linear = 0; linear <= 1; linear++) {
        const option_value opts[] = {{THUMB_OPT_WIDTH, 24},
                                     {THUMB_OPT_LINEAR, linear}};
        decoded d = thumbnail_decoded(png, size, opts, 2);
        ck_assert_uint_eq(d.width, 24);
        double m = mean_of(&d);
        if (linear)
            ck_assert_msg(m >= 187.0 && m <= 188.5, "%d channels: %.2f",
                          channels, m);
        else
            ck_assert_msg(m >= 127.0 && m <= 128.5, "%d channels: %.2f",
                          channels, m);
        decoded_free(&d);
    }
    free(png);
}
END_TEST

/* Linear light runs through every path that resizes: JPEG shrink-on-load,
 * alpha, and animations. */
START_TEST(linear_light_on_corpus_files) {
    static const char *const files[] = {
        "jpeg/Carrie.jpg", "png/alpha-premultiply-2048x1536-paper.png",
        "webp/animated-loop-3.webp", "gif/animated-loop-3.gif"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t size;
        uint8_t *file = read_corpus(files[i], &size);
        const option_value opts[] = {{THUMB_OPT_WIDTH, 64},
                                     {THUMB_OPT_LINEAR, 1}};
        size_t out_size;
        uint8_t *out = make_thumbnail(file, size, opts, 2, &out_size);
        ck_assert_uint_gt(out_size, 0);
        free(out);
        free(file);
    }
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("bit_depth");
    TCase *tc = tcase_create("depth");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sixteen_bit_ramp_does_not_band);
    tcase_add_test(tc, corpus_sixteen_bit_pngs);
    tcase_add_test(tc, sixteen_bit_smart_crop);
    tcase_add_test(tc, sixteen_bit_orientation);
    tcase_add_loop_test(tc, linear_light_checkerboard, 0, 3);
    tcase_add_test(tc, linear_light_on_corpus_files);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(suite)
