/* The RGBA pair path of the resizer (resize_kernels.premultiply_pairs,
 * horizontal_pairs and unpremultiply, over the pair windows that resize.c
 * plans): the same integer sums as the scalar definition in another order,
 * so every table must give exactly the scalar bytes. test_simd compares
 * the tables on plans made for the best one; here each plan is made for
 * every table in turn (its own window alignment, 2 or 8 pixels) and run
 * on every table, over source widths from 1 pixel up, so that windows
 * longer than the row, windows pulled back from the right edge, odd rows
 * left over from a pair and half steps at 512 bits all occur; and a run
 * cut short by its source must leave nothing behind for the next. */
#include "decoded.h"
#include "simd_compare.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RGBA corpus images with real alpha: soft edges, a small sprite, and T3
 * of the benchmark (mostly clear paper with soft shadows). */
static const char *const rgba_images[] = {
    "png/embedgravitybird.png",
    "png/buggie.png",
    "png/alpha-premultiply-2048x1536-paper.png",
};

/* Source widths cut from each image: 1 to 9 pixels (shorter than any
 * window), odd and even, and wide ones; heights small, since the pair
 * path is horizontal. */
static const uint32_t widths[] = {1, 2, 3, 5, 7, 8, 9, 13, 31, 64, 97, 301};
#define CUT_HEIGHT 23

typedef struct cut {
    uint8_t *px;
    uint32_t w, h;
} cut;

/* The w x h block of src around its centre (RGBA), or less where src is
 * smaller: T3 is clear paper at its edges, its shadows are inside. */
static cut cut_rgba(const decoded *src, uint32_t w, uint32_t h) {
    cut c = {NULL, w < src->width ? w : src->width,
             h < src->height ? h : src->height};
    uint32_t x0 = (src->width - c.w) / 2, y0 = (src->height - c.h) / 2;
    c.px = malloc((size_t)c.w * c.h * 4);
    ck_assert_ptr_nonnull(c.px);
    for (uint32_t y = 0; y < c.h; y++)
        for (uint32_t x = 0; x < c.w; x++)
            memcpy(c.px + ((size_t)y * c.w + x) * 4,
                   decoded_px(src, x0 + x, y0 + y), 4);
    return c;
}

/* The geometries of one source size: scalings (shrinks, the benchmark's
 * 5.784 among them, and an enlargement), a width of 1, and a crop
 * window. */
static size_t geometries(uint32_t w, uint32_t h, resize_geometry *out) {
    static const double shrink[] = {1.5, 2.0, 3.7, 5.784, 8.0, 1 / 2.3};
    return simd_cut_geometries(w, h, 4, shrink, sizeof shrink / sizeof *shrink,
                               out);
}
#define MAX_GEOMETRIES 8

START_TEST(test_pair_path_is_exact_on_every_plan) {
    const char *path = rgba_images[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    decoded src = decode_image(data, size);
    free(data);
    ck_assert_int_eq(src.channels, 4);
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
#if defined(__x86_64__)
    ck_assert_uint_ge(ntables, 2);
#endif
    size_t paired = 0;
    for (size_t t = 0; t < ntables; t++)
        paired += tables[t]->horizontal_pairs != NULL;
#if defined(__x86_64__)
    /* Every x86 table but scalar has the pair path. */
    ck_assert_uint_eq(paired, ntables - 1);
#endif
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    unsigned compared = 0;
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
        cut c = cut_rgba(&src, widths[wi], CUT_HEIGHT);
        simd_image img = {c.w, c.h, 4, c.px};
        resize_geometry gs[MAX_GEOMETRIES];
        size_t ng = geometries(c.w, c.h, gs);
        for (size_t gi = 0; gi < ng; gi++) {
            resize_geometry g = gs[gi];
            size_t bytes = (size_t)g.dst_width * g.dst_height * 4;
            uint8_t *want = malloc(bytes), *got = malloc(bytes);
            ck_assert(want && got);
            ck_assert_int_eq(simd_resize(ctx, &img, &g, tables[0], want),
                             THUMB_OK);
            /* The plan of each path (its pair windows), run on each. */
            for (int plan = THUMB_SIMD_SCALAR; plan <= THUMB_SIMD_NEON;
                 plan++) {
                if (!resize_simd_available(plan))
                    continue;
                g.simd = plan;
                for (size_t t = 0; t < ntables; t++) {
                    memset(got, 0xA5, bytes);
                    ck_assert_int_eq(simd_resize(ctx, &img, &g, tables[t], got),
                                     THUMB_OK);
                    size_t i = 0;
                    while (i < bytes && got[i] == want[i])
                        i++;
                    ck_assert_msg(
                        i == bytes,
                        "%s %ux%u -> %ux%u (crop %u,%u of %ux%u), planned "
                        "for simd %d, run on %s: byte %zu is %d, scalar %d",
                        path, c.w, c.h, g.dst_width, g.dst_height, g.crop_x,
                        g.crop_y, g.scaled_width, g.scaled_height, plan,
                        tables[t]->name, i, got[i], want[i]);
                    compared++;
                }
            }
            free(want);
            free(got);
        }
        free(c.px);
    }
    ck_assert_uint_gt(compared, 0);
    thumb_ctx_free(ctx);
    decoded_free(&src);
}
END_TEST

/* A row source over a cut that fails at row fail_at (if not 0). */
typedef struct feed {
    const cut *c;
    uint32_t next, fail_at;
} feed;

static thumb_status feed_rows(void *opaque, uint8_t *const *rows,
                              uint32_t count) {
    feed *f = opaque;
    for (uint32_t i = 0; i < count; i++, f->next++) {
        if (f->fail_at && f->next == f->fail_at)
            return THUMB_ERR_CORRUPT;
        memcpy(rows[i], f->c->px + (size_t)f->next * f->c->w * 4,
               (size_t)f->c->w * 4);
    }
    return THUMB_OK;
}

/* A plan keeps no state between runs (resize_reuse relies on it): a run
 * stopped by its source half-way through a pair of rows, then a whole run
 * on the same plan, gives what a fresh plan gives. */
START_TEST(test_stopped_run_leaves_nothing_behind) {
    size_t size;
    uint8_t *data = read_corpus(rgba_images[0], &size);
    decoded src = decode_image(data, size);
    free(data);
    cut c = cut_rgba(&src, src.width, src.height);
    resize_geometry g = {.src_width = c.w,
                         .src_height = c.h,
                         .scaled_width = c.w / 3,
                         .scaled_height = c.h / 3,
                         .dst_width = c.w / 3,
                         .dst_height = c.h / 3,
                         .channels = 4};
    size_t bytes = (size_t)g.dst_width * g.dst_height * 4;
    image want = {g.dst_width,
                  g.dst_height,
                  4,
                  (size_t)g.dst_width * 4,
                  malloc(bytes),
                  8};
    image got = want;
    got.px = malloc(bytes);
    ck_assert(want.px && got.px);
    thumb_ctx *ctx = thumb_ctx_new();
    resize *fresh = NULL, *r = NULL;
    ck_assert_int_eq(resize_new(ctx, &g, &fresh), THUMB_OK);
    feed whole = {&c, 0, 0};
    ck_assert_int_eq(resize_run(fresh, feed_rows, &whole, &want), THUMB_OK);
    ck_assert_int_eq(resize_new(ctx, &g, &r), THUMB_OK);
    /* Odd and even stops: one leaves a row waiting for its pair. */
    for (uint32_t stop = 7; stop <= 8; stop++) {
        feed broken = {&c, 0, stop};
        ck_assert_int_eq(resize_run(r, feed_rows, &broken, &got),
                         THUMB_ERR_CORRUPT);
        feed again = {&c, 0, 0};
        memset(got.px, 0xA5, bytes);
        ck_assert_int_eq(resize_run(r, feed_rows, &again, &got), THUMB_OK);
        ck_assert_msg(memcmp(got.px, want.px, bytes) == 0,
                      "a run after one stopped at row %u differs", stop);
    }
    resize_free(r);
    resize_free(fresh);
    thumb_ctx_free(ctx);
    free(got.px);
    free(want.px);
    free(c.px);
    decoded_free(&src);
}
END_TEST

static Suite *pairs_suite(void) {
    Suite *s = suite_create("resize_pairs");
    TCase *tc = tcase_create("pairs");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_pair_path_is_exact_on_every_plan, 0,
                        (int)(sizeof rgba_images / sizeof *rgba_images));
    tcase_add_test(tc, test_stopped_run_leaves_nothing_behind);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(pairs_suite)
