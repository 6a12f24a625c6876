/* The raw-pixel kernel benchmark: libthumbnail's resizer (the internal
 * API of src/resize/resize.h, linked white-box as the tests do) on an
 * interleaved 8-bit buffer, planning included, as sharp plans per call.
 *
 *   bench_kernel RAWFILE WIDTH HEIGHT CHANNELS OUT_WIDTH OUT_HEIGHT RUNS
 *                WARMUP
 *
 * The instruction set is the context's THUMB_OPT_SIMD, so the THUMB_SIMD
 * environment variable picks it, as in the library.
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

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: bench_kernel RAWFILE WIDTH HEIGHT CHANNELS "
                        "OUT_WIDTH OUT_HEIGHT RUNS WARMUP\n");
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
    int simd_used = -1;
#ifdef BENCH_HAVE_SIMD
    int64_t simd = 0;
    thumb_ctx_get(ctx, THUMB_OPT_SIMD, &simd);
    if (simd != THUMB_SIMD_AUTO && !resize_simd_available((int)simd)) {
        fprintf(stderr, "THUMB_SIMD=%s: not on this CPU or build\n",
                getenv("THUMB_SIMD"));
        return 3;
    }
    g.simd = (int)simd;
    simd_used = simd == THUMB_SIMD_AUTO ? resize_simd_best() : (int)simd;
#endif
    image dst = {g.dst_width, g.dst_height,
                 g.channels,  (size_t)g.dst_width * g.channels,
                 NULL,        8};
    dst.px = malloc(dst.stride * dst.height);
    double *ms = calloc((size_t)runs + 1, sizeof(double));
    double *cpu = calloc((size_t)runs + 1, sizeof(double));
    double *copy_ms = calloc((size_t)runs + 1, sizeof(double));
    uint8_t *row = malloc(stride);
    if (!dst.px || !ms || !cpu || !copy_ms || !row)
        return 1;
    for (long i = -warmup; i < runs; i++) {
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
            ms[i] = t1 - t0;
            cpu[i] = c1 - c0;
            copy_ms[i] = t2 - t1;
        }
    }
    /* A checksum keeps the work observable. */
    unsigned sum = 0;
    for (size_t i = 0; i < dst.stride * dst.height; i++)
        sum = sum * 31 + dst.px[i];
    printf("{");
    bench_json_array("ms", ms, (size_t)runs, 1);
    bench_json_array("cpu_ms", cpu, (size_t)runs, 0);
    bench_json_array("copy_ms", copy_ms, (size_t)runs, 0);
    printf(",\"checksum\":%u,\"simd\":%d}\n", sum, simd_used);
    free(row);
    free(copy_ms);
    free(cpu);
    free(ms);
    free(dst.px);
    free(px);
    thumb_ctx_free(ctx);
    return 0;
}
