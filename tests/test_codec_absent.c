/* HEIF, AVIF and JPEG XL when libheif and libjxl cannot be loaded: this
 * suite links the library's objects with a build of src/codec/codec_lib.c
 * that looks for sonames no system has (tests/CMakeLists.txt), the
 * situation of a machine or a Lambda package without them. Their formats
 * are then unsupported, saying which library is missing and why, and the
 * other formats are unaffected. */
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

static const char heic[] = "heif/autumn_1440x960.heic";
static const char avif[] = "heif/Mexico_YUV444.avif";
static const char jxl[] = "jxl/bicycles.jxl";
static const char jpeg[] = "jpeg/2569067123_aca715a2ee_o.jpg";

#define THUMB_SIDE 64

static thumb_status run_file(thumb_ctx *ctx, const char *rel) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    const unsigned char *out;
    size_t out_len;
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, THUMB_SIDE);
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    free(data);
    return st;
}

/* The error names the format, the soname looked for, and dlerror()'s
 * reason. */
static void assert_refused(const char *rel, const char *format,
                           const char *soname) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(run_file(ctx, rel), THUMB_ERR_UNSUPPORTED_FORMAT);
    const char *error = thumb_ctx_error(ctx);
    ck_assert_msg(strstr(error, format) && strstr(error, soname) &&
                      strstr(error, "cannot open shared object file"),
                  "%s: %s", rel, error);
    /* Asked again, the answer is the same: the failed load is kept. */
    ck_assert_int_eq(run_file(ctx, rel), THUMB_ERR_UNSUPPORTED_FORMAT);
    ck_assert_str_eq(thumb_ctx_error(ctx), error);
    thumb_ctx_free(ctx);
}

START_TEST(can_read_tries_the_load) {
#ifdef THUMB_HAVE_HEIF
    ck_assert_int_eq(thumb_format_can_read(THUMB_FORMAT_HEIF), 0);
    ck_assert_int_eq(thumb_format_can_read(THUMB_FORMAT_AVIF), 0);
#endif
#ifdef THUMB_HAVE_JXL
    ck_assert_int_eq(thumb_format_can_read(THUMB_FORMAT_JXL), 0);
#endif
    ck_assert_int_eq(thumb_format_can_read(THUMB_FORMAT_JPEG), 1);
}
END_TEST

START_TEST(missing_library_is_an_unsupported_format) {
#ifdef THUMB_HAVE_HEIF
    assert_refused(heic, "HEIF", "libheif-absent.so.1");
    assert_refused(avif, "AVIF", "libheif-absent.so.1");
#endif
#ifdef THUMB_HAVE_JXL
    assert_refused(jxl, "JPEG XL", "libjxl-absent.so.0.7");
#endif
}
END_TEST

/* Without libavif, AVIF is no output format: THUMB_OPT_FORMAT refuses
 * it, and so the library never starts a run it cannot finish. */
START_TEST(avif_output_needs_libavif) {
#ifdef THUMB_HAVE_AVIF
    ck_assert_int_eq(thumb_format_can_write(THUMB_FORMAT_AVIF), 0);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_AVIF),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
#endif
    ck_assert_int_eq(thumb_format_can_write(THUMB_FORMAT_WEBP), 1);
}
END_TEST

START_TEST(other_formats_still_work) {
    thumb_ctx *ctx = thumb_ctx_new();
#ifdef THUMB_HAVE_HEIF
    ck_assert_int_eq(run_file(ctx, heic), THUMB_ERR_UNSUPPORTED_FORMAT);
#endif
    ck_assert_int_eq(run_file(ctx, jpeg), THUMB_OK);
    thumb_ctx_free(ctx);
}
END_TEST

static Suite *codec_absent_suite(void) {
    Suite *s = suite_create("codec_absent");
    TCase *tc = tcase_create("codec_absent");
    tcase_add_test(tc, can_read_tries_the_load);
    tcase_add_test(tc, missing_library_is_an_unsupported_format);
    tcase_add_test(tc, avif_output_needs_libavif);
    tcase_add_test(tc, other_formats_still_work);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(codec_absent_suite)
