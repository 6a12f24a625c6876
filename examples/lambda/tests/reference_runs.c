/*
 * reference_runs: what the function should have written, made apart from
 * it. For THUMB_SIZES, THUMB_FORMAT and THUMB_QUALITY as the function
 * reads them, writes OUTDIR/single-I (size I by a thumb_run of its own)
 * and OUTDIR/many-I (size I of one thumb_run_many over every size), so
 * that the end-to-end test can compare the function's bytes with both.
 *
 *   reference_runs OUTDIR INPUT SIZES FORMAT QUALITY
 */
#include "config.h"
#include "names.h"

#include <thumbnail.h>

#include <stdio.h>
#include <stdlib.h>

#define PATH_SIZE 4096
#define ARG_COUNT 6
#define MAX_QUALITY 100

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *data = NULL;
    long size;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1)) &&
        fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = data ? (size_t)size : 0;
    return data;
}

static int write_output(const char *dir, const char *kind, size_t i,
                        const thumb_ctx *ctx) {
    const unsigned char *out;
    size_t len;
    char path[PATH_SIZE];
    if (thumb_ctx_output(ctx, &out, &len) != THUMB_OK) {
        fprintf(stderr, "reference_runs: %s-%zu: %s\n", kind, i,
                thumb_ctx_error(ctx));
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s-%zu", dir, kind, i);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(out, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

int main(int argc, char **argv) {
    config_size_list sizes;
    char why[CONFIG_ERROR_SIZE];
    thumb_format format;
    if (argc != ARG_COUNT ||
        config_parse_sizes(argv[3], &sizes, why, sizeof why) != CONFIG_OK ||
        !names_parse_format(argv[4], &format)) {
        fprintf(stderr,
                "usage: reference_runs OUTDIR INPUT SIZES FORMAT QUALITY\n");
        return EXIT_FAILURE;
    }
    char *end;
    long quality = strtol(argv[5], &end, 10);
    if (*end || quality < 1 || quality > MAX_QUALITY) {
        fprintf(stderr, "reference_runs: quality %s\n", argv[5]);
        return EXIT_FAILURE;
    }
    size_t len;
    unsigned char *data = read_file(argv[2], &len);
    thumb_ctx *ctxs[CONFIG_MAX_SIZES] = {NULL};
    int rc = data ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < sizes.count; i++) {
        ctxs[i] = thumb_ctx_new();
        rc = ctxs[i] &&
                     thumb_ctx_set(ctxs[i], THUMB_OPT_WIDTH,
                                   sizes.items[i].width) == THUMB_OK &&
                     thumb_ctx_set(ctxs[i], THUMB_OPT_HEIGHT,
                                   sizes.items[i].height) == THUMB_OK &&
                     thumb_ctx_set(ctxs[i], THUMB_OPT_FORMAT, format) ==
                         THUMB_OK &&
                     thumb_ctx_set(ctxs[i], THUMB_OPT_QUALITY, quality) ==
                         THUMB_OK
                 ? 0
                 : -1;
    }
    for (size_t i = 0; rc == 0 && i < sizes.count; i++) {
        const unsigned char *out;
        size_t out_len;
        thumb_run(ctxs[i], data, len, &out, &out_len);
        rc = write_output(argv[1], "single", i, ctxs[i]);
    }
    if (rc == 0)
        thumb_run_many(ctxs, sizes.count, data, len);
    for (size_t i = 0; rc == 0 && i < sizes.count; i++)
        rc = write_output(argv[1], "many", i, ctxs[i]);
    for (size_t i = 0; i < sizes.count; i++)
        thumb_ctx_free(ctxs[i]);
    free(data);
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
