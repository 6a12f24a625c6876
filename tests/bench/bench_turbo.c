/* The floor for T2 and T5: libjpeg-turbo's own DCT-scaled decode of the
 * file to the size libthumbnail's decoder produced (TurboJPEG picks the
 * scaling factor that fits), header read included, one handle reused, as
 * bench_thumb reuses one context.
 *
 *   bench_turbo FILE DECODED_WIDTH DECODED_HEIGHT RUNS WARMUP */
#include "bench_util.h"

#include <turbojpeg.h>

#include <stdio.h>
#include <stdlib.h>

#define RGB_CHANNELS 3

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: bench_turbo FILE DECODED_WIDTH DECODED_HEIGHT "
                        "RUNS WARMUP\n");
        return 2;
    }
    size_t in_len;
    uint8_t *in = bench_read_file(argv[1], &in_len);
    int want_w = (int)bench_arg_long(argv[2], "width");
    int want_h = (int)bench_arg_long(argv[3], "height");
    long runs = bench_arg_long(argv[4], "runs");
    long warmup = bench_arg_long(argv[5], "warmup");

    tjhandle tj = tjInitDecompress();
    if (!tj) {
        fprintf(stderr, "tjInitDecompress: %s\n", tjGetErrorStr2(NULL));
        return 1;
    }
    uint8_t *px = malloc((size_t)want_w * want_h * RGB_CHANNELS);
    double *ms = calloc((size_t)runs + 1, sizeof(double));
    double *cpu = calloc((size_t)runs + 1, sizeof(double));
    if (!px || !ms || !cpu)
        return 1;
    int got_w = 0, got_h = 0;
    for (long i = -warmup; i < runs; i++) {
        double c0 = bench_cpu_ms(), t0 = bench_now_ms();
        int w, h, subsamp, colorspace;
        if (tjDecompressHeader3(tj, in, (unsigned long)in_len, &w, &h, &subsamp,
                                &colorspace) != 0 ||
            tjDecompress2(tj, in, (unsigned long)in_len, px, want_w, 0, want_h,
                          TJPF_RGB, 0) != 0) {
            fprintf(stderr, "turbojpeg: %s\n", tjGetErrorStr2(tj));
            return 1;
        }
        double t1 = bench_now_ms(), c1 = bench_cpu_ms();
        if (i >= 0) {
            ms[i] = t1 - t0;
            cpu[i] = c1 - c0;
        }
        /* The size TurboJPEG actually decoded to, for the report. */
        int nf;
        tjscalingfactor *sf = tjGetScalingFactors(&nf);
        for (int k = 0; k < nf; k++) {
            int sw = TJSCALED(w, sf[k]), sh = TJSCALED(h, sf[k]);
            if (sw <= want_w && sh <= want_h) {
                got_w = sw;
                got_h = sh;
                break;
            }
        }
    }
    printf("{");
    bench_json_array("ms", ms, (size_t)runs, 1);
    bench_json_array("cpu_ms", cpu, (size_t)runs, 0);
    printf(",\"decoded_width\":%d,\"decoded_height\":%d}\n", got_w, got_h);
    tjDestroy(tj);
    free(cpu);
    free(ms);
    free(px);
    free(in);
    return 0;
}
