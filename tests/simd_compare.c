#include "simd_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct simd_feed {
    const simd_image *img;
    uint32_t next;
} simd_feed;

static thumb_status simd_feed_rows(void *opaque, uint8_t *const *rows,
                                   uint32_t count) {
    simd_feed *f = opaque;
    size_t bytes = (size_t)f->img->w * f->img->ch;
    for (uint32_t i = 0; i < count; i++)
        memcpy(rows[i], f->img->px + (size_t)(f->next + i) * bytes, bytes);
    f->next += count;
    return THUMB_OK;
}

thumb_status simd_resize(thumb_ctx *ctx, const simd_image *img,
                         const resize_geometry *g,
                         const resize_kernels *kernels, uint8_t *out) {
    resize *r = NULL;
    thumb_status st = resize_new(ctx, g, &r);
    if (st != THUMB_OK)
        return st;
    resize_test_set_kernels(r, kernels);
    image dst = {g->dst_width, g->dst_height,
                 g->channels,  (size_t)g->dst_width * g->channels,
                 out,          8};
    simd_feed f = {img, 0};
    st = resize_run(r, simd_feed_rows, &f, &dst);
    resize_free(r);
    return st;
}

static uint32_t at_least_1(double v) {
    return v < 1 ? 1 : (uint32_t)(v + 0.5);
}

static uint32_t scaled(uint32_t n, double f) {
    return at_least_1(n / f);
}

size_t simd_cut_geometries(uint32_t w, uint32_t h, int channels,
                           const double *shrinks, size_t n,
                           resize_geometry *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t sw = at_least_1(w / shrinks[i]);
        uint32_t sh = at_least_1(h / shrinks[i]);
        out[k++] = (resize_geometry){.src_width = w,
                                     .src_height = h,
                                     .scaled_width = sw,
                                     .scaled_height = sh,
                                     .dst_width = sw,
                                     .dst_height = sh,
                                     .channels = channels};
    }
    out[k++] = (resize_geometry){.src_width = w,
                                 .src_height = h,
                                 .scaled_width = 1,
                                 .scaled_height = at_least_1(h / 2.0),
                                 .dst_width = 1,
                                 .dst_height = at_least_1(h / 2.0),
                                 .channels = channels};
    uint32_t cw = at_least_1(w / 1.3), ch = at_least_1(h / 1.3);
    uint32_t dw = at_least_1(cw * 0.6), dh = at_least_1(ch * 0.7);
    out[k++] = (resize_geometry){.src_width = w,
                                 .src_height = h,
                                 .scaled_width = cw,
                                 .scaled_height = ch,
                                 .crop_x = (cw - dw) / 2,
                                 .crop_y = ch - dh,
                                 .dst_width = dw,
                                 .dst_height = dh,
                                 .channels = channels};
    return k;
}

/* One geometry on every table; the largest difference from the first. */
int simd_compare_geometry(thumb_ctx *ctx, const simd_image *img,
                          const resize_geometry *g, const char *what,
                          int max_diff, int verbose) {
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t n = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
    size_t bytes = (size_t)g->dst_width * g->dst_height * g->channels;
    uint8_t *want = malloc(bytes), *got = malloc(bytes);
    int worst = 0;
    if (!want || !got) {
        worst = -1;
        goto done;
    }
    if (simd_resize(ctx, img, g, tables[0], want) != THUMB_OK) {
        fprintf(stderr, "%s: scalar resize failed: %s\n", what, ctx->message);
        worst = -1;
        goto done;
    }
    for (size_t t = 1; t < n; t++) {
        /* Poison, so a sample a kernel never writes shows up. */
        memset(got, 0xA5, bytes);
        if (simd_resize(ctx, img, g, tables[t], got) != THUMB_OK) {
            fprintf(stderr, "%s: %s resize failed: %s\n", what, tables[t]->name,
                    ctx->message);
            worst = -1;
            goto done;
        }
        int diff = 0;
        size_t at = 0, differing = 0;
        for (size_t i = 0; i < bytes; i++) {
            int d = abs(got[i] - want[i]);
            differing += d != 0;
            if (d > diff) {
                diff = d;
                at = i;
            }
        }
        if (verbose || diff > max_diff)
            fprintf(stderr,
                    "%-40s %ux%ux%d -> %ux%u %-10s max diff %d (%zu samples "
                    "differ; worst at %zu: %d vs scalar %d)\n",
                    what, img->w, img->h, img->ch, g->dst_width, g->dst_height,
                    tables[t]->name, diff, differing, at, got[at], want[at]);
        if (diff > worst)
            worst = diff;
    }
done:
    free(want);
    free(got);
    return worst;
}

int simd_compare_all(thumb_ctx *ctx, const simd_image *img, const char *name,
                     int max_diff, int verbose, unsigned *cases) {
    static const double factors[] = {2.0, 3.7, 8.0, 1.5, 5.784};
    resize_geometry gs[sizeof factors / sizeof *factors + 3];
    size_t n = 0;
    uint32_t w = img->w, h = img->h;
    for (size_t i = 0; i < sizeof factors / sizeof *factors; i++) {
        uint32_t sw = scaled(w, factors[i]), sh = scaled(h, factors[i]);
        gs[n++] = (resize_geometry){w,       h, sw, sh, 0, 0, sw, sh,
                                    img->ch, 0, 8,  8,  0, 0, 0,  0};
    }
    uint32_t fw = scaled(w, 5.3), fh = scaled(h, 2.2);
    gs[n++] = (resize_geometry){w,       h, fw, fh, 0, 0, fw, fh,
                                img->ch, 0, 8,  8,  0, 0, 0,  0};
    uint32_t uw = scaled(w, 1 / 2.3), uh = scaled(h, 1 / 1.7);
    gs[n++] = (resize_geometry){w,       h, uw, uh, 0, 0, uw, uh,
                                img->ch, 0, 8,  8,  0, 0, 0,  0};
    uint32_t cw = scaled(w, 3.0), ch = scaled(h, 3.0);
    uint32_t dw = cw * 2 / 3 ? cw * 2 / 3 : 1, dh = ch * 3 / 4 ? ch * 3 / 4 : 1;
    gs[n++] = (resize_geometry){
        w, h, cw, ch, (cw - dw) / 2, (ch - dh) / 2, dw, dh, img->ch, 0, 8, 8,
        0, 0, 0,  0};

    int worst = 0;
    for (size_t i = 0; i < n; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s #%zu", name, i);
        int d =
            simd_compare_geometry(ctx, img, &gs[i], what, max_diff, verbose);
        if (d < 0)
            return -1;
        if (d > worst)
            worst = d;
        if (cases)
            (*cases)++;
    }
    return worst;
}
