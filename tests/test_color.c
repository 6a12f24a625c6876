/* dladdr() is a GNU extension. */
#define _GNU_SOURCE
/* Colour management (src/color.c and its use by the pipeline): embedded
 * ICC profiles converted to sRGB, THUMB_OPT_COLOR's three modes, and
 * lcms2's memory going through the context. The comparison with libvips
 * and Pillow over every profiled corpus file is test_color_vs_vips.py. */
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "color.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <lcms2.h>
#include <stdlib.h>
#include <string.h>

/* An 8-bit round trip through lcms2's 8-bit tables may land one level
 * away from a float computation. */
#define LCMS_TOLERANCE 1
/* JPEG at quality 100, 4:4:4, on flat 8x8 blocks: a level or two. */
#define JPEG_TOLERANCE 3
/* A conversion that matters moves a saturated colour by more than this. */
#define MIN_VISIBLE_SHIFT 10

static const option_value to_png[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};

/* What lcms2 itself makes of RGB pixels under the profile: relative
 * colorimetric, as the library does for RGB profiles. */
static void lcms_reference(const uint8_t *icc, size_t icc_size,
                           const uint8_t *in, uint8_t *out, int n) {
    cmsHPROFILE src = cmsOpenProfileFromMem(icc, (cmsUInt32Number)icc_size);
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    ck_assert_ptr_nonnull(src);
    cmsHTRANSFORM xf = cmsCreateTransform(src, TYPE_RGB_8, srgb, TYPE_RGB_8,
                                          INTENT_RELATIVE_COLORIMETRIC, 0);
    ck_assert_ptr_nonnull(xf);
    cmsDoTransform(xf, in, out, (cmsUInt32Number)n);
    cmsDeleteTransform(xf);
    cmsCloseProfile(src);
    cmsCloseProfile(srgb);
}

static int max_abs_diff(const uint8_t *a, const uint8_t *b, size_t n) {
    int m = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a[i] - (int)b[i]);
        if (d > m)
            m = d;
    }
    return m;
}

static double mean_abs_diff(const decoded *a, const decoded *b) {
    ck_assert_uint_eq(a->width, b->width);
    ck_assert_uint_eq(a->height, b->height);
    ck_assert_int_eq(a->channels, b->channels);
    size_t n = (size_t)a->width * a->height * (size_t)a->channels;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += abs((int)a->px[i] - (int)b->px[i]);
    return sum / (double)n;
}

/* ---- conversion ------------------------------------------------------ */

START_TEST(prophoto_pixel_is_converted_as_lcms2_converts_it) {
    size_t size;
    uint8_t *in = read_corpus("png/prophoto.png", &size);
    decoded naive = decode_image(in, size);
    ck_assert_ptr_nonnull(naive.icc);
    ck_assert_int_eq(naive.channels, 3);
    uint8_t expected[3];
    lcms_reference(naive.icc, naive.icc_size, naive.px, expected, 1);

    decoded out = thumbnail_decoded(in, size, to_png, OPTION_COUNT(to_png));
    ck_assert_int_eq(out.channels, 3);
    ck_assert_ptr_null(out.icc); /* untagged by default */
    ck_assert_int_le(max_abs_diff(out.px, expected, 3), LCMS_TOLERANCE);
    ck_assert_int_ge(max_abs_diff(out.px, naive.px, 3), MIN_VISIBLE_SHIFT);

    decoded_free(&naive);
    decoded_free(&out);
    free(in);
}
END_TEST

/* A Rec.2020 profile (not in the corpus) made with lcms2, in ICC v2 or
 * v4, embedded by our own encoders in a 16x16 image of four flat 8x8
 * quadrants (aligned with JPEG's blocks). */
static const uint8_t QUADRANTS[4][3] = {
    {200, 60, 40}, {40, 180, 90}, {30, 60, 200}, {128, 128, 128}};
#define SYNTH_SIZE 16
#define SYNTH_BLOCK 8

static void rec2020_profile(double version, uint8_t **icc, size_t *size) {
    cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
    cmsCIExyYTRIPLE primaries = {
        {0.708, 0.292, 1.0}, {0.170, 0.797, 1.0}, {0.131, 0.046, 1.0}};
    /* BT.2020's curve is close to a 2.4 power; which one does not
     * matter here, as the reference uses the same profile. */
    cmsToneCurve *curve = cmsBuildGamma(NULL, 2.4);
    cmsToneCurve *curves[3] = {curve, curve, curve};
    cmsHPROFILE p = cmsCreateRGBProfile(&d65, &primaries, curves);
    ck_assert_ptr_nonnull(p);
    cmsSetProfileVersion(p, version);
    cmsUInt32Number n = 0;
    ck_assert(cmsSaveProfileToMem(p, NULL, &n));
    *icc = malloc(n);
    ck_assert(cmsSaveProfileToMem(p, *icc, &n));
    *size = n;
    cmsCloseProfile(p);
    cmsFreeToneCurve(curve);
}

static void encode_synthetic(thumb_format format, const uint8_t *icc,
                             size_t icc_size, uint8_t **out, size_t *size) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img;
    ck_assert_int_eq(image_alloc(ctx, &img, SYNTH_SIZE, SYNTH_SIZE, 3),
                     THUMB_OK);
    for (uint32_t y = 0; y < SYNTH_SIZE; y++)
        for (uint32_t x = 0; x < SYNTH_SIZE; x++)
            memcpy(image_row(&img, y) + 3 * x,
                   QUADRANTS[(y / SYNTH_BLOCK) * 2 + x / SYNTH_BLOCK], 3);
    encode_options eo = {.quality = 100,
                         .jpeg_subsampling = THUMB_SUBSAMPLING_444,
                         .png_compression = 6,
                         .webp_lossless = 1,
                         .icc = icc,
                         .icc_size = icc_size};
    buffer buf;
    buffer_init(&buf, ctx);
    thumb_status st =
        format == THUMB_FORMAT_JPEG  ? jpeg_encode(ctx, &img, &eo, &buf)
        : format == THUMB_FORMAT_PNG ? png_encode(ctx, &img, &eo, &buf)
                                     : webp_encode(ctx, &img, &eo, &buf);
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
    *out = dup_bytes(buf.data, buf.size);
    *size = buf.size;
    buffer_release(&buf);
    image_release(ctx, &img);
    thumb_ctx_free(ctx);
}

static const thumb_format SYNTH_FORMATS[] = {
    THUMB_FORMAT_PNG, THUMB_FORMAT_WEBP, THUMB_FORMAT_JPEG};
static const double SYNTH_VERSIONS[] = {2.1, 4.3};

/* _i: every (container, version) pair. */
START_TEST(rec2020_v2_and_v4_in_every_container_are_converted) {
    thumb_format format = SYNTH_FORMATS[_i / 2];
    double version = SYNTH_VERSIONS[_i % 2];
    uint8_t *icc;
    size_t icc_size;
    rec2020_profile(version, &icc, &icc_size);
    ck_assert_int_eq(color_profile_space(icc, icc_size), COLOR_SPACE_RGB);
    uint8_t *file;
    size_t file_size;
    encode_synthetic(format, icc, icc_size, &file, &file_size);

    /* The decoder hands the very profile over. */
    decoded naive = decode_image(file, file_size);
    ck_assert_uint_eq(naive.icc_size, icc_size);
    ck_assert_mem_eq(naive.icc, icc, icc_size);

    uint8_t expected[4][3];
    lcms_reference(icc, icc_size, &QUADRANTS[0][0], &expected[0][0], 4);
    decoded out =
        thumbnail_decoded(file, file_size, to_png, OPTION_COUNT(to_png));
    int tolerance =
        LCMS_TOLERANCE + (format == THUMB_FORMAT_JPEG ? JPEG_TOLERANCE : 0);
    for (int q = 0; q < 4; q++) {
        uint32_t x = (q % 2) * SYNTH_BLOCK + SYNTH_BLOCK / 2;
        uint32_t y = (q / 2) * SYNTH_BLOCK + SYNTH_BLOCK / 2;
        const uint8_t *got = decoded_px(&out, x, y);
        ck_assert_msg(max_abs_diff(got, expected[q], 3) <= tolerance,
                      "%s v%.1f quadrant %d: %d %d %d, lcms2 %d %d %d",
                      thumb_format_name(format), version, q, got[0], got[1],
                      got[2], expected[q][0], expected[q][1], expected[q][2]);
        /* The saturated quadrants move visibly; grey stays grey. */
        if (q < 3)
            ck_assert_int_ge(max_abs_diff(got, QUADRANTS[q], 3),
                             MIN_VISIBLE_SHIFT);
    }
    decoded_free(&naive);
    decoded_free(&out);
    free(file);
    free(icc);
}
END_TEST

START_TEST(grey_profile_converts_and_stays_grey) {
    size_t size;
    uint8_t *in = read_corpus("jpeg/concert.jpg", &size);
    option_value keep[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                           {THUMB_OPT_COLOR, THUMB_COLOR_KEEP}};
    decoded converted =
        thumbnail_decoded(in, size, to_png, OPTION_COUNT(to_png));
    decoded kept = thumbnail_decoded(in, size, keep, OPTION_COUNT(keep));
    ck_assert_int_eq(converted.channels, 1);
    ck_assert_int_eq(kept.channels, 1);
    /* Gray Gamma 2.2 against sRGB's curve: Pillow's lcms2 conversion
     * moves this photo by 2.1 levels on average. */
    ck_assert_double_ge(mean_abs_diff(&converted, &kept), 1.0);
    ck_assert_ptr_null(converted.icc);
    ck_assert_ptr_nonnull(kept.icc);
    ck_assert_int_eq(color_profile_space(kept.icc, kept.icc_size),
                     COLOR_SPACE_GREY);
    decoded_free(&converted);
    decoded_free(&kept);
    free(in);
}
END_TEST

/* The same photo with and without its SWOP profile: the naive formula
 * and the profile give visibly different colours, and the profiled file
 * is converted in every colour mode (a CMYK profile cannot tag RGB). */
START_TEST(cmyk_profile_is_used_in_every_mode) {
    size_t size, plain_size;
    uint8_t *in =
        read_corpus("jpeg/Channel_digital_image_CMYK_color.jpg", &size);
    uint8_t *plain = read_corpus(
        "jpeg/Channel_digital_image_CMYK_color_no_profile.jpg", &plain_size);
    option_value base[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                           {THUMB_OPT_WIDTH, 128},
                           {THUMB_OPT_COLOR, THUMB_COLOR_SRGB}};
    decoded naive = thumbnail_decoded(plain, plain_size, base, 2);
    decoded converted = thumbnail_decoded(in, size, base, 3);
    ck_assert_int_eq(converted.channels, 3);
    ck_assert_ptr_null(converted.icc);
    /* Pillow measures 12.2 between its lcms2 conversion and the naive
     * formula on this photo. */
    ck_assert_double_ge(mean_abs_diff(&converted, &naive), 5.0);
    base[2].value = THUMB_COLOR_KEEP;
    decoded kept = thumbnail_decoded(in, size, base, 3);
    ck_assert_ptr_null(kept.icc);
    ck_assert_double_eq(mean_abs_diff(&kept, &converted), 0.0);
    base[2].value = THUMB_COLOR_SRGB_TAGGED;
    decoded tagged = thumbnail_decoded(in, size, base, 3);
    ck_assert_ptr_nonnull(tagged.icc);
    ck_assert_double_eq(mean_abs_diff(&tagged, &converted), 0.0);
    decoded_free(&naive);
    decoded_free(&converted);
    decoded_free(&kept);
    decoded_free(&tagged);
    free(in);
    free(plain);
}
END_TEST

/* ---- reading profiles ---------------------------------------------- */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* A profile split over 7 APP2 segments comes back whole: its header's
 * size field (the first 4 bytes) matches what was reassembled, 399788
 * bytes as Pillow reads it. */
START_TEST(split_jpeg_profile_is_reassembled) {
    size_t size;
    uint8_t *in = read_corpus("jpeg/icc_profile_big.jpg", &size);
    decoded r = decode_image(in, size);
    ck_assert_uint_eq(r.icc_size, 399788);
    ck_assert_uint_eq(be32(r.icc), r.icc_size);
    ck_assert_int_eq(color_profile_space(r.icc, r.icc_size), COLOR_SPACE_RGB);
    decoded_free(&r);
    free(in);
}
END_TEST

/* Profiles too short to be one (an empty APP2, 7 bytes after SOF) are
 * ignored: the image still makes a thumbnail, untagged. */
START_TEST(unusable_profiles_are_ignored) {
    const char *files[] = {"jpeg/gradient_empty_icc.jpg",
                           "jpeg/icc-after-SOF.jpg"};
    for (size_t f = 0; f < OPTION_COUNT(files); f++) {
        size_t size;
        uint8_t *in = read_corpus(files[f], &size);
        decoded converted =
            thumbnail_decoded(in, size, to_png, OPTION_COUNT(to_png));
        option_value keep[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                               {THUMB_OPT_COLOR, THUMB_COLOR_KEEP}};
        decoded kept = thumbnail_decoded(in, size, keep, OPTION_COUNT(keep));
        ck_assert_ptr_null(kept.icc);
        ck_assert_double_eq(mean_abs_diff(&converted, &kept), 0.0);
        decoded_free(&converted);
        decoded_free(&kept);
        free(in);
    }
}
END_TEST

START_TEST(srgb_profiles_need_no_transform) {
    /* An embedded profile that is sRGB by its numbers (the GIMP's, lcms2's
     * own) is skipped; a wide-gamut one is not. */
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *icc;
    size_t icc_size;
    ck_assert_int_eq(color_srgb_profile(ctx, 0, &icc, &icc_size), THUMB_OK);
    color_transform *t = NULL;
    ck_assert_int_eq(color_transform_new(ctx, icc, icc_size, 3, 8, 0, &t),
                     THUMB_OK);
    ck_assert_ptr_null(t);
    ctx_free(ctx, icc);

    size_t size;
    uint8_t *jpeg = read_corpus("jpeg/speed_bench_hv_subsampling.jpg", &size);
    decoder dec;
    ck_assert_int_eq(decoder_open(ctx, jpeg, size, &dec), THUMB_OK);
    ck_assert_ptr_nonnull(dec.icc); /* "GIMP built-in sRGB" */
    ck_assert_int_eq(
        color_transform_new(ctx, dec.icc, dec.icc_size, 3, 8, 0, &t), THUMB_OK);
    ck_assert_ptr_null(t);
    decoder_close(&dec);
    free(jpeg);

    uint8_t *png = read_corpus("png/prophoto.png", &size);
    ck_assert_int_eq(decoder_open(ctx, png, size, &dec), THUMB_OK);
    ck_assert_ptr_nonnull(dec.icc);
    ck_assert_int_eq(
        color_transform_new(ctx, dec.icc, dec.icc_size, 3, 8, 0, &t), THUMB_OK);
    ck_assert_ptr_nonnull(t);
    color_transform_free(t);
    decoder_close(&dec);
    free(png);
    thumb_ctx_free(ctx);
}
END_TEST

/* The context remembers the last profile found to be sRGB: the second
 * run of a file skips lcms2 altogether and gives the same bytes. */
START_TEST(a_known_srgb_profile_is_not_checked_again) {
    size_t size;
    uint8_t *jpeg = read_corpus("jpeg/speed_bench_hv_subsampling.jpg", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64), THUMB_OK);
    long calls[2];
    unsigned char *first = NULL;
    size_t first_size = 0;
    for (int run = 0; run < 2; run++) {
        long before = a.calls;
        const unsigned char *out;
        size_t out_size;
        ck_assert_int_eq(thumb_run(ctx, jpeg, size, &out, &out_size), THUMB_OK);
        calls[run] = a.calls - before;
        if (run == 0) {
            first = malloc(out_size);
            ck_assert_ptr_nonnull(first);
            memcpy(first, out, out_size);
            first_size = out_size;
        } else {
            ck_assert_uint_eq(out_size, first_size);
            ck_assert_mem_eq(out, first, out_size);
        }
    }
    /* Checking the profile costs lcms2 over 50 allocations (its context,
     * the parsed profile, the built sRGB one); the rest of a second run
     * reuses what the first kept. */
    ck_assert_msg(calls[1] < 10, "%ld allocations, then %ld", calls[0],
                  calls[1]);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(first);
    free(jpeg);
}
END_TEST

/* ---- THUMB_OPT_COLOR's modes, in every output format ----------------- */

static const thumb_format OUT_FORMATS[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG,
                                           THUMB_FORMAT_WEBP};

static decoded run_mode(const char *rel, thumb_format format,
                        thumb_color mode) {
    size_t size;
    uint8_t *in = read_corpus(rel, &size);
    option_value opts[] = {{THUMB_OPT_FORMAT, format},
                           {THUMB_OPT_WIDTH, 64},
                           {THUMB_OPT_COLOR, mode}};
    decoded r = thumbnail_decoded(in, size, opts, OPTION_COUNT(opts));
    free(in);
    return r;
}

START_TEST(default_output_carries_no_profile) {
    const char *files[] = {"jpeg/xmp_test.jpg", "png/p3.png",
                           "webp/extended-lossy.webp", "jpeg/concert.jpg"};
    for (size_t f = 0; f < OPTION_COUNT(files); f++) {
        decoded r = run_mode(files[f], OUT_FORMATS[_i], THUMB_COLOR_SRGB);
        ck_assert_msg(r.icc == NULL, "%s -> %s has a profile", files[f],
                      thumb_format_name(OUT_FORMATS[_i]));
        decoded_free(&r);
    }
}
END_TEST

/* The embedded profile is lcms2's sRGB (or its grey twin), small, and
 * changes nothing in the pixels. */
START_TEST(tagged_output_embeds_a_compact_srgb_profile) {
    thumb_format format = OUT_FORMATS[_i];
    const char *files[] = {"jpeg/xmp_test.jpg", "jpeg/concert.jpg"};
    for (size_t f = 0; f < OPTION_COUNT(files); f++) {
        decoded tagged = run_mode(files[f], format, THUMB_COLOR_SRGB_TAGGED);
        decoded plain = run_mode(files[f], format, THUMB_COLOR_SRGB);
        ck_assert_msg(tagged.icc != NULL, "%s -> %s has no profile", files[f],
                      thumb_format_name(format));
        /* lcms2's sRGB with parametric curves: well under a kilobyte,
         * against 3 KiB for the classic HP profile. */
        ck_assert_uint_lt(tagged.icc_size, 1024);
        color_space want =
            tagged.channels <= 2 ? COLOR_SPACE_GREY : COLOR_SPACE_RGB;
        ck_assert_int_eq(color_profile_space(tagged.icc, tagged.icc_size),
                         want);
        cmsHPROFILE p =
            cmsOpenProfileFromMem(tagged.icc, (cmsUInt32Number)tagged.icc_size);
        ck_assert_ptr_nonnull(p);
        cmsCloseProfile(p);
        ck_assert_double_eq(mean_abs_diff(&tagged, &plain), 0.0);
        decoded_free(&tagged);
        decoded_free(&plain);
    }
}
END_TEST

START_TEST(keep_embeds_the_original_profile_unconverted) {
    thumb_format format = OUT_FORMATS[_i];
    size_t size;
    uint8_t *in = read_corpus("jpeg/xmp_test.jpg", &size);
    decoded source = decode_image(in, size);
    ck_assert_ptr_nonnull(source.icc);
    decoded kept = run_mode("jpeg/xmp_test.jpg", format, THUMB_COLOR_KEEP);
    decoded converted = run_mode("jpeg/xmp_test.jpg", format, THUMB_COLOR_SRGB);
    ck_assert_uint_eq(kept.icc_size, source.icc_size);
    ck_assert_mem_eq(kept.icc, source.icc, source.icc_size);
    /* Adobe RGB left as it is differs from its sRGB conversion. */
    ck_assert_double_ge(mean_abs_diff(&kept, &converted), 0.5);
    decoded_free(&source);
    decoded_free(&kept);
    decoded_free(&converted);
    free(in);
}
END_TEST

/* ---- memory ---------------------------------------------------------- */

/* Counts what goes through the context's allocator; fails one call. */
typedef struct tally {
    long calls, live, fail_at;
    int spared; /* the call to fail came from inside lcms2: not failed */
} tally;

static int tally_should_fail(tally *t) {
    if (t->calls++ != t->fail_at)
        return 0;
    if (counting_called_from_lcms2()) {
        t->spared = 1;
        return 0;
    }
    return 1;
}

static void *tally_malloc(void *opaque, size_t size) {
    tally *t = opaque;
    if (tally_should_fail(t))
        return NULL;
    void *p = malloc(size);
    t->live += p != NULL;
    return p;
}

static void *tally_realloc(void *opaque, void *ptr, size_t size) {
    tally *t = opaque;
    if (tally_should_fail(t))
        return NULL;
    void *p = realloc(ptr, size);
    t->live += p != NULL && ptr == NULL;
    return p;
}

static void tally_free(void *opaque, void *ptr) {
    tally *t = opaque;
    t->live -= ptr != NULL;
    free(ptr);
}

static thumb_status tally_run(tally *t, const uint8_t *in, size_t size,
                              thumb_color mode) {
    thumb_allocator a = {tally_malloc, tally_realloc, tally_free, t};
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&a);
    if (!ctx)
        return THUMB_ERR_NOMEM;
    thumb_ctx_set(ctx, THUMB_OPT_COLOR, mode);
    const unsigned char *out;
    size_t out_size;
    thumb_status st = thumb_run(ctx, in, size, &out, &out_size);
    thumb_ctx_free(ctx);
    return st;
}

/* lcms2's allocations (profile parsing, transform tables) go through the
 * caller's allocator: converting costs allocations that keeping the
 * profile does not, and every one is freed. */
START_TEST(lcms2_memory_goes_through_the_context_allocator) {
    size_t size;
    uint8_t *in = read_corpus("png/p3.png", &size);
    tally convert = {0, 0, -1, 0}, keep = {0, 0, -1, 0};
    ck_assert_int_eq(tally_run(&convert, in, size, THUMB_COLOR_SRGB), THUMB_OK);
    ck_assert_int_eq(tally_run(&keep, in, size, THUMB_COLOR_KEEP), THUMB_OK);
    ck_assert_int_eq(convert.live, 0);
    ck_assert_int_gt(convert.calls, keep.calls + 10);
    free(in);
}
END_TEST

START_TEST(allocation_failures_while_converting_give_nomem_and_leak_nothing) {
    size_t size;
    uint8_t *in = read_corpus("png/p3.png", &size);
    tally probe = {0, 0, -1, 0};
    ck_assert_int_eq(tally_run(&probe, in, size, THUMB_COLOR_SRGB_TAGGED),
                     THUMB_OK);
    long injected = 0;
    for (long n = 0; n < probe.calls; n++) {
        tally t = {0, 0, n, 0};
        thumb_status st = tally_run(&t, in, size, THUMB_COLOR_SRGB_TAGGED);
        ck_assert_msg(st == THUMB_OK || st == THUMB_ERR_NOMEM,
                      "failing allocation %ld gave %s", n, thumb_strerror(st));
        ck_assert_msg(t.live == 0, "failing allocation %ld leaks %ld", n,
                      t.live);
        injected += !t.spared;
    }
    /* Ours are a good part of them: decoding, resizing, encoding. */
    ck_assert_int_gt(injected, 20);
    free(in);
}
END_TEST

static Suite *color_suite(void) {
    Suite *s = suite_create("color");
    TCase *c = tcase_create("convert");
    tcase_set_timeout(c, 120);
    tcase_add_test(c, prophoto_pixel_is_converted_as_lcms2_converts_it);
    tcase_add_loop_test(c, rec2020_v2_and_v4_in_every_container_are_converted,
                        0, 6);
    tcase_add_test(c, grey_profile_converts_and_stays_grey);
    tcase_add_test(c, cmyk_profile_is_used_in_every_mode);
    tcase_add_test(c, split_jpeg_profile_is_reassembled);
    tcase_add_test(c, unusable_profiles_are_ignored);
    tcase_add_test(c, srgb_profiles_need_no_transform);
    tcase_add_test(c, a_known_srgb_profile_is_not_checked_again);
    suite_add_tcase(s, c);
    TCase *m = tcase_create("modes");
    tcase_set_timeout(m, 120);
    tcase_add_loop_test(m, default_output_carries_no_profile, 0, 3);
    tcase_add_loop_test(m, tagged_output_embeds_a_compact_srgb_profile, 0, 3);
    tcase_add_loop_test(m, keep_embeds_the_original_profile_unconverted, 0, 3);
    suite_add_tcase(s, m);
    TCase *mem = tcase_create("memory");
    tcase_set_timeout(mem, 300);
    tcase_add_test(mem, lcms2_memory_goes_through_the_context_allocator);
    tcase_add_test(
        mem, allocation_failures_while_converting_give_nomem_and_leak_nothing);
    suite_add_tcase(s, mem);
    return s;
}

THUMB_TEST_MAIN(color_suite)
