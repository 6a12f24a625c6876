/* Out of memory anywhere in a run: for a file of each kind and every output
 * format, the whole pipeline runs once counting its allocations, then once
 * per allocation with that one failing. Each failure must end in
 * THUMB_ERR_NOMEM with an "out of memory" message, leave nothing allocated
 * once the context is freed, and leave the context fit for the next run.
 *
 * Only allocations made through the context's allocator can be failed:
 * ours, libpng's and zlib's (routed through it by png_create_*_2), and
 * lcms2's (through a memory plugin, src/color.c), though not from inside
 * lcms2 itself: lcms2 2.14 crashes on some of its own allocation failures
 * (counting_alloc.h). libjpeg-turbo (jpeg_get_small/large call malloc;
 * its memory manager cannot be replaced at run time), libwebp
 * (WebPSafeMalloc) and giflib allocate with malloc and are out of reach
 * here; ASan and valgrind check those paths for leaks instead. */
#include "counting_alloc.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thumbnail.h>

/* A small box keeps each of the many runs fast; every stage still runs. */
#define BOX 48
/* testorig.jpg (227x149) into this box is decoded in full and shrunk
 * 2.8x: the planar path (planar.h). */
#define PLANAR_BOX 80
/* Seconds per file, for the hundreds of runs of three output formats. */
#define TEST_TIMEOUT 300

typedef struct sample {
    const char *path;
    const char *what;
    int linear;    /* THUMB_OPT_LINEAR */
    int png_16bit; /* THUMB_OPT_PNG_16BIT */
    int box;       /* 0: BOX */
} sample;

static const sample samples[] = {
    {"jpeg/testorig.jpg", "baseline JPEG, 4:2:0", 0, 0, 0},
    {"jpeg/spectral_selection.jpg", "progressive JPEG", 0, 0, 0},
    {"jpeg/testorig.jpg", "baseline JPEG, 4:2:0, in planes (a 2.8x shrink)", 0,
     0, PLANAR_BOX},
    {"png/pngsuite/basn6a08.png", "PNG, RGBA", 0, 0, 0},
    {"png/pngsuite/basi3p08.png", "interlaced PNG, palette", 0, 0, 0},
    {"webp/simple-vp8.webp", "lossy WebP", 0, 0, 0},
    {"webp/catdog-alert-13.webp", "lossless WebP with alpha", 0, 0, 0},
    {"gif/first_frame_transparency.gif", "interlaced GIF, transparency", 0, 0,
     0},
    {"orientation/hopper_orientation_6.webp", "EXIF-rotated WebP", 0, 0, 0},
    {"png/16-bit-grey-alpha.png",
     "16-bit grey+alpha PNG with a profile, kept "
     "16-bit",
     0, 1, 0},
    {"png/pngsuite/basn6a08.png", "PNG, RGBA, in linear light", 1, 0, 0},
};
#define SAMPLE_COUNT (int)(sizeof samples / sizeof samples[0])

static const thumb_format out_formats[] = {
    THUMB_FORMAT_JPEG,
    THUMB_FORMAT_PNG,
    THUMB_FORMAT_WEBP,
};
#define OUT_FORMAT_COUNT (sizeof out_formats / sizeof out_formats[0])

static void configure(thumb_ctx *ctx, const sample *s, thumb_format format) {
    int box = s->box ? s->box : BOX;
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, box), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, box), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_LINEAR, s->linear), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_PNG_16BIT, s->png_16bit),
                     THUMB_OK);
}

/* The result of one run, copied out of the context. */
typedef struct result {
    thumb_status status;
    unsigned char *bytes;
    size_t size;
} result;

static result run_once(thumb_ctx *ctx, const uint8_t *data, size_t size) {
    const unsigned char *out;
    result r = {0};
    r.status = thumb_run(ctx, data, size, &out, &r.size);
    if (r.status == THUMB_OK) {
        r.bytes = malloc(r.size);
        ck_assert_ptr_nonnull(r.bytes);
        memcpy(r.bytes, out, r.size);
    }
    return r;
}

static int same_output(const result *a, const result *b) {
    return a->status == THUMB_OK && b->status == THUMB_OK &&
           a->size == b->size && memcmp(a->bytes, b->bytes, a->size) == 0;
}

/* Fails every allocation of one run in turn; returns how many there are,
 * and in *absorbed how many runs still gave the image (a failure a
 * codec absorbed, or one spared inside lcms2). */
static long check_every_failure(const sample *s, const uint8_t *data,
                                size_t size, thumb_format format,
                                long *absorbed) {
    const char *fmt = thumb_format_name(format);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    configure(ctx, s, format);
    long before = a.calls;
    result good = run_once(ctx, data, size);
    long total = a.calls - before;
    ck_assert_msg(good.status == THUMB_OK, "%s -> %s: %s", s->path, fmt,
                  thumb_ctx_error(ctx));
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    ck_assert_msg(total > 0, "%s -> %s: no allocation", s->path, fmt);
    *absorbed = 0;

    for (long k = 0; k < total; k++) {
        ctx = counting_ctx(&a);
        a.spare_lcms2 = 1;
        configure(ctx, s, format);
        a.fail_at = a.calls + k;
        result r = run_once(ctx, data, size);
        ck_assert_msg(a.failed || a.spared,
                      "%s -> %s: allocation %ld of %ld never came", s->path,
                      fmt, k, total);
        /* A failure that a codec absorbs (libpng drops an ancillary chunk
         * it cannot hold) must not change the output. */
        if (r.status != THUMB_OK) {
            ck_assert_msg(r.status == THUMB_ERR_NOMEM,
                          "%s -> %s, allocation %ld failing: status %d (%s)",
                          s->path, fmt, k, r.status, thumb_ctx_error(ctx));
            ck_assert_msg(strstr(thumb_ctx_error(ctx), "out of memory"),
                          "%s -> %s, allocation %ld failing: message '%s'",
                          s->path, fmt, k, thumb_ctx_error(ctx));
            ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_BYTES), -1);
        } else {
            (*absorbed)++;
            ck_assert_msg(same_output(&r, &good),
                          "%s -> %s, allocation %ld failing: a different "
                          "image",
                          s->path, fmt, k);
        }
        free(r.bytes);
        /* The same context, with memory back, makes the same thumbnail. */
        result again = run_once(ctx, data, size);
        ck_assert_msg(same_output(&again, &good),
                      "%s -> %s: the run after allocation %ld failed gives "
                      "status %d (%s) or a different image",
                      s->path, fmt, k, again.status, thumb_ctx_error(ctx));
        free(again.bytes);
        thumb_ctx_free(ctx);
        ck_assert_msg(a.live_blocks == 0 && a.live_bytes == 0,
                      "%s -> %s, allocation %ld failing: %ld blocks (%zu "
                      "bytes) leaked",
                      s->path, fmt, k, a.live_blocks, a.live_bytes);
    }
    free(good.bytes);
    return total;
}

START_TEST(every_allocation_failure_is_nomem_without_leak) {
    const sample *s = &samples[_i];
    size_t size;
    uint8_t *data = read_corpus(s->path, &size);
    for (size_t f = 0; f < OUT_FORMAT_COUNT; f++) {
        long absorbed;
        long n = check_every_failure(s, data, size, out_formats[f], &absorbed);
        printf("%s (%s) -> %s: %ld allocations, each failed once (or "
               "spared inside lcms2); %ld runs still gave the image\n",
               s->path, s->what, thumb_format_name(out_formats[f]), n,
               absorbed);
    }
    free(data);
}
END_TEST

START_TEST(failing_the_context_itself_gives_null) {
    counting_allocator a;
    counting_allocator_init(&a);
    a.fail_at = 0;
    thumb_allocator hooks = counting_allocator_hooks(&a);
    ck_assert_ptr_null(thumb_ctx_new_with_allocator(&hooks));
    ck_assert(a.failed);
    ck_assert_int_eq(a.live_blocks, 0);
}
END_TEST

static Suite *alloc_failures_suite(void) {
    Suite *s = suite_create("alloc_failures");
    TCase *tc = tcase_create("every_allocation");
    tcase_set_timeout(tc, TEST_TIMEOUT);
    tcase_add_loop_test(tc, every_allocation_failure_is_nomem_without_leak, 0,
                        SAMPLE_COUNT);
    tcase_add_test(tc, failing_the_context_itself_gives_null);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(alloc_failures_suite)
