/* Several thumbnails of one input: made by one thumb_run_many call (one
 * decode), or with --separate by one thumb_run per box, RUNS times after
 * WARMUP runs, each run's wall and CPU time reported as one JSON line.
 * With --turns, both in the same process, taking turns run by run (many,
 * separate, separate, many, ...): the machine's state of the moment, and
 * what a process's place in memory does to its speed, then weigh on both
 * alike; the JSON has the arrays of each, named after them.
 *
 *   bench_many [--separate | --turns] FILE FORMAT QUALITY RUNS WARMUP BOX...
 *
 * BOX is WxH, fit inside. FORMAT is jpeg, png or webp. */
#include "bench_util.h"

#include <thumbnail.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More boxes than a srcset has. */
#define MAX_BOXES 8

static void set(thumb_ctx *ctx, thumb_option key, int64_t value) {
    if (thumb_ctx_set(ctx, key, value) != THUMB_OK) {
        fprintf(stderr, "thumb_ctx_set: %s\n", thumb_ctx_error(ctx));
        exit(1);
    }
}

/* One run: every box, as asked. */
static void run(thumb_ctx *const *ctxs, int n, int separate, const uint8_t *in,
                size_t in_len) {
    thumb_status st = THUMB_OK;
    if (separate) {
        const unsigned char *out;
        size_t out_len;
        for (int k = 0; k < n && st == THUMB_OK; k++)
            st = thumb_run(ctxs[k], in, in_len, &out, &out_len);
    } else {
        st = thumb_run_many(ctxs, (size_t)n, in, in_len);
    }
    if (st != THUMB_OK) {
        fprintf(stderr, "run: %s\n", thumb_ctx_error(ctxs[0]));
        exit(1);
    }
}

int main(int argc, char **argv) {
    int a = 1, separate = 0, turns = 0;
    if (a < argc && !strcmp(argv[a], "--separate")) {
        separate = 1;
        a++;
    } else if (a < argc && !strcmp(argv[a], "--turns")) {
        turns = 1;
        a++;
    }
    int n = argc - a - 5;
    if (n < 1 || n > MAX_BOXES) {
        fprintf(stderr, "usage: bench_many [--separate | --turns] FILE FORMAT "
                        "QUALITY RUNS WARMUP BOX...\n");
        return 2;
    }
    size_t in_len;
    uint8_t *in = bench_read_file(argv[a], &in_len);
    thumb_format format;
    if (thumb_format_from_name(argv[a + 1], &format) != THUMB_OK) {
        fprintf(stderr, "unknown format %s\n", argv[a + 1]);
        return 2;
    }
    long quality = bench_arg_long(argv[a + 2], "quality");
    long runs = bench_arg_long(argv[a + 3], "runs");
    long warmup = bench_arg_long(argv[a + 4], "warmup");
    thumb_ctx *ctxs[MAX_BOXES];
    for (int k = 0; k < n; k++) {
        unsigned w, h;
        if (sscanf(argv[a + 5 + k], "%ux%u", &w, &h) != 2) {
            fprintf(stderr, "bad box %s\n", argv[a + 5 + k]);
            return 2;
        }
        ctxs[k] = thumb_ctx_new();
        if (!ctxs[k])
            return 1;
        set(ctxs[k], THUMB_OPT_WIDTH, w);
        set(ctxs[k], THUMB_OPT_HEIGHT, h);
        set(ctxs[k], THUMB_OPT_FORMAT, format);
        set(ctxs[k], THUMB_OPT_QUALITY, quality);
    }
    /* [variant][run]: variant 0 is the one asked for, or with --turns
     * thumb_run_many, and variant 1 the separate runs. */
    size_t count = (size_t)runs + 1;
    double *ms[2], *cpu[2];
    for (int v = 0; v < 2; v++) {
        ms[v] = calloc(count, sizeof(double));
        cpu[v] = calloc(count, sizeof(double));
        if (!ms[v] || !cpu[v])
            return 1;
    }
    for (long i = -warmup; i < runs; i++) {
        for (int t = 0; t < (turns ? 2 : 1); t++) {
            int v = turns ? (int)bench_turn(i + warmup, t, 2) : 0;
            double c0 = bench_cpu_ms(), t0 = bench_now_ms();
            run(ctxs, n, turns ? v : separate, in, in_len);
            double t1 = bench_now_ms(), c1 = bench_cpu_ms();
            if (i >= 0) {
                ms[v][i] = t1 - t0;
                cpu[v][i] = c1 - c0;
            }
        }
    }
    printf("{");
    if (turns) {
        bench_json_array("many_ms", ms[0], (size_t)runs, 1);
        bench_json_array("many_cpu_ms", cpu[0], (size_t)runs, 0);
        bench_json_array("separate_ms", ms[1], (size_t)runs, 0);
        bench_json_array("separate_cpu_ms", cpu[1], (size_t)runs, 0);
    } else {
        bench_json_array("ms", ms[0], (size_t)runs, 1);
        bench_json_array("cpu_ms", cpu[0], (size_t)runs, 0);
    }
    printf(",\"out_bytes\":[");
    for (int k = 0; k < n; k++) {
        printf("%s%lld", k ? "," : "",
               (long long)thumb_ctx_info(ctxs[k], THUMB_INFO_OUTPUT_BYTES));
        thumb_ctx_free(ctxs[k]);
    }
    printf("]}\n");
    for (int v = 0; v < 2; v++) {
        free(cpu[v]);
        free(ms[v]);
    }
    free(in);
    return 0;
}
