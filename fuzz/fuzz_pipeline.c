/* libFuzzer harness: the whole pipeline (thumb_run), with its options
 * drawn from the input. The last OPTION_BYTES bytes of the input choose
 * the options; the pipeline still gets the whole input, so every seed
 * stays a valid image and the fuzzer mutates images and options alike.
 * Outputs are at most FUZZ_MAX_OUTPUT_SIDE pixels a side and inputs over
 * FUZZ_MAX_PIXELS are refused by the library's own limit, so each run is
 * fast. Each input runs twice on one context, which must give the same
 * result: state kept between runs is fuzzed too. For one input in
 * MANY_EVERY (by its length, which the fuzzer varies freely),
 * thumb_run_many then makes it with two more outputs drawn from the same
 * bytes, which must each keep the promises of a run: on every input it
 * would treble the time of a large one. THUMB_OPT_TIMEOUT_MS stays 0:
 * a slow input must reach libFuzzer's own timeout and be reported, not be cut
 * short by the library. */
#include "fuzz_limits.h"
#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Width, height, fit + colour (+ linear, 16-bit PNG), format + crop,
 * quality, flags, PNG level + SIMD,
 * background. */
#define OPTION_BYTES 8
/* Output formats AUTO..AVIF: one the library cannot write (HEIF, or AVIF
 * in a build without libavif) is refused by thumb_ctx_set() and the
 * format stays AUTO. */
#define OUTPUT_FORMATS (THUMB_FORMAT_AVIF + 1)
#define FIT_MODES (THUMB_FIT_FILL + 1)
#define QUALITY_MAX 100
#define PNG_LEVELS 10
#define COLOR_MODES (THUMB_COLOR_KEEP + 1)
#define CROP_MODES (THUMB_CROP_ATTENTION + 1)
/* Bits of what the fit and colour byte leaves over. */
#define EXTRA_LINEAR 0x01
#define EXTRA_PNG_16BIT 0x02
#define EXTRA_JPEG_OPTIMIZE 0x04
/* Every kernel set, AUTO..AVX512; one this CPU lacks is a clean error. */
#define SIMD_CHOICES (THUMB_SIMD_AVX512 + 1)
/* Flag bits of the flags byte. */
#define FLAG_ENLARGE 0x01
#define FLAG_PROGRESSIVE 0x02
#define FLAG_SUBSAMPLING_444 0x04
#define FLAG_LOSSLESS 0x08
#define FLAG_NO_AUTOROTATE 0x10
#define FLAG_HEIGHT_ONLY 0x20
#define FLAG_ACCURATE 0x40
#define FLAG_KEEP_EXIF 0x80
/* The background byte is spread over 0xRRGGBB as grey or a colour. */
#define BACKGROUND_COLOUR_BIT 0x80

/* Outputs of the thumb_run_many pass, and how the others' option bytes
 * are drawn from the first's. */
#define MANY_OUTPUTS 3
#define MANY_MIX 0x5B
#define MANY_EVERY 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static thumb_ctx *limited_ctx(void) {
    thumb_ctx *ctx = thumb_ctx_new();
    if (ctx) {
        thumb_ctx_set(ctx, THUMB_OPT_MAX_PIXELS, FUZZ_MAX_PIXELS);
        thumb_ctx_set(ctx, THUMB_OPT_MAX_DIMENSION, FUZZ_MAX_DIMENSION);
    }
    return ctx;
}

static void set_options(thumb_ctx *ctx, const uint8_t *o) {
    /* Width is never 0 unless height-only is asked: both 0 would keep the
     * input's size, which the pixel limit bounds but which is slow. */
    int64_t width = 1 + o[0] % FUZZ_MAX_OUTPUT_SIDE;
    int64_t height = o[1] % (FUZZ_MAX_OUTPUT_SIDE + 1);
    if ((o[5] & FLAG_HEIGHT_ONLY) && height != 0)
        width = 0;
    thumb_ctx_set(ctx, THUMB_OPT_WIDTH, width);
    thumb_ctx_set(ctx, THUMB_OPT_HEIGHT, height);
    thumb_ctx_set(ctx, THUMB_OPT_FIT, o[2] % FIT_MODES);
    thumb_ctx_set(ctx, THUMB_OPT_COLOR, o[2] / FIT_MODES % COLOR_MODES);
    thumb_ctx_set(ctx, THUMB_OPT_FORMAT, o[3] % OUTPUT_FORMATS);
    thumb_ctx_set(ctx, THUMB_OPT_CROP, o[3] / OUTPUT_FORMATS % CROP_MODES);
    unsigned extra = o[2] / (FIT_MODES * COLOR_MODES);
    thumb_ctx_set(ctx, THUMB_OPT_LINEAR, !!(extra & EXTRA_LINEAR));
    thumb_ctx_set(ctx, THUMB_OPT_PNG_16BIT, !!(extra & EXTRA_PNG_16BIT));
    thumb_ctx_set(ctx, THUMB_OPT_JPEG_OPTIMIZE_CODING,
                  !!(extra & EXTRA_JPEG_OPTIMIZE));
    thumb_ctx_set(ctx, THUMB_OPT_QUALITY, 1 + o[4] % QUALITY_MAX);
    thumb_ctx_set(ctx, THUMB_OPT_ENLARGE, !!(o[5] & FLAG_ENLARGE));
    thumb_ctx_set(ctx, THUMB_OPT_JPEG_PROGRESSIVE, !!(o[5] & FLAG_PROGRESSIVE));
    thumb_ctx_set(ctx, THUMB_OPT_JPEG_SUBSAMPLING,
                  (o[5] & FLAG_SUBSAMPLING_444) ? THUMB_SUBSAMPLING_444
                                                : THUMB_SUBSAMPLING_420);
    thumb_ctx_set(ctx, THUMB_OPT_WEBP_LOSSLESS, !!(o[5] & FLAG_LOSSLESS));
    thumb_ctx_set(ctx, THUMB_OPT_AUTOROTATE, !(o[5] & FLAG_NO_AUTOROTATE));
    thumb_ctx_set(ctx, THUMB_OPT_ACCURATE, !!(o[5] & FLAG_ACCURATE));
    thumb_ctx_set(ctx, THUMB_OPT_KEEP_EXIF, !!(o[5] & FLAG_KEEP_EXIF));
    thumb_ctx_set(ctx, THUMB_OPT_PNG_COMPRESSION, o[6] % PNG_LEVELS);
    thumb_ctx_set(ctx, THUMB_OPT_SIMD, o[6] / PNG_LEVELS % SIMD_CHOICES);
    uint32_t b = o[7];
    uint32_t background = (b & BACKGROUND_COLOUR_BIT)
                              ? (b << 16) | ((b * 3) & 0xFF) << 8 | (~b & 0xFF)
                              : b * 0x010101u;
    thumb_ctx_set(ctx, THUMB_OPT_BACKGROUND, background);
}

/* What every run promises, success or failure. */
static void check_result(const thumb_ctx *ctx, thumb_status st,
                         const unsigned char *out, size_t out_len) {
    if (st != THUMB_OK) {
        if (out != NULL || out_len != 0 || thumb_ctx_error(ctx)[0] == '\0')
            abort();
        return;
    }
    /* A success is a non-empty file of the size the info keys say, and
     * never more pixels than THUMB_OPT_MAX_PIXELS allows. */
    int64_t w = thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_WIDTH);
    int64_t h = thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_HEIGHT);
    if (!out || out_len == 0 ||
        (int64_t)out_len != thumb_ctx_info(ctx, THUMB_INFO_OUTPUT_BYTES) ||
        w < 1 || h < 1 || w * h > FUZZ_MAX_PIXELS)
        abort();
    /* Touch every output byte so ASan checks the buffer's extent. */
    volatile unsigned sum = 0;
    for (size_t i = 0; i < out_len; i++)
        sum += out[i];
    (void)sum;
}

/* The same input as three outputs of one decode: ctx, and two contexts
 * whose option bytes are the input's mixed. Each keeps the promises of a
 * run, and the call returns the first failure or success. */
static void check_many(thumb_ctx *ctx, const uint8_t *data, size_t size) {
    thumb_ctx *ctxs[MANY_OUTPUTS] = {ctx, NULL, NULL};
    for (int k = 1; k < MANY_OUTPUTS; k++) {
        ctxs[k] = limited_ctx();
        if (!ctxs[k])
            goto out;
        if (size >= OPTION_BYTES) {
            uint8_t o[OPTION_BYTES];
            for (int i = 0; i < OPTION_BYTES; i++)
                o[i] = (uint8_t)(data[size - OPTION_BYTES + i] * (k + 1) ^
                                 MANY_MIX * k);
            set_options(ctxs[k], o);
        }
    }
    thumb_status st = thumb_run_many(ctxs, MANY_OUTPUTS, data, size);
    thumb_status first_failure = THUMB_OK;
    for (int k = 0; k < MANY_OUTPUTS; k++) {
        const unsigned char *out;
        size_t out_len;
        thumb_status own = thumb_ctx_status(ctxs[k]);
        if ((thumb_ctx_output(ctxs[k], &out, &out_len) == THUMB_OK) !=
            (own == THUMB_OK))
            abort();
        check_result(ctxs[k], own, out, out_len);
        if (first_failure == THUMB_OK)
            first_failure = own;
    }
    if (st != first_failure)
        abort();
out:
    for (int k = 1; k < MANY_OUTPUTS; k++)
        thumb_ctx_free(ctxs[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    thumb_ctx *ctx = limited_ctx();
    if (!ctx)
        return 0;
    if (size >= OPTION_BYTES)
        set_options(ctx, data + size - OPTION_BYTES);
    else
        thumb_ctx_set(ctx, THUMB_OPT_WIDTH, FUZZ_MAX_OUTPUT_SIDE);
    const unsigned char *out = NULL;
    size_t out_len = 0;
    thumb_status st = thumb_run(ctx, data, size, &out, &out_len);
    check_result(ctx, st, out, out_len);

    /* Again on the same context: what a run keeps for the next (scratch
     * buffers, the resize plan) must change nothing, so the status and
     * every byte are the same. */
    unsigned char *first = NULL;
    if (st == THUMB_OK) {
        first = malloc(out_len);
        if (!first)
            goto out;
        memcpy(first, out, out_len);
    }
    size_t first_len = out_len;
    thumb_status again = thumb_run(ctx, data, size, &out, &out_len);
    check_result(ctx, again, out, out_len);
    if (again != st || (st == THUMB_OK && (out_len != first_len ||
                                           memcmp(out, first, out_len) != 0)))
        abort();
    free(first);
    if (size % MANY_EVERY == 0)
        check_many(ctx, data, size);
out:
    thumb_ctx_free(ctx);
    return 0;
}
