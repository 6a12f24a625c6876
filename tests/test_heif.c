/* HEIF and AVIF input (src/codec/heif_decode.c, heif_boxes.c): sniffing,
 * geometry from irot/imir/clap applied once, alpha, 16 bits, grids,
 * thumbnails for shrink-on-load, nclx colour, limits and the errors for
 * what libheif 1.15 cannot read. Every good corpus file's pixels are
 * compared with heif-convert + vipsthumbnail by heif_vs_vips.py. */
#include "codec/decoder.h"
#include "codec/sniff.h"
#include "color.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "decoded.h"
#include "exif.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOX 256

static thumb_status open_file(const char *rel, thumb_ctx *ctx, decoder *d,
                              uint8_t **data) {
    size_t size;
    *data = read_corpus(rel, &size);
    return decoder_open(ctx, *data, size, d);
}

/* thumb_run on a corpus file with the options; the context is kept for
 * its info and error. */
static thumb_status run_file(thumb_ctx *ctx, const char *rel,
                             const option_value *opts, size_t n) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(thumb_ctx_set(ctx, opts[i].key, opts[i].value),
                         THUMB_OK);
    const unsigned char *out;
    size_t out_size;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_size);
    free(data);
    return st;
}

/* ---- sniffing -------------------------------------------------------- */

/* An ftyp box with a major brand and compatible brands. */
static size_t ftyp(uint8_t *out, const char *major, const char *compat) {
    size_t n = 16 + strlen(compat);
    memset(out, 0, n);
    out[3] = (uint8_t)n;
    memcpy(out + 4, "ftyp", 4);
    memcpy(out + 8, major, 4);
    memcpy(out + 16, compat, strlen(compat));
    return n;
}

START_TEST(brands_major_and_compatible_pick_the_format) {
    uint8_t b[64];
    size_t n = ftyp(b, "mif1", "mif1avifmiaf");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_AVIF);
    n = ftyp(b, "mif1", "mif1heic");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_HEIF);
    n = ftyp(b, "avis", "");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_AVIF);
    n = ftyp(b, "heix", "");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_HEIF);
    n = ftyp(b, "msf1", "isom");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_HEIF);
    /* An MP4 is no image. */
    n = ftyp(b, "isom", "iso2mp41");
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_AUTO);
    /* A brand past the box's declared end does not count. */
    n = ftyp(b, "isom", "avif");
    b[3] = 16;
    ck_assert_int_eq(sniff_format(b, n), THUMB_FORMAT_AUTO);
}
END_TEST

static void sniff_row(const manifest_row *row, void *opaque) {
    int *count = opaque;
    size_t size;
    uint8_t *data = read_corpus(row->path, &size);
    const char *ext = strrchr(row->path, '.');
    thumb_format want =
        strncmp(ext, ".avif", 5) == 0 ? THUMB_FORMAT_AVIF : THUMB_FORMAT_HEIF;
    ck_assert_msg(sniff_format(data, size) == want, "%s sniffed as %d",
                  row->path, sniff_format(data, size));
    free(data);
    (*count)++;
}

START_TEST(every_corpus_file_sniffs_by_its_brands) {
    int count = 0;
    manifest_each_row("heif/", sniff_row, &count);
    ck_assert_int_gt(count, 80);
}
END_TEST

/* ---- geometry ---------------------------------------------------------- */

/* arrow.heic: an iPhone grid stored 4032x3024 with irot 270 and, beside
 * it, Exif orientation 6 for the same turn: it must turn once. */
START_TEST(irot_turns_once_beside_an_exif_orientation) {
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    uint8_t *data;
    ck_assert_int_eq(open_file("heif/arrow.heic", ctx, &d, &data), THUMB_OK);
    ck_assert_uint_eq(d.info.width, 4032);
    ck_assert_uint_eq(d.info.height, 3024);
    ck_assert_int_eq(d.info.orientation, 6); /* from irot 270 */
    ck_assert_ptr_nonnull(d.exif);
    ck_assert_int_eq(exif_orientation(d.exif, d.exif_size), 1);
    decoder_close(&d);
    free(data);

    static const option_value opts[] = {{THUMB_OPT_WIDTH, BOX},
                                        {THUMB_OPT_HEIGHT, BOX},
                                        {THUMB_OPT_KEEP_EXIF, 1}};
    ck_assert_int_eq(run_file(ctx, "heif/arrow.heic", opts, 3), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), 192);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT), 256);
    thumb_ctx_free(ctx);
}
END_TEST

/* kimono.rotate90.avif lists irot before ispe, which libheif 1.15 sizes
 * wrongly; kimono.crop.avif has a clap window at odd offsets. */
START_TEST(irot_and_clap_come_from_the_boxes) {
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    uint8_t *data;
    ck_assert_int_eq(open_file("heif/kimono.rotate90.avif", ctx, &d, &data),
                     THUMB_OK);
    ck_assert_uint_eq(d.info.width, 1024);
    ck_assert_uint_eq(d.info.height, 722);
    ck_assert_int_eq(d.info.orientation, 6); /* irot 270 anticlockwise */
    decoder_close(&d);
    free(data);
    ck_assert_int_eq(open_file("heif/kimono.crop.avif", ctx, &d, &data),
                     THUMB_OK);
    ck_assert_uint_eq(d.info.width, 385); /* the clap window */
    ck_assert_uint_eq(d.info.height, 330);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_OK);
    ck_assert_uint_eq(d.width, 385);
    ck_assert_uint_eq(d.height, 330);
    decoder_close(&d);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

/* The rows of a grid image (pug.heic: 512x512 tiles) join without a seam:
 * the step across a tile edge is like the steps beside it. */
START_TEST(grid_tiles_join_without_a_seam) {
    size_t size;
    uint8_t *data = read_corpus("heif/pug.heic", &size);
    decoded img = decode_image(data, size);
    ck_assert_uint_eq(img.width, 4032);
    ck_assert_uint_eq(img.height, 3024);
    size_t row = (size_t)img.width * (size_t)img.channels;
    double step[3] = {0, 0, 0}; /* rows 510/511, 511/512, 512/513 */
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < row; i++)
            step[k] += abs((int)img.px[(size_t)(510 + k) * row + i] -
                           (int)img.px[(size_t)(511 + k) * row + i]);
    ck_assert_double_lt(step[1], 2.0 * (step[0] + step[2]) / 2.0 + row);
    decoded_free(&img);
    free(data);
}
END_TEST

/* THUMB_OPT_TIMEOUT_MS inside libheif: our decoder plugins check the
 * deadline before each tile (heif_plugins.h), so a grid stops at the next
 * tile instead of decoding the whole image. A deadline already past stops
 * it at the first; a 2 ms one well before the whole run. */
static void grid_stops_between_tiles(const char *rel, uint32_t w, uint32_t h) {
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    decoder d;
    uint8_t *data;
    ck_assert_int_eq(open_file(rel, ctx, &d, &data), THUMB_OK);
    ctx->deadline_us = 1; /* ctx_now_us() counts from boot */
    /* The primary image, not an embedded thumbnail. */
    thumb_status st =
        decoder_start(&d, &(decoder_request){.min_width = w, .min_height = h});
    ck_assert_msg(st == THUMB_ERR_TIMEOUT, "%s: status %d (%s)", rel, st,
                  ctx->message);
    ck_assert_msg(strstr(ctx->message, "tiles of a HEIF image"), "'%s'",
                  ctx->message);
    decoder_close(&d);

    ctx->deadline_us = 0;
    size_t size = d.size;
    const unsigned char *out;
    size_t out_size;
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BOX);
    thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, 1);
    double t0 = test_seconds();
    ck_assert_int_eq(thumb_run(ctx, data, size, &out, &out_size), THUMB_OK);
    double whole = test_seconds() - t0;
    thumb_ctx_set(ctx, THUMB_OPT_TIMEOUT_MS, 2);
    t0 = test_seconds();
    st = thumb_run(ctx, data, size, &out, &out_size);
    double stopped = test_seconds() - t0;
    ck_assert_msg(st == THUMB_ERR_TIMEOUT, "%s: status %d (%s)", rel, st,
                  thumb_ctx_error(ctx));
    printf("%s to %d px: %.3f s; with a 2 ms deadline: %.3f s\n", rel, BOX,
           whole, stopped);
    ck_assert_msg(stopped * 4 < whole, "%s: stopped after %.3f s of %.3f s",
                  rel, stopped, whole);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}

/* HEVC, 48 tiles of 512x512 (an iPhone photo). */
START_TEST(a_hevc_grid_stops_between_tiles_at_the_deadline) {
    grid_stops_between_tiles("heif/pug.heic", 4032, 3024);
}
END_TEST

/* AV1, 20 tiles of 1280x720, through libheif's own decoder wrapped. */
START_TEST(an_av1_grid_stops_between_tiles_at_the_deadline) {
    grid_stops_between_tiles("heif/Summer_in_Tomsk_720p_5x4_grid.avif", 6400,
                             2880);
}
END_TEST

/* ---- pixels: alpha, depth, grey --------------------------------------- */

START_TEST(alpha_comes_from_the_auxiliary_image) {
    thumb_ctx *ctx = thumb_ctx_new();
    static const option_value box[] = {{THUMB_OPT_WIDTH, BOX}};
    ck_assert_int_eq(run_file(ctx, "heif/with-alpha-512x512.heic", box, 1),
                     THUMB_OK);
    /* THUMB_FORMAT_AUTO cannot write HEIF: PNG keeps the alpha. */
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_PNG);
    thumb_ctx_free(ctx);
    ctx = thumb_ctx_new();
    ck_assert_int_eq(run_file(ctx, "heif/pug.heic", box, 1), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_FORMAT),
                     THUMB_FORMAT_JPEG);
    thumb_ctx_free(ctx);

    size_t size;
    uint8_t *data = read_corpus("heif/with-alpha-512x512.heic", &size);
    decoded img = decode_image(data, size);
    ck_assert_int_eq(img.channels, 4);
    int clear = 0, opaque = 0;
    for (size_t i = 3; i < (size_t)img.width * img.height * 4; i += 4) {
        clear += img.px[i] == 0;
        opaque += img.px[i] == 255;
    }
    ck_assert_int_gt(clear, 1000);
    ck_assert_int_gt(opaque, 1000);
    decoded_free(&img);
    free(data);
}
END_TEST

/* 12 bits come through the 16-bit path widened to the full range, and
 * agree with the 8-bit decode. */
START_TEST(twelve_bits_reach_the_sixteen_bit_path) {
    size_t size;
    uint8_t *data = read_corpus("heif/RGB_12__128x128.heif", &size);
    decoded wide = decode_image_depth(data, size, 1);
    decoded narrow = decode_image(data, size);
    ck_assert_int_eq(wide.depth, 16);
    ck_assert_int_eq(narrow.depth, 8);
    size_t n = (size_t)wide.width * wide.height * (size_t)wide.channels;
    const uint16_t *w = (const uint16_t *)(const void *)wide.px;
    uint16_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] > top)
            top = w[i];
        ck_assert_int_le(abs((w[i] + 128) / 257 - narrow.px[i]), 1);
    }
    ck_assert_uint_gt(top, 4095u * 15); /* not left at 12-bit scale */
    decoded_free(&wide);
    decoded_free(&narrow);
    free(data);
}
END_TEST

START_TEST(monochrome_comes_out_grey) {
    size_t size;
    uint8_t *data =
        read_corpus("heif/fox.profile2.12bpc.yuv420.monochrome.avif", &size);
    decoded img = decode_image(data, size);
    for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
        const uint8_t *p = img.px + i * (size_t)img.channels;
        ck_assert_int_le(abs(p[0] - p[1]), 1);
        ck_assert_int_le(abs(p[1] - p[2]), 1);
    }
    decoded_free(&img);
    free(data);
}
END_TEST

/* ---- shrink on load ----------------------------------------------------- */

/* example.heic (1280x854) carries a 320x212 thumbnail: a 100 box decodes
 * it; accurate, the primary. Tomsk_with_thumbnails.avif codes its 320x180
 * thumbnail at 1280x720: passed over for the primary. */
START_TEST(a_large_enough_thumbnail_is_decoded_instead) {
    thumb_ctx *ctx = thumb_ctx_new();
    static const option_value small[] = {{THUMB_OPT_WIDTH, 100}};
    ck_assert_int_eq(run_file(ctx, "heif/example.heic", small, 1), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), 320);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH), 100);
    static const option_value accurate[] = {{THUMB_OPT_ACCURATE, 1}};
    ck_assert_int_eq(run_file(ctx, "heif/example.heic", accurate, 1), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), 1280);
    thumb_ctx_free(ctx);
    ctx = thumb_ctx_new();
    ck_assert_int_eq(run_file(ctx, "heif/Tomsk_with_thumbnails.avif", small, 1),
                     THUMB_OK);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), 1280);
    thumb_ctx_free(ctx);
}
END_TEST

/* ---- colour ------------------------------------------------------------ */

/* Display P3 primaries from an nclx box give the same sRGB pixels as
 * Apple's Display P3 ICC profile (the one png/p3.png embeds). */
START_TEST(nclx_display_p3_converts_like_apples_profile) {
    size_t size;
    uint8_t *png = read_corpus("png/p3.png", &size);
    decoded p3 = decode_image(png, size);
    ck_assert_ptr_nonnull(p3.icc);
    thumb_ctx *ctx = thumb_ctx_new();
    const color_cicp cicp = {
        .xy = {0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290},
        .srgb_primaries = 0,
        .transfer = 13,
    };
    ck_assert(!color_cicp_is_srgb(&cicp));
    uint8_t *icc;
    size_t icc_size;
    ck_assert_int_eq(color_cicp_profile(ctx, &cicp, &icc, &icc_size), THUMB_OK);
    color_transform *ours, *apple;
    ck_assert_int_eq(color_transform_new(ctx, icc, icc_size, 3, 8, 0, &ours),
                     THUMB_OK);
    ck_assert_int_eq(
        color_transform_new(ctx, p3.icc, p3.icc_size, 3, 8, 0, &apple),
        THUMB_OK);
    ck_assert_ptr_nonnull(ours);
    ck_assert_ptr_nonnull(apple);
    uint8_t in[216 * 3], a[216 * 3], b[216 * 3];
    for (int i = 0; i < 216; i++) {
        in[3 * i] = (uint8_t)(i % 6 * 51);
        in[3 * i + 1] = (uint8_t)(i / 6 % 6 * 51);
        in[3 * i + 2] = (uint8_t)(i / 36 * 51);
    }
    color_transform_row(ours, in, a, 216);
    color_transform_row(apple, in, b, 216);
    for (int i = 0; i < 216 * 3; i++)
        ck_assert_msg(abs(a[i] - b[i]) <= 2, "sample %d: %d vs %d", i, a[i],
                      b[i]);
    /* And it does convert: pure P3 green is outside sRGB. */
    ck_assert_int_lt(a[3 * 30 + 0], 10); /* (0, 255, 0) */
    color_transform_free(ours);
    color_transform_free(apple);
    ctx_free(ctx, icc);
    thumb_ctx_free(ctx);
    decoded_free(&p3);
    free(png);
}
END_TEST

/* PQ: black stays black, HDR reference white (203 nits, code 0.58) lands
 * near sRGB white, and 10000 nits is white, not beyond. */
START_TEST(pq_is_tone_mapped_not_clipped) {
    thumb_ctx *ctx = thumb_ctx_new();
    const color_cicp cicp = {.srgb_primaries = 1, .transfer = 16};
    uint8_t *icc;
    size_t icc_size;
    ck_assert_int_eq(color_cicp_profile(ctx, &cicp, &icc, &icc_size), THUMB_OK);
    color_transform *t;
    ck_assert_int_eq(color_transform_new(ctx, icc, icc_size, 3, 8, 0, &t),
                     THUMB_OK);
    ck_assert_ptr_nonnull(t);
    uint8_t in[4 * 3] = {0, 0, 0, 148, 148, 148, 200, 200, 200, 255, 255, 255};
    uint8_t out[4 * 3];
    color_transform_row(t, in, out, 4);
    ck_assert_int_le(out[0], 2);
    ck_assert_int_ge(out[3], 215); /* 203 nits */
    ck_assert_int_le(out[3], 245);
    ck_assert_int_gt(out[6], out[3]); /* brighter stays brighter */
    ck_assert_int_ge(out[9], 253);
    color_transform_free(t);
    ctx_free(ctx, icc);

    /* A real PQ file: the decoder hands such a profile on. */
    decoder d;
    uint8_t *data;
    ck_assert_int_eq(
        open_file("heif/cosmos1650_yuv444_10bpc_p3pq.avif", ctx, &d, &data),
        THUMB_OK);
    ck_assert_int_eq(color_profile_space(d.icc, d.icc_size), COLOR_SPACE_RGB);
    decoder_close(&d);
    free(data);
    thumb_ctx_free(ctx);
}
END_TEST

/* ---- limits and errors ------------------------------------------------ */

START_TEST(limits_are_checked_before_decoding) {
    thumb_ctx *ctx = thumb_ctx_new();
    static const option_value tight[] = {{THUMB_OPT_MAX_PIXELS, 10000000}};
    ck_assert_int_eq(run_file(ctx, "heif/pug.heic", tight, 1), THUMB_ERR_LIMIT);
    ck_assert_int_lt(thumb_ctx_info(ctx, THUMB_INFO_DECODE_US), 0); /* none */
    thumb_ctx_free(ctx);
    ctx = thumb_ctx_new();
    ck_assert_int_eq(run_file(ctx, "bad/heif/17000x17000.avif", NULL, 0),
                     THUMB_ERR_LIMIT);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(what_libheif_cannot_read_is_named) {
    static const struct {
        const char *path, *words;
    } files[] = {
        {"bad/heif/avc32.heif", "H.264"},
        {"bad/heif/jpeg32.heif", "JPEG"},
        {"bad/heif/unci32.heif", "uncompressed"},
        {"bad/heif/vvc32.heif", "Unsupported"},
        {"bad/heif/avif32-mini.heif", "'mini'"},
        {"bad/heif/seq_seed.heif", "brands"},
        {"heif/star-12bpc-with-alpha.avifs", "sequence"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        thumb_ctx *ctx = thumb_ctx_new();
        thumb_status st = run_file(ctx, files[i].path, NULL, 0);
        ck_assert_msg(st == THUMB_ERR_UNSUPPORTED_FEATURE, "%s: %d %s",
                      files[i].path, st, thumb_ctx_error(ctx));
        ck_assert_msg(strstr(thumb_ctx_error(ctx), files[i].words), "%s: %s",
                      files[i].path, thumb_ctx_error(ctx));
        thumb_ctx_free(ctx);
    }
}
END_TEST

START_TEST(truncated_and_damaged_files_are_corrupt) {
    static const char *const files[] = {
        "bad/heif/truncated.heic", "bad/heif/corrupted.heic",
        ("bad/heif/clusterfuzz-testcase-minimized-file-fuzzer-"
         "5671864958976000.heic")};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        thumb_ctx *ctx = thumb_ctx_new();
        thumb_status st = run_file(ctx, files[i], NULL, 0);
        ck_assert_msg(st == THUMB_ERR_CORRUPT, "%s: %d %s", files[i], st,
                      thumb_ctx_error(ctx));
        thumb_ctx_free(ctx);
    }
    /* A good file cut short. */
    size_t size;
    uint8_t *data = read_corpus("heif/example.heic", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    const unsigned char *out;
    size_t out_size;
    ck_assert_int_eq(thumb_run(ctx, data, size / 2, &out, &out_size),
                     THUMB_ERR_CORRUPT);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

static Suite *heif_suite(void) {
    Suite *s = suite_create("heif");
    TCase *tc = tcase_create("heif");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, brands_major_and_compatible_pick_the_format);
    tcase_add_test(tc, every_corpus_file_sniffs_by_its_brands);
    tcase_add_test(tc, irot_turns_once_beside_an_exif_orientation);
    tcase_add_test(tc, irot_and_clap_come_from_the_boxes);
    tcase_add_test(tc, grid_tiles_join_without_a_seam);
    tcase_add_test(tc, a_hevc_grid_stops_between_tiles_at_the_deadline);
    tcase_add_test(tc, an_av1_grid_stops_between_tiles_at_the_deadline);
    tcase_add_test(tc, alpha_comes_from_the_auxiliary_image);
    tcase_add_test(tc, twelve_bits_reach_the_sixteen_bit_path);
    tcase_add_test(tc, monochrome_comes_out_grey);
    tcase_add_test(tc, a_large_enough_thumbnail_is_decoded_instead);
    tcase_add_test(tc, nclx_display_p3_converts_like_apples_profile);
    tcase_add_test(tc, pq_is_tone_mapped_not_clipped);
    tcase_add_test(tc, limits_are_checked_before_decoding);
    tcase_add_test(tc, what_libheif_cannot_read_is_named);
    tcase_add_test(tc, truncated_and_damaged_files_are_corrupt);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(heif_suite)
