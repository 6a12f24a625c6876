/* Truncation and corruption sweeps through the whole pipeline: for a few
 * files of each format, every prefix (every 64th for the larger ones) and
 * a few hundred seeded random bit flips each give an image or a clean
 * error, never a crash, a hang, a leak or an out-of-memory.
 *
 * Check runs each file in its own child process with a timeout, so a crash
 * or a hang fails that file's test; each run is also timed on its own. */
#include "counting_alloc.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>
#include <time.h>

/* Files up to this size are cut at every length, larger ones every
 * PREFIX_STEP bytes (and at their last few bytes, where the end markers
 * are). */
#define SMALL_FILE_BYTES 4096
#define PREFIX_STEP 64
#define TAIL_BYTES 16
/* Mutants per file, and at most this many bits flipped in each. */
#define MUTANTS 300
#define MAX_FLIPS 8
/* A flipped size field can declare a much larger image than the file
 * holds; this keeps what such a file may legitimately cost small. */
#define SWEEP_MAX_PIXELS (16 * 1000 * 1000)
/* The box: small, so that the resize and the encoders do little. */
#define BOX 32
/* Far above what any run here takes (milliseconds); a run this slow is a
 * hang in the making. */
#define RUN_SECONDS_MAX 5.0
/* Per file, for thousands of runs under sanitizers on a loaded machine. */
#define TEST_TIMEOUT 300

static const char *const files[] = {
    "jpeg/testorig.jpg",                     /* baseline 4:2:0 */
    "jpeg/spectral_selection.jpg",           /* progressive */
    "orientation/empty_gps_ifd.jpg",         /* EXIF orientation 6 */
    "png/pngsuite/basn6a08.png",             /* RGBA */
    "png/pngsuite/basi3p08.png",             /* interlaced palette */
    "png/d.png",                             /* palette + tRNS */
    "webp/simple-vp8.webp",                  /* lossy */
    "webp/catdog-alert-13.webp",             /* lossless with alpha */
    "orientation/hopper_orientation_6.webp", /* VP8X with EXIF */
    "webp/rotating-squares.webp",            /* animated, alpha */
    "gif/treescap-interlaced.gif",           /* interlaced */
    "gif/first_frame_transparency.gif",      /* transparency */
    "gif/dispose_bgnd.gif",                  /* animated, local colour tables */
};
#define FILE_COUNT (int)(sizeof files / sizeof files[0])

static const thumb_format out_formats[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG,
                                           THUMB_FORMAT_WEBP};
#define OUT_FORMAT_COUNT (sizeof out_formats / sizeof out_formats[0])

typedef struct tally {
    int runs, images, errors;
} tally;

/* One run on an exact-size copy (so ASan sees any read past the end);
 * `what` names the input in messages. */
static void run_one(const uint8_t *bytes, size_t len, unsigned variant,
                    const char *what, tally *t) {
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, bytes, len);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BOX);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, BOX);
    thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, SWEEP_MAX_PIXELS);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT,
                  out_formats[variant % OUT_FORMAT_COUNT]);
    const unsigned char *out;
    size_t out_len;
    double t0 = test_seconds();
    thumb_status st = thumb_run(ctx, copy, len, &out, &out_len);
    double elapsed = test_seconds() - t0;
    ck_assert_msg(st == THUMB_OK || st == THUMB_ERR_CORRUPT ||
                      st == THUMB_ERR_UNSUPPORTED_FORMAT ||
                      st == THUMB_ERR_UNSUPPORTED_FEATURE ||
                      st == THUMB_ERR_LIMIT,
                  "%s: status %d (%s)", what, st, thumb_ctx_error(ctx));
    if (st == THUMB_OK) {
        ck_assert_msg(out && out_len > 0, "%s: empty output", what);
        t->images++;
    } else {
        ck_assert_msg(thumb_ctx_error(ctx)[0] != '\0', "%s: no message", what);
        t->errors++;
    }
    ck_assert_msg(elapsed < RUN_SECONDS_MAX, "%s: took %.2f s", what, elapsed);
    thumb_ctx_free(ctx);
    ck_assert_msg(a.live_blocks == 0, "%s: %ld blocks leaked", what,
                  a.live_blocks);
    free(copy);
    t->runs++;
}

START_TEST(every_prefix_gives_an_image_or_an_error) {
    const char *path = files[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    tally t = {0};
    size_t step = size <= SMALL_FILE_BYTES ? 1 : PREFIX_STEP;
    char what[256];
    for (size_t len = 0; len < size; len++) {
        if (len % step != 0 && len + TAIL_BYTES < size)
            continue;
        snprintf(what, sizeof what, "%s cut to %zu of %zu bytes", path, len,
                 size);
        run_one(data, len, (unsigned)len, what, &t);
    }
    printf("%s: %d prefixes: %d images, %d errors\n", path, t.runs, t.images,
           t.errors);
    /* The whole file decodes; a prefix short of the last row cannot. */
    ck_assert_int_ge(t.errors, 1);
    free(data);
}
END_TEST

/* A small deterministic generator (xorshift32): the same mutants on
 * every run and machine. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

START_TEST(random_bit_flips_give_an_image_or_an_error) {
    const char *path = files[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    uint8_t *mutant = malloc(size);
    ck_assert_ptr_nonnull(mutant);
    tally t = {0};
    char what[256];
    for (int m = 0; m < MUTANTS; m++) {
        /* A seed per file and mutant, so that a message names one input;
         * never 0, xorshift's fixed point. */
        uint32_t mutant_seed =
            (uint32_t)(_i + 1) * 0x85EBCA6Bu ^ (uint32_t)(m + 1) * 0x9E3779B9u;
        uint32_t seed = mutant_seed ? mutant_seed : 1;
        memcpy(mutant, data, size);
        int flips = 1 + (int)(next_random(&seed) % MAX_FLIPS);
        for (int f = 0; f < flips; f++) {
            uint32_t r = next_random(&seed);
            mutant[(r >> 3) % size] ^= (uint8_t)(1u << (r & 7));
        }
        snprintf(what, sizeof what, "%s mutant %d (seed 0x%08x)", path, m,
                 mutant_seed);
        run_one(mutant, size, (unsigned)m, what, &t);
    }
    printf("%s: %d mutants: %d images, %d errors\n", path, t.runs, t.images,
           t.errors);
    free(mutant);
    free(data);
}
END_TEST

static Suite *sweeps_suite(void) {
    Suite *s = suite_create("sweeps");
    TCase *prefixes = tcase_create("prefixes");
    tcase_set_timeout(prefixes, TEST_TIMEOUT);
    tcase_add_loop_test(prefixes, every_prefix_gives_an_image_or_an_error, 0,
                        FILE_COUNT);
    suite_add_tcase(s, prefixes);
    TCase *flips = tcase_create("bit_flips");
    tcase_set_timeout(flips, TEST_TIMEOUT);
    tcase_add_loop_test(flips, random_bit_flips_give_an_image_or_an_error, 0,
                        FILE_COUNT);
    suite_add_tcase(s, flips);
    return s;
}

THUMB_TEST_MAIN(sweeps_suite)
