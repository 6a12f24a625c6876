/* The kernels for aarch64 Advanced SIMD (NEON, in every ARMv8-A core).
 * The vertical passes keep 16 samples in four int32x4 accumulators and
 * multiply-accumulate one widened row per tap (vmlal_n_s16); the
 * horizontal pass holds one output pixel's channels in one int32x4. */
#include "resize_kernels.h"

#include <arm_neon.h>
#include <string.h>

/* resize_premul(): (t * 257) >> 16 as (t + (t >> 8)) >> 8, which is equal
 * for integer t and stays within 16 bits. */
static inline int16x8_t premul8(uint8x8_t c, uint8x8_t a) {
    uint16x8_t t = vmull_u8(c, a);
    uint16x8_t hi = vshrq_n_u16(vsraq_n_u16(t, t, 8), 8);
    return vreinterpretq_s16_u16(
        vshrq_n_u16(vaddq_u16(vaddq_u16(t, hi), vdupq_n_u16(2)), 2));
}

static inline int16x8_t alpha8(uint8x8_t a) {
    return vreinterpretq_s16_u16(vshll_n_u8(a, INTER_BITS));
}

static void neon_premultiply(const uint8_t *src, int16_t *dst, uint32_t width,
                             int channels) {
    /* Eight pixels a step: rows carry ROW_SLACK spare samples. */
    for (uint32_t x = 0; x < width; x += 8) {
        if (channels == 4) {
            uint8x8x4_t p = vld4_u8(src + (size_t)x * 4);
            int16x8x4_t q = {{premul8(p.val[0], p.val[3]),
                              premul8(p.val[1], p.val[3]),
                              premul8(p.val[2], p.val[3]), alpha8(p.val[3])}};
            vst4q_s16(dst + (size_t)x * 4, q);
        } else {
            uint8x8x2_t p = vld2_u8(src + (size_t)x * 2);
            int16x8x2_t q = {{premul8(p.val[0], p.val[1]), alpha8(p.val[1])}};
            vst2q_s16(dst + (size_t)x * 2, q);
        }
    }
}

static inline int32x4_t half32(int shift) {
    return vdupq_n_s32(1 << (shift - 1));
}

/* Accumulators to int16: an arithmetic shift (floor), saturated. */
#define NEON_STORE16(out, a0, a1, a2, a3, shift)                               \
    do {                                                                       \
        vst1q_s16(out, vcombine_s16(vqshrn_n_s32(a0, shift),                   \
                                    vqshrn_n_s32(a1, shift)));                 \
        vst1q_s16(out + 8, vcombine_s16(vqshrn_n_s32(a2, shift),               \
                                        vqshrn_n_s32(a3, shift)));             \
    } while (0)

static void neon_vertical_u8(const uint8_t *const *rows, const int16_t *w,
                             uint32_t taps, size_t len, int16_t *out) {
    for (size_t x = 0; x < len; x += 16) {
        int32x4_t a0 = half32(V_SHIFT_U8), a1 = a0, a2 = a0, a3 = a0;
        for (uint32_t k = 0; k < taps; k++) {
            uint8x16_t p = vld1q_u8(rows[k] + x);
            int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(p)));
            int16x8_t hi = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(p)));
            a0 = vmlal_n_s16(a0, vget_low_s16(lo), w[k]);
            a1 = vmlal_n_s16(a1, vget_high_s16(lo), w[k]);
            a2 = vmlal_n_s16(a2, vget_low_s16(hi), w[k]);
            a3 = vmlal_n_s16(a3, vget_high_s16(hi), w[k]);
        }
        NEON_STORE16(out + x, a0, a1, a2, a3, V_SHIFT_U8);
    }
}

static void neon_vertical_q6(const int16_t *const *rows, const int16_t *w,
                             uint32_t taps, size_t len, int16_t *out) {
    for (size_t x = 0; x < len; x += 16) {
        int32x4_t a0 = half32(V_SHIFT_Q6), a1 = a0, a2 = a0, a3 = a0;
        for (uint32_t k = 0; k < taps; k++) {
            int16x8_t lo = vld1q_s16(rows[k] + x);
            int16x8_t hi = vld1q_s16(rows[k] + x + 8);
            a0 = vmlal_n_s16(a0, vget_low_s16(lo), w[k]);
            a1 = vmlal_n_s16(a1, vget_high_s16(lo), w[k]);
            a2 = vmlal_n_s16(a2, vget_low_s16(hi), w[k]);
            a3 = vmlal_n_s16(a3, vget_high_s16(hi), w[k]);
        }
        NEON_STORE16(out + x, a0, a1, a2, a3, V_SHIFT_Q6);
    }
}

/* Rounds Q20 sums for pixel i: `channels` bytes of dst (straight,
 * unpremultiplied when alpha), or with q6 its Q6 int16 samples. */
static inline void store_px(int32x4_t acc, void *dst, size_t i, int channels,
                            int alpha, int q6) {
    int32_t a[4];
    vst1q_s32(a, acc);
    if (q6) {
        int16_t *d = (int16_t *)dst + i * channels;
        for (int c = 0; c < channels; c++)
            d[c] = resize_sat16(
                resize_floor_shift(a[c] + (1 << (V_SHIFT_Q6 - 1)), V_SHIFT_Q6));
        return;
    }
    uint8_t *d = (uint8_t *)dst + i * channels;
    if (alpha) {
        resize_unpremultiply(a, d, channels);
        return;
    }
    for (int c = 0; c < channels; c++)
        d[c] = resize_sat8(
            resize_floor_shift(a[c] + (1 << (H_SHIFT - 1)), H_SHIFT));
}

static void neon_horizontal_any(const resize_axis *ax, const int16_t *src,
                                void *dst, int channels, int q6) {
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        int32x4_t acc = vdupq_n_s32(0);
        switch (channels) {
        case 1:
            /* Four taps a step (tap_stride pads sets with zeros), summed
             * across at the end. */
            for (uint32_t k = 0; k < n; k += 4)
                acc = vmlal_s16(acc, vld1_s16(s + k), vld1_s16(w + k));
            acc = vsetq_lane_s32(vaddvq_s32(acc), vdupq_n_s32(0), 0);
            store_px(acc, dst, i, 1, 0, q6);
            break;
        case 2: {
            /* Two pixels (g a g a) against (w0 w0 w1 w1). */
            int32x4_t acc2 = vdupq_n_s32(0);
            for (uint32_t k = 0; k < n; k += 2) {
                /* w[k] and w[k + 1] only: four would read past the
                 * last set when k is tap_stride - 2. */
                int32_t pair;
                memcpy(&pair, w + k, sizeof pair);
                int16x4_t wk = vreinterpret_s16_s32(vdup_n_s32(pair));
                acc2 = vmlal_s16(acc2, vld1_s16(s + 2 * k), vzip1_s16(wk, wk));
            }
            acc = vaddq_s32(acc2, vextq_s32(acc2, acc2, 2));
            store_px(acc, dst, i, 2, 1, q6);
            break;
        }
        default:
            /* One pixel per tap; with 3 channels the fourth lane holds the
             * next pixel's first sample and is dropped. */
            for (uint32_t k = 0; k < n; k++)
                acc =
                    vmlal_n_s16(acc, vld1_s16(s + (size_t)k * channels), w[k]);
            store_px(acc, dst, i, channels, channels == 4, q6);
            break;
        }
    }
}

static void neon_horizontal(const resize_axis *ax, const int16_t *src,
                            uint8_t *dst, int channels) {
    neon_horizontal_any(ax, src, dst, channels, 0);
}

static void neon_horizontal_q6(const resize_axis *ax, const int16_t *src,
                               int16_t *dst, int channels) {
    neon_horizontal_any(ax, src, dst, channels, 1);
}

const resize_kernels resize_kernels_neon = {
    "neon",
    neon_premultiply,
    neon_vertical_u8,
    neon_vertical_q6,
    neon_horizontal,
    neon_horizontal_q6,
    /* premultiply and horizontal_q6; resize_unpremultiply_q6() per pixel. */
    NULL,
    NULL,
    NULL,
    0,
};
