/* The raw-pixel kernel benchmark: libthumbnail's resizer (the internal
 * API of src/resize/resize.h, linked white-box as the tests do) on an
 * interleaved 8-bit buffer, planning included, as sharp plans per call.
 *
 *   bench_kernel RAWFILE WIDTH HEIGHT CHANNELS OUT_WIDTH OUT_HEIGHT RUNS
 *                WARMUP [SIMD...]
 *
 * The instruction set is the context's THUMB_OPT_SIMD, so the THUMB_SIMD
 * environment variable picks it, as in the library. With SIMD names
 * (auto, scalar, sse41, avx2, avx512, neon), the process measures each of
 * them, taking turns run by run (the order turning one place each run):
 * the state of the machine at the moment and what the process's place in
 * memory does to its speed then weigh on every one alike, where a process
 * per instruction set saw the same kernel 25% apart. The JSON then has one
 * object per name under "variants".
 *
 * The resizer pulls rows through a callback that copies them from the
 * buffer (in the library the decoder writes them there instead); that copy
 * is timed on its own too, as copy_ms, so it can be told apart. */
#include "bench_util.h"

#include "resize/resize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct feeder {
    const uint8_t *px;
    size_t stride;
    uint32_t next;
} feeder;

static thumb_status feed(void *opaque, uint8_t *const *rows, uint32_t count) {
    feeder *f = opaque;
    for (uint32_t i = 0; i < count; i++)
        memcpy(rows[i], f->px + (size_t)(f->next + i) * f->stride, f->stride);
    f->next += count;
    return THUMB_OK;
}

/* More than the instruction sets there are. */
#define MAX_VARIANTS 8

/* One instruction set measured: name NULL when THUMB_SIMD picked it. */
typedef struct variant {
    const char *name;
    int simd, simd_used;
    double *ms, *cpu, *copy_ms;
    unsigned checksum;
} variant;

static int simd_from_name(const char *name, int *simd) {
    static const struct {
        const char *name;
        int simd;
    } names[] = {{"auto", THUMB_SIMD_AUTO},     {"scalar", THUMB_SIMD_SCALAR},
                 {"sse41", THUMB_SIMD_SSE41},   {"avx2", THUMB_SIMD_AVX2},
                 {"avx512", THUMB_SIMD_AVX512}, {"neon", THUMB_SIMD_NEON}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i].name)) {
            *simd = names[i].simd;
            return 1;
        }
    return 0;
}

static void print_variant(const variant *v, size_t runs) {
    printf("{");
    bench_json_array("ms", v->ms, runs, 1);
    bench_json_array("cpu_ms", v->cpu, runs, 0);
    bench_json_array("copy_ms", v->copy_ms, runs, 0);
    printf(",\"checksum\":%u,\"simd\":%d}", v->checksum, v->simd_used);
}

int main(int argc, char **argv) {
    if (argc < 9) {
        fprintf(stderr, "usage: bench_kernel RAWFILE WIDTH HEIGHT CHANNELS "
                        "OUT_WIDTH OUT_HEIGHT RUNS WARMUP [SIMD...]\n");
        return 2;
    }
    size_t len;
    uint8_t *px = bench_read_file(argv[1], &len);
    resize_geometry g = {0};
    g.src_width = (uint32_t)bench_arg_long(argv[2], "width");
    g.src_height = (uint32_t)bench_arg_long(argv[3], "height");
    g.channels = (int)bench_arg_long(argv[4], "channels");
    g.dst_width = g.scaled_width = (uint32_t)bench_arg_long(argv[5], "width");
    g.dst_height = g.scaled_height =
        (uint32_t)bench_arg_long(argv[6], "height");
    long runs = bench_arg_long(argv[7], "runs");
    long warmup = bench_arg_long(argv[8], "warmup");
    size_t stride = (size_t)g.src_width * g.channels;
    if (len != stride * g.src_height) {
        fprintf(stderr, "%s: %zu bytes, expected %zu\n", argv[1], len,
                stride * g.src_height);
        return 1;
    }

    thumb_ctx *ctx = thumb_ctx_new();
    if (!ctx)
        return 1;
    variant vs[MAX_VARIANTS];
    int nv = argc - 9;
    if (nv > MAX_VARIANTS) {
        fprintf(stderr, "bench_kernel: at most %d instruction sets\n",
                MAX_VARIANTS);
        return 2;
    }
    if (nv == 0) {
        int64_t simd = 0;
        thumb_ctx_get(ctx, THUMB_OPT_SIMD, &simd);
        vs[0] = (variant){NULL, (int)simd, -1, NULL, NULL, NULL, 0};
        nv = 1;
    } else {
        for (int v = 0; v < nv; v++) {
            vs[v] = (variant){argv[9 + v], 0, -1, NULL, NULL, NULL, 0};
            if (!simd_from_name(argv[9 + v], &vs[v].simd)) {
                fprintf(stderr, "bench_kernel: unknown instruction set %s\n",
                        argv[9 + v]);
                return 2;
            }
        }
    }
    for (int v = 0; v < nv; v++) {
#ifdef BENCH_HAVE_SIMD
        if (vs[v].simd != THUMB_SIMD_AUTO &&
            !resize_simd_available(vs[v].simd)) {
            fprintf(stderr, "THUMB_SIMD=%s: not on this CPU or build\n",
                    vs[v].name ? vs[v].name : getenv("THUMB_SIMD"));
            return 3;
        }
        vs[v].simd_used =
            vs[v].simd == THUMB_SIMD_AUTO ? resize_simd_best() : vs[v].simd;
#endif
        vs[v].ms = calloc((size_t)runs + 1, sizeof(double));
        vs[v].cpu = calloc((size_t)runs + 1, sizeof(double));
        vs[v].copy_ms = calloc((size_t)runs + 1, sizeof(double));
        if (!vs[v].ms || !vs[v].cpu || !vs[v].copy_ms)
            return 1;
    }
    image dst = {g.dst_width, g.dst_height,
                 g.channels,  (size_t)g.dst_width * g.channels,
                 NULL,        8};
    dst.px = malloc(dst.stride * dst.height);
    uint8_t *row = malloc(stride);
    if (!dst.px || !row)
        return 1;
    for (long i = -warmup; i < runs; i++) {
        for (int t = 0; t < nv; t++) {
            variant *v = &vs[bench_turn(i + warmup, t, nv)];
            g.simd = v->simd;
            double c0 = bench_cpu_ms(), t0 = bench_now_ms();
            resize *r = NULL;
            feeder f = {px, stride, 0};
            if (resize_new(ctx, &g, &r) != THUMB_OK ||
                resize_run(r, feed, &f, &dst) != THUMB_OK) {
                fprintf(stderr, "resize: %s\n", thumb_ctx_error(ctx));
                return 1;
            }
            resize_free(r);
            double t1 = bench_now_ms(), c1 = bench_cpu_ms();
            uint8_t *rows[1] = {row};
            feeder c = {px, stride, 0};
            for (uint32_t y = 0; y < g.src_height; y++)
                feed(&c, rows, 1);
            double t2 = bench_now_ms();
            if (i >= 0) {
                v->ms[i] = t1 - t0;
                v->cpu[i] = c1 - c0;
                v->copy_ms[i] = t2 - t1;
            }
            /* A checksum keeps the work observable. */
            unsigned sum = 0;
            for (size_t k = 0; k < dst.stride * dst.height; k++)
                sum = sum * 31 + dst.px[k];
            v->checksum = sum;
        }
    }
    if (!vs[0].name) {
        print_variant(&vs[0], (size_t)runs);
        printf("\n");
    } else {
        printf("{\"variants\":{");
        for (int v = 0; v < nv; v++) {
            printf("%s\"%s\":", v ? "," : "", vs[v].name);
            print_variant(&vs[v], (size_t)runs);
        }
        printf("}}\n");
    }
    for (int v = 0; v < nv; v++) {
        free(vs[v].copy_ms);
        free(vs[v].cpu);
        free(vs[v].ms);
    }
    free(row);
    free(dst.px);
    free(px);
    thumb_ctx_free(ctx);
    return 0;
}
