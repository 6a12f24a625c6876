/* Smart crop (THUMB_OPT_CROP): entropy and attention keep a salient square
 * wherever it is, the centre crop does not; a window the size of the image
 * is at 0; through the pipeline the crop is a window of the scaled image,
 * chosen the same for every EXIF orientation. (tests/crop_vs_vips.py
 * compares the attention windows with libvips's on corpus photos.) */
#include "crop.h"
#include "ctx.h"
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The synthetic scenes: a SQUARE-pixel subject on a flat grey ground. */
#define SQUARE 40
#define GROUND 128
/* A light skin tone (sRGB), flat: salient by colour alone. */
static const uint8_t SKIN[3] = {224, 172, 140};
/* Fox410's statue sits low in its portrait frame (see
 * tests/crop_vs_vips.py): a smart window must start at least this many
 * pixels below the centred one at 128x128. */
#define FOX_MIN_SHIFT 8
#define ORIENTATION_MIN_PSNR 30.0

typedef enum subject { SUBJECT_DETAIL, SUBJECT_SKIN } subject;

/* xorshift32: a fixed texture for every run, with no global state. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* A width x height image of `channels` with the subject at (sx, sy).
 * With alpha, the ground is fully transparent and carries random colours
 * that must not count. */
static image make_scene(uint32_t width, uint32_t height, int channels,
                        subject what, uint32_t sx, uint32_t sy) {
    image img = {width, height, channels, (size_t)width * channels, NULL, 8};
    img.px = malloc(img.stride * height);
    ck_assert_ptr_nonnull(img.px);
    uint32_t seed = 0x2545F491u;
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *p = image_row(&img, y);
        for (uint32_t x = 0; x < width; x++, p += channels) {
            int in = x >= sx && x < sx + SQUARE && y >= sy && y < sy + SQUARE;
            uint8_t rgb[3] = {GROUND, GROUND, GROUND};
            if (in && what == SUBJECT_DETAIL)
                rgb[0] = rgb[1] = rgb[2] = (uint8_t)next_random(&seed);
            else if (in)
                memcpy(rgb, SKIN, 3);
            else if (channels_have_alpha(channels))
                for (int c = 0; c < 3; c++)
                    rgb[c] = (uint8_t)next_random(&seed);
            int colours = channels >= 3 ? 3 : 1;
            memcpy(p, rgb, (size_t)colours);
            if (channels_have_alpha(channels))
                p[channels - 1] = in ? 255 : 0;
        }
    }
    return img;
}

static int window_holds_square(uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                               uint32_t sx, uint32_t sy) {
    return sx >= x && sx + SQUARE <= x + w && sy >= y && sy + SQUARE <= y + h;
}

/* The offsets of the square tried on an axis of `size` pixels. */
static const uint32_t SQUARE_AT[] = {0, 15, 70, 130, 190, 245, 260};
#define SQUARE_AT_COUNT (sizeof SQUARE_AT / sizeof SQUARE_AT[0])

static void check_keeps_square(thumb_crop strategy, subject what, int channels,
                               uint32_t width, uint32_t height, uint32_t cw,
                               uint32_t ch) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    int centre_missed = 0;
    for (size_t i = 0; i < SQUARE_AT_COUNT; i++)
        for (size_t j = 0; j < SQUARE_AT_COUNT; j++) {
            uint32_t sx = SQUARE_AT[i], sy = SQUARE_AT[j];
            if (sx + SQUARE > width || sy + SQUARE > height)
                continue;
            image img = make_scene(width, height, channels, what, sx, sy);
            uint32_t x = UINT32_MAX, y = UINT32_MAX;
            ck_assert_int_eq(crop_find(ctx, strategy, &img, cw, ch, &x, &y),
                             THUMB_OK);
            ck_assert_msg(x + cw <= width && y + ch <= height,
                          "window %u,%u outside the image", x, y);
            ck_assert_msg(window_holds_square(x, y, cw, ch, sx, sy),
                          "strategy %d, %d channels, %ux%u image: square at "
                          "%u,%u cut by the %ux%u window at %u,%u",
                          (int)strategy, channels, width, height, sx, sy, cw,
                          ch, x, y);
            uint32_t mx, my;
            ck_assert_int_eq(
                crop_find(ctx, THUMB_CROP_CENTRE, &img, cw, ch, &mx, &my),
                THUMB_OK);
            ck_assert_uint_eq(mx, (width - cw) / 2);
            ck_assert_uint_eq(my, (height - ch) / 2);
            centre_missed += !window_holds_square(mx, my, cw, ch, sx, sy);
            free(img.px);
        }
    /* Off-centre squares are what make the test mean anything. */
    ck_assert_int_gt(centre_missed, 0);
    thumb_ctx_free(ctx);
}

START_TEST(entropy_keeps_a_detailed_square_on_one_axis) {
    check_keeps_square(THUMB_CROP_ENTROPY, SUBJECT_DETAIL, 3, 300, 100, 100,
                       100);
    check_keeps_square(THUMB_CROP_ENTROPY, SUBJECT_DETAIL, 1, 100, 300, 100,
                       100);
}
END_TEST

START_TEST(entropy_keeps_a_skin_square_on_both_axes) {
    check_keeps_square(THUMB_CROP_ENTROPY, SUBJECT_SKIN, 3, 300, 300, 100, 90);
}
END_TEST

START_TEST(attention_keeps_a_detailed_square_on_one_axis) {
    check_keeps_square(THUMB_CROP_ATTENTION, SUBJECT_DETAIL, 3, 300, 100, 100,
                       100);
    check_keeps_square(THUMB_CROP_ATTENTION, SUBJECT_DETAIL, 1, 100, 300, 100,
                       100);
}
END_TEST

START_TEST(attention_keeps_a_skin_square_on_both_axes) {
    check_keeps_square(THUMB_CROP_ATTENTION, SUBJECT_SKIN, 3, 300, 300, 100,
                       90);
}
END_TEST

START_TEST(transparent_ground_colours_do_not_count) {
    check_keeps_square(THUMB_CROP_ATTENTION, SUBJECT_SKIN, 4, 300, 100, 100,
                       100);
    check_keeps_square(THUMB_CROP_ENTROPY, SUBJECT_DETAIL, 4, 300, 100, 100,
                       100);
    check_keeps_square(THUMB_CROP_ATTENTION, SUBJECT_DETAIL, 2, 100, 300, 100,
                       100);
}
END_TEST

START_TEST(a_window_the_size_of_the_image_is_at_zero) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    image img = make_scene(120, 80, 3, SUBJECT_DETAIL, 70, 30);
    for (int s = THUMB_CROP_CENTRE; s <= THUMB_CROP_ATTENTION; s++) {
        uint32_t x = 7, y = 7;
        ck_assert_int_eq(crop_find(ctx, (thumb_crop)s, &img, 120, 80, &x, &y),
                         THUMB_OK);
        ck_assert_uint_eq(x, 0);
        ck_assert_uint_eq(y, 0);
        /* One pixel of slack: the window stays inside. */
        ck_assert_int_eq(crop_find(ctx, (thumb_crop)s, &img, 119, 80, &x, &y),
                         THUMB_OK);
        ck_assert_uint_le(x, 1);
        ck_assert_uint_eq(y, 0);
    }
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(extract_moves_the_window_in_place) {
    image img = make_scene(50, 40, 3, SUBJECT_DETAIL, 5, 0);
    uint8_t *copy = malloc(img.stride * img.height);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, img.px, img.stride * img.height);
    size_t old_stride = img.stride;
    crop_extract(&img, 7, 3, 20, 30);
    ck_assert_uint_eq(img.width, 20);
    ck_assert_uint_eq(img.height, 30);
    ck_assert_uint_eq(img.stride, 60);
    for (uint32_t y = 0; y < 30; y++)
        ck_assert_mem_eq(image_row(&img, y), copy + (y + 3) * old_stride + 21,
                         60);
    free(copy);
    free(img.px);
}
END_TEST

START_TEST(option_bounds_and_default) {
    int64_t lo, hi, v;
    ck_assert_int_eq(thumb_option_bounds(THUMB_OPT_CROP, &lo, &hi), THUMB_OK);
    ck_assert_int_eq(lo, THUMB_CROP_CENTRE);
    ck_assert_int_eq(hi, THUMB_CROP_ATTENTION);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_CROP, &v), THUMB_OK);
    ck_assert_int_eq(v, THUMB_CROP_CENTRE);
    ck_assert_int_eq(
        thumb_ctx_set(ctx, THUMB_OPT_CROP, THUMB_CROP_ATTENTION + 1),
        THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
}
END_TEST

/* The row of big at which small (same width) matches exactly, or -1. */
static int row_of(const decoded *big, const decoded *small) {
    ck_assert_uint_eq(big->width, small->width);
    ck_assert_int_eq(big->channels, small->channels);
    size_t row = (size_t)small->width * small->channels;
    for (uint32_t y = 0; y + small->height <= big->height; y++)
        if (!memcmp(decoded_px(big, 0, y), small->px, row * small->height))
            return (int)y;
    return -1;
}

START_TEST(pipeline_crops_a_window_of_the_scaled_image) {
    size_t size;
    uint8_t *in = read_corpus("jpeg/fox410.jpg", &size);
    /* 605x806: 128 wide, 171 high when scaled. */
    option_value whole[] = {{THUMB_OPT_WIDTH, 128},
                            {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
    decoded scaled = thumbnail_decoded(in, size, whole, OPTION_COUNT(whole));
    ck_assert_uint_eq(scaled.height, 171);
    int rows[3];
    for (int s = THUMB_CROP_CENTRE; s <= THUMB_CROP_ATTENTION; s++) {
        option_value opts[] = {{THUMB_OPT_WIDTH, 128},
                               {THUMB_OPT_HEIGHT, 128},
                               {THUMB_OPT_FIT, THUMB_FIT_COVER},
                               {THUMB_OPT_CROP, s},
                               {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
        decoded out = thumbnail_decoded(in, size, opts, OPTION_COUNT(opts));
        ck_assert_uint_eq(out.width, 128);
        ck_assert_uint_eq(out.height, 128);
        rows[s] = row_of(&scaled, &out);
        ck_assert_msg(rows[s] >= 0,
                      "crop %d is not a window of the scaled "
                      "image",
                      s);
        decoded_free(&out);
    }
    ck_assert_int_eq(rows[THUMB_CROP_CENTRE], (171 - 128) / 2);
    ck_assert_int_ge(rows[THUMB_CROP_ATTENTION],
                     rows[THUMB_CROP_CENTRE] + FOX_MIN_SHIFT);
    decoded_free(&scaled);
    free(in);
}
END_TEST

START_TEST(every_orientation_keeps_the_same_window) {
    static const char *const files[] = {
        "orientation/Portrait_1.jpg", "orientation/Portrait_2.jpg",
        "orientation/Portrait_3.jpg", "orientation/Portrait_4.jpg",
        "orientation/Portrait_5.jpg", "orientation/Portrait_6.jpg",
        "orientation/Portrait_7.jpg", "orientation/Portrait_8.jpg"};
    for (int s = THUMB_CROP_ENTROPY; s <= THUMB_CROP_ATTENTION; s++) {
        option_value opts[] = {{THUMB_OPT_WIDTH, 128},
                               {THUMB_OPT_HEIGHT, 128},
                               {THUMB_OPT_FIT, THUMB_FIT_COVER},
                               {THUMB_OPT_CROP, s},
                               {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
        decoded ref = {0};
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            size_t size;
            uint8_t *in = read_corpus(files[i], &size);
            decoded out = thumbnail_decoded(in, size, opts, OPTION_COUNT(opts));
            free(in);
            ck_assert_uint_eq(out.width, 128);
            ck_assert_uint_eq(out.height, 128);
            if (i == 0) {
                ref = out;
                continue;
            }
            ck_assert_int_eq(out.channels, ref.channels);
            double psnr = psnr_u8(ref.px, out.px,
                                  (size_t)128 * 128 * (size_t)ref.channels);
            ck_assert_msg(psnr >= ORIENTATION_MIN_PSNR,
                          "crop %d: %s differs from Portrait_1: %.1f dB", s,
                          files[i], psnr);
            decoded_free(&out);
        }
        decoded_free(&ref);
    }
}
END_TEST

static Suite *crop_suite(void) {
    Suite *s = suite_create("crop");
    TCase *tc = tcase_create("crop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, entropy_keeps_a_detailed_square_on_one_axis);
    tcase_add_test(tc, entropy_keeps_a_skin_square_on_both_axes);
    tcase_add_test(tc, attention_keeps_a_detailed_square_on_one_axis);
    tcase_add_test(tc, attention_keeps_a_skin_square_on_both_axes);
    tcase_add_test(tc, transparent_ground_colours_do_not_count);
    tcase_add_test(tc, a_window_the_size_of_the_image_is_at_zero);
    tcase_add_test(tc, extract_moves_the_window_in_place);
    tcase_add_test(tc, option_bounds_and_default);
    tcase_add_test(tc, pipeline_crops_a_window_of_the_scaled_image);
    tcase_add_test(tc, every_orientation_keeps_the_same_window);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(crop_suite)
