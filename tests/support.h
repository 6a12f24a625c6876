/* Helpers shared by the tests: corpus paths and whole-file reads. */
#ifndef THUMB_TEST_SUPPORT_H
#define THUMB_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

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

/* Peak signal-to-noise ratio in dB of two equal-sized sample arrays;
 * INFINITY when identical. */
double psnr_u8(const uint8_t *a, const uint8_t *b, size_t n);

#endif
