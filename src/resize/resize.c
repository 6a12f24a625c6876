/* Separable Lanczos3 in fixed point, streamed: planning the tap sets and
 * moving rows through the ring. The arithmetic lives in the kernels
 * (resize_kernels.h); this file decides what they run on.
 *
 * Weights, per axis, planned once by resize_new():
 *   first[i]   first source index of output sample i
 *   count[i]   number of taps, contiguous source indices from first[i]
 *   weights    int16 Q14, tap_stride per output, zero beyond count[i];
 *              tap_stride is a multiple of TAP_ALIGN, so a kernel may run
 *              over count[i] rounded up to TAP_ALIGN with fixed strides.
 *   Every set sums to exactly WEIGHT_ONE. Edge taps are clamped into the
 *   image, so one source pixel carries the weight of every tap that fell
 *   off that edge; sets never reach outside [0, src).
 *
 * Data flow in resize_run(), without alpha: each source row is pulled from
 * the row source (one row per call) straight into a slot of a ring of
 * source rows. As soon as the last source row of output row y has
 * arrived, the vertical pass filters the ring rows of y into one Q6 row
 * over the columns the horizontal taps touch, and the horizontal pass
 * turns that into output row y. With alpha, each row is pulled into a
 * scratch row, premultiplied into Q6 and filtered horizontally into its
 * ring slot (dst_width wide); output row y is then the vertical pass over
 * the ring, unpremultiplied. The ring holds as many rows as the tallest
 * vertical tap set needs, so memory grows with width, never with height.
 * 8-bit RGBA, where most of the time goes, takes the kernels' pair path
 * when they have one: rows premultiplied in pixel pairs and filtered two
 * at a time over windows of one length (pair_plan()), the second row of
 * a pair in inter, an odd row left over filtered before the vertical
 * pass reads it. The horizontal pass then does all of a row's outputs
 * in register-sized steps, with no shuffle before a multiply-add.
 *
 * Intermediate precision: int16 with INTER_BITS = 6 fraction bits (the
 * sample value times 64). An 8-bit intermediate, as Pillow-SIMD uses, rounds
 * twice and clips the ringing of the first pass before the second sees it:
 * about 0.4 LSB RMS error, and premultiplied 8-bit values lose most of
 * their bits at low alpha. Q6 keeps 1/64 LSB and is still int16, so both
 * passes multiply int16 by int16 into int32 (pmaddwd, vpdpwssd, vmlal_s16).
 *
 * Rounding: every accumulator starts at half of its final divisor and is
 * shifted right arithmetically (floor), which is what srai/vshr do. */
#include "resize.h"

#include "../ctx.h"
#include "resize_convert.h"
#include "resize_kernels.h"
#include "resize_test.h"

#include <math.h>
#include <string.h>

_Static_assert(RESIZE_Q6_ROW_SLACK >= ROW_SLACK,
               "Q6 output rows need the kernels' slack");

/* The number of lobes of the Lanczos kernel: a = 3. */
#define LANCZOS_A 3
/* pi, spelled out: M_PI is not in C11. */
#define RESIZE_PI 3.14159265358979323846
/* Below this |x| the kernel equals 1 to double precision (1 - 1.8 x^2),
 * and the sinc quotient would divide by an underflowing x^2. */
#define LANCZOS_TINY 1e-8
/* The int32 accumulators cannot overflow as long as sum |weight| times the
 * largest int16 input stays below 2^31: this bounds sum |weight| (Q14).
 * Normalised Lanczos3 sets are near 1.3, far inside the bound of 4. */
#define MAX_ABS_WEIGHT_SUM ((INT32_MAX - (1 << (H_SHIFT - 1))) / 32768)

struct resize {
    thumb_ctx *ctx;
    resize_geometry g;
    const resize_kernels *kernels;
    int identity;
    int alpha;
    /* Samples that the kernels do not convert themselves, 16-bit or
     * linear light: rows go through conv on the way in and out. */
    int wide;
    resize_convert conv;
    /* Horizontal first (images with alpha, wide rows): see plan(). */
    int hfirst;
    resize_axis h, v;
    uint32_t ring_rows;
    size_t row_samples; /* src_width x channels */
    size_t ring_stride; /* bytes per ring row, slack included */
    size_t col_start;   /* samples the vertical pass covers: the columns */
    size_t col_len;     /* the horizontal taps touch */
    uint8_t *raw;       /* a source row that does not go to the ring */
    int16_t *premul;    /* hfirst: raw in Q6, premultiplied */
    /* Pair-ordered RGBA (premultiply_pairs): premul and a second row, so
     * that horizontal_pairs filters rows two at a time. premul2 lives in
     * inter, which only filter_row() uses, and never while a pair is half
     * done. pending: premul holds row pending_row, not yet filtered into
     * its ring slot. */
    int16_t *premul2;
    int pending;
    uint32_t pending_row;
    /* The allocations that premul and inter lie in, ROW_ALIGN-aligned. */
    void *premul_block, *inter_block;
    uint8_t *ring;     /* ring_rows rows: source rows, 8-bit (vertical
                          first) or filtered Q6 dst_width rows (hfirst) */
    int16_t *inter;    /* the vertical pass's output, one Q6 row */
    const void **taps; /* ring rows of one output row, in tap order */
    /* Where a run is (resize_begin): source rows pulled, output rows
     * written. */
    uint32_t pulled, next_y;
};

/* The kernel at x, given sin(pi x) and sin(pi x / 3): the one formula
 * behind resize_lanczos3() and the planner's walk. */
static double lanczos3_of(double x, double sin_px, double sin_px3) {
    if (fabs(x) >= LANCZOS_A)
        return 0.0;
    if (fabs(x) < LANCZOS_TINY)
        return 1.0;
    double px = RESIZE_PI * x;
    /* sinc(x) * sinc(x / 3), with the two divisions folded into one. */
    return LANCZOS_A * sin_px * sin_px3 / (px * px);
}

double resize_lanczos3(double x) {
    double px = RESIZE_PI * x;
    return lanczos3_of(x, sin(px), sin(px / LANCZOS_A));
}

/* resize_lanczos3() at the taps x, x + dx, x + 2 dx... of one set, with
 * sin(pi x) and sin(pi x / 3) carried from tap to tap by rotation: two
 * sincos calls per set instead of two per tap, which took a millisecond
 * of a 4928 -> 852 plan, and two per axis for the step, the same for
 * every set (the first image of a process pays all of planning). The rotation's
 * rounding stays near 1e-15, far below a Q14 weight's step. */
typedef struct lanczos_walk {
    double s1, c1, s3, c3;     /* sin, cos of pi x and pi x / 3 */
    double ds1, dc1, ds3, dc3; /* the same of one step */
} lanczos_walk;

/* A walk of steps dx, not yet started. */
static lanczos_walk lanczos_walk_steps(double dx) {
    double pdx = RESIZE_PI * dx;
    lanczos_walk w = {0};
    w.ds1 = sin(pdx);
    w.dc1 = cos(pdx);
    w.ds3 = sin(pdx / LANCZOS_A);
    w.dc3 = cos(pdx / LANCZOS_A);
    return w;
}

static void lanczos_walk_start(lanczos_walk *w, double x) {
    double px = RESIZE_PI * x;
    w->s1 = sin(px);
    w->c1 = cos(px);
    w->s3 = sin(px / LANCZOS_A);
    w->c3 = cos(px / LANCZOS_A);
}

/* The kernel at x (the walk's current tap), then one step on. */
static double lanczos_walk_next(lanczos_walk *w, double x) {
    double v = lanczos3_of(x, w->s1, w->s3);
    double s1 = w->s1 * w->dc1 + w->c1 * w->ds1;
    w->c1 = w->c1 * w->dc1 - w->s1 * w->ds1;
    w->s1 = s1;
    double s3 = w->s3 * w->dc3 + w->c3 * w->ds3;
    w->c3 = w->c3 * w->dc3 - w->s3 * w->ds3;
    w->s3 = s3;
    return v;
}

/* floor(v) for v in the int16 range, for the weights' rounding, once per
 * tap: GCC's floor() for the x86-64 baseline (no roundsd before SSE4.1)
 * is a long inline sequence. Returns 0 when v is out of range or NaN. */
static int q14_floor(double v, int16_t *q) {
    if (!(v >= INT16_MIN && v < INT16_MAX + 1.0))
        return 0;
    int32_t t = (int32_t)v; /* towards zero */
    *q = (int16_t)((double)t > v ? t - 1 : t);
    return 1;
}

static void axis_release(thumb_ctx *ctx, resize_axis *ax) {
    ctx_free(ctx, ax->first);
    ctx_free(ctx, ax->count);
    ctx_free(ctx, ax->weights);
    ax->first = ax->count = NULL;
    ax->weights = NULL;
}

/* Plans the weights of one axis: out outputs starting at crop in a
 * src -> scaled resize, the src samples spanning extent (0: src). */
static thumb_status axis_plan(thumb_ctx *ctx, resize_axis *ax, uint32_t src,
                              double extent, uint32_t scaled, uint32_t crop,
                              uint32_t out, const char *name) {
    double scale = (extent > 0 ? extent : (double)src) / (double)scaled;
    /* Shrinking widens the kernel so that it covers scale source pixels per
     * lobe (a low-pass filter at the new rate); enlarging interpolates. */
    double widen = scale > 1.0 ? scale : 1.0;
    double support = LANCZOS_A * widen;
    /* floor(c + s) - ceil(c - s) <= 2s; one more for the rounding of c +-
     * s, and clamped taps never reach beyond the image. */
    double span = floor(2.0 * support) + 2.0;
    uint32_t bound = span < (double)src ? (uint32_t)span : src;
    uint32_t stride = (bound + TAP_ALIGN - 1) / TAP_ALIGN * TAP_ALIGN;
    if (stride < bound) /* bound near UINT32_MAX wrapped */
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "resize: %s %u -> %u needs too many taps", name, src,
                        scaled);

    int ok = 1;
    size_t nweights = size_mul(out, stride, &ok);
    size_t weight_bytes = size_mul(nweights, sizeof(int16_t), &ok);
    size_t tmp_bytes = size_mul(bound, sizeof(double), &ok);
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "resize: %s %u -> %u: weights of %u x %u taps "
                        "overflow size_t",
                        name, src, scaled, out, stride);

    thumb_status st = THUMB_OK;
    double *tmp = ctx_malloc(ctx, tmp_bytes);
    ax->first = ctx_calloc(ctx, out, sizeof *ax->first);
    ax->count = ctx_calloc(ctx, out, sizeof *ax->count);
    ax->weights = ctx_malloc(ctx, weight_bytes);
    if (!tmp || !ax->first || !ax->count || !ax->weights) {
        st = THUMB_ERR_NOMEM;
        goto done;
    }
    memset(ax->weights, 0, weight_bytes);
    ax->out_count = out;
    ax->tap_stride = stride;
    ax->max_taps = 0;
    ax->min_taps = UINT32_MAX;
    ax->min_first = src - 1;
    ax->max_last = 0;

    const lanczos_walk steps = lanczos_walk_steps(1.0 / widen);
    for (uint32_t i = 0; i < out; i++) {
        double centre = ((double)crop + i + 0.5) * scale - 0.5;
        int64_t lo = (int64_t)ceil(centre - support);
        int64_t hi = (int64_t)floor(centre + support);
        int64_t first = lo < 0 ? 0 : lo > (int64_t)src - 1 ? src - 1 : lo;
        int64_t last = hi < 0 ? 0 : hi > (int64_t)src - 1 ? src - 1 : hi;
        if (last < first || last - first + 1 > (int64_t)bound) {
            st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                          "resize: %s tap set %u spans [%lld, %lld] of %u",
                          name, i, (long long)first, (long long)last, bound);
            goto done;
        }
        uint32_t n = (uint32_t)(last - first + 1);
        memset(tmp, 0, n * sizeof *tmp);
        double sum = 0.0;
        lanczos_walk walk = steps;
        lanczos_walk_start(&walk, ((double)lo - centre) / widen);
        for (int64_t j = lo; j <= hi; j++) {
            int64_t s = j < first ? first : j > last ? last : j;
            double w = lanczos_walk_next(&walk, ((double)j - centre) / widen);
            tmp[s - first] += w;
            sum += w;
        }
        if (!(sum > 0.0)) {
            st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                          "resize: %s tap set %u has weight sum %g", name, i,
                          sum);
            goto done;
        }

        /* Round each weight, then give the rounding error of the sum to the
         * largest weight, where it changes the shape least: each set then
         * sums to exactly WEIGHT_ONE, so flat areas stay exactly flat. */
        int16_t *w = ax->weights + (size_t)i * stride;
        int64_t qsum = 0;
        uint32_t largest = 0;
        for (uint32_t k = 0; k < n; k++) {
            if (!q14_floor(tmp[k] / sum * WEIGHT_ONE + 0.5, &w[k])) {
                st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                              "resize: %s weight %g out of Q14 range", name,
                              tmp[k] / sum);
                goto done;
            }
            qsum += w[k];
            if (tmp[k] > tmp[largest])
                largest = k;
        }
        int64_t fixed = w[largest] + (WEIGHT_ONE - qsum);
        if (fixed < INT16_MIN || fixed > INT16_MAX) {
            st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                          "resize: %s weights of set %u do not normalise", name,
                          i);
            goto done;
        }
        w[largest] = (int16_t)fixed;

        /* Zero taps at either end cost time and nothing else: an identity
         * axis becomes one tap per output. */
        uint32_t lead = 0;
        while (lead < largest && w[lead] == 0)
            lead++;
        while (n > largest + 1 && w[n - 1] == 0)
            n--;
        if (lead > 0) {
            memmove(w, w + lead, (n - lead) * sizeof *w);
            memset(w + n - lead, 0, lead * sizeof *w);
            n -= lead;
        }

        int64_t abs_sum = 0;
        for (uint32_t k = 0; k < n; k++)
            abs_sum += w[k] < 0 ? -w[k] : w[k];
        if (abs_sum > MAX_ABS_WEIGHT_SUM) {
            st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                          "resize: %s weights of set %u could overflow the "
                          "accumulator",
                          name, i);
            goto done;
        }

        uint32_t f = (uint32_t)first + lead;
        ax->first[i] = f;
        ax->count[i] = n;
        if (n > ax->max_taps)
            ax->max_taps = n;
        if (n < ax->min_taps)
            ax->min_taps = n;
        if (f < ax->min_first)
            ax->min_first = f;
        if (f + n - 1 > ax->max_last)
            ax->max_last = f + n - 1;
    }

done:
    ctx_free(ctx, tmp);
    return st;
}

/* dst as a copy of src's tap sets (no pair or quad windows). */
static thumb_status axis_copy(thumb_ctx *ctx, resize_axis *dst,
                              const resize_axis *src) {
    /* Sizes that src's planning already checked. */
    size_t sets = src->out_count;
    size_t weights = sets * src->tap_stride * sizeof *src->weights;
    *dst = *src;
    dst->pair_first = NULL;
    dst->pair_weights = NULL;
    dst->pair_taps = 0;
    dst->quad_first = NULL;
    dst->quad_weights = NULL;
    dst->quad_taps = 0;
    dst->first = ctx_malloc(ctx, sets * sizeof *dst->first);
    dst->count = ctx_malloc(ctx, sets * sizeof *dst->count);
    dst->weights = ctx_malloc(ctx, weights);
    if (!dst->first || !dst->count || !dst->weights)
        return THUMB_ERR_NOMEM;
    memcpy(dst->first, src->first, sets * sizeof *dst->first);
    memcpy(dst->count, src->count, sets * sizeof *dst->count);
    memcpy(dst->weights, src->weights, weights);
    return THUMB_OK;
}

/* The horizontal sets of a one-channel axis again as windows of four
 * (resize_axis.quad_first): a kernel then loads 8 samples once for four
 * outputs' taps, where sets taken one by one load them per output and
 * sum each set across on its own. A window starts at its first set's
 * first sample, or earlier where the image ends, so that it never reaches
 * past max(src, quad_taps); none is planned when the longest would pass
 * QUAD_MAX_TAPS (a strong shrink: the sets alone are cheaper). */
static thumb_status quad_plan(thumb_ctx *ctx, resize_axis *ax) {
    uint32_t groups = (ax->out_count + 3) / 4, longest = 0, end = 0;
    /* Each window's start: its sets' first sample, clamped below. */
    uint32_t *first = ctx_calloc(ctx, groups, sizeof *first);
    if (!first)
        return THUMB_ERR_NOMEM;
    ax->quad_first = first;
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t lo = UINT32_MAX, hi = 0;
        for (uint32_t i = 4 * g; i < 4 * g + 4 && i < ax->out_count; i++) {
            if (ax->first[i] < lo)
                lo = ax->first[i];
            if (ax->first[i] + ax->count[i] > hi)
                hi = ax->first[i] + ax->count[i];
        }
        first[g] = lo;
        if (hi - lo > longest)
            longest = hi - lo;
        if (hi > end)
            end = hi;
    }
    uint32_t taps = (longest + TAP_ALIGN - 1) / TAP_ALIGN * TAP_ALIGN;
    if (taps > QUAD_MAX_TAPS) {
        ctx_free(ctx, first);
        ax->quad_first = NULL;
        return THUMB_OK;
    }
    uint32_t last_start = end > taps ? end - taps : 0;
    int ok = 1;
    size_t count = size_mul(size_mul(groups, taps, &ok), 4, &ok);
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "resize: quad windows of %u x %u taps overflow "
                        "size_t",
                        groups, taps);
    ax->quad_weights = ctx_calloc(ctx, count, sizeof *ax->quad_weights);
    if (!ax->quad_weights)
        return THUMB_ERR_NOMEM;
    ax->quad_taps = taps;
    for (uint32_t g = 0; g < groups; g++) {
        if (first[g] > last_start)
            first[g] = last_start;
        uint32_t start = first[g];
        int16_t *window = ax->quad_weights + (size_t)g * taps * 4;
        for (uint32_t i = 4 * g; i < 4 * g + 4 && i < ax->out_count; i++) {
            const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
            for (uint32_t k = 0; k < ax->count[i]; k++) {
                uint32_t t = ax->first[i] - start + k;
                window[t / TAP_ALIGN * TAP_ALIGN * 4 + (i % 4) * TAP_ALIGN +
                       t % TAP_ALIGN] = w[k];
            }
        }
    }
    return THUMB_OK;
}

/* The ring must hold, when output row y is filtered, every row from its
 * first tap up to the last row pulled so far (the largest last tap of the
 * rows before it, since trimmed sets need not be monotonic). */
static uint32_t ring_rows_needed(const resize_axis *v) {
    uint32_t rows = 1, pulled_last = 0;
    for (uint32_t y = 0; y < v->out_count; y++) {
        uint32_t last = v->first[y] + v->count[y] - 1;
        if (last > pulled_last)
            pulled_last = last;
        uint32_t need = pulled_last - v->first[y] + 1;
        if (need > rows)
            rows = need;
    }
    return rows;
}

/* The horizontal sets again as windows of one length (resize_axis.
 * pair_first): a kernel that multiplies pixel pairs reads them from a
 * pair-ordered row, four outputs in step. A window starts at its set's
 * first pixel rounded down to a multiple of align (even), or earlier
 * where the image ends, so that it never reaches past max(src rounded up
 * to align, pair_taps). */
static thumb_status pair_plan(thumb_ctx *ctx, resize_axis *ax, uint32_t src,
                              uint32_t align) {
    uint32_t longest = 0;
    for (uint32_t i = 0; i < ax->out_count; i++) {
        uint32_t n = ax->count[i] + ax->first[i] % align;
        if (n > longest)
            longest = n;
    }
    /* A multiple of align too (both are powers of two), so that the last
     * start, end - taps, is one. */
    uint32_t step = align > PAIR_ALIGN ? align : PAIR_ALIGN;
    uint32_t taps = (longest + step - 1) / step * step;
    uint32_t end = (src + align - 1) / align * align;
    uint32_t last_start = end > taps ? end - taps : 0;
    int ok = 1;
    size_t count = size_mul(ax->out_count, taps, &ok);
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "resize: pair windows of %u x %u taps overflow "
                        "size_t",
                        ax->out_count, taps);
    ax->pair_first = ctx_calloc(ctx, ax->out_count, sizeof *ax->pair_first);
    ax->pair_weights = ctx_calloc(ctx, count, sizeof *ax->pair_weights);
    if (!ax->pair_first || !ax->pair_weights)
        return THUMB_ERR_NOMEM;
    ax->pair_taps = taps;
    for (uint32_t i = 0; i < ax->out_count; i++) {
        uint32_t start = ax->first[i] / align * align;
        if (start > last_start)
            start = last_start;
        ax->pair_first[i] = start;
        memcpy(ax->pair_weights + (size_t)i * taps + (ax->first[i] - start),
               ax->weights + (size_t)i * ax->tap_stride,
               ax->count[i] * sizeof *ax->weights);
    }
    return THUMB_OK;
}

/* block rounded up to ROW_ALIGN bytes; NULL stays NULL. */
static int16_t *align_row(void *block) {
    if (!block)
        return NULL;
    size_t past = (size_t)((uintptr_t)block % ROW_ALIGN);
    return (int16_t *)(void *)((char *)block + (past ? ROW_ALIGN - past : 0));
}

static int depth_or_8(int depth) {
    return depth ? depth : 8;
}

static thumb_status check_geometry(thumb_ctx *ctx, const resize_geometry *g) {
    if (g->channels < 1 || g->channels > 4)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: %d channels (must be 1 to 4)", g->channels);
    int src_depth = depth_or_8(g->src_depth),
        dst_depth = depth_or_8(g->dst_depth);
    if ((src_depth != 8 && src_depth != 16) ||
        (dst_depth != 8 && dst_depth != 16))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: %d-bit to %d-bit samples (must be 8 or 16)",
                        src_depth, dst_depth);
    if (!g->src_width || !g->src_height || !g->scaled_width ||
        !g->scaled_height || !g->dst_width || !g->dst_height)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: empty size in %ux%u -> %ux%u -> %ux%u",
                        g->src_width, g->src_height, g->scaled_width,
                        g->scaled_height, g->dst_width, g->dst_height);
    if (g->dst_q6 && (channels_have_alpha(g->channels) ||
                      depth_or_8(g->src_depth) != 8 || g->linear))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: Q6 output of %d channels, %d-bit%s",
                        g->channels, depth_or_8(g->src_depth),
                        g->linear ? ", linear" : "");
    /* A span differs from the sample count by the half sample that an odd
     * size leaves over, never more. */
    if ((g->extent_width != 0 && !(g->extent_width > g->src_width - 1.0 &&
                                   g->extent_width <= g->src_width)) ||
        (g->extent_height != 0 && !(g->extent_height > g->src_height - 1.0 &&
                                    g->extent_height <= g->src_height)))
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: span %gx%g does not fit %ux%u samples",
                        g->extent_width, g->extent_height, g->src_width,
                        g->src_height);
    if ((uint64_t)g->crop_x + g->dst_width > g->scaled_width ||
        (uint64_t)g->crop_y + g->dst_height > g->scaled_height)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: window %ux%u at (%u, %u) lies outside the "
                        "scaled %ux%u",
                        g->dst_width, g->dst_height, g->crop_x, g->crop_y,
                        g->scaled_width, g->scaled_height);
    return THUMB_OK;
}

/* Plans the tap sets (or copies those of like, planned for the same
 * geometry) and allocates the ring and rows. */
static thumb_status plan(resize *r, const resize *like) {
    thumb_ctx *ctx = r->ctx;
    const resize_geometry *g = &r->g;
    thumb_status st =
        like ? axis_copy(ctx, &r->h, &like->h)
             : axis_plan(ctx, &r->h, g->src_width, g->extent_width,
                         g->scaled_width, g->crop_x, g->dst_width, "width");
    if (st != THUMB_OK)
        return st;
    st = like ? axis_copy(ctx, &r->v, &like->v)
              : axis_plan(ctx, &r->v, g->src_height, g->extent_height,
                          g->scaled_height, g->crop_y, g->dst_height, "height");
    if (st != THUMB_OK)
        return st;
    r->ring_rows = ring_rows_needed(&r->v);

    size_t channels = (size_t)g->channels;
    r->col_start = (size_t)r->h.min_first * channels;
    r->col_len = ((size_t)r->h.max_last + 1) * channels - r->col_start;

    /* With alpha, rows are premultiplied into Q6 int16 before either pass.
     * Vertical first would keep int16 source rows in the ring, twice the
     * bytes of 8-bit ones: a ring of a wide image then outgrows the L2
     * cache and the vertical pass, which reads each row once per output
     * row it feeds, waits on memory. Filtering each row horizontally first
     * leaves the ring dst_width wide. Without alpha the 8-bit ring is half
     * the size and the vertical pass, the cheaper per tap, goes first. */
    r->hfirst = r->alpha || r->wide;
    /* 8-bit RGBA goes through horizontal_pairs where a kernel has it
     * (resize_test_set_kernels may swap the table later: plan anyway). */
    if (g->channels == 4 && !r->wide) {
        uint32_t align = r->kernels->horizontal_pairs ? r->kernels->pair_align
                                                      : PAIR_START_EVEN;
        st = pair_plan(ctx, &r->h, g->src_width, align);
        if (st != THUMB_OK)
            return st;
    }
    /* One channel (a JPEG's planes, grey) also in windows of four, for
     * every kernel table as the pairs are. */
    if (g->channels == 1) {
        st = quad_plan(ctx, &r->h);
        if (st != THUMB_OK)
            return st;
    }

    /* Every row carries ROW_SLACK spare samples, so kernels run whole
     * registers past the end; the horizontal pass also reads a tap set
     * rounded up to TAP_ALIGN pixels, zero-weighted. */
    int ok = 1;
    r->row_samples = size_mul(g->src_width, channels, &ok);
    size_t slack = (size_t)TAP_ALIGN * channels + ROW_SLACK;
    size_t padded = r->row_samples + slack;
    if (padded < slack)
        ok = 0;
    size_t ring_samples =
        r->hfirst ? (size_t)g->dst_width * channels + slack : padded;
    size_t sample_bytes = r->hfirst ? sizeof(int16_t) : 1;
    size_t raw_bytes = size_mul(padded, g->src_depth == 16 ? 2 : 1, &ok);
    r->ring_stride = size_mul(ring_samples, sample_bytes, &ok);
    size_t ring_bytes = size_mul(r->ring_stride, r->ring_rows, &ok);
    /* The vertical pass's output: a source row, or (hfirst) a ring row,
     * which is wider when enlarging; and premul2. Rows from a ROW_ALIGN
     * boundary, so one more line of samples. */
    const size_t line = ROW_ALIGN / sizeof(int16_t);
    size_t inter_samples = (padded > ring_samples ? padded : ring_samples);
    if (inter_samples > SIZE_MAX - line) /* and so padded, no larger */
        ok = 0;
    if (!ok)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "resize: buffers for %ux%u -> %ux%u overflow size_t",
                        g->src_width, g->src_height, g->dst_width,
                        g->dst_height);
    r->raw = ctx_calloc(ctx, raw_bytes, 1);
    r->ring = ctx_calloc(ctx, ring_bytes, 1);
    r->inter_block = ctx_calloc(ctx, inter_samples + line, sizeof *r->inter);
    r->inter = align_row(r->inter_block);
    if (r->hfirst) {
        r->premul_block = ctx_calloc(ctx, padded + line, sizeof *r->premul);
        r->premul = align_row(r->premul_block);
    }
    if (r->h.pair_weights)
        r->premul2 = r->inter;
    /* One spare entry: an odd tap set is padded to an even one. */
    r->taps = ctx_calloc(ctx, (size_t)r->ring_rows + 1, sizeof *r->taps);
    if (!r->raw || !r->ring || !r->inter || !r->taps ||
        (r->hfirst && !r->premul))
        return THUMB_ERR_NOMEM;
    return resize_convert_init(ctx, &r->conv, g->channels, g->src_depth,
                               g->dst_depth, g->linear);
}

static int same_geometry(const resize_geometry *a, const resize_geometry *b);

thumb_status resize_new(thumb_ctx *ctx, const resize_geometry *g,
                        resize **out) {
    return resize_new_like(ctx, g, NULL, out);
}

thumb_status resize_new_like(thumb_ctx *ctx, const resize_geometry *g,
                             const resize *like, resize **out) {
    *out = NULL;
    if (like && (like->identity || !same_geometry(&like->g, g)))
        like = NULL;
    thumb_status st = check_geometry(ctx, g);
    if (st != THUMB_OK)
        return st;
    const resize_kernels *kernels;
    st = resize_select_kernels(ctx, g->simd, &kernels);
    if (st != THUMB_OK)
        return st;
    resize *r = ctx_calloc(ctx, 1, sizeof *r);
    if (!r)
        return THUMB_ERR_NOMEM;
    r->ctx = ctx;
    r->g = *g;
    r->g.src_depth = depth_or_8(g->src_depth);
    r->g.dst_depth = depth_or_8(g->dst_depth);
    r->kernels = kernels;
    r->alpha = channels_have_alpha(g->channels);
    r->wide = r->g.src_depth == 16 || r->g.dst_depth == 16 || g->linear;
    /* Linear light changes nothing when nothing is filtered. */
    r->identity =
        g->src_width == g->scaled_width && g->src_width == g->dst_width &&
        g->src_height == g->scaled_height && g->src_height == g->dst_height &&
        g->crop_x == 0 && g->crop_y == 0 && r->g.src_depth == r->g.dst_depth &&
        (g->extent_width == 0 || g->extent_width == g->src_width) &&
        (g->extent_height == 0 || g->extent_height == g->src_height) &&
        !g->dst_q6;
    if (!r->identity)
        st = plan(r, like);
    if (st != THUMB_OK) {
        resize_free(r);
        return st;
    }
    *out = r;
    return THUMB_OK;
}

void resize_free(resize *r) {
    if (!r)
        return;
    thumb_ctx *ctx = r->ctx;
    axis_release(ctx, &r->h);
    axis_release(ctx, &r->v);
    ctx_free(ctx, r->raw);
    ctx_free(ctx, r->ring);
    ctx_free(ctx, r->inter_block);
    ctx_free(ctx, r->premul_block);
    ctx_free(ctx, r->taps);
    ctx_free(ctx, r->h.pair_first);
    ctx_free(ctx, r->h.pair_weights);
    ctx_free(ctx, r->h.quad_first);
    ctx_free(ctx, r->h.quad_weights);
    resize_convert_release(ctx, &r->conv);
    ctx_free(ctx, r);
}

const char *resize_kernels_name(const resize *r) {
    return r->kernels->name;
}

static void *ring_slot(const resize *r, uint32_t row) {
    return r->ring + (size_t)(row % r->ring_rows) * r->ring_stride;
}

/* Output row y from the ring: vertical, then horizontal (or, horizontal
 * first, vertical and out of Q6). */
static void filter_row(resize *r, uint32_t y, uint8_t *dst) {
    if (r->pending) {
        const int16_t *const src[1] = {r->premul};
        int16_t *const into[1] = {ring_slot(r, r->pending_row)};
        r->kernels->horizontal_pairs(&r->h, src, into, 1);
        r->pending = 0;
    }
    const resize_axis *ax = &r->v;
    const int16_t *w = ax->weights + (size_t)y * ax->tap_stride;
    uint32_t n = ax->count[y];
    size_t offset = r->hfirst ? 0 : r->col_start;
    for (uint32_t k = 0; k < n; k++)
        r->taps[k] = (const uint8_t *)ring_slot(r, ax->first[y] + k) + offset;
    /* An odd set gets a zero weight (tap_stride pads with zeros) on a row
     * it already reads, so the kernels take taps in pairs. */
    uint32_t even = n + (n & 1);
    if (n & 1)
        r->taps[n] = r->taps[n - 1];
    if (r->hfirst) {
        r->kernels->vertical_q6((const int16_t *const *)r->taps, w, even,
                                (size_t)r->g.dst_width * r->g.channels,
                                r->inter);
        if (r->alpha && !r->wide && r->kernels->unpremultiply)
            r->kernels->unpremultiply(r->inter, dst, r->g.dst_width,
                                      r->g.channels);
        else
            resize_convert_out(&r->conv, r->inter, dst, r->g.dst_width);
        return;
    }
    r->kernels->vertical_u8((const uint8_t *const *)r->taps, w, even,
                            r->col_len, r->inter + r->col_start);
    if (r->g.dst_q6)
        r->kernels->horizontal_q6(&r->h, r->inter, (int16_t *)(void *)dst,
                                  r->g.channels);
    else
        r->kernels->horizontal(&r->h, r->inter, dst, r->g.channels);
}

/* Pulls source row `row` into its ring slot, or into the scratch row when
 * no output needs it (the source is always read to the end). */
static thumb_status pull_row(resize *r, resize_row_source source, void *opaque,
                             uint32_t row) {
    int wanted = row >= r->v.min_first && row <= r->v.max_last;
    /* Vertical first, source rows go to the ring as they are; horizontal
     * first, they are converted and filtered into it. */
    uint8_t *into = wanted && !r->hfirst ? ring_slot(r, row) : r->raw;
    thumb_status st = source(opaque, &into, 1);
    if (st != THUMB_OK || !wanted || !r->hfirst)
        return st;
    if (r->h.pair_weights && r->kernels->horizontal_pairs) {
        /* Every second row filters both; filter_row() flushes an odd one
         * before the vertical pass reads it. */
        int16_t *pre = r->pending ? r->premul2 : r->premul;
        r->kernels->premultiply_pairs(r->raw, pre, r->g.src_width);
        if (!r->pending) {
            r->pending = 1;
            r->pending_row = row;
            return THUMB_OK;
        }
        const int16_t *const src[2] = {r->premul, r->premul2};
        int16_t *const dst[2] = {ring_slot(r, r->pending_row),
                                 ring_slot(r, row)};
        r->kernels->horizontal_pairs(&r->h, src, dst, 2);
        r->pending = 0;
        return THUMB_OK;
    }
    if (r->wide)
        resize_convert_in(&r->conv, r->raw, r->premul, r->g.src_width);
    else
        r->kernels->premultiply(r->raw, r->premul, r->g.src_width,
                                r->g.channels);
    r->kernels->horizontal_q6(&r->h, r->premul, ring_slot(r, row),
                              r->g.channels);
    return THUMB_OK;
}

thumb_status resize_run(resize *r, resize_row_source source, void *opaque,
                        image *dst) {
    const resize_geometry *g = &r->g;
    if (!dst->px || dst->width != g->dst_width ||
        dst->height != g->dst_height || dst->channels != g->channels ||
        dst->depth != g->dst_depth ||
        dst->stride < (size_t)g->dst_width * image_pixel_bytes(dst))
        return ctx_fail(r->ctx, THUMB_ERR_INTERNAL,
                        "resize: output image %ux%ux%d (%d-bit) does not "
                        "match the plan %ux%ux%d (%d-bit)",
                        dst->width, dst->height, dst->channels, dst->depth,
                        g->dst_width, g->dst_height, g->channels, g->dst_depth);

    resize_begin(r);
    for (uint32_t y = 0; y < g->dst_height; y++) {
        thumb_status st = resize_next_row(r, source, opaque, image_row(dst, y));
        if (st != THUMB_OK)
            return st;
    }
    return resize_finish(r, source, opaque);
}

thumb_status resize_finish(resize *r, resize_row_source source, void *opaque) {
    for (; !r->identity && r->pulled < r->g.src_height; r->pulled++) {
        thumb_status st = pull_row(r, source, opaque, r->pulled);
        if (st != THUMB_OK)
            return st;
    }
    return THUMB_OK;
}

uint32_t resize_row_end(const resize *r, uint32_t y) {
    if (r->identity)
        return y + 1;
    return y < r->v.out_count ? r->v.first[y] + r->v.count[y] : 0;
}

void resize_begin(resize *r) {
    r->pulled = 0;
    r->next_y = 0;
    r->pending = 0;
}

thumb_status resize_next_row(resize *r, resize_row_source source, void *opaque,
                             uint8_t *dst) {
    uint32_t y = r->next_y;
    if (y >= r->g.dst_height)
        return ctx_fail(r->ctx, THUMB_ERR_INTERNAL,
                        "resize: output row %u of %u", y, r->g.dst_height);
    r->next_y++;
    if (r->identity)
        return source(opaque, &dst, 1);
    uint32_t last = r->v.first[y] + r->v.count[y] - 1;
    for (; r->pulled <= last; r->pulled++) {
        thumb_status st = pull_row(r, source, opaque, r->pulled);
        if (st != THUMB_OK)
            return st;
    }
    filter_row(r, y, dst);
    return THUMB_OK;
}

/* Test hooks (resize_test.h): the planned weights, and a plan run on a
 * kernel table of the test's choice. */
const int16_t *resize_test_taps(const resize *r, int vertical_axis, uint32_t i,
                                uint32_t *first, uint32_t *count, int32_t *one,
                                uint32_t *ring_rows) {
    const resize_axis *ax = vertical_axis ? &r->v : &r->h;
    if (r->identity || i >= ax->out_count)
        return NULL;
    *first = ax->first[i];
    *count = ax->count[i];
    *one = WEIGHT_ONE;
    *ring_rows = r->ring_rows;
    return ax->weights + (size_t)i * ax->tap_stride;
}

uint32_t resize_test_quad_taps(const resize *r) {
    return r->identity ? 0 : r->h.quad_taps;
}

void resize_test_set_kernels(resize *r, const resize_kernels *kernels) {
    r->kernels = kernels;
}

static int same_geometry(const resize_geometry *a, const resize_geometry *b) {
    return a->src_width == b->src_width && a->src_height == b->src_height &&
           a->scaled_width == b->scaled_width &&
           a->scaled_height == b->scaled_height && a->crop_x == b->crop_x &&
           a->crop_y == b->crop_y && a->dst_width == b->dst_width &&
           a->dst_height == b->dst_height && a->channels == b->channels &&
           depth_or_8(a->src_depth) == depth_or_8(b->src_depth) &&
           depth_or_8(a->dst_depth) == depth_or_8(b->dst_depth) &&
           a->linear == b->linear && a->simd == b->simd &&
           a->extent_width == b->extent_width && a->dst_q6 == b->dst_q6 &&
           a->extent_height == b->extent_height;
}

thumb_status resize_reuse(thumb_ctx *ctx, const resize_geometry *g,
                          resize **kept, resize **out) {
    resize *r = *kept;
    *kept = NULL;
    if (r && r->ctx == ctx && same_geometry(&r->g, g)) {
        *out = r;
        return THUMB_OK;
    }
    resize_free(r);
    return resize_new(ctx, g, out);
}
