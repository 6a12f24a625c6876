/* libthumbnail in-process: read the file once, run thumb_run RUNS times
 * through one context after WARMUP runs, and report each run's wall time
 * and the library's own stage timings as one JSON line.
 *
 *   bench_thumb [--accurate] [--floor] [--out PATH] FILE WIDTH HEIGHT
 *               FORMAT QUALITY RUNS WARMUP
 *
 * FORMAT is a format name (jpeg, png, webp, avif); the box is fit inside. --out
 * writes the last output (for PSNR). RUNS 1 WARMUP 0 is the peak-memory
 * measurement.
 *
 * --floor (a JPEG): also libjpeg-turbo's own DCT-scaled decode of the file
 * to the size libthumbnail decoded it to (TurboJPEG picks the scaling
 * factor that fits), header read included, one handle reused as the
 * context is. The two take turns run by run in this process
 * (bench_turn(): each goes first every other run), so that the few per cent
 * between them are not a change of load or of where a process landed in
 * memory; the JSON adds floor_ms, floor_cpu_ms and the floor's size.
 * TurboJPEG is loaded then (dlopen), never otherwise. */
#include "bench_util.h"

#include <thumbnail.h>
#include <turbojpeg.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RGB_CHANNELS 3

/* TurboJPEG, loaded only for --floor: linked in, its relocations alone
 * added 0.1 MiB to the peak RSS this driver measures for libthumbnail. */
typedef struct turbo_api {
    tjhandle (*init_decompress)(void);
    int (*decompress_header3)(tjhandle, const unsigned char *, unsigned long,
                              int *, int *, int *, int *);
    int (*decompress2)(tjhandle, const unsigned char *, unsigned long,
                       unsigned char *, int, int, int, int, int);
    tjscalingfactor *(*get_scaling_factors)(int *);
    char *(*get_error_str2)(tjhandle);
    int (*destroy)(tjhandle);
} turbo_api;

/* libjpeg-turbo's scaled decode of one file to at most want_w x want_h. */
typedef struct floor_decode {
    turbo_api api;
    void *lib;
    tjhandle tj;
    const uint8_t *in;
    size_t in_len;
    int want_w, want_h;
    int got_w, got_h; /* the size it decoded to */
    uint8_t *px;
} floor_decode;

/* A TurboJPEG function by name into *fn, or exit. */
static void turbo_sym(void *lib, const char *name, void *fn) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "libturbojpeg: no %s\n", name);
        exit(1);
    }
    memcpy(fn, &p, sizeof p);
}

static void floor_open(floor_decode *f, const uint8_t *in, size_t in_len,
                       int want_w, int want_h) {
    *f = (floor_decode){
        .in = in, .in_len = in_len, .want_w = want_w, .want_h = want_h};
    f->lib = dlopen("libturbojpeg.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!f->lib) {
        fprintf(stderr, "%s\n", dlerror());
        exit(1);
    }
    turbo_api *t = &f->api;
    turbo_sym(f->lib, "tjInitDecompress", &t->init_decompress);
    turbo_sym(f->lib, "tjDecompressHeader3", &t->decompress_header3);
    turbo_sym(f->lib, "tjDecompress2", &t->decompress2);
    turbo_sym(f->lib, "tjGetScalingFactors", &t->get_scaling_factors);
    turbo_sym(f->lib, "tjGetErrorStr2", &t->get_error_str2);
    turbo_sym(f->lib, "tjDestroy", &t->destroy);
    f->tj = t->init_decompress();
    f->px = malloc((size_t)want_w * (size_t)want_h * RGB_CHANNELS);
    if (!f->tj || !f->px) {
        fprintf(stderr, "tjInitDecompress: %s\n", t->get_error_str2(NULL));
        exit(1);
    }
}

static void floor_run(floor_decode *f) {
    const turbo_api *t = &f->api;
    int w, h, subsamp, colorspace;
    if (t->decompress_header3(f->tj, f->in, (unsigned long)f->in_len, &w, &h,
                              &subsamp, &colorspace) != 0 ||
        t->decompress2(f->tj, f->in, (unsigned long)f->in_len, f->px, f->want_w,
                       0, f->want_h, TJPF_RGB, 0) != 0) {
        fprintf(stderr, "turbojpeg: %s\n", t->get_error_str2(f->tj));
        exit(1);
    }
    /* The first factor that fits, as tjDecompress2 picks it. */
    int nf;
    tjscalingfactor *sf = t->get_scaling_factors(&nf);
    for (int k = 0; k < nf; k++)
        if (TJSCALED(w, sf[k]) <= f->want_w &&
            TJSCALED(h, sf[k]) <= f->want_h) {
            f->got_w = TJSCALED(w, sf[k]);
            f->got_h = TJSCALED(h, sf[k]);
            break;
        }
}

static void floor_close(floor_decode *f) {
    if (!f->lib)
        return;
    f->api.destroy(f->tj);
    free(f->px);
    dlclose(f->lib);
}

static thumb_format parse_format(const char *s) {
    thumb_format f;
    if (thumb_format_from_name(s, &f) != THUMB_OK) {
        fprintf(stderr, "unknown format %s\n", s);
        exit(2);
    }
    return f;
}

static void set(thumb_ctx *ctx, thumb_option key, int64_t value) {
    if (thumb_ctx_set(ctx, key, value) != THUMB_OK) {
        fprintf(stderr, "thumb_ctx_set: %s\n", thumb_ctx_error(ctx));
        exit(1);
    }
}

static void run_once(thumb_ctx *ctx, const uint8_t *in, size_t in_len,
                     const unsigned char **out, size_t *out_len) {
    if (thumb_run(ctx, in, in_len, out, out_len) != THUMB_OK) {
        fprintf(stderr, "thumb_run: %s\n", thumb_ctx_error(ctx));
        exit(1);
    }
}

int main(int argc, char **argv) {
    int accurate = 0, with_floor = 0;
    const char *out_path = NULL;
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "--accurate"))
            accurate = 1;
        else if (!strcmp(argv[a], "--floor"))
            with_floor = 1;
        else if (!strcmp(argv[a], "--out") && a + 1 < argc)
            out_path = argv[++a];
        else
            break;
    }
    if (argc - a != 7) {
        fprintf(stderr,
                "usage: bench_thumb [--accurate] [--floor] [--out PATH] "
                "FILE WIDTH HEIGHT FORMAT QUALITY RUNS WARMUP\n");
        return 2;
    }
    size_t in_len;
    uint8_t *in = bench_read_file(argv[a], &in_len);
    long runs = bench_arg_long(argv[a + 5], "runs");
    long warmup = bench_arg_long(argv[a + 6], "warmup");

    thumb_ctx *ctx = thumb_ctx_new();
    if (!ctx) {
        fprintf(stderr, "thumb_ctx_new failed\n");
        return 1;
    }
    set(ctx, THUMB_OPT_WIDTH, bench_arg_long(argv[a + 1], "width"));
    set(ctx, THUMB_OPT_HEIGHT, bench_arg_long(argv[a + 2], "height"));
    set(ctx, THUMB_OPT_FIT, THUMB_FIT_INSIDE);
    set(ctx, THUMB_OPT_FORMAT, parse_format(argv[a + 3]));
    set(ctx, THUMB_OPT_QUALITY, bench_arg_long(argv[a + 4], "quality"));
    if (accurate) {
#ifdef BENCH_HAVE_ACCURATE
        set(ctx, THUMB_OPT_ACCURATE, 1);
#else
        fprintf(stderr, "this library has no THUMB_OPT_ACCURATE\n");
        return 3;
#endif
    }

    double *ms = calloc((size_t)runs + 1, sizeof(double));
    double *cpu = calloc((size_t)runs + 1, sizeof(double));
    double *stage[4];
    static const thumb_info stage_key[4] = {
        THUMB_INFO_DECODE_US, THUMB_INFO_RESIZE_US, THUMB_INFO_ENCODE_US,
        THUMB_INFO_TOTAL_US};
    static const char *const stage_name[4] = {"decode_ms", "resize_ms",
                                              "encode_ms", "total_ms"};
    for (int s = 0; s < 4; s++)
        stage[s] = calloc((size_t)runs + 1, sizeof(double));
    const unsigned char *out = NULL;
    size_t out_len = 0;
    floor_decode fl = {0};
    double *floor_ms = calloc((size_t)runs + 1, sizeof(double));
    double *floor_cpu = calloc((size_t)runs + 1, sizeof(double));
    if (!ms || !cpu || !floor_ms || !floor_cpu)
        return 1;
    if (with_floor) {
        /* An untimed run tells the floor the size to decode to. */
        run_once(ctx, in, in_len, &out, &out_len);
        floor_open(&fl, in, in_len,
                   (int)thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH),
                   (int)thumb_ctx_info(ctx, THUMB_INFO_DECODED_HEIGHT));
    }
    for (long i = -warmup; i < runs; i++) {
        for (int turn = 0; turn < 1 + with_floor; turn++) {
            int is_floor = with_floor && bench_turn(i + warmup, turn, 2) == 1;
            double c0 = bench_cpu_ms(), t0 = bench_now_ms();
            if (is_floor)
                floor_run(&fl);
            else
                run_once(ctx, in, in_len, &out, &out_len);
            double t1 = bench_now_ms(), c1 = bench_cpu_ms();
            if (i < 0)
                continue;
            if (is_floor) {
                floor_ms[i] = t1 - t0;
                floor_cpu[i] = c1 - c0;
                continue;
            }
            ms[i] = t1 - t0;
            cpu[i] = c1 - c0;
            for (int s = 0; s < 4; s++)
                stage[s][i] = (double)thumb_ctx_info(ctx, stage_key[s]) / 1e3;
        }
    }
    if (out_path)
        bench_write_file(out_path, out, out_len);

    printf("{");
    bench_json_array("ms", ms, (size_t)runs, 1);
    bench_json_array("cpu_ms", cpu, (size_t)runs, 0);
    for (int s = 0; s < 4; s++)
        bench_json_array(stage_name[s], stage[s], (size_t)runs, 0);
    printf(",\"out_width\":%lld,\"out_height\":%lld,\"out_bytes\":%lld",
           (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH),
           (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT),
           (long long)thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_BYTES));
    printf(",\"decoded_width\":%lld,\"decoded_height\":%lld",
           (long long)thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH),
           (long long)thumb_ctx_info(ctx, THUMB_INFO_DECODED_HEIGHT));
    if (with_floor) {
        bench_json_array("floor_ms", floor_ms, (size_t)runs, 0);
        bench_json_array("floor_cpu_ms", floor_cpu, (size_t)runs, 0);
        printf(",\"floor_decoded_width\":%d,\"floor_decoded_height\":%d",
               fl.got_w, fl.got_h);
        floor_close(&fl);
    }
    printf("}\n");
    free(floor_cpu);
    free(floor_ms);
    for (int s = 0; s < 4; s++)
        free(stage[s]);
    free(cpu);
    free(ms);
    free(in);
    thumb_ctx_free(ctx);
    return 0;
}
