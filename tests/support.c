#include "support.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int thumb_test_run(Suite *suite) {
    SRunner *runner = srunner_create(suite);
    /* CK_ENV: the output CK_VERBOSITY asks for, CK_NORMAL when unset. */
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    int ran = srunner_ntests_run(runner);
    srunner_free(runner);
    /* A CK_RUN_CASE with a misspelt name runs nothing: not a pass. */
    if (ran == 0)
        fprintf(stderr, "no test ran: do CK_RUN_SUITE and CK_RUN_CASE name "
                        "a suite and a case of this program?\n");
    return failed == 0 && ran > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *corpus_dir(void) {
    const char *env = getenv("THUMB_CORPUS_DIR");
    return env && *env ? env : THUMB_DEFAULT_CORPUS_DIR;
}

uint8_t *read_corpus(const char *rel, size_t *size) {
    char path[4096];
    if (rel[0] == '/')
        snprintf(path, sizeof path, "%s", rel);
    else
        snprintf(path, sizeof path, "%s/%s", corpus_dir(), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        ck_abort_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    ck_assert_ptr_nonnull(data);
    if (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n)
        ck_abort_msg("cannot read %s", path);
    fclose(f);
    *size = (size_t)n;
    return data;
}

void manifest_each_row(const char *prefix,
                       void (*fn)(const manifest_row *row, void *opaque),
                       void *opaque) {
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_dir());
    FILE *f = fopen(path, "r");
    if (!f)
        ck_abort_msg("cannot open %s", path);
    char *line = NULL;
    size_t cap = 0;
    size_t plen = strlen(prefix);
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, prefix, plen) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        /* path, source_repo, source_path, license, description, bytes,
         * sha256, source_commit, reference_check */
        enum { COLUMNS = 9 };
        char *cols[COLUMNS] = {0};
        char *p = line;
        for (int i = 0; i < COLUMNS && p; i++) {
            cols[i] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!cols[4])
            ck_abort_msg("MANIFEST row without description: %s", line);
        manifest_row row = {cols[0], cols[4], cols[8] ? cols[8] : ""};
        fn(&row, opaque);
    }
    free(line);
    fclose(f);
}

typedef struct each_adapter {
    void (*fn)(const char *, const char *, void *);
    void *opaque;
} each_adapter;

static void each_row(const manifest_row *row, void *opaque) {
    each_adapter *a = opaque;
    a->fn(row->path, row->description, a->opaque);
}

void manifest_each(const char *prefix,
                   void (*fn)(const char *path, const char *description,
                              void *opaque),
                   void *opaque) {
    each_adapter a = {fn, opaque};
    manifest_each_row(prefix, each_row, &a);
}

double test_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double psnr_u8(const uint8_t *a, const uint8_t *b, size_t n) {
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];
        se += d * d;
    }
    if (se == 0)
        return INFINITY;
    return 10.0 * log10(255.0 * 255.0 * (double)n / se);
}
