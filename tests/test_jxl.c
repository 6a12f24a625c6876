/* JPEG XL input (src/codec/jxl_decode.c): both signatures, orientation
 * from the header applied once by the pipeline, alpha (premultiplied
 * divided out), 16 bits, grey, the first frame of an animation and the
 * frame count, and clean errors for damaged streams. Pixels against djxl
 * + vipsthumbnail: heif_vs_vips.py. */
#include "codec/decoder.h"
#include "codec/sniff.h"
#include "ctx.h"
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static decoder open_ok(thumb_ctx *ctx, const char *rel, uint8_t **data) {
    size_t size;
    *data = read_corpus(rel, &size);
    decoder d;
    ck_assert_msg(decoder_open(ctx, *data, size, &d) == THUMB_OK, "%s: %s", rel,
                  thumb_ctx_error(ctx));
    return d;
}

START_TEST(codestream_and_container_are_sniffed) {
    size_t size;
    uint8_t *bare = read_corpus("jxl/bicycles.jxl", &size);
    ck_assert_int_eq(bare[0], 0xFF);
    ck_assert_int_eq(sniff_format(bare, size), THUMB_FORMAT_JXL);
    free(bare);
    uint8_t *boxed = read_corpus("jxl/alpha_premultiplied.jxl", &size);
    ck_assert_int_eq(boxed[0], 0);
    ck_assert_int_eq(sniff_format(boxed, size), THUMB_FORMAT_JXL);
    free(boxed);
}
END_TEST

/* sunset_logo.jxl: lossless 10-bit with alpha, orientation 7. */
START_TEST(orientation_alpha_and_depth_come_from_the_header) {
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *data;
    decoder d = open_ok(ctx, "jxl/sunset_logo.jxl", &data);
    ck_assert_int_eq(d.info.orientation, 7);
    ck_assert_int_eq(d.info.has_alpha, 1);
    ck_assert_int_eq(d.info.bit_depth, 10);
    uint32_t w = d.info.width, h = d.info.height;
    decoder_request req = {.min_width = 1, .min_height = 1, .depth16 = 1};
    ck_assert_int_eq(decoder_start(&d, &req), THUMB_OK);
    ck_assert_int_eq(d.depth, 16);
    ck_assert_int_eq(d.channels, 4);
    decoder_close(&d);

    /* The pipeline turns it: orientation 7 swaps the sides. */
    const unsigned char *out;
    size_t out_size, size;
    free(data);
    data = read_corpus("jxl/sunset_logo.jxl", &size);
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), h);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT), w);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_PNG); /* auto, with alpha */
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

/* Colour stored premultiplied by alpha comes out straight: at (100, 100)
 * alpha is 0.098 and the stored colour 0.017 (djxl's PNG), 0.17 once
 * divided. */
START_TEST(premultiplied_alpha_is_divided_out) {
    size_t size;
    uint8_t *data = read_corpus("jxl/alpha_premultiplied.jxl", &size);
    decoded img = decode_image(data, size);
    ck_assert_int_eq(img.channels, 4);
    const uint8_t *p = decoded_px(&img, 100, 100);
    ck_assert_int_le(abs(p[3] - 25), 2);
    ck_assert_int_ge(p[0], 38);
    ck_assert_int_le(p[0], 48);
    decoded_free(&img);
    free(data);
}
END_TEST

START_TEST(grey_stays_grey) {
    size_t size;
    uint8_t *data = read_corpus("jxl/grayscale_jpeg.jxl", &size);
    decoded img = decode_image(data, size);
    ck_assert_int_eq(img.channels, 1);
    decoded_free(&img);
    free(data);
    thumb_ctx *ctx = thumb_ctx_new();
    data = read_corpus("jxl/bicycles.jxl", &size);
    const unsigned char *out;
    size_t out_size;
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_size), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_JPEG); /* auto, no alpha */
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(animation_counts_frames_and_shows_the_first) {
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *data;
    decoder d = open_ok(ctx, "jxl/animation_spline.jxl", &data);
    ck_assert_uint_eq(d.info.frames, 60);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_OK);
    decoder_close(&d);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(damaged_streams_are_corrupt) {
    size_t size;
    uint8_t *data = read_corpus("jxl/bicycles.jxl", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    const unsigned char *out;
    size_t out_size;
    /* Cut after the header, and cut inside it. */
    ck_assert_int_eq(thumb_run(ctx, data, size / 2, &out, &out_size),
                     THUMB_ERR_CORRUPT);
    ck_assert_int_eq(thumb_run(ctx, data, 5, &out, &out_size),
                     THUMB_ERR_CORRUPT);
    /* A header of garbage. */
    memset(data + 2, 0xA5, 64);
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_size),
                     THUMB_ERR_CORRUPT);
    ck_assert_ptr_nonnull(strstr(thumb_ctx_error(ctx), "JPEG XL"));
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

static Suite *jxl_suite(void) {
    Suite *s = suite_create("jxl");
    TCase *tc = tcase_create("jxl");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, codestream_and_container_are_sniffed);
    tcase_add_test(tc, orientation_alpha_and_depth_come_from_the_header);
    tcase_add_test(tc, premultiplied_alpha_is_divided_out);
    tcase_add_test(tc, grey_stays_grey);
    tcase_add_test(tc, animation_counts_frames_and_shows_the_first);
    tcase_add_test(tc, damaged_streams_are_corrupt);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(jxl_suite)
