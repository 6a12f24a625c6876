/* Every resize kernel table against the scalar one on synthetic images,
 * all channel counts; exits non-zero on a difference over 1 LSB. Needs no
 * codecs, so scripts/ci/40-neon.sh cross-compiles it with src/resize/ and
 * src/ctx.c for aarch64 and runs it under qemu.
 *
 *   simd_check [-v]            compare
 *   simd_check --bench [N [T]] time 4928x3279 -> 852x567, RGB8 and RGBA8,
 *                              per table (or table T): median of N runs
 * (default 11), thread CPU time, as the machine may be busy
 *   simd_check --once T CH W H DW DH
 *                              one resize on table T, nothing else: for
 * counting instructions (callgrind, qemu -d; tests/bench/insn_count.py) */
#include "simd_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The tolerance of the issue: every path within 1 LSB of scalar. */
#define MAX_DIFF 1
/* A strong horizontal shrink: tap sets of about 2000 taps, the edge ones
 * half as long, ending near the end of the row. Kernels that run several
 * sets in step must not read past the row's slack (under valgrind or
 * ASan this case shows it). */
#define WIDE_SRC_W 4000
#define WIDE_SRC_H 6
#define WIDE_DST_W 12

/* The kernel benchmark of the issue: a 16 MP camera frame to 852x567. */
#define BENCH_SRC_W 4928
#define BENCH_SRC_H 3279
#define BENCH_DST_W 852
#define BENCH_DST_H 567
#define BENCH_DEFAULT_RUNS 11

static void *plain_malloc(void *opaque, size_t size) {
    (void)opaque;
    return malloc(size);
}

static void *plain_realloc(void *opaque, void *ptr, size_t size) {
    (void)opaque;
    return realloc(ptr, size);
}

static void plain_free(void *opaque, void *ptr) {
    (void)opaque;
    free(ptr);
}

/* A context with only what src/resize/ uses: no api.c in this build. */
static thumb_ctx *bare_ctx(void) {
    thumb_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->allocator =
            (thumb_allocator){plain_malloc, plain_realloc, plain_free, NULL};
    return ctx;
}

static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

enum pattern { NOISE, EDGES, SOFT_ALPHA, PATTERN_COUNT };
static const char *const pattern_names[] = {"noise", "edges", "soft alpha"};

/* Noise (every sample random), hard edges (bars, a disc, a diagonal, with
 * alpha 0 / 96 / 255 regions), or smooth noise under a radial alpha ramp
 * (the translucent case premultiplication is for). */
static uint8_t *make_pattern(enum pattern p, uint32_t w, uint32_t h, int ch,
                             uint32_t seed) {
    uint8_t *px = malloc((size_t)w * h * ch);
    if (!px)
        return NULL;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *s = px + ((size_t)y * w + x) * ch;
            double dx = x - w / 2.0, dy = y - h / 2.0;
            double r2 = (dx * dx + dy * dy) / ((h / 2.0) * (h / 2.0));
            for (int c = 0; c < ch; c++) {
                int v;
                if (p == EDGES)
                    v = c % 3 == 0   ? (r2 < 0.4 ? 255 : 0)
                        : c % 3 == 1 ? ((x / 7) % 2 ? 255 : 0)
                                     : (x > y ? 255 : 0);
                else
                    v = (int)(next_random(&seed) >> 24);
                s[c] = (uint8_t)v;
            }
            if (ch == 2 || ch == 4) {
                uint8_t *a = &s[ch - 1];
                if (p == EDGES)
                    *a = r2 < 0.4 ? 255 : (x / 7) % 2 ? 96 : 0;
                else if (p == SOFT_ALPHA)
                    *a = r2 < 0.25 ? 255
                         : r2 > 1  ? 0
                                   : (uint8_t)(255 * (1 - r2));
            }
        }
    return px;
}

/* w x h of ch channels resized to dw x dh as a whole, 8-bit. */
static resize_geometry fill_geometry(uint32_t w, uint32_t h, uint32_t dw,
                                     uint32_t dh, int ch) {
    resize_geometry g = {w, h, dw, dh, 0, 0, dw, dh, ch, 0, 8, 8, 0, 0, 0, 0};
    return g;
}

static int compare(int verbose) {
    static const uint32_t sizes[][2] = {
        {301, 203}, {97, 61}, {640, 427}, {33, 7}};
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
    printf("kernel tables:");
    for (size_t t = 0; t < ntables; t++)
        printf(" %s", tables[t]->name);
    printf("\n");
    thumb_ctx *ctx = bare_ctx();
    if (!ctx)
        return 1;
    int worst = 0;
    unsigned cases = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (int p = 0; p < PATTERN_COUNT; p++)
            for (int ch = 1; ch <= 4; ch++) {
                uint32_t w = sizes[s][0], h = sizes[s][1];
                uint8_t *px = make_pattern((enum pattern)p, w, h, ch,
                                           (uint32_t)(s * 16 + p * 4 + ch));
                if (!px)
                    return 1;
                simd_image img = {w, h, ch, px};
                char name[64];
                snprintf(name, sizeof name, "%s x%d", pattern_names[p], ch);
                int d = simd_compare_all(ctx, &img, name, MAX_DIFF, verbose,
                                         &cases);
                free(px);
                if (d < 0 || d > worst)
                    worst = d < 0 ? 1000 : d;
            }
    for (int ch = 1; ch <= 4; ch++) {
        uint8_t *px = make_pattern(NOISE, WIDE_SRC_W, WIDE_SRC_H, ch, 7);
        if (!px)
            return 1;
        simd_image img = {WIDE_SRC_W, WIDE_SRC_H, ch, px};
        resize_geometry g =
            fill_geometry(WIDE_SRC_W, WIDE_SRC_H, WIDE_DST_W, WIDE_SRC_H, ch);
        char name[64];
        snprintf(name, sizeof name, "strong shrink x%d", ch);
        int d = simd_compare_geometry(ctx, &img, &g, name, MAX_DIFF, verbose);
        free(px);
        cases++;
        if (d < 0 || d > worst)
            worst = d < 0 ? 1000 : d;
    }
    free(ctx);
    printf("%u cases x %zu tables: largest difference from scalar %d "
           "(allowed %d)\n",
           cases, ntables - 1, worst, MAX_DIFF);
    return ntables < 2 || worst > MAX_DIFF;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench(int runs, const char *only) {
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
    thumb_ctx *ctx = bare_ctx();
    double *times = malloc((size_t)runs * sizeof *times);
    if (!ctx || !times)
        return 1;
    printf("%ux%u -> %ux%u, median of %d runs, ms\n", BENCH_SRC_W, BENCH_SRC_H,
           BENCH_DST_W, BENCH_DST_H, runs);
    for (int ch = 3; ch <= 4; ch++) {
        uint8_t *px =
            make_pattern(SOFT_ALPHA, BENCH_SRC_W, BENCH_SRC_H, ch, 42);
        uint8_t *out = malloc((size_t)BENCH_DST_W * BENCH_DST_H * ch);
        if (!px || !out)
            return 1;
        simd_image img = {BENCH_SRC_W, BENCH_SRC_H, ch, px};
        resize_geometry g = fill_geometry(BENCH_SRC_W, BENCH_SRC_H, BENCH_DST_W,
                                          BENCH_DST_H, ch);
        for (size_t t = 0; t < ntables; t++) {
            if (only && strcmp(only, tables[t]->name) != 0)
                continue;
            simd_resize(ctx, &img, &g, tables[t], out); /* warm-up */
            for (int i = 0; i < runs; i++) {
                double t0 = now_ms();
                if (simd_resize(ctx, &img, &g, tables[t], out) != THUMB_OK)
                    return 1;
                times[i] = now_ms() - t0;
            }
            qsort(times, (size_t)runs, sizeof *times, cmp_double);
            printf("%s8 %-11s %7.2f\n", ch == 3 ? "RGB" : "RGBA",
                   tables[t]->name, times[runs / 2]);
        }
        free(px);
        free(out);
    }
    free(times);
    free(ctx);
    return 0;
}

static int once(char **arg) {
    const resize_kernels *tables[SIMD_MAX_TABLES];
    size_t ntables = resize_test_kernel_tables(tables, SIMD_MAX_TABLES);
    const resize_kernels *kernels = NULL;
    for (size_t t = 0; t < ntables; t++)
        if (strcmp(arg[0], tables[t]->name) == 0)
            kernels = tables[t];
    int ch = atoi(arg[1]);
    uint32_t w = (uint32_t)atoi(arg[2]), h = (uint32_t)atoi(arg[3]);
    uint32_t dw = (uint32_t)atoi(arg[4]), dh = (uint32_t)atoi(arg[5]);
    if (!kernels || ch < 1 || ch > 4 || !w || !h || !dw || !dh) {
        fprintf(stderr,
                "simd_check --once: no table %s here, or a bad "
                "size\n",
                arg[0]);
        return 2;
    }
    thumb_ctx *ctx = bare_ctx();
    uint8_t *px = make_pattern(SOFT_ALPHA, w, h, ch, 42);
    uint8_t *out = malloc((size_t)dw * dh * ch);
    if (!ctx || !px || !out)
        return 1;
    simd_image img = {w, h, ch, px};
    resize_geometry g = fill_geometry(w, h, dw, dh, ch);
    thumb_status st = simd_resize(ctx, &img, &g, kernels, out);
    free(out);
    free(px);
    free(ctx);
    return st != THUMB_OK;
}

int main(int argc, char **argv) {
    if (argc == 8 && strcmp(argv[1], "--once") == 0)
        return once(argv + 2);
    if (argc >= 2 && strcmp(argv[1], "--bench") == 0)
        return bench(argc >= 3 ? atoi(argv[2]) : BENCH_DEFAULT_RUNS,
                     argc >= 4 ? argv[3] : NULL);
    return compare(argc >= 2 && strcmp(argv[1], "-v") == 0);
}
