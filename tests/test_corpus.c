/* Every good image of the shared corpus goes through the whole pipeline to
 * every output format and comes out with the size vipsthumbnail would give
 * it (computed from the MANIFEST's own dimensions and orientation), in the
 * asked format, decodable, with no orientation left to apply. */
#include "geometry.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

/* The box every file is fitted into, and a crop box for cover. */
#define BOX 256
#define COVER_W 120
#define COVER_H 90

static const char *const good_dirs[] = {"jpeg/", "png/", "webp/", "gif/",
                                        "orientation/"};

/* The JPEG flavours libjpeg-turbo 2.1 cannot decode: the issue allows a
 * clean "unsupported" error for them and nothing else. */
static int may_be_unsupported(const char *description) {
    return strncmp(description, "JPEG ", 5) == 0 &&
           (strstr(description, ", 12-bit,") ||
            strstr(description, ", lossless,"));
}

static int parse_dims(const char *description, unsigned *w, unsigned *h) {
    /* "JPEG 2725x2225, ..." / "GIF89a 100x100, ..." / "WebP 16x16, ..." */
    const char *p = strchr(description, ' ');
    return p && sscanf(p + 1, "%ux%u", w, h) == 2;
}

static int parse_orientation(const char *description) {
    const char *p = strstr(description, "orientation=");
    int o = p ? atoi(p + strlen("orientation=")) : 1;
    return o >= 1 && o <= 8 ? o : 1;
}

typedef struct tally {
    int files, runs, unsupported;
    thumb_fit fit;
} tally;

static void check_file(const char *path, const char *description,
                       void *opaque) {
    tally *t = opaque;
    unsigned w, h;
    ck_assert_msg(parse_dims(description, &w, &h), "%s: no dims in MANIFEST",
                  path);
    int orientation = parse_orientation(description);
    int swap = orientation >= 5;
    geometry_request req = {.width = BOX, .height = BOX, .fit = t->fit};
    if (t->fit == THUMB_FIT_COVER)
        req.width = COVER_W, req.height = COVER_H;
    geometry g;
    geometry_compute(&req, swap ? h : w, swap ? w : h, &g);

    size_t size;
    uint8_t *data = read_corpus(path, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    thumb_ctx *check = thumb_ctx_new();
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, req.width), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, req.height),
                     THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FIT, t->fit), THUMB_OK);
    static const thumb_format formats[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG,
                                           THUMB_FORMAT_WEBP};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        thumb_ctx_set(ctx, THUMB_OPT_FORMAT, formats[i]);
        const unsigned char *out;
        size_t out_len;
        thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
        if (st == THUMB_ERR_UNSUPPORTED_FEATURE &&
            may_be_unsupported(description)) {
            t->unsupported++;
            break;
        }
        ck_assert_msg(st == THUMB_OK, "%s -> %s: %s", path,
                      thumb_format_name(formats[i]), thumb_ctx_error(ctx));
        ck_assert_msg(
            thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH) == g.out_width &&
                thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT) == g.out_height,
            "%s -> %s: %lldx%lld, expected %ux%u", path,
            thumb_format_name(formats[i]),
            (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH),
            (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT),
            g.out_width, g.out_height);
        /* The output itself says the same. */
        ck_assert_msg(thumb_probe(check, out, out_len) == THUMB_OK,
                      "%s -> %s: output does not probe: %s", path,
                      thumb_format_name(formats[i]), thumb_ctx_error(check));
        ck_assert_int_eq(thumb_ctx_info(check, THUMB_INFO_FORMAT), formats[i]);
        ck_assert_int_eq(thumb_ctx_info(check, THUMB_INFO_WIDTH), g.out_width);
        ck_assert_int_eq(thumb_ctx_info(check, THUMB_INFO_HEIGHT),
                         g.out_height);
        ck_assert_int_eq(thumb_ctx_info(check, THUMB_INFO_ORIENTATION), 1);
        t->runs++;
    }
    t->files++;
    thumb_ctx_free(check);
    thumb_ctx_free(ctx);
    free(data);
}

static void run_all(thumb_fit fit) {
    tally t = {.fit = fit};
    for (size_t i = 0; i < sizeof good_dirs / sizeof good_dirs[0]; i++)
        manifest_each(good_dirs[i], check_file, &t);
    /* The corpus has about 460 good files; a broken MANIFEST read must
     * not pass as "nothing failed". */
    ck_assert_int_gt(t.files, 400);
    ck_assert_int_le(t.unsupported, 4);
    fprintf(stderr, "fit %d: %d files, %d runs, %d unsupported\n", fit, t.files,
            t.runs, t.unsupported);
}

START_TEST(every_good_file_fits_inside_box_in_every_format) {
    run_all(THUMB_FIT_INSIDE);
}
END_TEST

START_TEST(every_good_file_covers_box_in_every_format) {
    run_all(THUMB_FIT_COVER);
}
END_TEST

static Suite *corpus_suite(void) {
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_good_file_fits_inside_box_in_every_format);
    tcase_add_test(tc, every_good_file_covers_box_in_every_format);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(corpus_suite)
