/* The one-channel quad path of the resizer (horizontal_1 over the quad
 * windows that resize.c plans, resize_axis.quad_first): the same integer
 * sums as the scalar definition in another order, so every table must
 * give exactly the scalar samples, rounded to 8 bits or kept in Q6 (the
 * planar JPEG path). Each plan runs on every table, over source widths
 * from 1 pixel up, so that windows longer than the row, windows pulled
 * back from the right edge and a last group of 1 to 7 outputs all occur;
 * shrinks from 1.5x to past the longest window QUAD_MAX_TAPS allows
 * (planned without windows) and an enlargement. */
#include "decoded.h"
#include "resize/resize_test.h"
#include "simd_compare.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sharp's benchmark photo (T1): its luma is what the planar path
 * filters. */
#define IMAGE "jpeg/2569067123_aca715a2ee_o.jpg"

static const uint32_t widths[] = {1,  2,  3,  5,  7,  8,   9,
                                  13, 31, 33, 64, 97, 301, 1031};
#define CUT_HEIGHT 29

/* The w x h block of src's first channel around its centre. */
static uint8_t *cut_grey(const decoded *src, uint32_t w, uint32_t h) {
    uint8_t *px = malloc((size_t)w * h);
    ck_assert_ptr_nonnull(px);
    uint32_t x0 = (src->width - w) / 2, y0 = (src->height - h) / 2;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            px[(size_t)y * w + x] = decoded_px(src, x0 + x, y0 + y)[0];
    return px;
}

/* Shrinks (T1 to 720 wide among them, 3.785x), ones so strong that
 * their windows would pass QUAD_MAX_TAPS, an enlargement; a width of 1
 * and a crop window. */
static size_t geometries(uint32_t w, uint32_t h, resize_geometry *out) {
    static const double shrink[] = {1.5, 2.0,  3.7,  3.785,  5.784,
                                    8.0, 12.0, 20.0, 1 / 2.3};
    return simd_cut_geometries(w, h, 1, shrink, sizeof shrink / sizeof *shrink,
                               out);
}
#define MAX_GEOMETRIES 12

typedef struct feed {
    const uint8_t *px;
    uint32_t w, next;
} feed;

static thumb_status feed_rows(void *opaque, uint8_t *const *rows,
                              uint32_t count) {
    feed *f = opaque;
    for (uint32_t i = 0; i < count; i++, f->next++)
        memcpy(rows[i], f->px + (size_t)f->next * f->w, f->w);
    return THUMB_OK;
}

/* g run on one table into out (dst_width x dst_height samples of 1 or 2
 * bytes); the plan's quad window length into *quad_taps. */
static void run(thumb_ctx *ctx, const resize_geometry *g,
                const resize_kernels *kernels, const uint8_t *px, uint8_t *out,
                uint32_t *quad_taps) {
    resize *r = NULL;
    ck_assert_int_eq(resize_new(ctx, g, &r), THUMB_OK);
    resize_test_set_kernels(r, kernels);
    *quad_taps = resize_test_quad_taps(r);
    size_t row_bytes = (size_t)g->dst_width * (g->dst_q6 ? 2 : 1);
    feed f = {px, g->src_width, 0};
    resize_begin(r);
    for (uint32_t y = 0; y < g->dst_height; y++)
        ck_assert_int_eq(
            resize_next_row(r, feed_rows, &f, out + (size_t)y * row_bytes),
            THUMB_OK);
    resize_free(r);
}

START_TEST(test_quad_path_is_exact_on_every_plan) {
    int q6 = _i;
    size_t size;
    uint8_t *data = read_corpus(IMAGE, &size);
    decoded src = decode_image(data, size);
    free(data);
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
#if defined(__x86_64__)
    ck_assert_uint_ge(ntables, 2);
#endif
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    unsigned compared = 0, with_quads = 0, without = 0;
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
        uint32_t w = widths[wi];
        uint8_t *px = cut_grey(&src, w, CUT_HEIGHT);
        resize_geometry gs[MAX_GEOMETRIES];
        size_t ng = geometries(w, CUT_HEIGHT, gs);
        for (size_t gi = 0; gi < ng; gi++) {
            resize_geometry g = gs[gi];
            g.dst_q6 = q6;
            size_t bytes = (size_t)g.dst_width * g.dst_height * (q6 ? 2 : 1);
            /* Kernels may write whole registers past a row's end (the
             * next row is written after it): slack after the last. */
            uint8_t *want = malloc(bytes + 2 * ROW_SLACK);
            uint8_t *got = malloc(bytes + 2 * ROW_SLACK);
            ck_assert(want && got);
            uint32_t quad_taps;
            run(ctx, &g, tables[0], px, want, &quad_taps);
            if (quad_taps)
                with_quads++;
            else
                without++;
            for (size_t t = 1; t < ntables; t++) {
                memset(got, 0xA5, bytes);
                run(ctx, &g, tables[t], px, got, &quad_taps);
                size_t i = 0;
                while (i < bytes && got[i] == want[i])
                    i++;
                ck_assert_msg(i == bytes,
                              "%ux%u -> %ux%u (crop %u,%u of %ux%u, %s, "
                              "quad windows of %u) on %s: byte %zu is %d, "
                              "scalar %d",
                              w, CUT_HEIGHT, g.dst_width, g.dst_height,
                              g.crop_x, g.crop_y, g.scaled_width,
                              g.scaled_height, q6 ? "Q6" : "8-bit", quad_taps,
                              tables[t]->name, i, got[i], want[i]);
                compared++;
            }
            free(want);
            free(got);
        }
        free(px);
    }
#if defined(__x86_64__)
    ck_assert_uint_gt(compared, 0);
#endif
    /* Both kinds of plan occurred. */
    ck_assert_uint_gt(with_quads, 0);
    ck_assert_uint_gt(without, 0);
    thumb_ctx_free(ctx);
    decoded_free(&src);
}
END_TEST

static Suite *quads_suite(void) {
    Suite *s = suite_create("resize_quads");
    TCase *tc = tcase_create("quads");
    tcase_set_timeout(tc, 120);
    /* 8-bit output, then Q6. */
    tcase_add_loop_test(tc, test_quad_path_is_exact_on_every_plan, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(quads_suite)
