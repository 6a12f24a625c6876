/* The kernels for aarch64 Advanced SIMD (NEON, in every ARMv8-A core).
 * The vertical passes keep 32 samples in eight int32x4 accumulators and
 * take the taps in pairs, multiplying by weight lane (smlal/smlal2); the
 * horizontal pass splits eight pixels per channel (ld2/ld3/ld4) and
 * multiplies them by eight weights at once. Instruction counts against
 * the x86 kernels: tests/bench/insn_count.py. */
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
        vst1q_s16((out) + 8, vcombine_s16(vqshrn_n_s32(a2, shift),             \
                                          vqshrn_n_s32(a3, shift)));           \
    } while (0)

/* Tap pair (k, k+1) of one widened row pair (p from rows[k], q from
 * rows[k + 1]) into two accumulators, 8 samples. */
#define NEON_TAP2(lo, hi, p, q, wk)                                            \
    do {                                                                       \
        (lo) = vmlal_lane_s16(lo, vget_low_s16(p), wk, 0);                     \
        (hi) = vmlal_high_lane_s16(hi, p, wk, 0);                              \
        (lo) = vmlal_lane_s16(lo, vget_low_s16(q), wk, 1);                     \
        (hi) = vmlal_high_lane_s16(hi, q, wk, 1);                              \
    } while (0)

/* The weights of taps k and k+1 in lanes 0 and 1 (four would read past
 * the last set). */
static inline int16x4_t weight_pair(const int16_t *w) {
    int32_t pair;
    memcpy(&pair, w, sizeof pair);
    return vreinterpret_s16_s32(vdup_n_s32(pair));
}

/* 32 samples a step and taps in pairs (taps is even): the rows' addresses,
 * the weights and the loop then cost 6 instructions per 64
 * multiply-adds; one row per tap and 16 samples took 15 per 16. The
 * multiply by lane uses the high halves in place (smlal2). */
static void neon_vertical_u8(const uint8_t *const *rows, const int16_t *w,
                             uint32_t taps, size_t len, int16_t *out) {
    for (size_t x = 0; x < len; x += 32) {
        int32x4_t a0 = half32(V_SHIFT_U8), a1 = a0, a2 = a0, a3 = a0;
        int32x4_t a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (uint32_t k = 0; k < taps; k += 2) {
            const int16x4_t wk = weight_pair(w + k);
            uint8x16_t p0 = vld1q_u8(rows[k] + x);
            uint8x16_t p1 = vld1q_u8(rows[k] + x + 16);
            uint8x16_t q0 = vld1q_u8(rows[k + 1] + x);
            uint8x16_t q1 = vld1q_u8(rows[k + 1] + x + 16);
            NEON_TAP2(a0, a1, vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(p0))),
                      vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(q0))), wk);
            NEON_TAP2(a2, a3, vreinterpretq_s16_u16(vmovl_high_u8(p0)),
                      vreinterpretq_s16_u16(vmovl_high_u8(q0)), wk);
            NEON_TAP2(a4, a5, vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(p1))),
                      vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(q1))), wk);
            NEON_TAP2(a6, a7, vreinterpretq_s16_u16(vmovl_high_u8(p1)),
                      vreinterpretq_s16_u16(vmovl_high_u8(q1)), wk);
        }
        NEON_STORE16(out + x, a0, a1, a2, a3, V_SHIFT_U8);
        NEON_STORE16(out + x + 16, a4, a5, a6, a7, V_SHIFT_U8);
    }
}

static void neon_vertical_q6(const int16_t *const *rows, const int16_t *w,
                             uint32_t taps, size_t len, int16_t *out) {
    for (size_t x = 0; x < len; x += 32) {
        int32x4_t a0 = half32(V_SHIFT_Q6), a1 = a0, a2 = a0, a3 = a0;
        int32x4_t a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (uint32_t k = 0; k < taps; k += 2) {
            const int16x4_t wk = weight_pair(w + k);
            const int16_t *p = rows[k] + x, *q = rows[k + 1] + x;
            NEON_TAP2(a0, a1, vld1q_s16(p), vld1q_s16(q), wk);
            NEON_TAP2(a2, a3, vld1q_s16(p + 8), vld1q_s16(q + 8), wk);
            NEON_TAP2(a4, a5, vld1q_s16(p + 16), vld1q_s16(q + 16), wk);
            NEON_TAP2(a6, a7, vld1q_s16(p + 24), vld1q_s16(q + 24), wk);
        }
        NEON_STORE16(out + x, a0, a1, a2, a3, V_SHIFT_Q6);
        NEON_STORE16(out + x + 16, a4, a5, a6, a7, V_SHIFT_Q6);
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

/* acc plus the products of 8 samples and 8 weights, four lanes. */
static inline int32x4_t mac8(int32x4_t acc, int16x8_t px, int16x8_t w) {
    acc = vmlal_s16(acc, vget_low_s16(px), vget_low_s16(w));
    return vmlal_high_s16(acc, px, w);
}

/* The lane sums of four accumulators, a's in lane 0 ... d's in lane 3. */
static inline int32x4_t lane_sums(int32x4_t a, int32x4_t b, int32x4_t c,
                                  int32x4_t d) {
    return vpaddq_s32(vpaddq_s32(a, b), vpaddq_s32(c, d));
}

/* One tap set of N (2, 3 or 4) channels into acc[0..N): ldN splits eight
 * pixels into one register per channel, each multiplied by the same
 * eight weights into its channel's accumulator. */
#define NEON_SPLIT_TAPS(N, acc)                                                \
    for (uint32_t k = 0; k < n; k += 8) {                                      \
        const int16x8_t wk = vld1q_s16(w + k);                                 \
        const int16x8x##N##_t p = vld##N##q_s16(s + (N) * (size_t)k);          \
        for (int c = 0; c < (N); c++)                                          \
            (acc)[c] = mac8((acc)[c], p.val[c], wk);                           \
    }

/* Eight taps a step, whatever the channels: tap_stride pads every set
 * with zero weights to a multiple of TAP_ALIGN pixels, which rows carry
 * as slack. One pixel per tap, 4 lanes for 3 channels, took three times
 * the instructions. */
static void neon_horizontal_any(const resize_axis *ax, const int16_t *src,
                                void *dst, int channels, int q6) {
    const int32x4_t zero = vdupq_n_s32(0);
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        const uint32_t n = (ax->count[i] + TAP_ALIGN - 1) & ~(TAP_ALIGN - 1u);
        int32x4_t acc[4] = {zero, zero, zero, zero};
        switch (channels) {
        case 1:
            for (uint32_t k = 0; k < n; k += 8)
                acc[0] = mac8(acc[0], vld1q_s16(s + k), vld1q_s16(w + k));
            acc[0] = vsetq_lane_s32(vaddvq_s32(acc[0]), zero, 0);
            store_px(acc[0], dst, i, 1, 0, q6);
            continue;
        case 2:
            NEON_SPLIT_TAPS(2, acc);
            break;
        case 3:
            NEON_SPLIT_TAPS(3, acc);
            break;
        default:
            NEON_SPLIT_TAPS(4, acc);
            break;
        }
        store_px(lane_sums(acc[0], acc[1], acc[2], acc[3]), dst, i, channels,
                 channels % 2 == 0, q6);
    }
}

#undef NEON_SPLIT_TAPS

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
