/* Transparency through whole runs: no fringe from the colour hidden under
 * transparent pixels; grey + alpha, palette + tRNS and colour-key tRNS
 * inputs; alpha kept in PNG and WebP output and flattened on
 * THUMB_OPT_BACKGROUND for JPEG. test_resize.c checks the resampler's
 * premultiplication itself; this checks that nothing around it (decoders,
 * encoders, flattening) undoes it. */
#include "codec/encoder.h"
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* The synthetic image: the left half opaque, the right half fully
 * transparent with a contrasting colour underneath. 64 -> 20 is not an
 * integer ratio, so edge pixels mix both halves in every direction. */
#define SYNTH_SIZE 64
#define THUMB_SIZE 20
/* Pixels this transparent are invisible; their colour is not checked. */
#define MIN_VISIBLE_ALPHA 8
/* Straight colour of a visible pixel may wander this much from the
 * opaque colour (rounding of premultiplied fixed point). */
#define COLOUR_TOLERANCE 3
/* JPEG at quality 100, 4:4:4: a few levels of noise. */
#define JPEG_TOLERANCE 4

typedef struct two_halves {
    int channels;                /* 2 grey+alpha or 4 RGBA */
    uint8_t shown[3], hidden[3]; /* grey uses [0] */
} two_halves;

static const two_halves CASES[] = {
    {4, {255, 255, 255}, {255, 0, 0}}, /* white over hidden red */
    {4, {0, 0, 0}, {255, 255, 255}},   /* black over hidden white */
    {2, {0, 0, 0}, {255, 255, 255}},   /* grey: black over hidden white */
};

static uint8_t *two_halves_png(const two_halves *c, size_t *size) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img;
    ck_assert_int_eq(
        image_alloc(ctx, &img, SYNTH_SIZE, SYNTH_SIZE, c->channels), THUMB_OK);
    int colour = c->channels - 1;
    for (uint32_t y = 0; y < SYNTH_SIZE; y++) {
        uint8_t *p = image_row(&img, y);
        for (uint32_t x = 0; x < SYNTH_SIZE; x++, p += c->channels) {
            int shown = x < SYNTH_SIZE / 2;
            memcpy(p, shown ? c->shown : c->hidden, (size_t)colour);
            p[colour] = shown ? 255 : 0;
        }
    }
    uint8_t *png = encode_png_file(&img, size);
    image_release(ctx, &img);
    thumb_ctx_free(ctx);
    return png;
}

static const thumb_format ALPHA_FORMATS[] = {THUMB_FORMAT_PNG,
                                             THUMB_FORMAT_WEBP};

/* _i: case * 2 + output format (PNG, lossless WebP). */
START_TEST(hidden_colour_gives_no_fringe_where_alpha_is_kept) {
    const two_halves *c = &CASES[_i / 2];
    thumb_format format = ALPHA_FORMATS[_i % 2];
    size_t size;
    uint8_t *png = two_halves_png(c, &size);
    option_value opts[] = {{THUMB_OPT_FORMAT, format},
                           {THUMB_OPT_WEBP_LOSSLESS, 1},
                           {THUMB_OPT_WIDTH, THUMB_SIZE}};
    decoded r = thumbnail_decoded(png, size, opts, OPTION_COUNT(opts));
    ck_assert_uint_eq(r.width, THUMB_SIZE);
    /* WebP has no grey: grey+alpha comes back as RGBA. */
    int channels =
        format == THUMB_FORMAT_WEBP && c->channels == 2 ? 4 : c->channels;
    ck_assert_int_eq(r.channels, channels);
    int colour = channels - 1;
    int partial = 0;
    for (uint32_t y = 0; y < r.height; y++)
        for (uint32_t x = 0; x < r.width; x++) {
            const uint8_t *p = decoded_px(&r, x, y);
            uint8_t alpha = p[colour];
            if (alpha > 0 && alpha < 255)
                partial++;
            if (alpha < MIN_VISIBLE_ALPHA)
                continue;
            for (int k = 0; k < colour; k++) {
                int want = c->shown[c->channels == 2 ? 0 : k];
                ck_assert_msg(abs(p[k] - want) <= COLOUR_TOLERANCE,
                              "%s, case %d: pixel (%u,%u) alpha %d has "
                              "sample %d = %d, a fringe (want %d)",
                              thumb_format_name(format), _i / 2, x, y, alpha, k,
                              p[k], want);
            }
        }
    /* The edge really was filtered: semi-transparent pixels exist. */
    ck_assert_int_gt(partial, 0);
    decoded_free(&r);
    free(png);
}
END_TEST

/* JPEG: flattened on the background, the hidden colour shows nowhere. */
START_TEST(hidden_colour_gives_no_fringe_when_flattened) {
    const two_halves *c = &CASES[_i];
    size_t size;
    uint8_t *png = two_halves_png(c, &size);
    /* The background is the shown colour: the whole output is flat. */
    uint32_t bg = (uint32_t)c->shown[0] << 16 |
                  (uint32_t)c->shown[c->channels == 2 ? 0 : 1] << 8 |
                  c->shown[c->channels == 2 ? 0 : 2];
    option_value opts[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG},
                           {THUMB_OPT_QUALITY, 100},
                           {THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_444},
                           {THUMB_OPT_BACKGROUND, bg},
                           {THUMB_OPT_WIDTH, THUMB_SIZE}};
    decoded r = thumbnail_decoded(png, size, opts, OPTION_COUNT(opts));
    ck_assert_int_eq(r.channels, c->channels == 2 ? 1 : 3);
    for (uint32_t y = 0; y < r.height; y++)
        for (uint32_t x = 0; x < r.width; x++) {
            const uint8_t *p = decoded_px(&r, x, y);
            for (int k = 0; k < r.channels; k++) {
                int want = c->shown[c->channels == 2 ? 0 : k];
                ck_assert_msg(abs(p[k] - want) <= JPEG_TOLERANCE,
                              "case %d: pixel (%u,%u) sample %d = %d, want %d",
                              _i, x, y, k, p[k], want);
            }
        }
    decoded_free(&r);
    free(png);
}
END_TEST

/* Full-size runs of a transparent PNG: PNG output is the decoded input
 * exactly, alpha included; lossless WebP keeps the same alpha. */
static void check_alpha_kept(const char *rel, int channels) {
    size_t size;
    uint8_t *in = read_corpus(rel, &size);
    decoded source = decode_image(in, size);
    ck_assert_int_eq(source.channels, channels);
    int a = channels - 1;
    int clear = 0, opaque = 0;
    for (size_t i = 0; i < (size_t)source.width * source.height; i++) {
        clear += source.px[i * channels + a] == 0;
        opaque += source.px[i * channels + a] == 255;
    }
    ck_assert_int_gt(clear, 0);
    ck_assert_int_gt(opaque, 0);

    option_value png_out[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
    decoded png = thumbnail_decoded(in, size, png_out, 1);
    ck_assert_int_eq(png.channels, channels);
    ck_assert_mem_eq(png.px, source.px,
                     (size_t)source.width * source.height * channels);

    option_value webp_out[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP},
                               {THUMB_OPT_WEBP_LOSSLESS, 1}};
    decoded webp = thumbnail_decoded(in, size, webp_out, 2);
    ck_assert_int_eq(webp.channels, 4);
    for (size_t i = 0; i < (size_t)source.width * source.height; i++)
        ck_assert_uint_eq(webp.px[i * 4 + 3], source.px[i * channels + a]);
    decoded_free(&source);
    decoded_free(&png);
    decoded_free(&webp);
    free(in);
}

START_TEST(grey_alpha_is_kept) {
    check_alpha_kept("png/pngsuite/basn4a08.png", 2);
}
END_TEST

START_TEST(palette_trns_is_kept) {
    check_alpha_kept("png/pngsuite/tbbn3p08.png", 4);
}
END_TEST

START_TEST(colour_key_trns_is_kept) {
    check_alpha_kept("png/pngsuite/tbrn2c08.png", 4);
    check_alpha_kept("png/pngsuite/tbbn0g04.png", 2);
}
END_TEST

/* Lossy WebP keeps alpha too (libwebp codes it losslessly by default). */
START_TEST(lossy_webp_keeps_alpha) {
    size_t size;
    uint8_t *in =
        read_corpus("png/alpha-premultiply-2048x1536-paper.png", &size);
    option_value png_out[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                              {THUMB_OPT_WIDTH, 128}};
    option_value webp_out[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_WEBP},
                               {THUMB_OPT_WIDTH, 128}};
    decoded png = thumbnail_decoded(in, size, png_out, 2);
    decoded webp = thumbnail_decoded(in, size, webp_out, 2);
    ck_assert_int_eq(png.channels, 4);
    ck_assert_int_eq(webp.channels, 4);
    ck_assert_uint_eq(webp.width, png.width);
    ck_assert_uint_eq(webp.height, png.height);
    size_t n = (size_t)png.width * png.height;
    long diff = 0;
    int varied = 0;
    for (size_t i = 0; i < n; i++) {
        diff += abs(png.px[i * 4 + 3] - webp.px[i * 4 + 3]);
        varied |= png.px[i * 4 + 3] != png.px[3];
    }
    ck_assert(varied);
    ck_assert_double_le((double)diff / (double)n, 1.0);
    decoded_free(&png);
    decoded_free(&webp);
    free(in);
}
END_TEST

/* Straight-alpha compositing on THUMB_OPT_BACKGROUND: alpha 0 shows the
 * background, alpha 128 the even mix. Halves aligned with JPEG blocks. */
START_TEST(jpeg_flattens_on_the_configured_background) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img;
    ck_assert_int_eq(image_alloc(ctx, &img, 16, 16, 4), THUMB_OK);
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 16; x++) {
            uint8_t *p = image_row(&img, y) + 4 * x;
            p[0] = 255;
            p[1] = 0;
            p[2] = 0;
            p[3] = x < 8 ? 0 : 128;
        }
    size_t size;
    uint8_t *png = encode_png_file(&img, &size);
    image_release(ctx, &img);
    thumb_ctx_free(ctx);

    option_value opts[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG},
                           {THUMB_OPT_QUALITY, 100},
                           {THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_444},
                           {THUMB_OPT_BACKGROUND, 0x336699}};
    decoded r = thumbnail_decoded(png, size, opts, OPTION_COUNT(opts));
    ck_assert_int_eq(r.channels, 3);
    const uint8_t bg[3] = {0x33, 0x66, 0x99};
    /* 255 * 128/255 + bg * 127/255, rounded. */
    uint8_t mix[3];
    for (int k = 0; k < 3; k++)
        mix[k] =
            (uint8_t)(((k == 0 ? 255 : 0) * 128 + bg[k] * 127 + 127) / 255);
    const uint8_t *left = decoded_px(&r, 4, 8), *right = decoded_px(&r, 12, 8);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_le(abs(left[k] - bg[k]), JPEG_TOLERANCE);
        ck_assert_int_le(abs(right[k] - mix[k]), JPEG_TOLERANCE);
    }
    decoded_free(&r);
    free(png);
}
END_TEST

static Suite *alpha_suite(void) {
    Suite *s = suite_create("alpha");
    TCase *c = tcase_create("alpha");
    tcase_set_timeout(c, 60);
    tcase_add_loop_test(c, hidden_colour_gives_no_fringe_where_alpha_is_kept, 0,
                        6);
    tcase_add_loop_test(c, hidden_colour_gives_no_fringe_when_flattened, 0, 3);
    tcase_add_test(c, grey_alpha_is_kept);
    tcase_add_test(c, palette_trns_is_kept);
    tcase_add_test(c, colour_key_trns_is_kept);
    tcase_add_test(c, lossy_webp_keeps_alpha);
    tcase_add_test(c, jpeg_flattens_on_the_configured_background);
    suite_add_tcase(s, c);
    return s;
}

THUMB_TEST_MAIN(alpha_suite)
