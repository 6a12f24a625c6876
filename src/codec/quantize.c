/* Median cut (Heckbert 1982) over a histogram of 5-bit-per-channel colours.
 *
 * Why median cut: deterministic, one pass over the pixels plus work that
 * depends only on the number of distinct 15-bit colours (at most 32768),
 * and good enough at thumbnail sizes, where each frame has few colours.
 * Each box's colour is the population-weighted mean of the exact 8-bit
 * colours that fell into it, so an image with at most 255 distinct colours
 * that differ in their top 5 bits comes back exact. No dithering: it
 * shimmers from frame to frame in an animation and makes files larger. */
#include "quantize.h"

#include <string.h>

#define QUANT_BITS 5
#define QUANT_LEVELS (1 << QUANT_BITS)
#define QUANT_BINS ((size_t)QUANT_LEVELS * QUANT_LEVELS * QUANT_LEVELS)
#define QUANT_SHIFT (8 - QUANT_BITS)
#define QUANT_CHANNELS 3

typedef struct quant_bin {
    uint64_t count;
    uint64_t sum[QUANT_CHANNELS];
} quant_bin;

/* A box: bins used[start..end) of the list of non-empty bins. */
typedef struct quant_box {
    uint32_t start, end;
    uint64_t count;
} quant_box;

struct quantizer {
    thumb_ctx *ctx;
    quant_bin *bins;     /* QUANT_BINS */
    uint16_t *used;      /* the non-empty bins, QUANT_BINS at most */
    uint16_t *sorted;    /* scratch for the counting sort */
    uint8_t *bin_to_box; /* palette index of each non-empty bin */
};

thumb_status quantizer_new(thumb_ctx *ctx, quantizer **out) {
    *out = NULL;
    quantizer *q = ctx_calloc(ctx, 1, sizeof *q);
    if (!q)
        return THUMB_ERR_NOMEM;
    q->ctx = ctx;
    q->bins = ctx_malloc(ctx, QUANT_BINS * sizeof *q->bins);
    q->used = ctx_malloc(ctx, QUANT_BINS * sizeof *q->used);
    q->sorted = ctx_malloc(ctx, QUANT_BINS * sizeof *q->sorted);
    q->bin_to_box = ctx_malloc(ctx, QUANT_BINS);
    if (!q->bins || !q->used || !q->sorted || !q->bin_to_box) {
        quantizer_free(q);
        return THUMB_ERR_NOMEM;
    }
    *out = q;
    return THUMB_OK;
}

void quantizer_free(quantizer *q) {
    if (!q)
        return;
    ctx_free(q->ctx, q->bins);
    ctx_free(q->ctx, q->used);
    ctx_free(q->ctx, q->sorted);
    ctx_free(q->ctx, q->bin_to_box);
    ctx_free(q->ctx, q);
}

static uint32_t bin_of(const uint8_t *px) {
    return (uint32_t)(px[0] >> QUANT_SHIFT) << (2 * QUANT_BITS) |
           (uint32_t)(px[1] >> QUANT_SHIFT) << QUANT_BITS |
           (uint32_t)(px[2] >> QUANT_SHIFT);
}

static uint32_t bin_channel(uint32_t bin, int c) {
    return bin >> ((QUANT_CHANNELS - 1 - c) * QUANT_BITS) & (QUANT_LEVELS - 1);
}

/* The channel with the widest range in the box, and that range. */
static uint32_t widest_channel(const quantizer *q, const quant_box *b,
                               int *channel) {
    uint32_t lo[QUANT_CHANNELS], hi[QUANT_CHANNELS];
    for (int c = 0; c < QUANT_CHANNELS; c++) {
        lo[c] = QUANT_LEVELS;
        hi[c] = 0;
    }
    for (uint32_t i = b->start; i < b->end; i++)
        for (int c = 0; c < QUANT_CHANNELS; c++) {
            uint32_t v = bin_channel(q->used[i], c);
            lo[c] = v < lo[c] ? v : lo[c];
            hi[c] = v > hi[c] ? v : hi[c];
        }
    uint32_t best = 0;
    *channel = 0;
    for (int c = 0; c < QUANT_CHANNELS; c++)
        if (hi[c] - lo[c] > best) {
            best = hi[c] - lo[c];
            *channel = c;
        }
    return best;
}

/* Sorts the box's bins by one channel (a stable counting sort: 32 keys). */
static void sort_box(quantizer *q, const quant_box *b, int channel) {
    uint32_t start[QUANT_LEVELS + 1] = {0};
    for (uint32_t i = b->start; i < b->end; i++)
        start[bin_channel(q->used[i], channel) + 1]++;
    for (int v = 0; v < QUANT_LEVELS; v++)
        start[v + 1] += start[v];
    for (uint32_t i = b->start; i < b->end; i++)
        q->sorted[start[bin_channel(q->used[i], channel)]++] = q->used[i];
    memcpy(q->used + b->start, q->sorted,
           (size_t)(b->end - b->start) * sizeof *q->used);
}

/* Splits box b at its population median into b and *half; 0 when it holds
 * a single bin. */
static int split_box(quantizer *q, quant_box *b, quant_box *half) {
    int channel;
    if (b->end - b->start < 2 || widest_channel(q, b, &channel) == 0)
        return 0;
    sort_box(q, b, channel);
    uint64_t below = 0;
    uint32_t cut = b->start;
    /* At least one bin on each side. */
    while (cut < b->end - 1 &&
           below + q->bins[q->used[cut]].count <= b->count / 2)
        below += q->bins[q->used[cut++]].count;
    if (cut == b->start)
        below += q->bins[q->used[cut++]].count;
    *half = (quant_box){cut, b->end, b->count - below};
    b->end = cut;
    b->count = below;
    return 1;
}

/* The box to split next: the most populous that can be split. */
static int pick_box(const quant_box *boxes, int count, const int *final) {
    int best = -1;
    for (int i = 0; i < count; i++)
        if (!final[i] && (best < 0 || boxes[i].count > boxes[best].count))
            best = i;
    return best;
}

thumb_status quantize_rgba(quantizer *q, const uint8_t *rgba, size_t pixels,
                           int keep_transparent, quant_palette *pal,
                           uint8_t *indices) {
    memset(q->bins, 0, QUANT_BINS * sizeof *q->bins);
    int any_transparent = keep_transparent;
    for (size_t i = 0; i < pixels; i++) {
        const uint8_t *px = rgba + i * 4;
        if (px[3] < QUANT_ALPHA_THRESHOLD) {
            any_transparent = 1;
            continue;
        }
        quant_bin *b = &q->bins[bin_of(px)];
        b->count++;
        for (int c = 0; c < QUANT_CHANNELS; c++)
            b->sum[c] += px[c];
    }
    uint32_t used = 0;
    uint64_t opaque = 0;
    for (uint32_t bin = 0; bin < QUANT_BINS; bin++)
        if (q->bins[bin].count) {
            q->used[used++] = (uint16_t)bin;
            opaque += q->bins[bin].count;
        }

    pal->transparent = any_transparent ? 0 : -1;
    int first = any_transparent ? 1 : 0;
    int max_boxes = QUANT_MAX_COLORS - first;
    quant_box boxes[QUANT_MAX_COLORS];
    int final[QUANT_MAX_COLORS] = {0};
    int nboxes = 0;
    if (used) {
        boxes[0] = (quant_box){0, used, opaque};
        nboxes = 1;
    }
    while (nboxes < max_boxes) {
        int i = pick_box(boxes, nboxes, final);
        if (i < 0)
            break;
        if (!split_box(q, &boxes[i], &boxes[nboxes]))
            final[i] = 1;
        else
            nboxes++;
    }

    memset(pal->rgb, 0, sizeof pal->rgb);
    for (int i = 0; i < nboxes; i++) {
        uint64_t sum[QUANT_CHANNELS] = {0};
        for (uint32_t j = boxes[i].start; j < boxes[i].end; j++) {
            const quant_bin *b = &q->bins[q->used[j]];
            for (int c = 0; c < QUANT_CHANNELS; c++)
                sum[c] += b->sum[c];
            q->bin_to_box[q->used[j]] = (uint8_t)(first + i);
        }
        for (int c = 0; c < QUANT_CHANNELS; c++)
            pal->rgb[first + i][c] =
                (uint8_t)((sum[c] + boxes[i].count / 2) / boxes[i].count);
    }
    pal->colors = first + nboxes;
    if (pal->colors == 0)
        pal->colors = 1; /* an empty image still needs a table */

    for (size_t i = 0; i < pixels; i++) {
        const uint8_t *px = rgba + i * 4;
        indices[i] =
            px[3] < QUANT_ALPHA_THRESHOLD ? 0 : q->bin_to_box[bin_of(px)];
    }
    return THUMB_OK;
}
