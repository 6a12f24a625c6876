/* libFuzzer harness for one decoder, chosen at build time by
 * FUZZ_DECODE_FORMAT (a thumb_format): open, start at a size drawn from
 * the input, read every row. Inputs of other formats return at once, so
 * the fuzzer keeps to the codec under test.
 *
 * The request comes from the input's last two bytes: the last picks the
 * shrink-on-load size; in the byte before, bit 0 asks a JPEG for its
 * planes (planar.h) and an animation for its frames, bit 1 for 16-bit
 * samples, bit 2 a CMYK JPEG for its inks. The decoder gets the whole
 * input (trailing bytes are what a real upload may carry too), and every
 * seed stays a valid image. */
#include "codec/decoder.h"
#include "ctx.h"
#include "fuzz_limits.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef FUZZ_DECODE_FORMAT
#error "define FUZZ_DECODE_FORMAT to the thumb_format under test"
#endif

/* Rows asked for per decoder_read_rows() call: more than one, so that
 * codecs which fill several rows at a time are exercised across calls. */
#define ROWS_PER_CALL 7
/* The size byte's low bits pick the shrink denominator (1..16) per axis. */
#define SHRINK_BITS 4
/* The request bits of the byte before it. */
#define PICK_PLANES_OR_FRAMES 1
#define PICK_DEPTH16 2
#define PICK_CMYK 4
/* Frames read at the most, times the canvas within FUZZ_MAX_PIXELS: the
 * frame path's work stays that of a few still images. */
#define FUZZ_MAX_FRAMES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t shrunk(uint32_t full, unsigned denominator) {
    uint32_t v = full / denominator;
    return v ? v : 1;
}

static void read_all_rows(decoder *d) {
    size_t row_bytes =
        (size_t)d->width * (size_t)d->channels * (size_t)(d->depth / 8);
    uint8_t *block = malloc(row_bytes * ROWS_PER_CALL);
    if (!block)
        return;
    uint8_t *rows[ROWS_PER_CALL];
    for (int i = 0; i < ROWS_PER_CALL; i++)
        rows[i] = block + (size_t)i * row_bytes;
    for (uint32_t y = 0; y < d->height;) {
        uint32_t count =
            d->height - y < ROWS_PER_CALL ? d->height - y : ROWS_PER_CALL;
        if (decoder_read_rows(d, rows, count) != THUMB_OK)
            break;
        y += count;
    }
    free(block);
}

/* Every group of every plane, after checking the layout the decoder
 * promised. */
static void read_all_planes(decoder *d) {
    uint8_t *block[DECODER_PLANES] = {NULL};
    uint8_t **rows[DECODER_PLANES] = {NULL};
    for (int p = 0; p < DECODER_PLANES; p++) {
        const decoder_plane *pl = &d->planes[p];
        if (pl->width == 0 || pl->width > pl->row_bytes ||
            pl->group_rows == 0 || !(pl->extent_width > pl->width - 1.0) ||
            pl->extent_width > pl->width ||
            !(pl->extent_height > pl->height - 1.0) ||
            pl->extent_height > pl->height)
            abort();
        block[p] = malloc(pl->row_bytes * pl->group_rows);
        rows[p] = malloc(pl->group_rows * sizeof *rows[p]);
        if (!block[p] || !rows[p])
            goto out;
        for (uint32_t k = 0; k < pl->group_rows; k++)
            rows[p][k] = block[p] + (size_t)k * pl->row_bytes;
    }
    for (uint32_t y = 0; y < d->planes[0].height; y += d->planes[0].group_rows)
        if (decoder_read_planes(d, (uint8_t *const *const *)rows) != THUMB_OK)
            break;
out:
    for (int p = 0; p < DECODER_PLANES; p++) {
        free(block[p]);
        free(rows[p]);
    }
}

/* The frames, each read whole, up to FUZZ_MAX_FRAMES. */
static void read_all_frames(decoder *d) {
    for (int i = 0; i < FUZZ_MAX_FRAMES; i++) {
        int more, delay_ms;
        if (decoder_next_frame(d, &more, &delay_ms) != THUMB_OK || !more)
            return;
        read_all_rows(d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    thumb_ctx *ctx = thumb_ctx_new();
    if (!ctx)
        return 0;
    decoder d;
    if (decoder_open(ctx, data, size, &d) != THUMB_OK)
        goto out;
    if (d.info.format != FUZZ_DECODE_FORMAT ||
        d.info.width > FUZZ_MAX_DIMENSION ||
        d.info.height > FUZZ_MAX_DIMENSION ||
        (uint64_t)d.info.width * d.info.height > FUZZ_MAX_PIXELS) {
        decoder_close(&d);
        goto out;
    }
    uint8_t pick = data[size - 1];
    unsigned den_x = 1u + (pick & ((1u << SHRINK_BITS) - 1));
    unsigned den_y = 1u + (pick >> SHRINK_BITS);
    uint8_t bits = size >= 2 ? data[size - 2] : 0;
    decoder_request req = {
        .min_width = shrunk(d.info.width, den_x),
        .min_height = shrunk(d.info.height, den_y),
        .planes = (bits & PICK_PLANES_OR_FRAMES) != 0,
        .depth16 = (bits & PICK_DEPTH16) != 0,
        .cmyk = (bits & PICK_CMYK) != 0,
        .frames = (bits & PICK_PLANES_OR_FRAMES) && d.info.frames > 1 &&
                  (FUZZ_DECODE_FORMAT == THUMB_FORMAT_GIF ||
                   FUZZ_DECODE_FORMAT == THUMB_FORMAT_WEBP),
    };
    if (decoder_start(&d, &req) == THUMB_OK) {
        /* The decoder may shrink, never below what was asked for or
         * above the stored size. */
        if (d.width > d.info.width || d.height > d.info.height ||
            d.width < shrunk(d.info.width, den_x) ||
            d.height < shrunk(d.info.height, den_y))
            abort();
        if (d.planar)
            read_all_planes(&d);
        else if (d.frames)
            read_all_frames(&d);
        else
            read_all_rows(&d);
    }
    decoder_close(&d);
out:
    thumb_ctx_free(ctx);
    return 0;
}
