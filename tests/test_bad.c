/* Every file under corpus bad/ gives a clean error -- or, where its
 * MANIFEST entry says a lenient decoder may decode it, an image -- and
 * never a crash (Check runs each test in a child, so a crash fails it). */
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

/* MANIFEST phrases that mark a file as only "bad" for a strict decoder. */
static const char *const may_decode_marks[] = {
    "may decode",   "may still decode", "lenient",    "image data fine",
    "itself decodes", "decodes in",     "valid ",     "may be decoded",
};

static int may_decode(const char *path, const char *description) {
    for (size_t i = 0; i < sizeof may_decode_marks / sizeof *may_decode_marks;
         i++)
        if (strstr(description, may_decode_marks[i]))
            return 1;
    /* The README: libjpeg and pngcheck reject all fuzz-corpus files but
     * one JPEG and one PNG; which ones, it does not say. */
    return strncmp(path, "bad/fuzz-corpus/", 16) == 0;
}

typedef struct tally {
    int files, errors, images;
    int by_status[THUMB_ERR_INTERNAL + 1];
} tally;

static void check_file(const char *path, const char *description,
                       void *opaque) {
    tally *t = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 64);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    if (st == THUMB_OK) {
        ck_assert_msg(may_decode(path, description),
                      "%s decoded, but its MANIFEST says it must fail: %s",
                      path, description);
        ck_assert_uint_gt(out_len, 0);
        t->images++;
    } else {
        ck_assert_msg(st > THUMB_OK && st < THUMB_ERR_INTERNAL,
                      "%s: status %d", path, st);
        ck_assert_msg(st != THUMB_ERR_INVALID_ARGUMENT, "%s: %s", path,
                      thumb_ctx_error(ctx));
        /* A message that names the cause, not just the code. */
        ck_assert_msg(strlen(thumb_ctx_error(ctx)) > 8, "%s: message '%s'",
                      path, thumb_ctx_error(ctx));
        ck_assert_ptr_null(out);
        t->errors++;
        t->by_status[st]++;
    }
    t->files++;
    thumb_ctx_free(ctx);
    free(data);
}

START_TEST(every_bad_file_gives_an_error_or_an_allowed_image) {
    tally t = {0};
    manifest_each("bad/", check_file, &t);
    ck_assert_int_gt(t.files, 900);
    fprintf(stderr,
            "bad/: %d files, %d errors (unsupported format %d, unsupported "
            "feature %d, corrupt %d, limit %d), %d images\n",
            t.files, t.errors, t.by_status[THUMB_ERR_UNSUPPORTED_FORMAT],
            t.by_status[THUMB_ERR_UNSUPPORTED_FEATURE],
            t.by_status[THUMB_ERR_CORRUPT], t.by_status[THUMB_ERR_LIMIT],
            t.images);
}
END_TEST

static thumb_status run_file(const char *rel, thumb_ctx *ctx) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    free(data);
    return st;
}

START_TEST(bombs_are_refused_by_the_limits) {
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    ck_assert_int_eq(run_file("bad/bomb/giant-image.jpg", ctx),
                     THUMB_ERR_LIMIT);
    ck_assert_int_eq(run_file("bad/bomb/65536-uint32-limit.png", ctx),
                     THUMB_ERR_LIMIT);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(unsupported_files_say_so) {
    static const char *const files[] = {
        "bad/unsupported/8bit_depth.tiff", "bad/unsupported/circle.svg",
        "bad/unsupported/pitm.avif", "bad/unsupported/relax_tileparts.jp2"};
    thumb_ctx *ctx = thumb_ctx_new();
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        ck_assert_int_eq(run_file(files[i], ctx),
                         THUMB_ERR_UNSUPPORTED_FORMAT);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(truncated_files_are_corrupt) {
    static const char *const files[] = {
        "bad/jpeg/truncated.jpg", "bad/jpeg/incomplete_image.jpg",
        "bad/jpeg/truncated_jpeg.jpg", "bad/png/truncated.png",
        "bad/png/truncated_image.png"};
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        ck_assert_msg(run_file(files[i], ctx) == THUMB_ERR_CORRUPT, "%s: %s",
                      files[i], thumb_ctx_error(ctx));
    }
    thumb_ctx_free(ctx);
}
END_TEST

int main(void) {
    Suite *s = suite_create("bad");
    TCase *tc = tcase_create("bad");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_bad_file_gives_an_error_or_an_allowed_image);
    tcase_add_test(tc, bombs_are_refused_by_the_limits);
    tcase_add_test(tc, unsupported_files_say_so);
    tcase_add_test(tc, truncated_files_are_corrupt);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
