#include "resize_convert.h"

#include "../ctx.h"
#include "../image.h"
#include "resize_kernels.h"

#include <math.h>
#include <string.h>

#define MAX8 255u
#define MAX16 65535u
/* The sRGB transfer function (IEC 61966-2-1). */
#define SRGB_LINEAR_KNEE 0.04045
#define SRGB_ENCODED_KNEE 0.0031308
#define SRGB_SLOPE 12.92
#define SRGB_OFFSET 0.055
#define SRGB_GAMMA 2.4

double resize_srgb_to_linear(double v) {
    if (v <= SRGB_LINEAR_KNEE)
        return v / SRGB_SLOPE;
    return pow((v + SRGB_OFFSET) / (1 + SRGB_OFFSET), SRGB_GAMMA);
}

double resize_linear_to_srgb(double v) {
    if (v <= SRGB_ENCODED_KNEE)
        return v * SRGB_SLOPE;
    return (1 + SRGB_OFFSET) * pow(v, 1 / SRGB_GAMMA) - SRGB_OFFSET;
}

static uint32_t sample_max(int depth) {
    return depth == 16 ? MAX16 : MAX8;
}

void resize_convert_release(thumb_ctx *ctx, resize_convert *c) {
    ctx_free(ctx, c->to_linear);
    ctx_free(ctx, c->to_srgb);
    c->to_linear = NULL;
    c->to_srgb = NULL;
}

thumb_status resize_convert_init(thumb_ctx *ctx, resize_convert *c,
                                 int channels, int src_depth, int dst_depth,
                                 int linear) {
    *c = (resize_convert){channels, src_depth, dst_depth, linear, NULL, NULL};
    if (!linear)
        return THUMB_OK;
    size_t in_count = (size_t)sample_max(src_depth) + 1;
    c->to_linear = ctx_malloc(ctx, in_count * sizeof *c->to_linear);
    c->to_srgb = ctx_malloc(ctx, (RESIZE_Q6_MAX + 1) * sizeof *c->to_srgb);
    if (!c->to_linear || !c->to_srgb) {
        resize_convert_release(ctx, c);
        return THUMB_ERR_NOMEM;
    }
    double in_max = sample_max(src_depth), out_max = sample_max(dst_depth);
    for (size_t i = 0; i < in_count; i++)
        c->to_linear[i] = (int16_t)floor(
            resize_srgb_to_linear((double)i / in_max) * RESIZE_Q6_MAX + 0.5);
    for (uint32_t i = 0; i <= RESIZE_Q6_MAX; i++)
        c->to_srgb[i] = (uint16_t)floor(
            resize_linear_to_srgb((double)i / RESIZE_Q6_MAX) * out_max + 0.5);
    return THUMB_OK;
}

static inline uint32_t load(const uint8_t *src, size_t i, int depth) {
    if (depth == 8)
        return src[i];
    uint16_t v;
    memcpy(&v, src + 2 * i, sizeof v);
    return v;
}

static inline void store(uint8_t *dst, size_t i, int depth, uint32_t v) {
    if (depth == 8) {
        dst[i] = (uint8_t)v;
        return;
    }
    uint16_t s = (uint16_t)v;
    memcpy(dst + 2 * i, &s, sizeof s);
}

/* A straight sample (alpha, or colour when not linear) to Q6. */
static inline uint32_t plain_q6(uint32_t v, int depth) {
    if (depth == 8)
        return v << INTER_BITS;
    return (v * RESIZE_Q6_MAX + MAX16 / 2) / MAX16;
}

static inline uint32_t colour_q6(const resize_convert *c, uint32_t v) {
    return c->linear ? (uint32_t)c->to_linear[v] : plain_q6(v, c->src_depth);
}

void resize_convert_in(const resize_convert *c, const uint8_t *src,
                       int16_t *dst, uint32_t width) {
    const int n = c->channels;
    const int colours = channels_have_alpha(n) ? n - 1 : n;
    const uint32_t max = sample_max(c->src_depth);
    for (size_t i = 0; i < (size_t)width * n; i += n) {
        if (colours == n) {
            for (int k = 0; k < n; k++)
                dst[i + k] =
                    (int16_t)colour_q6(c, load(src, i + k, c->src_depth));
            continue;
        }
        uint32_t a = load(src, i + colours, c->src_depth);
        /* Q6 colour times alpha stays below 2^30. */
        for (int k = 0; k < colours; k++)
            dst[i + k] =
                (int16_t)((colour_q6(c, load(src, i + k, c->src_depth)) * a +
                           max / 2) /
                          max);
        dst[i + colours] = (int16_t)plain_q6(a, c->src_depth);
    }
}

static inline uint32_t clamp_q6(int32_t q) {
    return q < 0 ? 0 : q > RESIZE_Q6_MAX ? RESIZE_Q6_MAX : (uint32_t)q;
}

/* A straight Q6 value to an output sample. */
static inline uint32_t sample_out(const resize_convert *c, int32_t q) {
    if (c->linear)
        return c->to_srgb[clamp_q6(q)];
    if (c->dst_depth == 8)
        return resize_sat8(
            resize_floor_shift(q + (1 << (INTER_BITS - 1)), INTER_BITS));
    return (clamp_q6(q) * MAX16 + RESIZE_Q6_MAX / 2) / RESIZE_Q6_MAX;
}

void resize_convert_out(const resize_convert *c, const int16_t *src,
                        uint8_t *dst, uint32_t width) {
    const int n = c->channels;
    const int colours = channels_have_alpha(n) ? n - 1 : n;
    if (colours < n && c->dst_depth == 8 && !c->linear) {
        for (uint32_t x = 0; x < width; x++)
            resize_unpremultiply_q6(src + (size_t)x * n, dst + (size_t)x * n,
                                    colours);
        return;
    }
    for (size_t i = 0; i < (size_t)width * n; i += n) {
        if (colours == n) {
            for (int k = 0; k < n; k++)
                store(dst, i + k, c->dst_depth, sample_out(c, src[i + k]));
            continue;
        }
        int32_t a = src[i + colours];
        uint32_t a_out =
            c->dst_depth == 8
                ? resize_sat8(resize_floor_shift(a + (1 << (INTER_BITS - 1)),
                                                 INTER_BITS))
                : (clamp_q6(a) * MAX16 + RESIZE_Q6_MAX / 2) / RESIZE_Q6_MAX;
        store(dst, i + colours, c->dst_depth, a_out);
        /* a_out >= 1 means a >= 1: the quotient is finite. */
        float scale = a_out ? (float)RESIZE_Q6_MAX / (float)a : 0.0f;
        for (int k = 0; k < colours; k++) {
            float q = (float)(src[i + k] < 0 ? 0 : src[i + k]) * scale;
            if (q > (float)RESIZE_Q6_MAX)
                q = (float)RESIZE_Q6_MAX;
            /* 16 bits straight from the quotient: rounding it to Q6 first
             * would lose the bits the division by alpha gained. */
            if (!c->linear && c->dst_depth == 16) {
                q *= (float)MAX16 / (float)RESIZE_Q6_MAX;
                q += 0.5f;
                store(dst, i + k, 16, (uint32_t)q);
                continue;
            }
            q += 0.5f;
            store(dst, i + k, c->dst_depth, sample_out(c, (int32_t)q));
        }
    }
}
