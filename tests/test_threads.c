/* Contexts share nothing: THREADS threads, each with its own context (and
 * its own counting allocator), thumbnail every good corpus image at once,
 * and every output is byte-identical to the one a single thread made
 * first. scripts/ci/22-tsan.sh runs this under ThreadSanitizer, which
 * catches a shared static (a lookup table filled lazily, a cached CPU
 * probe) that the byte comparison alone might miss. */
#include "counting_alloc.h"
#include "support.h"

#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

#define THREADS 4
/* A box small enough to keep the encoders cheap, large enough that
 * every image is resized and most are shrunk on load. */
#define BOX 128
/* Room for every good file of the corpus (about 460). */
#define MAX_JOBS 1024
/* Under TSan every memory access is checked: minutes, not seconds. */
#define TEST_TIMEOUT 900

static const char *const good_dirs[] = {"jpeg/", "png/", "webp/", "gif/",
                                        "orientation/"};

static const thumb_format out_formats[] = {
    THUMB_FORMAT_JPEG,
    THUMB_FORMAT_PNG,
    THUMB_FORMAT_WEBP,
#ifdef THUMB_HAVE_AVIF
    THUMB_FORMAT_AVIF,
#endif
};
#define OUT_FORMAT_COUNT (sizeof out_formats / sizeof out_formats[0])

/* One file, one output format, and what a single thread made of it. */
typedef struct job {
    char *path;
    uint8_t *data;
    size_t size;
    thumb_format format;
    thumb_status status;
    unsigned char *out;
    size_t out_len;
} job;

typedef struct job_list {
    job jobs[MAX_JOBS];
    size_t count;
    /* Files larger than this are left out (THUMB_THREADS_MAX_BYTES; all
     * by default): the TSan run takes the 434 files up to 256 KiB, the
     * large benchmark photos would take it most of its time. */
    size_t max_bytes;
    size_t left_out;
} job_list;

static void add_job(const char *path, const char *description, void *opaque) {
    (void)description;
    job_list *list = opaque;
    ck_assert_uint_lt(list->count, MAX_JOBS);
    job *j = &list->jobs[list->count];
    j->data = read_corpus(path, &j->size);
    if (j->size > list->max_bytes) {
        free(j->data);
        list->left_out++;
        return;
    }
    j->path = strdup(path);
    /* Each encoder gets a third of the files. */
    j->format = out_formats[list->count % OUT_FORMAT_COUNT];
    list->count++;
}

static thumb_ctx *configured_ctx(counting_allocator *a, thumb_format format) {
    counting_allocator_init(a);
    thumb_allocator hooks = counting_allocator_hooks(a);
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&hooks);
    if (ctx) {
        thumb_ctx_set(ctx, THUMB_OPT_WIDTH, BOX);
        thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, BOX);
        thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format);
    }
    return ctx;
}

/* What one worker found; written by it alone, read after the join. */
typedef struct worker {
    pthread_t thread;
    int index;
    const job_list *list;
    size_t runs, mismatches, leaks;
    char first_problem[512];
} worker;

static void note_problem(worker *w, const char *fmt, const char *path, int a,
                         int b) {
    if (w->first_problem[0] == '\0')
        snprintf(w->first_problem, sizeof w->first_problem, fmt, path, a, b);
}

/* Every job, starting at a different place in the list for each thread,
 * so that the threads are in different codecs at any moment. */
static void *work(void *opaque) {
    worker *w = opaque;
    const job_list *list = w->list;
    size_t start = list->count * (size_t)w->index / THREADS;
    for (size_t n = 0; n < list->count; n++) {
        const job *j = &list->jobs[(start + n) % list->count];
        counting_allocator a;
        thumb_ctx *ctx = configured_ctx(&a, j->format);
        if (!ctx) {
            note_problem(w, "%s: no context (%d %d)", j->path, 0, 0);
            w->mismatches++;
            continue;
        }
        const unsigned char *out;
        size_t out_len;
        thumb_status st = thumb_run(ctx, j->data, j->size, &out, &out_len);
        if (st != j->status) {
            note_problem(w, "%s: status %d, single-threaded %d", j->path,
                         (int)st, (int)j->status);
            w->mismatches++;
        } else if (st == THUMB_OK &&
                   (out_len != j->out_len || memcmp(out, j->out, out_len))) {
            note_problem(w,
                         "%s: %d output bytes differ from the %d made "
                         "single-threaded",
                         j->path, (int)out_len, (int)j->out_len);
            w->mismatches++;
        }
        thumb_ctx_free(ctx);
        if (a.live_blocks != 0) {
            note_problem(w, "%s: %d blocks leaked (%d)", j->path,
                         (int)a.live_blocks, 0);
            w->leaks++;
        }
        w->runs++;
    }
    return NULL;
}

START_TEST(threads_with_a_context_each_match_a_single_thread) {
    static job_list list; /* large: off the stack */
    const char *max_bytes = getenv("THUMB_THREADS_MAX_BYTES");
    list.max_bytes =
        max_bytes && *max_bytes ? strtoull(max_bytes, NULL, 10) : SIZE_MAX;
    for (size_t d = 0; d < sizeof good_dirs / sizeof good_dirs[0]; d++)
        manifest_each(good_dirs[d], add_job, &list);
    ck_assert_uint_ge(list.count, 400);
    if (list.left_out)
        printf("%zu files over THUMB_THREADS_MAX_BYTES=%zu left out\n",
               list.left_out, list.max_bytes);

    /* The reference: one thread, one context per file. */
    size_t images = 0;
    for (size_t i = 0; i < list.count; i++) {
        job *j = &list.jobs[i];
        counting_allocator a;
        thumb_ctx *ctx = configured_ctx(&a, j->format);
        ck_assert_ptr_nonnull(ctx);
        const unsigned char *out;
        j->status = thumb_run(ctx, j->data, j->size, &out, &j->out_len);
        if (j->status == THUMB_OK) {
            j->out = malloc(j->out_len);
            ck_assert_ptr_nonnull(j->out);
            memcpy(j->out, out, j->out_len);
            images++;
        }
        thumb_ctx_free(ctx);
    }
    /* Only the 12-bit and lossless JPEGs fail (libjpeg-turbo 2.1). */
    ck_assert_uint_ge(images, list.count - 8);

    worker workers[THREADS];
    memset(workers, 0, sizeof workers);
    for (int t = 0; t < THREADS; t++) {
        workers[t].index = t;
        workers[t].list = &list;
        ck_assert_int_eq(
            pthread_create(&workers[t].thread, NULL, work, &workers[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        ck_assert_int_eq(pthread_join(workers[t].thread, NULL), 0);
    for (int t = 0; t < THREADS; t++) {
        ck_assert_msg(workers[t].mismatches == 0 && workers[t].leaks == 0,
                      "thread %d: %zu mismatches, %zu leaks; first: %s", t,
                      workers[t].mismatches, workers[t].leaks,
                      workers[t].first_problem);
        ck_assert_uint_eq(workers[t].runs, list.count);
    }
    printf("%d threads x %zu files (%zu images), each identical to the "
           "single-threaded output\n",
           THREADS, list.count, images);

    for (size_t i = 0; i < list.count; i++) {
        free(list.jobs[i].path);
        free(list.jobs[i].data);
        free(list.jobs[i].out);
    }
    list.count = 0;
}
END_TEST

static Suite *threads_suite(void) {
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, TEST_TIMEOUT);
    tcase_add_test(tc, threads_with_a_context_each_match_a_single_thread);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(threads_suite)
