/* The inner loops of the resizer, one table per instruction set, and the
 * fixed-point format they share. resize.c plans and streams; the files
 * resize_scalar.c, resize_sse41.c, resize_avx2.c, resize_avx512.c and
 * resize_neon.c each fill one table; resize_cpu.c picks one at run time.
 *
 * Order: without alpha, vertical first. Source rows wait in a ring as
 * they arrive (8-bit); each output row is filtered vertically over the
 * source width into one Q6 row, then horizontally into 8-bit. Shrinking,
 * both orders cost the same multiply-adds (the first pass does
 * src_w x src_h x taps either way), but the vertical pass reads whole
 * contiguous rows, which every instruction set filters at full register
 * width whatever the channel count. With alpha, horizontal first: each
 * row is premultiplied into Q6 and filtered horizontally into a ring of
 * Q6 dst_width rows, then vertically, then unpremultiplied; an int16 ring
 * of whole source rows would be twice as large as an 8-bit one and spill
 * out of the L2 cache (resize.c, plan()).
 *
 * Every kernel computes exactly what the scalar one does (same integer
 * operations, same rounding, the same float unpremultiply), so the paths
 * agree bit for bit; the tests allow 1 LSB. */
#ifndef THUMB_RESIZE_KERNELS_H
#define THUMB_RESIZE_KERNELS_H

#include "thumbnail.h"

#include <stddef.h>
#include <stdint.h>

/* Weights are int16 Q14: 1.0 is 16384. One spare integer bit is needed
 * because single weights can exceed 1 (an edge tap that collects the
 * clamped taps, the centre of a set whose side lobes are negative). */
#define WEIGHT_BITS 14
#define WEIGHT_ONE (1 << WEIGHT_BITS)
/* Fraction bits of the intermediate rows: Q6 keeps 1/64 LSB and leaves
 * headroom for ringing ([-512, 512) in sample units) in an int16. */
#define INTER_BITS 6
/* Vertical pass on 8-bit rows: Q0 x Q14 -> Q14, to Q6. */
#define V_SHIFT_U8 (WEIGHT_BITS - INTER_BITS)
/* Vertical pass on Q6 premultiplied rows: Q6 x Q14 -> Q20, to Q6. */
#define V_SHIFT_Q6 WEIGHT_BITS
/* Horizontal pass on Q6 rows: Q20 accumulators, to 8-bit. */
#define H_SHIFT (WEIGHT_BITS + INTER_BITS)
/* Tap sets are padded with zero weights to a multiple of this. */
#define TAP_ALIGN 8
/* Pair windows (resize_axis.pair_taps) are a multiple of this: two pairs,
 * a 256-bit register of RGBA samples. */
#define PAIR_ALIGN 4
/* Kernels may read and write this many samples (int16 or bytes) past the
 * end of a row: whole registers (64 bytes for AVX-512), no tails. */
#define ROW_SLACK 128
/* Pair-ordered rows (premultiply_pairs) start on a cache line. */
#define ROW_ALIGN 64
/* Values of resize_kernels.pair_align: any pair, or a cache line of
 * pair-ordered RGBA (4 int16 samples a pixel). */
#define PAIR_START_EVEN 2
#define PAIR_START_LINE (ROW_ALIGN / (4 * (int)sizeof(int16_t)))

/* The tap sets of one axis (see resize.c for how they are planned). */
typedef struct resize_axis {
    uint32_t out_count;  /* output samples along the axis */
    uint32_t tap_stride; /* int16 weights per output, multiple of TAP_ALIGN */
    uint32_t max_taps;   /* largest count[i] */
    uint32_t min_taps;   /* smallest count[i] */
    uint32_t min_first;  /* the source range any output touches */
    uint32_t max_last;
    uint32_t *first;
    uint32_t *count;
    int16_t *weights; /* out_count x tap_stride */
    /* The same sets as windows of one length that start at even pixels,
     * for kernels that multiply pixel pairs (horizontal_pairs): window i
     * is pair_taps weights from source pixel pair_first[i], zero outside
     * set i. pair_taps is a multiple of PAIR_ALIGN, and windows end by
     * max(src + 7, pair_taps), within a row's slack. Planned for the
     * horizontal axis of 4-channel 8-bit rows only; NULL otherwise. */
    uint32_t pair_taps;
    uint32_t *pair_first;
    int16_t *pair_weights; /* out_count x pair_taps */
    /* The same sets again as windows of four outputs in step, for
     * one-channel rows (quad_plan() in resize.c): window g holds outputs
     * 4g..4g+3 (zero weights past out_count), quad_taps samples from
     * quad_first[g]. Its weights go TAP_ALIGN taps at a time, the four
     * outputs' one after another, so that one 256-bit load holds two
     * outputs' taps over the same 8 samples. quad_taps is a multiple of
     * TAP_ALIGN, at most QUAD_MAX_TAPS, and windows end by
     * max(src, quad_taps). NULL when the windows would be longer. */
    uint32_t quad_taps;
    uint32_t *quad_first;
    int16_t *quad_weights; /* ceil(out_count / 4) x quad_taps x 4 */
} resize_axis;

/* Quad windows are planned up to this many taps: within a row's slack,
 * and about where they stop costing fewer instructions than sets taken
 * one by one (a window does 4 x quad_taps multiply-adds for 4 sets). */
#define QUAD_MAX_TAPS ROW_SLACK

typedef struct resize_kernels {
    const char *name;
    /* 8-bit straight (2 or 4 channels) to Q6 premultiplied, width pixels:
     * colour (c * a * 64 + 127) / 255, alpha a * 64. */
    void (*premultiply)(const uint8_t *src, int16_t *dst, uint32_t width,
                        int channels);
    /* out[i] = sat16(floor((sum_k w[k] * rows[k][i] + half) / 2^shift)) for
     * i in [0, len), with shift V_SHIFT_U8 or V_SHIFT_Q6. taps is even:
     * an odd set is padded with a zero weight and a repeated row. */
    void (*vertical_u8)(const uint8_t *const *rows, const int16_t *w,
                        uint32_t taps, size_t len, int16_t *out);
    void (*vertical_q6)(const int16_t *const *rows, const int16_t *w,
                        uint32_t taps, size_t len, int16_t *out);
    /* One Q6 row (indexed from source pixel 0) to ax->out_count 8-bit
     * pixels; with alpha (2 or 4 channels) unpremultiplied. */
    void (*horizontal)(const resize_axis *ax, const int16_t *src, uint8_t *dst,
                       int channels);
    /* The same into Q6 (sat16(floor((acc + half) / 2^V_SHIFT_Q6)), nothing
     * unpremultiplied): the first pass, when it goes horizontal first. */
    void (*horizontal_q6)(const resize_axis *ax, const int16_t *src,
                          int16_t *dst, int channels);
    /* Optional, both or neither (NULL: premultiply, then horizontal_q6):
     * the first pass of 8-bit RGBA rows. premultiply_pairs is premultiply
     * with pixel pairs interleaved per channel (c0 c0' c1 c1' c2 c2' a a'),
     * so that a pairwise multiply-add needs no shuffle; horizontal_pairs
     * filters `rows` (1 or 2) such rows over ax's pair windows into dst,
     * as horizontal_q6 does. Two rows share each load of the weights. */
    void (*premultiply_pairs)(const uint8_t *src, int16_t *dst, uint32_t width);
    void (*horizontal_pairs)(const resize_axis *ax, const int16_t *const *src,
                             int16_t *const *dst, int rows);
    /* Optional (NULL: resize_unpremultiply_q6() per pixel). width Q6
     * premultiplied pixels of 2 or 4 channels to straight 8-bit, exactly
     * as resize_unpremultiply_q6(); writes no byte past the row. */
    void (*unpremultiply)(const int16_t *src, uint8_t *dst, uint32_t width,
                          int channels);
    /* With horizontal_pairs: where pair windows should start, a multiple
     * of this many pixels (2 or 8; any even start works, this one is
     * fastest). 8 puts every 512-bit load of a window on a cache line of
     * a ROW_ALIGN-aligned row, which pays for the longer windows (48 taps
     * rather than 36 at the benchmark's 5.78x); narrower loads seldom
     * straddle lines and want the shortest. */
    uint32_t pair_align;
} resize_kernels;

extern const resize_kernels resize_kernels_scalar;
#if defined(__x86_64__)
extern const resize_kernels resize_kernels_sse41;
extern const resize_kernels resize_kernels_avx2;
extern const resize_kernels resize_kernels_avx512;
extern const resize_kernels resize_kernels_avx512_vnni;
#endif
#if defined(__aarch64__)
extern const resize_kernels resize_kernels_neon;
#endif

/* The kernels of a thumb_simd, or THUMB_ERR_UNSUPPORTED_FEATURE (with a
 * message on ctx) when this build or CPU lacks them. */
thumb_status resize_select_kernels(thumb_ctx *ctx, int simd,
                                   const resize_kernels **out);

/* floor(v / 2^bits) for any sign, without relying on how >> treats a
 * negative int (implementation-defined in C); compilers emit one sar. */
static inline int32_t resize_floor_shift(int32_t v, int bits) {
    return v >= 0 ? v >> bits : ~(~v >> bits);
}

static inline int16_t resize_sat16(int32_t v) {
    if (v < INT16_MIN)
        v = INT16_MIN;
    if (v > INT16_MAX)
        v = INT16_MAX;
    return (int16_t)v;
}

static inline uint8_t resize_sat8(int32_t v) {
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* Q6 premultiplied colour of 8-bit colour c and alpha a: exactly
 * (c * a * 64 + 127) / 255, in a form that stays within 16 bits, so that
 * every instruction set computes it the same way (pmulhuw, vmull). */
static inline int16_t resize_premul(uint32_t c, uint32_t a) {
    uint32_t t = c * a;
    return (int16_t)((t + ((t * 257) >> 16) + 2) >> 2);
}

/* Straight 8-bit output from Q20 premultiplied accumulators acc[0..ch).
 * Single-precision float, in the same operations on every path, so they
 * agree exactly: integer division per sample costs more than the whole
 * horizontal pass. A pixel whose alpha rounds to 0 has no colour; the
 * division uses the unclamped alpha, so ringing keeps the colour ratio. */
static inline void resize_unpremultiply(const int32_t *acc, uint8_t *dst,
                                        int channels) {
    const int colours = channels - 1;
    int32_t a = acc[colours];
    uint8_t a8 =
        resize_sat8(resize_floor_shift(a + (1 << (H_SHIFT - 1)), H_SHIFT));
    dst[colours] = a8;
    if (a8 == 0) {
        for (int c = 0; c < colours; c++)
            dst[c] = 0;
        return;
    }
    /* a8 >= 1, so a >= 2^19: the quotient is finite and below 2^-11. */
    float inv = 255.0f / (float)a;
    for (int c = 0; c < colours; c++) {
        /* Two statements: a compiler may not fuse them into an FMA,
         * which would round differently on the paths that have one. */
        float v = (float)(acc[c] < 0 ? 0 : acc[c]) * inv;
        v += 0.5f;
        dst[c] = v >= 255.0f ? 255 : (uint8_t)v;
    }
}

/* Straight 8-bit pixel from a Q6 premultiplied one (alpha last, colours
 * before it): the last step of horizontal-first. Single precision like
 * resize_unpremultiply(), in the same operations on every path. */
static inline void resize_unpremultiply_q6(const int16_t *src, uint8_t *dst,
                                           int colours) {
    int32_t a = src[colours];
    uint8_t a8 = resize_sat8(
        resize_floor_shift(a + (1 << (INTER_BITS - 1)), INTER_BITS));
    dst[colours] = a8;
    /* a8 >= 1 means a >= 32: the quotient is finite. */
    float inv = a8 ? 255.0f / (float)a : 0.0f;
    for (int c = 0; c < colours; c++) {
        float v = (float)(src[c] < 0 ? 0 : src[c]) * inv;
        v += 0.5f;
        dst[c] = v >= 255.0f ? 255 : (uint8_t)v;
    }
}

#endif
