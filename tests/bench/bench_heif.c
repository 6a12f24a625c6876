/* The floor for H1: libheif 1.15's own decode of the primary image to RGB
 * planes (what libthumbnail asks it for: src/codec/heif_decode.c), the file
 * parsed again each run, as a thumbnailer meets each file once. Anything
 * that reads HEIF through libheif 1.15 pays at least this, as a DCT-scaled
 * decode bounds a JPEG thumbnailer: libheif has no way to decode less of
 * an image than all of it.
 *
 *   bench_heif FILE RUNS WARMUP */
#include "bench_util.h"

#include <libheif/heif.h>

#include <stdio.h>
#include <stdlib.h>

static void check(struct heif_error e, const char *what) {
    if (e.code != heif_error_Ok) {
        fprintf(stderr, "bench_heif: %s: %s\n", what, e.message);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: bench_heif FILE RUNS WARMUP\n");
        return 2;
    }
    size_t in_len;
    uint8_t *in = bench_read_file(argv[1], &in_len);
    long runs = bench_arg_long(argv[2], "runs");
    long warmup = bench_arg_long(argv[3], "warmup");
    double *ms = calloc((size_t)runs + 1, sizeof(double));
    double *cpu = calloc((size_t)runs + 1, sizeof(double));
    if (!ms || !cpu)
        return 1;
    int w = 0, h = 0;
    for (long i = -warmup; i < runs; i++) {
        double c0 = bench_cpu_ms(), t0 = bench_now_ms();
        struct heif_context *ctx = heif_context_alloc();
        struct heif_image_handle *handle;
        struct heif_image *image;
        struct heif_decoding_options *o = heif_decoding_options_alloc();
        if (!ctx || !o)
            return 1;
        o->ignore_transformations = 1;
        check(heif_context_read_from_memory_without_copy(ctx, in, in_len, NULL),
              "reading");
        check(heif_context_get_primary_image_handle(ctx, &handle),
              "primary image");
        check(heif_decode_image(handle, &image, heif_colorspace_RGB,
                                heif_chroma_444, o),
              "decoding");
        w = heif_image_get_width(image, heif_channel_R);
        h = heif_image_get_height(image, heif_channel_R);
        heif_image_release(image);
        heif_image_handle_release(handle);
        heif_decoding_options_free(o);
        heif_context_free(ctx);
        double t1 = bench_now_ms(), c1 = bench_cpu_ms();
        if (i >= 0) {
            ms[i] = t1 - t0;
            cpu[i] = c1 - c0;
        }
    }
    printf("{");
    bench_json_array("ms", ms, (size_t)runs, 1);
    bench_json_array("cpu_ms", cpu, (size_t)runs, 0);
    printf(",\"decoded_width\":%d,\"decoded_height\":%d}\n", w, h);
    free(cpu);
    free(ms);
    free(in);
    return 0;
}
