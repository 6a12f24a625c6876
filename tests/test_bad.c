/* Every file under corpus bad/ gives a clean error -- or, where its
 * MANIFEST entry says a lenient decoder may decode it, an image -- and
 * never a crash (Check runs each test in a child, so a crash fails it). */
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

/* A file is only "bad" for a strict decoder (the corpus README) when its
 * MANIFEST says so in words, when a reference tool decoded it, or when
 * libjpeg's only complaint was junk it skips (see may_decode). */
static const char *const reference_ok_marks[] = {
    "djpeg:ok", "im:ok", "pngcheck:ok", "giflib:ok", "heif-convert:ok",
};

/* MANIFEST phrases that mark a file as only "bad" for a strict decoder. */
static const char *const may_decode_marks[] = {
    "may decode",      "may still decode", "lenient",
    "image data fine", "itself decodes",   "decodes in",
};

/* Files whose fault lies outside what a thumbnail reads, so decoding them
 * is right; the MANIFEST does not say so in words. */
static const struct {
    const char *path, *why;
} decodable[] = {
    {"bad/bomb/png_decompression_dos.png",
     "a valid 1x1 image; only its ancillary zTXt inflates without end, and "
     "libpng's chunk limit stops that (test_png pins the bound)"},
    {"bad/png/truncated_end_chunk.png",
     "only the zlib trailer and IEND are cut: every row is present"},
    {"bad/fuzz-corpus/jpeg/1abf515d4d6a5ec131d697b40fd8fb001036b7bb.jpg",
     "the bogus marker comes after the last scan; djpeg trips on it only in "
     "jpeg_finish_decompress, which a thumbnail does not need"},
    {"bad/fuzz-corpus/png/948633673a35fcaf8e7642f084e3e661327304e9.crash.png",
     "the damage is in APNG fcTL/fdAT chunks, which do not touch the "
     "default image (corpus README)"},
    {"bad/gif/decompression_bomb_extents.gif",
     "the first frame is valid; the far-off extents are in frame 2, which a "
     "still thumbnail never reads"},
    {"bad/unsupported/pitm.avif",
     "a valid 4096x800 grid AVIF (corpus README), filed before AVIF was "
     "read"},
    {"bad/heif/color_grid_alpha_grid_tile_shared_in_dimg.avif",
     "the colour and alpha grids share a tile, which libheif 1.15 decodes "
     "(corpus README)"},
};

static int may_decode(const manifest_row *row) {
    const char *path = row->path, *description = row->description;
    for (size_t i = 0;
         i < sizeof reference_ok_marks / sizeof *reference_ok_marks; i++)
        if (strstr(row->reference_check, reference_ok_marks[i]))
            return 1;
    if (strstr(row->reference_check, "djpeg:FAIL Corrupt JPEG data: ") &&
        strstr(row->reference_check, " extraneous bytes before marker"))
        return 1;
    for (size_t i = 0; i < sizeof may_decode_marks / sizeof *may_decode_marks;
         i++)
        if (strstr(description, may_decode_marks[i]))
            return 1;
    for (size_t i = 0; i < sizeof decodable / sizeof *decodable; i++)
        if (strcmp(path, decodable[i].path) == 0)
            return 1;
    return 0;
}

typedef struct tally {
    int files, errors, images, violations;
    int by_status[THUMB_ERR_INTERNAL + 1];
} tally;

static void check_file(const manifest_row *row, void *opaque) {
    tally *t = opaque;
    const char *path = row->path;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 64);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, 64);
    const unsigned char *out;
    size_t out_len;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    if (st == THUMB_OK) {
        /* Reported all together at the end, so one run lists them all. */
        if (!may_decode(row)) {
            fprintf(stderr, "decoded, but must fail: %s: %s\n", path,
                    row->description);
            t->violations++;
        }
        ck_assert_uint_gt(out_len, 0);
        t->images++;
    } else {
        ck_assert_msg(st > THUMB_OK && st < THUMB_ERR_INTERNAL, "%s: status %d",
                      path, st);
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
    manifest_each_row("bad/", check_file, &t);
    ck_assert_int_gt(t.files, 900);
    ck_assert_int_eq(t.violations, 0);
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
    static const char *const files[] = {"bad/unsupported/8bit_depth.tiff",
                                        "bad/unsupported/circle.svg",
                                        "bad/unsupported/relax_tileparts.jp2"};
    thumb_ctx *ctx = thumb_ctx_new();
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        ck_assert_int_eq(run_file(files[i], ctx), THUMB_ERR_UNSUPPORTED_FORMAT);
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

static Suite *bad_suite(void) {
    Suite *s = suite_create("bad");
    TCase *tc = tcase_create("bad");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_bad_file_gives_an_error_or_an_allowed_image);
    tcase_add_test(tc, bombs_are_refused_by_the_limits);
    tcase_add_test(tc, unsupported_files_say_so);
    tcase_add_test(tc, truncated_files_are_corrupt);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(bad_suite)
