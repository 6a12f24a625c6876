/* Memory: a context reuses its buffers, so a second thumbnail of the same
 * size allocates nothing large; a still JPEG or PNG goes from the resize
 * to the encoder row by row, with no output frame; and peak memory for
 * baseline JPEG and non-interlaced PNG grows with the width, not the area,
 * both through the library's allocator and (libjpeg allocating on its own)
 * in the resident size of a process that makes one thumbnail. */
#include "buffer.h"
#include "codec/encoder.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Anything this size or over is "large": a row of a small image, or the
 * state of a codec, stays below it; a resize ring, a weight table or an
 * output image of a thumbnail does not. */
#define LARGE_BYTES (16 * 1024)
/* Synthetic sources: one width, two heights 8x apart. */
#define SRC_WIDTH 2000
#define SHORT_HEIGHT 1000
#define TALL_HEIGHT 8000
#define THUMB_WIDTH 300
/* A full decode of the tall source is 48 MB of RGB. Streaming holds rows
 * as wide as the source and as many as the kernel spans (the same for
 * both: the scale is the same), plus the output, which is 8x larger for
 * the tall source, in pixels and encoded: the peaks may differ by twice
 * the output pixels' growth and this. */
#define STREAMING_SLACK_BYTES (256 * 1024)
/* Resident sizes also see libjpeg's and libpng's own memory, and pages
 * of the C library: a looser bound, still far below the 42 MB more a
 * whole-image decode of the tall source would take. */
#define RSS_SLACK_KB (8 * 1024)

/* The counting allocator, plus the largest single request since reset. */
typedef struct watch {
    counting_allocator counts;
    thumb_allocator inner;
    size_t largest;
    long large;
} watch;

static void note(watch *w, size_t size) {
    if (size > w->largest)
        w->largest = size;
    if (size >= LARGE_BYTES)
        w->large++;
}

static void *watch_malloc(void *opaque, size_t size) {
    watch *w = opaque;
    note(w, size);
    return w->inner.malloc_fn(w->inner.opaque, size);
}

static void *watch_realloc(void *opaque, void *ptr, size_t size) {
    watch *w = opaque;
    note(w, size);
    return w->inner.realloc_fn(w->inner.opaque, ptr, size);
}

static void watch_free(void *opaque, void *ptr) {
    watch *w = opaque;
    w->inner.free_fn(w->inner.opaque, ptr);
}

static thumb_ctx *watched_ctx(watch *w) {
    memset(w, 0, sizeof *w);
    counting_allocator_init(&w->counts);
    w->inner = counting_allocator_hooks(&w->counts);
    thumb_allocator a = {watch_malloc, watch_realloc, watch_free, w};
    thumb_ctx *ctx = thumb_ctx_new_with_allocator(&a);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

static void watch_reset(watch *w) {
    w->largest = 0;
    w->large = 0;
    w->counts.peak_bytes = w->counts.live_bytes;
}

static void run_ok(thumb_ctx *ctx, const uint8_t *in, size_t size) {
    const unsigned char *out;
    size_t out_len;
    ck_assert_msg(thumb_run(ctx, in, size, &out, &out_len) == THUMB_OK, "%s",
                  thumb_ctx_error(ctx));
}

START_TEST(test_second_run_allocates_nothing_large) {
    static const char *const inputs[] = {
        "jpeg/2569067123_aca715a2ee_o.jpg", /* RGB JPEG to JPEG */
        "jpeg/flowers.jpeg",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        size_t size;
        uint8_t *data = read_corpus(inputs[i], &size);
        watch w;
        thumb_ctx *ctx = watched_ctx(&w);
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 720), THUMB_OK);
        run_ok(ctx, data, size);
        /* The first run did allocate large buffers, or this proves
         * nothing. */
        ck_assert_uint_ge(w.largest, LARGE_BYTES);
        watch_reset(&w);
        run_ok(ctx, data, size);
        ck_assert_msg(w.large == 0,
                      "%s: the second run made %ld allocations of %d bytes "
                      "or more (largest %zu)",
                      inputs[i], w.large, LARGE_BYTES, w.largest);
        /* Accurate changes the decoded size: the plan is redone, and then
         * kept again. */
        ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, 1), THUMB_OK);
        run_ok(ctx, data, size);
        watch_reset(&w);
        run_ok(ctx, data, size);
        ck_assert_int_eq(w.large, 0);
        thumb_ctx_free(ctx);
        ck_assert_int_eq(w.counts.live_blocks, 0);
        ck_assert_uint_eq(w.counts.live_bytes, 0);
        free(data);
    }
}
END_TEST

/* A smooth synthetic photo-like image (gradients and a few edges), so it
 * compresses as photos do. */
static image make_source(thumb_ctx *ctx, uint32_t height) {
    image img;
    ck_assert_int_eq(image_alloc(ctx, &img, SRC_WIDTH, height, 3), THUMB_OK);
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = image_row(&img, y);
        for (uint32_t x = 0; x < SRC_WIDTH; x++) {
            row[3 * x] = (uint8_t)(x * 255 / SRC_WIDTH);
            row[3 * x + 1] = (uint8_t)((y % 512) / 2);
            row[3 * x + 2] = ((x / 97 + y / 89) % 2) ? 200 : 40;
        }
    }
    return img;
}

/* The source of that height as a baseline JPEG or non-interlaced PNG. */
static uint8_t *encode_source(thumb_format format, uint32_t height,
                              size_t *size) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_source(ctx, height);
    buffer out;
    buffer_init(&out, ctx);
    encode_options eo = {.quality = 90, .png_compression = 1};
    thumb_status st = format == THUMB_FORMAT_JPEG
                          ? jpeg_encode(ctx, &img, &eo, &out)
                          : png_encode(ctx, &img, &eo, &out);
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
    uint8_t *copy = malloc(out.size);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, out.data, out.size);
    *size = out.size;
    buffer_release(&out);
    image_release(ctx, &img);
    thumb_ctx_free(ctx);
    return copy;
}

/* The largest single allocation of one run of `file` to a 720 wide box in
 * `format`, progressive JPEG or not; *w x *h the output. */
static size_t largest_block(const char *file, thumb_format format,
                            int progressive, int64_t *w, int64_t *h) {
    size_t size;
    uint8_t *data = read_corpus(file, &size);
    watch wt;
    thumb_ctx *ctx = watched_ctx(&wt);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, 720), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, format), THUMB_OK);
    ck_assert_int_eq(
        thumb_ctx_set(ctx, THUMB_OPT_JPEG_PROGRESSIVE, progressive), THUMB_OK);
    run_ok(ctx, data, size);
    *w = thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH);
    *h = thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT);
    thumb_ctx_free(ctx);
    free(data);
    return wt.largest;
}

START_TEST(test_still_output_has_no_frame) {
    static const struct {
        const char *file;
        thumb_format format;
        int channels; /* of the resize's output */
    } cases[] = {
        /* The planar path (Y, Cb, Cr resized apart). (A PNG of this
         * photo is itself most of a frame: the output buffer would be
         * the largest block.) */
        {"jpeg/2569067123_aca715a2ee_o.jpg", THUMB_FORMAT_JPEG, 3},
        /* RGBA rows flattened one by one for JPEG; kept for PNG. */
        {"png/alpha-premultiply-2048x1536-paper.png", THUMB_FORMAT_JPEG, 4},
        {"png/alpha-premultiply-2048x1536-paper.png", THUMB_FORMAT_PNG, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t w, h;
        size_t largest =
            largest_block(cases[i].file, cases[i].format, 0, &w, &h);
        size_t frame = (size_t)w * (size_t)h * (size_t)cases[i].channels;
        ck_assert_msg(largest < frame / 4,
                      "%s to %s: a block of %zu bytes for a %lldx%lld output",
                      cases[i].file, thumb_format_name(cases[i].format),
                      largest, (long long)w, (long long)h);
    }
    /* Several sizes from one decode are encoded row by row alike. */
    size_t size;
    uint8_t *data = read_corpus("jpeg/2569067123_aca715a2ee_o.jpg", &size);
    watch wt;
    thumb_ctx *ctxs[3] = {watched_ctx(&wt), thumb_ctx_new(), thumb_ctx_new()};
    for (int i = 0; i < 3; i++) {
        ck_assert_ptr_nonnull(ctxs[i]);
        ck_assert_int_eq(thumb_ctx_set(ctxs[i], THUMB_OPT_WIDTH, 720 >> i),
                         THUMB_OK);
        ck_assert_int_eq(
            thumb_ctx_set(ctxs[i], THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG),
            THUMB_OK);
    }
    ck_assert_int_eq(thumb_run_many(ctxs, 3, data, size), THUMB_OK);
    size_t frame = (size_t)thumb_ctx_info(ctxs[0], THUMB_INFO_OUTPUT_WIDTH) *
                   (size_t)thumb_ctx_info(ctxs[0], THUMB_INFO_OUTPUT_HEIGHT) *
                   3;
    ck_assert_msg(wt.largest < frame / 4,
                  "three sizes from one decode: a block of %zu bytes",
                  wt.largest);
    for (int i = 0; i < 3; i++)
        thumb_ctx_free(ctxs[i]);
    free(data);
    /* Progressive scans need every coefficient before the first is
     * written, so that output takes a frame: the measure sees one. */
    int64_t w, h;
    size_t largest = largest_block("jpeg/2569067123_aca715a2ee_o.jpg",
                                   THUMB_FORMAT_JPEG, 1, &w, &h);
    ck_assert_uint_ge(largest, (size_t)w * (size_t)h * 3);
}
END_TEST

/* Full-size decode (accurate: no shrink on load), so the rows streamed are
 * the whole SRC_WIDTH wide. */
static size_t peak_of_run(const uint8_t *in, size_t size) {
    watch w;
    thumb_ctx *ctx = watched_ctx(&w);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_WIDTH, THUMB_WIDTH),
                     THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, 1), THUMB_OK);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_FORMAT, THUMB_FORMAT_JPEG),
                     THUMB_OK);
    run_ok(ctx, in, size);
    ck_assert_int_eq(thumb_ctx_info(ctx, THUMB_INFO_DECODED_WIDTH), SRC_WIDTH);
    size_t peak = w.counts.peak_bytes;
    thumb_ctx_free(ctx);
    return peak;
}

/* Resident size (KiB) of a child that makes one thumbnail: libjpeg's own
 * memory included. */
static long child_max_rss_kb(const uint8_t *in, size_t size) {
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        thumb_ctx *ctx = thumb_ctx_new();
        const unsigned char *out;
        size_t out_len;
        int ok = ctx &&
                 thumb_ctx_set(ctx, THUMB_OPT_WIDTH, THUMB_WIDTH) == THUMB_OK &&
                 thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, 1) == THUMB_OK &&
                 thumb_run(ctx, in, size, &out, &out_len) == THUMB_OK;
        _exit(ok ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The largest of the children waited for: call with growing inputs. */
    struct rusage ru;
    ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
    return ru.ru_maxrss;
}

START_TEST(test_peak_grows_with_width_not_area) {
    static const thumb_format formats[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG};
    const size_t tall_decode = (size_t)SRC_WIDTH * TALL_HEIGHT * 3;
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
        size_t short_size, tall_size;
        uint8_t *short_src =
            encode_source(formats[f], SHORT_HEIGHT, &short_size);
        uint8_t *tall_src = encode_source(formats[f], TALL_HEIGHT, &tall_size);
        size_t short_peak = peak_of_run(short_src, short_size);
        size_t tall_peak = peak_of_run(tall_src, tall_size);
        size_t output_growth = (size_t)THUMB_WIDTH *
                               (TALL_HEIGHT - SHORT_HEIGHT) * 3 * THUMB_WIDTH /
                               SRC_WIDTH;
        ck_assert_msg(tall_peak <= short_peak + 2 * output_growth +
                                       STREAMING_SLACK_BYTES,
                      "%s: peak %zu bytes for %ux%u, %zu for %ux%u",
                      thumb_format_name(formats[f]), short_peak, SRC_WIDTH,
                      SHORT_HEIGHT, tall_peak, SRC_WIDTH, TALL_HEIGHT);
        ck_assert_uint_lt(tall_peak, tall_decode / 16);

        long short_rss = child_max_rss_kb(short_src, short_size);
        long tall_rss = child_max_rss_kb(tall_src, tall_size);
        ck_assert_msg(tall_rss <= short_rss + RSS_SLACK_KB,
                      "%s: max RSS %ld KiB for %ux%u, %ld KiB for %ux%u",
                      thumb_format_name(formats[f]), short_rss, SRC_WIDTH,
                      SHORT_HEIGHT, tall_rss, SRC_WIDTH, TALL_HEIGHT);
        if (getenv("THUMB_TEST_VERBOSE"))
            printf("%s: allocator peak %zu / %zu bytes, max RSS %ld / %ld "
                   "KiB (%u / %u rows)\n",
                   thumb_format_name(formats[f]), short_peak, tall_peak,
                   short_rss, tall_rss, SHORT_HEIGHT, TALL_HEIGHT);
        free(short_src);
        free(tall_src);
    }
}
END_TEST

static Suite *memory_suite(void) {
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_second_run_allocates_nothing_large);
    tcase_add_test(tc, test_still_output_has_no_frame);
    tcase_add_test(tc, test_peak_grows_with_width_not_area);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(memory_suite)
