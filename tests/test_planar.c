/* The planar path for YCbCr JPEGs (planar.h): Y, Cb and Cr resized apart
 * from the resolution each is stored at, against the row path (libjpeg's
 * upsampling and RGB conversion first, then one resize), on every JPEG of
 * the corpus and several sizes and crops. The two differ only in how
 * chroma between its samples is made up and in one more rounding, so they
 * must agree closely everywhere; a chroma plane placed half a sample off,
 * or scaled over the wrong span, does not. */
#include "codec/encoder.h"
#include "decoded.h"
#include "fanout.h"
#include "geometry.h"
#include "resize/resize.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the row and planar paths may differ by. On photos they agree to
 * about 52 dB (the median of the corpus runs). Saturated graphics differ
 * more: where JPEG's chroma puts a colour outside RGB, the row path clips
 * each source pixel and the planar path clips their average, a few levels
 * apart along such edges (odd-restart.jpg, red on white: 35.9 dB, mean
 * 2.1). Hence a floor for every run, and a stricter one for nearly all. */
#define MIN_PSNR_DB 35.0
#define MAX_MEAN_DIFF 2.5
#define USUAL_PSNR_DB 45.0
#define USUAL_SHARE 0.9

/* Boxes, as a fraction of the image: shrinks of about 2.2x (the least the
 * planar path takes), 3.8x (T1 of the benchmark) and 20x (DCT scaling and
 * a wide kernel). */
static const double BOX_SHRINKS[] = {2.2, 3.8, 20.0};

/* The pipeline's shrink-on-load rule (pipeline.c): the decode leaves the
 * Lanczos pass at least this factor. */
#define SHRINK_ON_LOAD_MARGIN 2

typedef struct outcome {
    image img;
    int planar;
} outcome;

static thumb_status rows_from_decoder(void *opaque, uint8_t *const *rows,
                                      uint32_t count) {
    return decoder_read_rows(opaque, rows, count);
}

/* One resize of data to g, through the planar path (planes) or the row
 * path, at the decode scale the pipeline would choose. */
static outcome run_path(thumb_ctx *ctx, const uint8_t *data, size_t size,
                        const geometry *g, int planes) {
    outcome o = {{0}, 0};
    decoder dec;
    ck_assert_int_eq(decoder_open(ctx, data, size, &dec), THUMB_OK);
    uint64_t min_w = (uint64_t)g->scaled_width * SHRINK_ON_LOAD_MARGIN;
    uint64_t min_h = (uint64_t)g->scaled_height * SHRINK_ON_LOAD_MARGIN;
    decoder_request req = {
        .min_width = min_w < dec.info.width ? (uint32_t)min_w : 1u << 30,
        .min_height = min_h < dec.info.height ? (uint32_t)min_h : 1u << 30,
        .planes = planes,
    };
    ck_assert_int_eq(decoder_start(&dec, &req), THUMB_OK);
    o.planar = dec.planar;
    if (planes && !dec.planar) {
        decoder_close(&dec);
        return o;
    }
    resize_geometry rg = {
        .src_width = dec.width,
        .src_height = dec.height,
        .extent_width = dec.extent_width,
        .extent_height = dec.extent_height,
        .scaled_width = g->scaled_width,
        .scaled_height = g->scaled_height,
        .crop_x = g->crop_x,
        .crop_y = g->crop_y,
        .dst_width = g->out_width,
        .dst_height = g->out_height,
        .channels = dec.channels,
    };
    ck_assert_int_eq(
        image_alloc(ctx, &o.img, g->out_width, g->out_height, dec.channels),
        THUMB_OK);
    thumb_status st;
    if (dec.planar) {
        fanout *p = NULL, *kept = NULL;
        fanout_output one = {rg, NULL, {1, 1, 1}};
        ck_assert_int_eq(fanout_reuse(ctx, &dec, &one, 1, &kept, &p), THUMB_OK);
        int64_t decode_us;
        fanout_sink sink = {&o.img, NULL, NULL, NULL};
        st = fanout_run(p, &dec, &sink, &decode_us);
        fanout_free(p);
    } else {
        resize *r = NULL;
        ck_assert_int_eq(resize_new(ctx, &rg, &r), THUMB_OK);
        st = resize_run(r, rows_from_decoder, &dec, &o.img);
        resize_free(r);
    }
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
    decoder_close(&dec);
    return o;
}

typedef struct sweep {
    int files, planar_files, ycbcr_files, runs, usual_runs;
    double worst_psnr, worst_mean;
    char worst_name[256];
} sweep;

static double mean_abs_diff(const image *a, const image *b) {
    size_t n = (size_t)a->width * a->height * (size_t)a->channels;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += abs((int)a->px[i] - (int)b->px[i]);
    return sum / (double)n;
}

static void compare(thumb_ctx *ctx, const uint8_t *data, size_t size,
                    const char *path, const geometry *g, sweep *s, int *took) {
    outcome rows = run_path(ctx, data, size, g, 0);
    outcome planes = run_path(ctx, data, size, g, 1);
    *took = planes.planar;
    if (planes.planar) {
        ck_assert_int_eq(rows.img.channels, 3);
        size_t n = (size_t)g->out_width * g->out_height * 3;
        double psnr = psnr_u8(rows.img.px, planes.img.px, n);
        double mean = mean_abs_diff(&rows.img, &planes.img);
        s->runs++;
        s->usual_runs += psnr >= USUAL_PSNR_DB;
        if (psnr < s->worst_psnr) {
            s->worst_psnr = psnr;
            snprintf(s->worst_name, sizeof s->worst_name, "%s at %ux%u", path,
                     g->out_width, g->out_height);
        }
        if (mean > s->worst_mean)
            s->worst_mean = mean;
        ck_assert_msg(psnr >= MIN_PSNR_DB && mean <= MAX_MEAN_DIFF,
                      "%s at %ux%u (window at %u,%u of %ux%u): planar path "
                      "%.1f dB, mean difference %.2f from the row path",
                      path, g->out_width, g->out_height, g->crop_x, g->crop_y,
                      g->scaled_width, g->scaled_height, psnr, mean);
    }
    image_release(ctx, &rows.img);
    image_release(ctx, &planes.img);
}

/* From the MANIFEST's "sampling 2x2,1x1,1x1": Y sampled unlike Cb. */
static int chroma_subsampled(const char *description) {
    const char *at = strstr(description, "sampling ");
    char y[8], cb[8];
    return at && sscanf(at, "sampling %7[0-9x],%7[0-9x]", y, cb) == 2 &&
           strcmp(y, cb) != 0;
}

static void check_file(const char *path, const char *description,
                       void *opaque) {
    sweep *s = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoder dec;
    thumb_status st = decoder_open(ctx, data, size, &dec);
    if (st != THUMB_OK) { /* the corpus has damaged files on purpose */
        thumb_ctx_free(ctx);
        free(data);
        return;
    }
    uint32_t w = dec.info.width, h = dec.info.height;
    decoder_close(&dec);
    s->files++;
    int any_planar = 0;
    for (size_t i = 0; i < sizeof BOX_SHRINKS / sizeof *BOX_SHRINKS; i++) {
        geometry_request req = {
            .width = (uint32_t)(w / BOX_SHRINKS[i]),
            .height = (uint32_t)(h / BOX_SHRINKS[i]),
            .fit = THUMB_FIT_INSIDE,
        };
        if (!req.width || !req.height)
            continue;
        geometry g;
        geometry_compute(&req, w, h, &g);
        int took;
        compare(ctx, data, size, path, &g, s, &took);
        any_planar |= took;
        /* A cover crop of a square: the window is off the image's origin
         * on one axis. */
        req.width = req.height =
            req.width < req.height ? req.width : req.height;
        req.fit = THUMB_FIT_COVER;
        geometry_compute(&req, w, h, &g);
        if ((uint64_t)g.scaled_width * 2 <= w &&
            (uint64_t)g.scaled_height * 2 <= h)
            compare(ctx, data, size, path, &g, s, &took);
    }
    /* The planar path takes every YCbCr file with subsampled chroma (at
     * the shrinks decoded in full) and nothing else. */
    int ycbcr = strstr(description, ", YCbCr,") != NULL &&
                chroma_subsampled(description);
    ck_assert_msg(any_planar == ycbcr, "%s (%s): %s the planar path", path,
                  description, any_planar ? "took" : "did not take");
    s->ycbcr_files += ycbcr;
    s->planar_files += any_planar;
    thumb_ctx_free(ctx);
    free(data);
}

START_TEST(test_planar_matches_row_path_on_the_corpus) {
    sweep s = {0, 0, 0, 0, 0, INFINITY, 0, ""};
    manifest_each("jpeg/", check_file, &s);
    fprintf(stderr,
            "planar: %d of %d JPEGs planar, %d runs; worst %.1f dB (%s), "
            "worst mean difference %.2f\n",
            s.planar_files, s.files, s.runs, s.worst_psnr, s.worst_name,
            s.worst_mean);
    ck_assert_int_ge(s.ycbcr_files, 20);
    ck_assert_int_ge(s.runs, 100);
    ck_assert_msg(s.usual_runs >= USUAL_SHARE * s.runs,
                  "only %d of %d runs within %.0f dB", s.usual_runs, s.runs,
                  USUAL_PSNR_DB);
}
END_TEST

/* Colour ramps in 4:2:0: a resize reproduces a linear ramp exactly, and
 * so does libjpeg's triangle upsampling, so the two paths agree up to
 * rounding, which averages out. A chroma plane placed off its samples'
 * centres, or scaled over the wrong span, shifts the ramp instead: a bias
 * of slope x shift, 1.7 levels per luma pixel here. Odd and even sizes: an
 * odd one ends in a partial chroma sample. */
#define RAMP_LOW 40
#define RAMP_RISE 175
#define RAMP_MAX_BIAS 0.25
#define RAMP_MAX_DIFF 2

START_TEST(test_chroma_is_placed_on_its_samples) {
    static const uint32_t sizes[][2] = {{101, 103}, {100, 102}, {99, 75}};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        uint32_t w = sizes[t][0], h = sizes[t][1];
        thumb_ctx *ctx = thumb_ctx_new();
        ck_assert_ptr_nonnull(ctx);
        image src;
        ck_assert_int_eq(image_alloc(ctx, &src, w, h, 3), THUMB_OK);
        /* Red rises left to right and blue top to bottom, so no sample
         * clips; green stays flat. */
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++) {
                uint8_t *px = image_row(&src, y) + 3 * (size_t)x;
                px[0] = (uint8_t)(RAMP_LOW + RAMP_RISE * x / (w - 1));
                px[1] = 128;
                px[2] = (uint8_t)(RAMP_LOW + RAMP_RISE * y / (h - 1));
            }
        buffer jpeg;
        buffer_init(&jpeg, ctx);
        encode_options eo = {.quality = 100,
                             .jpeg_subsampling = THUMB_SUBSAMPLING_420};
        ck_assert_int_eq(jpeg_encode(ctx, &src, &eo, &jpeg), THUMB_OK);

        geometry_request req = {w * 10 / 37, h * 10 / 37, THUMB_FIT_FILL, 0};
        geometry g;
        geometry_compute(&req, w, h, &g);
        outcome rows = run_path(ctx, jpeg.data, jpeg.size, &g, 0);
        outcome planes = run_path(ctx, jpeg.data, jpeg.size, &g, 1);
        ck_assert(planes.planar);
        /* Away from the edges, where clamped taps bend both ramps. */
        int worst = 0;
        double bias[3] = {0, 0, 0};
        size_t n = 0;
        for (uint32_t y = 3; y + 3 < g.out_height; y++)
            for (uint32_t x = 3; x + 3 < g.out_width; x++, n++)
                for (int c = 0; c < 3; c++) {
                    size_t i = ((size_t)y * g.out_width + x) * 3 + (size_t)c;
                    int d = (int)planes.img.px[i] - (int)rows.img.px[i];
                    bias[c] += d;
                    if (abs(d) > worst)
                        worst = abs(d);
                }
        ck_assert_uint_gt(n, 100);
        for (int c = 0; c < 3; c++) {
            bias[c] /= (double)n;
            ck_assert_msg(fabs(bias[c]) <= RAMP_MAX_BIAS,
                          "%ux%u: channel %d of the planar path is %.2f "
                          "levels off the row path on average",
                          w, h, c, bias[c]);
        }
        ck_assert_msg(worst <= RAMP_MAX_DIFF,
                      "%ux%u: the planar path is up to %d levels off the row "
                      "path on a ramp",
                      w, h, worst);
        image_release(ctx, &rows.img);
        image_release(ctx, &planes.img);
        image_release(ctx, &src);
        buffer_release(&jpeg);
        thumb_ctx_free(ctx);
    }
}
END_TEST

/* The public API takes the planar path where it applies: its output is
 * the planar one exactly (PNG out, so nothing is lost in encoding). */
START_TEST(test_pipeline_takes_the_planar_path) {
    static const char *const files[] = {
        "jpeg/2569067123_aca715a2ee_o.jpg", /* 2725x2225: odd, 4:2:0 */
        "jpeg/flowers.jpeg",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t size;
        uint8_t *data = read_corpus(files[i], &size);
        thumb_ctx *ctx = thumb_ctx_new();
        ck_assert_ptr_nonnull(ctx);
        decoder dec;
        ck_assert_int_eq(decoder_open(ctx, data, size, &dec), THUMB_OK);
        uint32_t w = dec.info.width, h = dec.info.height;
        ck_assert_ptr_null(dec.icc);
        decoder_close(&dec);
        geometry_request req = {w * 10 / 38, h * 10 / 38, THUMB_FIT_INSIDE, 0};
        geometry g;
        geometry_compute(&req, w, h, &g);
        outcome planes = run_path(ctx, data, size, &g, 1);
        ck_assert(planes.planar);

        const option_value opts[] = {
            {THUMB_OPT_WIDTH, req.width},
            {THUMB_OPT_HEIGHT, req.height},
            {THUMB_OPT_FORMAT, THUMB_FORMAT_PNG},
            {THUMB_OPT_AUTOROTATE, 0},
        };
        decoded out = thumbnail_decoded(data, size, opts, 4);
        ck_assert_uint_eq(out.width, g.out_width);
        ck_assert_uint_eq(out.height, g.out_height);
        ck_assert_int_eq(out.channels, 3);
        ck_assert_msg(!memcmp(out.px, planes.img.px,
                              (size_t)g.out_width * g.out_height * 3),
                      "%s: thumb_run did not give the planar result", files[i]);
        decoded_free(&out);
        image_release(ctx, &planes.img);
        thumb_ctx_free(ctx);
        free(data);
    }
}
END_TEST

static Suite *planar_suite(void) {
    Suite *s = suite_create("planar");
    TCase *tc = tcase_create("planar");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_planar_matches_row_path_on_the_corpus);
    tcase_add_test(tc, test_chroma_is_placed_on_its_samples);
    tcase_add_test(tc, test_pipeline_takes_the_planar_path);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(planar_suite)
