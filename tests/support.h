/* Helpers shared by the tests: the main() of every suite, corpus paths and
 * whole-file reads. */
#ifndef THUMB_TEST_SUPPORT_H
#define THUMB_TEST_SUPPORT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* The main() of every Check suite: THUMB_TEST_MAIN(make_suite) ends a test
 * file, where make_suite() returns its Suite.
 *
 * Each test runs in a child process (Check's fork mode), so a crash or a
 * timeout fails that test alone and the others still run. The environment
 * chooses what runs and how, without a rebuild:
 *   CK_RUN_SUITE=name, CK_RUN_CASE=name   one suite, one test case
 *   CK_VERBOSITY=verbose                  every test's result, not a summary
 *   CK_FORK=no                            one process, for a debugger
 *   CK_TIMEOUT_MULTIPLIER=n               every time limit n times longer */
#define THUMB_TEST_MAIN(make_suite)                                            \
    int main(void) {                                                           \
        return thumb_test_run(make_suite());                                   \
    }

/* Runs every test of suite and frees it: EXIT_SUCCESS when some ran and
 * none failed. */
int thumb_test_run(Suite *suite);

/* The corpus directory: $THUMB_CORPUS_DIR, else ../shared/corpus beside
 * the source tree (fixed at build time). */
const char *corpus_dir(void);

/* Reads corpus_dir()/rel (or an absolute path) into a malloc'd buffer. The
 * test fails (ck_abort) when the file cannot be read, so a missing corpus
 * is an error, never a silent skip. */
uint8_t *read_corpus(const char *rel, size_t *size);

/* Calls fn for every line of corpus MANIFEST.tsv whose path starts with
 * prefix: path and description columns. */
void manifest_each(const char *prefix,
                   void (*fn)(const char *path, const char *description,
                              void *opaque),
                   void *opaque);

/* A MANIFEST.tsv row: the columns the tests use. */
typedef struct manifest_row {
    const char *path, *description, *reference_check;
} manifest_row;

/* Calls fn for every row whose path starts with prefix. */
void manifest_each_row(const char *prefix,
                       void (*fn)(const manifest_row *row, void *opaque),
                       void *opaque);

/* A monotonic clock in seconds, for the tests that bound how long a run
 * takes. */
double test_seconds(void);

/* Peak signal-to-noise ratio in dB of two equal-sized sample arrays;
 * INFINITY when identical. */
double psnr_u8(const uint8_t *a, const uint8_t *b, size_t n);

#endif
