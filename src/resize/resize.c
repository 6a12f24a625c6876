/* Separable Lanczos3, scalar. This file is the reference the SIMD kernels
 * (SSE4.1, AVX2, AVX-512, NEON) mirror, so its data layout is theirs:
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
 * Data flow in resize_run(): each source row is pulled from the row source
 * (one row per call) into a padded byte row, premultiplied when it has
 * alpha, filtered horizontally into one slot of a ring of int16 rows, and
 * each output row is filtered vertically from the ring as soon as its last
 * source row has arrived. The ring holds as many rows as the tallest
 * vertical tap set needs, so memory grows with width, never with height.
 *
 * Intermediate precision: int16 with INTER_BITS = 6 fraction bits (the
 * sample value times 64). An 8-bit intermediate, as Pillow-SIMD uses, rounds
 * twice and clips the ringing of the first pass before the second sees it:
 * about 0.4 LSB RMS error, leaving little margin over a 50 dB target, and
 * premultiplied 8-bit values lose most of their bits at low alpha. Q6 keeps
 * 1/64 LSB, leaves headroom for ringing ([-512, 512) in sample units), and
 * is still int16, so the vertical pass multiplies int16 by int16 into int32
 * (pmaddwd, vpmaddwd, vmlal_s16), exactly as with 8-bit data widened.
 *
 * Alpha: premultiplied into the same Q6 int16 format (c * a / 255, times
 * 64), so a translucent pixel keeps its colour bits; the output is
 * unpremultiplied from the int32 accumulators, before any rounding.
 *
 * Rounding: every accumulator starts at half of its final divisor and is
 * shifted right arithmetically (floor), which is what srai/vshr do. */
#include "resize.h"

#include "../ctx.h"

#include <math.h>
#include <string.h>

/* The number of lobes of the Lanczos kernel: a = 3. */
#define LANCZOS_A 3
/* pi, spelled out: M_PI is not in C11. */
#define RESIZE_PI 3.14159265358979323846
/* Below this |x| the kernel equals 1 to double precision (1 - 1.8 x^2),
 * and the sinc quotient would divide by an underflowing x^2. */
#define LANCZOS_TINY 1e-8

/* Weights are int16 Q14: 1.0 is 16384. One spare integer bit is needed
 * because single weights can exceed 1 (an edge tap that collects the
 * clamped taps, the centre of a set whose side lobes are negative); Q14
 * still resolves a weight to 1/16384, far below an 8-bit LSB after the
 * sum. */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)
/* Fraction bits of the intermediate rows (see the top of the file). */
#define INTER_BITS 6
/* Horizontal pass on 8-bit input: Q0 x Q14 -> Q14, to Q6. */
#define H_SHIFT_U8 (WEIGHT_BITS - INTER_BITS)
/* Horizontal pass on Q6 premultiplied input, and the vertical pass on Q6
 * intermediate rows: Q6 x Q14 -> Q20. */
#define H_SHIFT_Q6 WEIGHT_BITS
#define V_SHIFT (WEIGHT_BITS + INTER_BITS)
/* Tap sets are padded to a multiple of 8 int16: one SSE/NEON register,
 * half an AVX2 register; kernels then step through them without tails. */
#define TAP_ALIGN 8
/* The int32 accumulators cannot overflow as long as sum |weight| times the
 * largest int16 input stays below 2^31: this bounds sum |weight| (Q14).
 * Normalised Lanczos3 sets are near 1.3, far inside the bound of 4. */
#define MAX_ABS_WEIGHT_SUM ((INT32_MAX - (1 << (V_SHIFT - 1))) / 32768)

typedef struct resize_axis {
    uint32_t out_count;  /* output samples along the axis */
    uint32_t tap_stride; /* int16 weights per output, multiple of TAP_ALIGN */
    uint32_t max_taps;   /* largest count[i] */
    uint32_t min_first;  /* the source range any output touches */
    uint32_t max_last;
    uint32_t *first;
    uint32_t *count;
    int16_t *weights; /* out_count x tap_stride */
} resize_axis;

struct resize {
    thumb_ctx *ctx;
    resize_geometry g;
    int identity;
    int alpha;
    resize_axis h, v;
    uint32_t ring_rows;
    size_t inter_samples; /* int16 per ring row: dst_width x channels */
    uint8_t *raw;         /* one source row, padded by TAP_ALIGN pixels */
    int16_t *premul;      /* alpha only: raw premultiplied, same padding */
    int16_t *ring;        /* ring_rows x inter_samples */
    const int16_t **taps; /* ring rows of one output row, in tap order */
};

double resize_lanczos3(double x) {
    if (x < 0)
        x = -x;
    if (x >= LANCZOS_A)
        return 0.0;
    if (x < LANCZOS_TINY)
        return 1.0;
    double px = RESIZE_PI * x;
    /* sinc(x) * sinc(x / 3), with the two divisions folded into one. */
    return LANCZOS_A * sin(px) * sin(px / LANCZOS_A) / (px * px);
}

/* floor(v / 2^bits) for any sign, without relying on how >> treats a
 * negative int (implementation-defined in C); compilers emit one sar. */
static inline int32_t floor_shift(int32_t v, int bits) {
    return v >= 0 ? v >> bits : ~(~v >> bits);
}

static inline int16_t saturate_int16(int32_t v) {
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : (int16_t)v;
}

static inline uint8_t saturate_u8(int32_t v) {
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static void axis_release(thumb_ctx *ctx, resize_axis *ax) {
    ctx_free(ctx, ax->first);
    ctx_free(ctx, ax->count);
    ctx_free(ctx, ax->weights);
    ax->first = ax->count = NULL;
    ax->weights = NULL;
}

/* Plans the weights of one axis: out outputs starting at crop in a
 * src -> scaled resize. */
static thumb_status axis_plan(thumb_ctx *ctx, resize_axis *ax, uint32_t src,
                              uint32_t scaled, uint32_t crop, uint32_t out,
                              const char *name) {
    double scale = (double)src / (double)scaled;
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
    ax->min_first = src - 1;
    ax->max_last = 0;

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
        for (int64_t j = lo; j <= hi; j++) {
            int64_t s = j < first ? first : j > last ? last : j;
            double w = resize_lanczos3(((double)j - centre) / widen);
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
            double q = floor(tmp[k] / sum * WEIGHT_ONE + 0.5);
            if (q < INT16_MIN || q > INT16_MAX) {
                st = ctx_fail(ctx, THUMB_ERR_INTERNAL,
                              "resize: %s weight %g out of Q14 range", name,
                              tmp[k] / sum);
                goto done;
            }
            w[k] = (int16_t)q;
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
        if (f < ax->min_first)
            ax->min_first = f;
        if (f + n - 1 > ax->max_last)
            ax->max_last = f + n - 1;
    }

done:
    ctx_free(ctx, tmp);
    return st;
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

static thumb_status check_geometry(thumb_ctx *ctx, const resize_geometry *g) {
    if (g->channels < 1 || g->channels > 4)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: %d channels (must be 1 to 4)", g->channels);
    if (!g->src_width || !g->src_height || !g->scaled_width ||
        !g->scaled_height || !g->dst_width || !g->dst_height)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: empty size in %ux%u -> %ux%u -> %ux%u",
                        g->src_width, g->src_height, g->scaled_width,
                        g->scaled_height, g->dst_width, g->dst_height);
    if ((uint64_t)g->crop_x + g->dst_width > g->scaled_width ||
        (uint64_t)g->crop_y + g->dst_height > g->scaled_height)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "resize: window %ux%u at (%u, %u) lies outside the "
                        "scaled %ux%u",
                        g->dst_width, g->dst_height, g->crop_x, g->crop_y,
                        g->scaled_width, g->scaled_height);
    return THUMB_OK;
}

thumb_status resize_new(thumb_ctx *ctx, const resize_geometry *g,
                        resize **out) {
    *out = NULL;
    thumb_status st = check_geometry(ctx, g);
    if (st != THUMB_OK)
        return st;
    resize *r = ctx_calloc(ctx, 1, sizeof *r);
    if (!r)
        return THUMB_ERR_NOMEM;
    r->ctx = ctx;
    r->g = *g;
    r->alpha = channels_have_alpha(g->channels);
    r->identity =
        g->src_width == g->scaled_width && g->src_width == g->dst_width &&
        g->src_height == g->scaled_height && g->src_height == g->dst_height &&
        g->crop_x == 0 && g->crop_y == 0;
    if (r->identity)
        goto done;

    st = axis_plan(ctx, &r->h, g->src_width, g->scaled_width, g->crop_x,
                   g->dst_width, "width");
    if (st != THUMB_OK)
        goto done;
    st = axis_plan(ctx, &r->v, g->src_height, g->scaled_height, g->crop_y,
                   g->dst_height, "height");
    if (st != THUMB_OK)
        goto done;
    r->ring_rows = ring_rows_needed(&r->v);

    /* Source rows are padded by TAP_ALIGN zeroed pixels, so a kernel that
     * reads a tap set rounded up to TAP_ALIGN stays inside the buffer. */
    int ok = 1;
    size_t channels = (size_t)g->channels;
    size_t padded_width = (size_t)g->src_width + TAP_ALIGN;
    size_t raw_bytes = size_mul(padded_width, channels, &ok);
    size_t premul_bytes = size_mul(raw_bytes, sizeof(int16_t), &ok);
    r->inter_samples = size_mul(g->dst_width, channels, &ok);
    size_t ring_samples = size_mul(r->inter_samples, r->ring_rows, &ok);
    if (!ok) {
        st = ctx_fail(ctx, THUMB_ERR_LIMIT,
                      "resize: buffers for %ux%u -> %ux%u overflow size_t",
                      g->src_width, g->src_height, g->dst_width, g->dst_height);
        goto done;
    }
    r->raw = ctx_calloc(ctx, raw_bytes, 1);
    if (r->alpha)
        r->premul = ctx_calloc(ctx, premul_bytes, 1);
    r->ring = ctx_calloc(ctx, ring_samples, sizeof *r->ring);
    r->taps = ctx_calloc(ctx, r->ring_rows, sizeof *r->taps);
    if (!r->raw || (r->alpha && !r->premul) || !r->ring || !r->taps)
        st = THUMB_ERR_NOMEM;

done:
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
    ctx_free(ctx, r->premul);
    ctx_free(ctx, r->ring);
    ctx_free(ctx, r->taps);
    ctx_free(ctx, r);
}

/* 8-bit straight colour and alpha to Q6 premultiplied. Alpha itself is
 * scaled the same way, so every channel shares one format. */
static inline void premultiply(const uint8_t *src, int16_t *dst, uint32_t width,
                               const int channels) {
    const int colours = channels - 1;
    for (uint32_t x = 0; x < width; x++) {
        int32_t a = src[colours];
        for (int c = 0; c < colours; c++)
            dst[c] = (int16_t)((src[c] * a * (1 << INTER_BITS) + 127) / 255);
        dst[colours] = (int16_t)(a * (1 << INTER_BITS));
        src += channels;
        dst += channels;
    }
}

/* One source row (8-bit) to one intermediate row (Q6). `channels` is a
 * constant at every call site, so the inner loops unroll. */
static inline void horizontal_u8(const resize_axis *ax, const uint8_t *src,
                                 int16_t *dst, const int channels) {
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const uint8_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        int32_t acc[4];
        for (int c = 0; c < channels; c++)
            acc[c] = 1 << (H_SHIFT_U8 - 1);
        for (uint32_t k = 0; k < n; k++)
            for (int c = 0; c < channels; c++)
                acc[c] += w[k] * s[k * channels + c];
        for (int c = 0; c < channels; c++)
            dst[c] = saturate_int16(floor_shift(acc[c], H_SHIFT_U8));
        dst += channels;
    }
}

/* One premultiplied row (Q6) to one intermediate row (Q6). */
static inline void horizontal_q6(const resize_axis *ax, const int16_t *src,
                                 int16_t *dst, const int channels) {
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        int32_t acc[4];
        for (int c = 0; c < channels; c++)
            acc[c] = 1 << (H_SHIFT_Q6 - 1);
        for (uint32_t k = 0; k < n; k++)
            for (int c = 0; c < channels; c++)
                acc[c] += w[k] * s[k * channels + c];
        for (int c = 0; c < channels; c++)
            dst[c] = saturate_int16(floor_shift(acc[c], H_SHIFT_Q6));
        dst += channels;
    }
}

/* Straight 8-bit output from Q20 premultiplied accumulators. The division
 * uses the unclamped alpha, so ringing in alpha keeps the colour's ratio;
 * a pixel whose alpha rounds to 0 has no colour. */
static inline void unpremultiply(const int32_t *acc, uint8_t *dst,
                                 const int channels) {
    const int colours = channels - 1;
    int32_t a = acc[colours];
    uint8_t a8 = saturate_u8(floor_shift(a + (1 << (V_SHIFT - 1)), V_SHIFT));
    dst[colours] = a8;
    for (int c = 0; c < colours; c++) {
        if (a8 == 0) {
            dst[c] = 0;
            continue;
        }
        /* a8 >= 1, so a >= 2^19: the division is safe. */
        int64_t p = acc[c] < 0 ? 0 : acc[c];
        int64_t v = (p * 255 + a / 2) / a;
        dst[c] = v > 255 ? 255 : (uint8_t)v;
    }
}

/* Output row y from the ring rows in r->taps[0..count). */
static inline void vertical(const resize *r, uint32_t y, uint8_t *dst,
                            const int channels, const int alpha) {
    const resize_axis *ax = &r->v;
    const int16_t *w = ax->weights + (size_t)y * ax->tap_stride;
    const int16_t *const *rows = r->taps;
    uint32_t n = ax->count[y];
    uint32_t width = r->g.dst_width;
    for (uint32_t x = 0; x < width; x++) {
        size_t at = (size_t)x * channels;
        int32_t acc[4];
        for (int c = 0; c < channels; c++)
            acc[c] = 0;
        for (uint32_t k = 0; k < n; k++)
            for (int c = 0; c < channels; c++)
                acc[c] += w[k] * rows[k][at + c];
        if (alpha) {
            unpremultiply(acc, dst + at, channels);
        } else {
            for (int c = 0; c < channels; c++)
                dst[at + c] = saturate_u8(
                    floor_shift(acc[c] + (1 << (V_SHIFT - 1)), V_SHIFT));
        }
    }
}

/* The raw row just pulled, into its ring slot. */
static void filter_row(resize *r, int16_t *slot) {
    uint32_t width = r->g.src_width;
    switch (r->g.channels) {
    case 1:
        horizontal_u8(&r->h, r->raw, slot, 1);
        break;
    case 2:
        premultiply(r->raw, r->premul, width, 2);
        horizontal_q6(&r->h, r->premul, slot, 2);
        break;
    case 3:
        horizontal_u8(&r->h, r->raw, slot, 3);
        break;
    default:
        premultiply(r->raw, r->premul, width, 4);
        horizontal_q6(&r->h, r->premul, slot, 4);
        break;
    }
}

static void filter_column(resize *r, uint32_t y, uint8_t *dst) {
    const resize_axis *ax = &r->v;
    for (uint32_t k = 0; k < ax->count[y]; k++) {
        uint32_t row = ax->first[y] + k;
        r->taps[k] = r->ring + (size_t)(row % r->ring_rows) * r->inter_samples;
    }
    switch (r->g.channels) {
    case 1:
        vertical(r, y, dst, 1, 0);
        break;
    case 2:
        vertical(r, y, dst, 2, 1);
        break;
    case 3:
        vertical(r, y, dst, 3, 0);
        break;
    default:
        vertical(r, y, dst, 4, 1);
        break;
    }
}

thumb_status resize_run(resize *r, resize_row_source source, void *opaque,
                        image *dst) {
    const resize_geometry *g = &r->g;
    if (!dst->px || dst->width != g->dst_width ||
        dst->height != g->dst_height || dst->channels != g->channels ||
        dst->stride < (size_t)g->dst_width * (size_t)g->channels)
        return ctx_fail(r->ctx, THUMB_ERR_INTERNAL,
                        "resize: output image %ux%ux%d does not match the "
                        "plan %ux%ux%d",
                        dst->width, dst->height, dst->channels, g->dst_width,
                        g->dst_height, g->channels);

    thumb_status st;
    if (r->identity) {
        for (uint32_t y = 0; y < g->src_height; y++) {
            uint8_t *row = image_row(dst, y);
            st = source(opaque, &row, 1);
            if (st != THUMB_OK)
                return st;
        }
        return THUMB_OK;
    }

    /* Rows outside [min_first, max_last] are still pulled, so the source
     * is always read to the end, but never filtered. */
    uint32_t pulled = 0;
    for (uint32_t y = 0; y < g->dst_height; y++) {
        uint32_t last = r->v.first[y] + r->v.count[y] - 1;
        while (pulled <= last) {
            st = source(opaque, &r->raw, 1);
            if (st != THUMB_OK)
                return st;
            if (pulled >= r->v.min_first)
                filter_row(r, r->ring + (size_t)(pulled % r->ring_rows) *
                                            r->inter_samples);
            pulled++;
        }
        filter_column(r, y, image_row(dst, y));
    }
    while (pulled < g->src_height) {
        st = source(opaque, &r->raw, 1);
        if (st != THUMB_OK)
            return st;
        pulled++;
    }
    return THUMB_OK;
}

/* Not in resize.h: lets the tests check the planned weights. Returns the
 * tap set of output i along the vertical (or horizontal) axis, and the
 * fixed-point value of 1.0; NULL when there is no such set. */
const int16_t *resize_test_taps(const resize *r, int vertical_axis, uint32_t i,
                                uint32_t *first, uint32_t *count, int32_t *one,
                                uint32_t *ring_rows);
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
