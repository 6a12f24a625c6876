/* EXIF orientation through whole runs: all eight values from JPEG APP1,
 * the WebP EXIF chunk and the PNG eXIf chunk give upright thumbnails;
 * THUMB_OPT_AUTOROTATE 0 ignores them; the requested size is that of the
 * displayed image; the output never carries a stale orientation. */
#include "decoded.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bar for "the same picture": the eight Landscape/Portrait
 * files are one photo re-encoded per orientation, so JPEG noise alone
 * keeps their thumbnails a little apart. */
#define SAME_PICTURE_PSNR 30.0
/* A wrongly turned picture scores far below; it must stay below this. */
#define WRONG_PICTURE_PSNR 20.0
#define BOX 256

static const option_value box_png[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                                       {THUMB_OPT_WIDTH, BOX},
                                       {THUMB_OPT_HEIGHT, BOX}};

static decoded thumb_file(const char *rel, const option_value *opts, size_t n) {
    size_t size;
    uint8_t *in = read_corpus(rel, &size);
    decoded r = thumbnail_decoded(in, size, opts, n);
    free(in);
    return r;
}

static double decoded_psnr(const decoded *a, const decoded *b) {
    if (a->width != b->width || a->height != b->height ||
        a->channels != b->channels)
        return 0.0; /* not even the same shape */
    return psnr_u8(a->px, b->px,
                   (size_t)a->width * a->height * (size_t)a->channels);
}

/* _i: 0..6 for Landscape_2..8, 7..13 for Portrait_2..8. */
START_TEST(every_orientation_matches_the_upright_file) {
    const char *kind = _i < 7 ? "Landscape" : "Portrait";
    int orientation = 2 + _i % 7;
    char upright[64], turned[64];
    snprintf(upright, sizeof upright, "orientation/%s_1.jpg", kind);
    snprintf(turned, sizeof turned, "orientation/%s_%d.jpg", kind, orientation);
    decoded ref = thumb_file(upright, box_png, OPTION_COUNT(box_png));
    decoded got = thumb_file(turned, box_png, OPTION_COUNT(box_png));
    ck_assert_uint_eq(got.width, ref.width);
    ck_assert_uint_eq(got.height, ref.height);
    double psnr = decoded_psnr(&got, &ref);
    ck_assert_msg(psnr >= SAME_PICTURE_PSNR, "%s: PSNR %.1f dB against %s",
                  turned, psnr, upright);

    /* Ignoring the tag gives the stored picture, which is not upright. */
    option_value off[] = {
        box_png[0], box_png[1], box_png[2], {THUMB_OPT_AUTOROTATE, 0}};
    decoded stored = thumb_file(turned, off, OPTION_COUNT(off));
    double psnr_off = decoded_psnr(&stored, &ref);
    ck_assert_msg(psnr_off < WRONG_PICTURE_PSNR,
                  "%s with AUTOROTATE 0: PSNR %.1f dB against %s", turned,
                  psnr_off, upright);
    decoded_free(&ref);
    decoded_free(&got);
    decoded_free(&stored);
}
END_TEST

/* Portrait_6 is stored 1800x1200 and displays 1200x1800: a width-only
 * request sizes the displayed width, and cover fills the displayed box. */
START_TEST(requested_size_applies_to_the_displayed_image) {
    option_value width_only[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                                 {THUMB_OPT_WIDTH, 300}};
    decoded r = thumb_file("orientation/Portrait_6.jpg", width_only,
                           OPTION_COUNT(width_only));
    ck_assert_uint_eq(r.width, 300);
    ck_assert_uint_eq(r.height, 450);
    decoded_free(&r);

    option_value cover[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
                            {THUMB_OPT_WIDTH, 200},
                            {THUMB_OPT_HEIGHT, 100},
                            {THUMB_OPT_FIT, THUMB_FIT_COVER}};
    for (int o = 1; o <= 8; o++) {
        char rel[64];
        snprintf(rel, sizeof rel, "orientation/Portrait_%d.jpg", o);
        decoded c = thumb_file(rel, cover, OPTION_COUNT(cover));
        ck_assert_uint_eq(c.width, 200);
        ck_assert_uint_eq(c.height, 100);
        decoded_free(&c);
    }

    /* The 2x1 file with orientation 8 displays 1x2. */
    option_value keep_size[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_PNG}};
    decoded tiny = thumb_file("orientation/orientation_rectangle.jpg",
                              keep_size, OPTION_COUNT(keep_size));
    ck_assert_uint_eq(tiny.width, 1);
    ck_assert_uint_eq(tiny.height, 2);
    decoded_free(&tiny);
}
END_TEST

static const thumb_format OUT_FORMATS[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG,
                                           THUMB_FORMAT_WEBP};

/* No output may turn the upright pixels again: by default it has no EXIF
 * at all; with THUMB_OPT_KEEP_EXIF its tag says 1; with autorotation off
 * the kept tag still describes the stored pixels. */
START_TEST(output_carries_no_stale_orientation) {
    thumb_format format = OUT_FORMATS[_i];
    const char *files[] = {"orientation/Landscape_6.jpg",
                           "orientation/hopper_orientation_5.webp",
                           "orientation/serenity-exif.png"};
    for (size_t f = 0; f < OPTION_COUNT(files); f++) {
        option_value opts[] = {{THUMB_OPT_FORMAT, format},
                               {THUMB_OPT_WIDTH, 64},
                               {THUMB_OPT_KEEP_EXIF, 0},
                               {THUMB_OPT_AUTOROTATE, 1}};
        decoded plain = thumb_file(files[f], opts, OPTION_COUNT(opts));
        ck_assert_ptr_null(plain.exif);
        ck_assert_int_eq(plain.orientation, 1);

        opts[2].value = 1;
        decoded kept = thumb_file(files[f], opts, OPTION_COUNT(opts));
        ck_assert_msg(kept.exif != NULL, "%s -> %s: EXIF not kept", files[f],
                      thumb_format_name(format));
        ck_assert_int_eq(kept.orientation, 1);
        /* The same pixels as without EXIF: only the metadata differs. */
        ck_assert_uint_eq(kept.width, plain.width);
        ck_assert_uint_eq(kept.height, plain.height);

        opts[3].value = 0;
        decoded stored = thumb_file(files[f], opts, OPTION_COUNT(opts));
        ck_assert_int_ne(stored.orientation, 1);
        decoded_free(&plain);
        decoded_free(&kept);
        decoded_free(&stored);
    }
}
END_TEST

/* Pillow's ImageOps.exif_transpose, run at test time by Debian's Python,
 * writes the upright picture, composited on white, as "W H\n" and RGB
 * rows. */
static decoded pillow_upright(const char *rel) {
    char out[] = "/tmp/thumb-orient-XXXXXX";
    int fd = mkstemp(out);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import sys\n"
             "from PIL import Image, ImageOps\n"
             "im = ImageOps.exif_transpose(Image.open(sys.argv[1]))"
             ".convert('RGBA')\n"
             "im = Image.alpha_composite(Image.new('RGBA', im.size, "
             "'white'), im).convert('RGB')\n"
             "f = open(sys.argv[2], 'wb')\n"
             "f.write(b'%%d %%d\\n' %% im.size)\n"
             "f.write(im.tobytes())\" '%s/%s' '%s'",
             corpus_dir(), rel, out);
    ck_assert_msg(system(cmd) == 0, "Pillow failed on %s", rel);
    FILE *f = fopen(out, "rb");
    ck_assert_ptr_nonnull(f);
    decoded r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(fscanf(f, "%u %u", &r.width, &r.height), 2);
    ck_assert_int_eq(fgetc(f), '\n');
    r.channels = 3;
    size_t n = (size_t)r.width * r.height * 3;
    r.px = malloc(n);
    ck_assert_ptr_nonnull(r.px);
    ck_assert_uint_eq(fread(r.px, 1, n, f), n);
    fclose(f);
    unlink(out);
    return r;
}

/* Our output at full size as near-lossless JPEG: RGB composited on white
 * (serenity-exif.png has tRNS), as pillow_upright() makes it. */
static decoded ours_upright(const char *rel, int autorotate) {
    option_value opts[] = {{THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG},
                           {THUMB_OPT_QUALITY, 100},
                           {THUMB_OPT_JPEG_SUBSAMPLING, THUMB_SUBSAMPLING_444},
                           {THUMB_OPT_AUTOROTATE, autorotate}};
    return thumb_file(rel, opts, OPTION_COUNT(opts));
}

/* _i: hopper_orientation_2..8.webp (0..6), serenity-exif.png (7). */
START_TEST(webp_and_png_orientation_files_come_out_upright) {
    char rel[64];
    if (_i < 7)
        snprintf(rel, sizeof rel, "orientation/hopper_orientation_%d.webp",
                 _i + 2);
    else
        snprintf(rel, sizeof rel, "orientation/serenity-exif.png");
    decoded want = pillow_upright(rel);
    decoded got = ours_upright(rel, 1);
    decoded stored = ours_upright(rel, 0);
    ck_assert_int_eq(got.channels, 3);
    ck_assert_uint_eq(got.width, want.width);
    ck_assert_uint_eq(got.height, want.height);
    double psnr = decoded_psnr(&got, &want);
    ck_assert_msg(psnr >= SAME_PICTURE_PSNR,
                  "%s: PSNR %.1f dB against Pillow's exif_transpose", rel,
                  psnr);
    /* The check could fail: the stored (unturned) pixels do not pass. */
    double psnr_stored = decoded_psnr(&stored, &want);
    ck_assert_msg(psnr_stored < WRONG_PICTURE_PSNR,
                  "%s: the stored pixels score %.1f dB against upright", rel,
                  psnr_stored);
    decoded_free(&want);
    decoded_free(&got);
    decoded_free(&stored);
}
END_TEST

static Suite *orientation_suite(void) {
    Suite *s = suite_create("orientation");
    TCase *c = tcase_create("orientation");
    tcase_set_timeout(c, 120);
    tcase_add_loop_test(c, every_orientation_matches_the_upright_file, 0, 14);
    tcase_add_test(c, requested_size_applies_to_the_displayed_image);
    tcase_add_loop_test(c, output_carries_no_stale_orientation, 0, 3);
    tcase_add_loop_test(c, webp_and_png_orientation_files_come_out_upright, 0,
                        8);
    suite_add_tcase(s, c);
    return s;
}

THUMB_TEST_MAIN(orientation_suite)
