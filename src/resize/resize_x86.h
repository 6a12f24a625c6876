/* The x86 kernels, written once over a register width. Included by
 * resize_sse41.c, resize_avx2.c and resize_avx512.c, each compiled with
 * its own -m flags after defining:
 *
 *   VEC              the register type (__m128i, __m256i, __m512i)
 *   LANES16          int16 lanes in VEC
 *   V_LOAD(p)        unaligned load
 *   V_STORE(p, v)    unaligned store
 *   V_LOAD_U8(p)     LANES16 bytes zero-extended to int16
 *   V_SET1_32(x)     broadcast an int32 (V_SET1_16: an int16)
 *   V_ADD32, V_ADD16, V_SRAI32, V_SRLI16, V_PACKS32,
 *   V_UNPACKLO16, V_UNPACKHI16, V_MULLO16, V_MULHI_U16, V_MADD,
 *   V_SHUFFLE8 (within 128-bit lanes), V_OR, V_SET_MASK
 *   KERNEL(name)     the name of a function in this file
 *
 * and optionally V_MADD_ACC(acc, a, b) (acc + madd(a, b); VNNI fuses it);
 * at 512 bits also V256_MADD_ACC, the same on 256-bit registers.
 *
 * The vertical passes hold 2 x LANES16 samples in four int32
 * accumulators and walk the taps in pairs: the two rows' samples are
 * interleaved (unpacklo/hi) so that one pmaddwd multiplies both by their
 * weights and adds them. packs_epi32 undoes the interleave lane by lane,
 * so results land in source order at every width.
 *
 * The horizontal pass is mostly the same 128-bit code at every width: it
 * does dst_w x dst_h x taps work, a small part of the whole. One channel
 * at 256 bits (a JPEG's planes, where the planar path spends a third of
 * its resize) goes over windows of four outputs instead
 * (horizontal_1_quads). Not so for RGBA
 * with alpha, filtered horizontally first, on every source row: that goes
 * through the pair kernels at the end of this file, at full width. */
#include "resize_kernels.h"

#include <immintrin.h>
#include <string.h>

#ifndef V_MADD_ACC
#define V_MADD_ACC(acc, a, b) V_ADD32(acc, V_MADD(a, b))
#endif

/* The weights of taps k and k+1 as one int32, low half first: the order
 * unpacklo/hi gives the rows' samples. */
static inline int32_t KERNEL(weight_pair)(const int16_t *w) {
    int32_t pair;
    memcpy(&pair, w, sizeof pair);
    return pair;
}

/* Tap pair (k, k+1) over LANES16 samples at x of two rows into a pair
 * of accumulators. */
#define V_TAP_PAIR(load, r0, r1, x, wk, lo, hi)                                \
    do {                                                                       \
        VEC p_ = load((r0) + (x)), q_ = load((r1) + (x));                      \
        (lo) = V_MADD_ACC(lo, V_UNPACKLO16(p_, q_), wk);                       \
        (hi) = V_MADD_ACC(hi, V_UNPACKHI16(p_, q_), wk);                       \
    } while (0)

/* body for every tap pair (k, k+1) of rows at x, with its weights wk and
 * rows r0, r1 (taps >= 2). */
#define V_OVER_TAPS(T, body)                                                   \
    do {                                                                       \
        uint32_t k = 0;                                                        \
        do {                                                                   \
            const VEC wk = V_SET1_32(KERNEL(weight_pair)(w + k));              \
            const T *r0 = rows[k] + x, *r1 = rows[k + 1] + x;                  \
            body;                                                              \
            k += 2;                                                            \
        } while (k < taps);                                                    \
    } while (0)

/* A pair of accumulators rounded into LANES16 samples at out. */
#define V_OUT_PAIR(out, lo, hi, shift)                                         \
    V_STORE(out, V_PACKS32(V_SRAI32(lo, shift), V_SRAI32(hi, shift)))

/* Keeps an accumulator in one register across a loop: GCC 12 otherwise
 * adds into a fresh register and copies it back, one extra instruction
 * per multiply-add. */
#if defined(__GNUC__)
#define V_PIN(v) __asm__("" : "+x"(v))
#define V_PIN4(a, b, c, d)                                                     \
    do {                                                                       \
        V_PIN(a);                                                              \
        V_PIN(b);                                                              \
        V_PIN(c);                                                              \
        V_PIN(d);                                                              \
    } while (0)
#else
#define V_PIN(v) (void)0
#define V_PIN4(a, b, c, d) (void)0
#endif

/* The vertical passes, from rows of type T read with `load`, rounded by
 * `shift`. Eight accumulators a step (4 x LANES16 samples): the rows'
 * addresses, the weights and the loop cost as much per tap at any step,
 * and a wider one halves them per sample (0.45 instructions per
 * multiply-add at 2 x LANES16 under AVX2, 0.3 now). The last step may be
 * half as wide, so no row is read further past its end than before.
 * taps >= 2 (resize_kernels.h): do-while loops keep GCC from copying
 * every accumulator each turn for the case of none. */
#define V_PASS(T, load, shift)                                                 \
    do {                                                                       \
        const VEC half = V_SET1_32(1 << ((shift)-1));                          \
        const size_t l = LANES16;                                              \
        size_t x = 0;                                                          \
        for (; x + 2 * l < len; x += 4 * l) {                                  \
            VEC a0 = half, a1 = half, a2 = half, a3 = half;                    \
            VEC a4 = half, a5 = half, a6 = half, a7 = half;                    \
            V_OVER_TAPS(T, V_TAP_PAIR(load, r0, r1, 0, wk, a0, a1);            \
                        V_TAP_PAIR(load, r0, r1, l, wk, a2, a3);               \
                        V_TAP_PAIR(load, r0, r1, 2 * l, wk, a4, a5);           \
                        V_TAP_PAIR(load, r0, r1, 3 * l, wk, a6, a7);           \
                        V_PIN4(a0, a1, a2, a3); V_PIN4(a4, a5, a6, a7));       \
            V_OUT_PAIR(out + x, a0, a1, shift);                                \
            V_OUT_PAIR(out + x + l, a2, a3, shift);                            \
            V_OUT_PAIR(out + x + 2 * l, a4, a5, shift);                        \
            V_OUT_PAIR(out + x + 3 * l, a6, a7, shift);                        \
        }                                                                      \
        if (x < len) {                                                         \
            VEC a0 = half, a1 = half, a2 = half, a3 = half;                    \
            V_OVER_TAPS(T, V_TAP_PAIR(load, r0, r1, 0, wk, a0, a1);            \
                        V_TAP_PAIR(load, r0, r1, l, wk, a2, a3);               \
                        V_PIN4(a0, a1, a2, a3));                               \
            V_OUT_PAIR(out + x, a0, a1, shift);                                \
            V_OUT_PAIR(out + x + l, a2, a3, shift);                            \
        }                                                                      \
    } while (0)

static void KERNEL(vertical_u8)(const uint8_t *const *rows, const int16_t *w,
                                uint32_t taps, size_t len, int16_t *out) {
    V_PASS(uint8_t, V_LOAD_U8, V_SHIFT_U8);
}

static void KERNEL(vertical_q6)(const int16_t *const *rows, const int16_t *w,
                                uint32_t taps, size_t len, int16_t *out) {
    V_PASS(int16_t, V_LOAD, V_SHIFT_Q6);
}

#undef V_PASS
#undef V_OUT_PAIR
#undef V_OVER_TAPS
#undef V_TAP_PAIR

/* resize_premul() on LANES16 samples at a time: whole pixels, as 2 and 4
 * divide LANES16. The alpha of each pixel is spread over its lanes with a
 * byte shuffle (lane-local, which pixels never cross).
 *
 * alpha_as_colour_255: the alpha lanes need a * 64, which is what
 * resize_premul(255, a) gives ((256 a + 1) >> 2 for a >= 1, 0 for 0): an
 * OR that sets the alpha lanes to 255 replaces a shift and a blend. */
static void KERNEL(premultiply)(const uint8_t *src, int16_t *dst,
                                uint32_t width, int channels) {
    /* Byte indices of each int16 lane's alpha within its 128-bit lane. */
    const VEC spread = channels == 4 ? V_SET_MASK(6, 7, 6, 7, 6, 7, 6, 7, 14,
                                                  15, 14, 15, 14, 15, 14, 15)
                                     : V_SET_MASK(2, 3, 2, 3, 6, 7, 6, 7, 10,
                                                  11, 10, 11, 14, 15, 14, 15);
    /* 255 in the alpha lanes: see alpha_as_colour_255. */
    const VEC alpha_255 =
        channels == 4
            ? V_SET_MASK(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, -1, 0)
            : V_SET_MASK(0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0);
    const VEC k257 = V_SET1_16(257), two = V_SET1_16(2);
    size_t samples = (size_t)width * channels;
    for (size_t x = 0; x < samples; x += LANES16) {
        VEC raw = V_LOAD_U8(src + x);
        VEC c = V_OR(raw, alpha_255);
        VEC a = V_SHUFFLE8(raw, spread);
        VEC t = V_MULLO16(c, a);
        V_STORE(dst + x,
                V_SRLI16(V_ADD16(V_ADD16(t, V_MULHI_U16(t, k257)), two), 2));
    }
}

/* ---- horizontal, 128-bit ----------------------------------------------- */

static inline __m128i KERNEL(pair128)(const int16_t *w) {
    return _mm_set1_epi32(KERNEL(weight_pair)(w));
}

/* Rounds four Q20 sums for pixel i: `channels` bytes of dst (straight,
 * unpremultiplied when alpha), or with q6 its Q6 int16 samples for the
 * vertical pass that follows (4 written, the rest overwritten by the next
 * pixel or landing in the row's slack). */
static inline void KERNEL(store_px)(__m128i acc, void *dst, size_t i,
                                    int channels, int alpha, int q6) {
    if (q6) {
        acc = _mm_srai_epi32(
            _mm_add_epi32(acc, _mm_set1_epi32(1 << (V_SHIFT_Q6 - 1))),
            V_SHIFT_Q6);
        _mm_storel_epi64((__m128i *)((int16_t *)dst + i * channels),
                         _mm_packs_epi32(acc, acc));
        return;
    }
    uint8_t *d = (uint8_t *)dst + i * channels;
    if (alpha) {
        int32_t a[4];
        _mm_storeu_si128((__m128i *)a, acc);
        resize_unpremultiply(a, d, channels);
        return;
    }
    acc = _mm_srai_epi32(_mm_add_epi32(acc, _mm_set1_epi32(1 << (H_SHIFT - 1))),
                         H_SHIFT);
    acc = _mm_packus_epi16(_mm_packs_epi32(acc, acc), acc);
    uint32_t px = (uint32_t)_mm_cvtsi128_si32(acc);
    for (int c = 0; c < channels; c++)
        d[c] = (uint8_t)(px >> (8 * c));
}

/* The tap set of output i of a one-channel row, summed into four int32
 * lanes. */
static inline __m128i KERNEL(taps_1)(const resize_axis *ax, const int16_t *src,
                                     uint32_t i) {
    const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
    const int16_t *s = src + ax->first[i];
    uint32_t n = ax->count[i];
    __m128i acc = _mm_setzero_si128();
    for (uint32_t k = 0; k < n; k += 8)
        acc = _mm_add_epi32(
            acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(s + k)),
                                _mm_loadu_si128((const __m128i *)(w + k))));
    return acc;
}

/* The sums of outputs i..i+3 of a one-channel row, one 128-bit set each,
 * summed across together (two rounds of hadd). */
static inline __m128i KERNEL(sets_1x4)(const resize_axis *ax,
                                       const int16_t *src, uint32_t i) {
    return _mm_hadd_epi32(_mm_hadd_epi32(KERNEL(taps_1)(ax, src, i),
                                         KERNEL(taps_1)(ax, src, i + 1)),
                          _mm_hadd_epi32(KERNEL(taps_1)(ax, src, i + 2),
                                         KERNEL(taps_1)(ax, src, i + 3)));
}

#if LANES16 == 16
/* Eight samples of a one-channel row at a in the low lane, at b in the
 * high one. */
static inline __m256i KERNEL(load_two)(const int16_t *a, const int16_t *b) {
    return _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)a)),
        _mm_loadu_si128((const __m128i *)b), 1);
}

/* The sums of outputs i..i+3 of a one-channel row, AVX2: outputs i and
 * i+1 share a register, one per 128-bit lane (i+2 and i+3 the other), so
 * a multiply-add does 8 taps of two outputs: 0.75 as many instructions
 * as four 128-bit sets. All four run n taps, the axis's longest set:
 * shorter ones have zero weights there up to tap_stride, and as every set
 * ends within its row, reading at most RUN_SLACK samples further stays in
 * the row's slack (axes whose sets differ more, the clamped edges of a
 * strong shrink, take the 128-bit path). */
#define RUN_SLACK (ROW_SLACK / 2)
static inline __m128i KERNEL(taps_1x4)(const resize_axis *ax,
                                       const int16_t *src, uint32_t i,
                                       uint32_t n) {
    const size_t stride = ax->tap_stride;
    const int16_t *w0 = ax->weights + (size_t)i * stride, *w1 = w0 + stride;
    const int16_t *w2 = w1 + stride, *w3 = w2 + stride;
    const int16_t *s0 = src + ax->first[i], *s1 = src + ax->first[i + 1];
    const int16_t *s2 = src + ax->first[i + 2], *s3 = src + ax->first[i + 3];
    __m256i a01 = _mm256_setzero_si256(), a23 = a01;
    uint32_t k = 0;
    do { /* n >= 1 */
        a01 = _mm256_add_epi32(
            a01, _mm256_madd_epi16(KERNEL(load_two)(s0 + k, s1 + k),
                                   KERNEL(load_two)(w0 + k, w1 + k)));
        a23 = _mm256_add_epi32(
            a23, _mm256_madd_epi16(KERNEL(load_two)(s2 + k, s3 + k),
                                   KERNEL(load_two)(w2 + k, w3 + k)));
        V_PIN(a01);
        V_PIN(a23);
        k += 8;
    } while (k < n);
    /* Lanes (i, i+2 | i+1, i+3) after two rounds of hadd. */
    __m256i h = _mm256_hadd_epi32(a01, a23);
    h = _mm256_hadd_epi32(h, h);
    return _mm_unpacklo_epi32(_mm256_castsi256_si128(h),
                              _mm256_extracti128_si256(h, 1));
}

#endif

#if LANES16 >= 16
#ifndef V256_MADD_ACC
#define V256_MADD_ACC(acc, a, b) _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
#endif
/* One-channel rows over quad windows (resize_axis.quad_first), 256 bits
 * (AVX2; the AVX-512 builds too, with VNNI's fused multiply-add, though
 * no CPU here could time them: a 512-bit form holding all four outputs
 * would save a multiply-add a step). 8 samples loaded once into both
 * 128-bit lanes meet two outputs' weights
 * in each multiply-add, so a step of 8 taps for four outputs is one load
 * and two multiply-adds, where taps_1x4 loads the samples per output and
 * computes its address. Windows are longer than sets (about 1.4x at a
 * 4x shrink), which the loads saved more than pay for. Two windows (eight
 * outputs) a round share the summing across and the store; `steps` is a
 * constant in each instance (horizontal_1_quads), so the taps unroll.
 * Rounds like horizontal_1 and writes out_count outputs, no more. */
#define QUAD_STEP(acc01, acc23, s, w, k)                                       \
    do {                                                                       \
        __m256i x_ = _mm256_broadcastsi128_si256(_mm_loadu_si128(              \
            (const __m128i *)(const void *)((s) + (size_t)8 * (k))));          \
        (acc01) = V256_MADD_ACC(                                               \
            (acc01), x_,                                                       \
            _mm256_loadu_si256(                                                \
                (const __m256i *)(const void *)((w) + (size_t)32 * (k))));     \
        (acc23) = V256_MADD_ACC(                                               \
            (acc23), x_,                                                       \
            _mm256_loadu_si256((                                               \
                const __m256i *)(const void *)((w) + (size_t)32 * (k) + 16))); \
    } while (0)

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
KERNEL(quads_run)(const resize_axis *ax, const int16_t *src, void *dst, int q6,
                  const uint32_t steps) {
    const size_t window = (size_t)steps * 4 * TAP_ALIGN;
    const int16_t *w = ax->quad_weights;
    const __m256i half =
        _mm256_set1_epi32(q6 ? 1 << (V_SHIFT_Q6 - 1) : 1 << (H_SHIFT - 1));
    const __m128i shift = _mm_cvtsi32_si128(q6 ? V_SHIFT_Q6 : H_SHIFT);
    /* Lanes (i, i+2, i+4, i+6 | i+1, i+3, i+5, i+7) after three rounds
     * of hadd, into output order. */
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const uint32_t n = ax->out_count;
    for (uint32_t i = 0; i < n; i += 8) {
        const int16_t *s0 = src + ax->quad_first[i / 4];
        /* The window after the last may not exist: rerun this one. */
        int two = i + 4 < n;
        const int16_t *s1 = two ? src + ax->quad_first[i / 4 + 1] : s0;
        const int16_t *w1 = two ? w + window : w;
        __m256i a01 = _mm256_setzero_si256(), a23 = a01, b01 = a01, b23 = a01;
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
        for (uint32_t k = 0; k < steps; k++) {
            QUAD_STEP(a01, a23, s0, w, k);
            QUAD_STEP(b01, b23, s1, w1, k);
        }
        w += 2 * window;
        __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a01, a23),
                                      _mm256_hadd_epi32(b01, b23));
        h = _mm256_permutevar8x32_epi32(h, order);
        h = _mm256_sra_epi32(_mm256_add_epi32(h, half), shift);
        __m128i v = _mm_packs_epi32(_mm256_castsi256_si128(h),
                                    _mm256_extracti128_si256(h, 1));
        uint32_t left = n - i;
        if (q6) {
            if (left >= 8)
                _mm_storeu_si128((__m128i *)(void *)((int16_t *)dst + i), v);
            else {
                int16_t q[8];
                _mm_storeu_si128((__m128i *)(void *)q, v);
                memcpy((int16_t *)dst + i, q, left * sizeof *q);
            }
            continue;
        }
        v = _mm_packus_epi16(v, v);
        if (left >= 8)
            _mm_storel_epi64((__m128i *)(void *)((uint8_t *)dst + i), v);
        else {
            uint8_t px[8];
            _mm_storel_epi64((__m128i *)(void *)px, v);
            memcpy((uint8_t *)dst + i, px, left);
        }
    }
}

static void KERNEL(horizontal_1_quads)(const resize_axis *ax,
                                       const int16_t *src, void *dst, int q6) {
    switch (ax->quad_taps / TAP_ALIGN) {
#define QUADS_CASE(n)                                                          \
    case n:                                                                    \
        KERNEL(quads_run)(ax, src, dst, q6, n);                                \
        return;
        QUADS_CASE(1)
        QUADS_CASE(2)
        QUADS_CASE(3)
        QUADS_CASE(4)
        QUADS_CASE(5)
        QUADS_CASE(6)
        QUADS_CASE(7)
        QUADS_CASE(8)
        QUADS_CASE(9)
        QUADS_CASE(10)
        QUADS_CASE(11)
        QUADS_CASE(12)
        QUADS_CASE(13)
        QUADS_CASE(14)
        QUADS_CASE(15)
        QUADS_CASE(16)
#undef QUADS_CASE
    }
}
#endif

static void KERNEL(horizontal_1)(const resize_axis *ax, const int16_t *src,
                                 void *dst, int q6) {
    uint32_t i = 0;
#if LANES16 >= 16
    if (ax->quad_weights) {
        KERNEL(horizontal_1_quads)(ax, src, dst, q6);
        return;
    }
#endif
#if LANES16 == 16
    const int run = ax->max_taps - ax->min_taps <= RUN_SLACK;
#endif
    /* Four outputs a step, summed across together (two rounds of hadd):
     * their chains of multiply-adds overlap, and one store writes all
     * four. Planar JPEG luma and chroma spend their time here. */
    for (; i + 4 <= ax->out_count; i += 4) {
#if LANES16 == 16
        __m128i sums = run ? KERNEL(taps_1x4)(ax, src, i, ax->max_taps)
                           : KERNEL(sets_1x4)(ax, src, i);
#else
        __m128i sums = KERNEL(sets_1x4)(ax, src, i);
#endif
        if (q6) {
            sums = _mm_srai_epi32(
                _mm_add_epi32(sums, _mm_set1_epi32(1 << (V_SHIFT_Q6 - 1))),
                V_SHIFT_Q6);
            _mm_storel_epi64((__m128i *)((int16_t *)dst + i),
                             _mm_packs_epi32(sums, sums));
            continue;
        }
        sums = _mm_srai_epi32(
            _mm_add_epi32(sums, _mm_set1_epi32(1 << (H_SHIFT - 1))), H_SHIFT);
        sums = _mm_packus_epi16(_mm_packs_epi32(sums, sums), sums);
        uint32_t px = (uint32_t)_mm_cvtsi128_si32(sums);
        memcpy((uint8_t *)dst + i, &px, sizeof px);
    }
    for (; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + ax->first[i];
        uint32_t n = ax->count[i];
        __m128i acc = _mm_setzero_si128();
        for (uint32_t k = 0; k < n; k += 8)
            acc = _mm_add_epi32(
                acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(s + k)),
                                    _mm_loadu_si128((const __m128i *)(w + k))));
        acc = _mm_add_epi32(acc, _mm_srli_si128(acc, 8));
        acc = _mm_add_epi32(acc, _mm_srli_si128(acc, 4));
        KERNEL(store_px)(acc, dst, i, 1, 0, q6);
    }
}

static void KERNEL(horizontal_2)(const resize_axis *ax, const int16_t *src,
                                 void *dst, int q6) {
    /* 4 pixels (g a g a g a g a) to (g0 g1 a0 a1 g2 g3 a2 a3). */
    const __m128i order =
        _mm_setr_epi8(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * 2;
        uint32_t n = ax->count[i];
        __m128i acc = _mm_setzero_si128();
        for (uint32_t k = 0; k < n; k += 4) {
            __m128i px = _mm_shuffle_epi8(
                _mm_loadu_si128((const __m128i *)(s + 2 * (size_t)k)), order);
            __m128i wk = _mm_shuffle_epi32(
                _mm_loadl_epi64((const __m128i *)(w + k)), 0x50);
            acc = _mm_add_epi32(acc, _mm_madd_epi16(px, wk));
        }
        acc = _mm_add_epi32(acc, _mm_srli_si128(acc, 8));
        KERNEL(store_px)(acc, dst, i, 2, 1, q6);
    }
}

/* 2 pixels of 3 or 4 channels to (c0 c0' c1 c1' c2 c2' [c3 c3']). */
static void KERNEL(horizontal_34)(const resize_axis *ax, const int16_t *src,
                                  void *dst, const int channels, int q6) {
    const __m128i order = channels == 3
                              ? _mm_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10,
                                              11, -1, -1, -1, -1)
                              : _mm_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5,
                                              12, 13, 6, 7, 14, 15);
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        __m128i acc0 = _mm_setzero_si128(), acc1 = _mm_setzero_si128();
        /* Four taps a step: tap_stride pads sets to 8 with zeros. */
        for (uint32_t k = 0; k < n; k += 4) {
            const int16_t *p = s + (size_t)k * channels;
            __m128i v0 =
                _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), order);
            __m128i v1 = _mm_shuffle_epi8(
                _mm_loadu_si128((const __m128i *)(p + 2 * (size_t)channels)),
                order);
            acc0 =
                _mm_add_epi32(acc0, _mm_madd_epi16(v0, KERNEL(pair128)(w + k)));
            acc1 = _mm_add_epi32(
                acc1, _mm_madd_epi16(v1, KERNEL(pair128)(w + k + 2)));
        }
        KERNEL(store_px)
        (_mm_add_epi32(acc0, acc1), dst, i, channels, channels == 4, q6);
    }
}

#if LANES16 == 32
/* Pixels k..k+7 from s, two per 128-bit lane in multiply-add order. */
static inline __m512i KERNEL(gather8)(const int16_t *s, uint32_t k,
                                      int channels, __mmask32 keep,
                                      __m512i order) {
    __m512i px = _mm512_loadu_si512(s + (size_t)k * channels);
    /* RGBA pixel pairs already sit in their lanes: a byte shuffle within
     * each lane (cheaper than vpermw) orders them. */
    if (channels == 4)
        return _mm512_shuffle_epi8(
            px, _mm512_broadcast_i32x4(_mm_setr_epi8(
                    0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15)));
    return _mm512_maskz_permutexvar_epi16(keep, order, px);
}

/* Weights w[0..7] as pairs (w0 w1) x4, (w2 w3) x4, ... */
static inline __m512i KERNEL(spread8)(const int16_t *w, __m512i spread) {
    return _mm512_permutexvar_epi32(
        spread, _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)w)));
}

/* AVX-512, 3 or 4 channels: eight taps a step. vpermw gathers pixels
 * (2L, 2L + 1) of the 32 samples loaded into 128-bit lane L as
 * (c0 c0' c1 c1' c2 c2' c3 c3'), zeroing the fourth pair of RGB, and the
 * weight pairs are spread to match: one multiply-add covers 8 taps. */
static void KERNEL(horizontal_34_wide)(const resize_axis *ax,
                                       const int16_t *src, void *dst,
                                       const int channels, int q6) {
    int16_t gather[32];
    __mmask32 keep = 0;
    for (int j = 0; j < 32; j++) {
        int lane = j / 8, c = (j % 8) / 2, px = 2 * lane + (j % 2);
        gather[j] = (int16_t)(c < channels ? px * channels + c : 0);
        if (c < channels)
            keep |= (__mmask32)1 << j;
    }
    const __m512i order = _mm512_loadu_si512(gather);
    const __m512i spread =
        _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * channels;
        uint32_t n = ax->count[i];
        /* Two chains of multiply-adds, so that each waits on its own
         * latency only; n8 ends at the padded set, never in the next. */
        uint32_t n8 = (n + 7) & ~7u, k = 0;
        __m512i acc = _mm512_setzero_si512(), acc2 = acc;
        for (; k + 16 <= n8; k += 16) {
            acc = V_MADD_ACC(acc, KERNEL(gather8)(s, k, channels, keep, order),
                             KERNEL(spread8)(w + k, spread));
            acc2 = V_MADD_ACC(acc2,
                              KERNEL(gather8)(s, k + 8, channels, keep, order),
                              KERNEL(spread8)(w + k + 8, spread));
        }
        if (k < n8)
            acc = V_MADD_ACC(acc, KERNEL(gather8)(s, k, channels, keep, order),
                             KERNEL(spread8)(w + k, spread));
        acc = _mm512_add_epi32(acc, acc2);
        __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(acc),
                                        _mm512_extracti64x4_epi64(acc, 1));
        KERNEL(store_px)
        (_mm_add_epi32(_mm256_castsi256_si128(half),
                       _mm256_extracti128_si256(half, 1)),
         dst, i, channels, channels == 4, q6);
    }
}
#endif

#if LANES16 == 16
/* Pixels p[0..3] of an RGB row, two per 128-bit lane in multiply-add
 * order (c0 c0' c1 c1' c2 c2' 0 0): vpermd (with the load folded in)
 * moves samples 6..13 up into the high lane, a byte shuffle within each
 * lane orders the pairs. */
static inline __m256i KERNEL(gather4_rgb)(const int16_t *p, __m256i lanes,
                                          __m256i order) {
    return _mm256_shuffle_epi8(
        _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)p),
                                    lanes),
        order);
}

/* AVX2, 3 channels: the 128-bit path took 2.4 instructions per
 * multiply-add here, against 0.5 for the vertical pass. Four taps per
 * multiply-add, eight a step over two chains; the weights of eight taps
 * are loaded once into both lanes and spread per group of four by a byte
 * shuffle: (w0 w1) x4 | (w2 w3) x4, then (w4 w5) x4 | (w6 w7) x4. */
static void KERNEL(horizontal_3_wide)(const resize_axis *ax, const int16_t *src,
                                      void *dst, int q6) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 3, 4, 5, 6);
    const __m256i order = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, -1, -1, -1, -1));
    const __m256i spread_lo =
        _mm256_setr_epi8(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5,
                         6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7);
    const __m256i spread_hi = _mm256_add_epi8(spread_lo, _mm256_set1_epi8(8));
    /* Locals: stores through dst could alias the plan's arrays. */
    const uint32_t out = ax->out_count, stride = ax->tap_stride;
    const uint32_t *first = ax->first, *count = ax->count;
    const int16_t *weights = ax->weights;
    for (uint32_t i = 0; i < out; i++) {
        const int16_t *w = weights + (size_t)i * stride;
        const int16_t *p = src + (size_t)first[i] * 3;
        /* Whole groups of four taps, within the padded set (tap_stride is
         * a multiple of 8); count >= 1, so at least one group. */
        const uint32_t groups = (count[i] + 3) / 4;
        const int16_t *end = w + (size_t)groups * 4;
        __m256i acc = _mm256_setzero_si256(), acc2 = acc;
        /* An odd group first, so that the loop ends where the set does. */
        if (groups & 1) {
            int64_t four;
            memcpy(&four, w, sizeof four);
            acc = V_MADD_ACC(
                acc, KERNEL(gather4_rgb)(p, lanes, order),
                _mm256_shuffle_epi8(_mm256_set1_epi64x(four), spread_lo));
            w += 4;
            p += (size_t)4 * 3;
        }
        while (w < end) {
            __m256i wk = _mm256_broadcastsi128_si256(
                _mm_loadu_si128((const __m128i *)w));
            acc = V_MADD_ACC(acc, KERNEL(gather4_rgb)(p, lanes, order),
                             _mm256_shuffle_epi8(wk, spread_lo));
            acc2 = V_MADD_ACC(
                acc2, KERNEL(gather4_rgb)(p + (size_t)4 * 3, lanes, order),
                _mm256_shuffle_epi8(wk, spread_hi));
            V_PIN(acc);
            V_PIN(acc2);
            w += 8;
            p += (size_t)8 * 3;
        }
        acc = _mm256_add_epi32(acc, acc2);
        __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc),
                                    _mm256_extracti128_si256(acc, 1));
        if (q6 || i + 1 == out) {
            KERNEL(store_px)(sum, dst, i, 3, 0, q6);
            continue;
        }
        /* Four bytes: the fourth is the next pixel's, written after. */
        sum = _mm_srai_epi32(
            _mm_add_epi32(sum, _mm_set1_epi32(1 << (H_SHIFT - 1))), H_SHIFT);
        sum = _mm_packus_epi16(_mm_packs_epi32(sum, sum), sum);
        uint32_t px = (uint32_t)_mm_cvtsi128_si32(sum);
        memcpy((uint8_t *)dst + (size_t)i * 3, &px, sizeof px);
    }
}

/* AVX2, 4 channels: four taps (pixels) a step, two per 128-bit lane. */
static void KERNEL(horizontal_4_wide)(const resize_axis *ax, const int16_t *src,
                                      void *dst, int q6) {
    const __m256i order = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15));
    const __m256i spread = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
    for (uint32_t i = 0; i < ax->out_count; i++) {
        const int16_t *w = ax->weights + (size_t)i * ax->tap_stride;
        const int16_t *s = src + (size_t)ax->first[i] * 4;
        uint32_t n = ax->count[i];
        __m256i acc = _mm256_setzero_si256();
        for (uint32_t k = 0; k < n; k += 4) {
            __m256i px = _mm256_shuffle_epi8(
                _mm256_loadu_si256((const __m256i *)(s + 4 * (size_t)k)),
                order);
            __m256i wk = _mm256_permutevar8x32_epi32(
                _mm256_castsi128_si256(
                    _mm_loadl_epi64((const __m128i *)(w + k))),
                spread);
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(px, wk));
        }
        KERNEL(store_px)
        (_mm_add_epi32(_mm256_castsi256_si128(acc),
                       _mm256_extracti128_si256(acc, 1)),
         dst, i, 4, 1, q6);
    }
}
#endif

static void KERNEL(horizontal_any)(const resize_axis *ax, const int16_t *src,
                                   void *dst, int channels, int q6) {
#if LANES16 == 32
    if (channels >= 3) {
        KERNEL(horizontal_34_wide)(ax, src, dst, channels, q6);
        return;
    }
#elif LANES16 == 16
    if (channels == 4) {
        KERNEL(horizontal_4_wide)(ax, src, dst, q6);
        return;
    }
    if (channels == 3) {
        KERNEL(horizontal_3_wide)(ax, src, dst, q6);
        return;
    }
#endif
    switch (channels) {
    case 1:
        KERNEL(horizontal_1)(ax, src, dst, q6);
        break;
    case 2:
        KERNEL(horizontal_2)(ax, src, dst, q6);
        break;
    default:
        KERNEL(horizontal_34)(ax, src, dst, channels, q6);
        break;
    }
}

static void KERNEL(horizontal)(const resize_axis *ax, const int16_t *src,
                               uint8_t *dst, int channels) {
    KERNEL(horizontal_any)(ax, src, dst, channels, 0);
}

static void KERNEL(horizontal_q6)(const resize_axis *ax, const int16_t *src,
                                  int16_t *dst, int channels) {
    KERNEL(horizontal_any)(ax, src, dst, channels, 1);
}

/* ---- 4 channels, pixel pairs ------------------------------------------ */

/* Taps per multiply-add on pixel pairs: a 128-bit lane holds one pair. */
#define PAIR_TAPS (LANES16 / 4)

/* resize_premul() on RGBA, written in pairs (c0 c0' c1 c1' c2 c2' a a'):
 * each 128-bit lane of LANES16 samples is one pair, so a byte shuffle
 * within lanes puts it in order. */
static void KERNEL(premultiply_pairs)(const uint8_t *src, int16_t *dst,
                                      uint32_t width) {
    const VEC order =
        V_SET_MASK(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
    /* Each lane's alpha, taken from the loaded order (alpha at samples 3
     * and 7), so that both shuffles start from the load. */
    const VEC spread =
        V_SET_MASK(6, 7, 14, 15, 6, 7, 14, 15, 6, 7, 14, 15, 6, 7, 14, 15);
    /* 255 in the alpha lanes (see alpha_as_colour_255). */
    const VEC alpha_255 =
        V_SET_MASK(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, -1, 0);
    const VEC k257 = V_SET1_16(257), two = V_SET1_16(2);
    size_t samples = (size_t)width * 4;
    for (size_t x = 0; x < samples; x += LANES16) {
        VEC raw = V_LOAD_U8(src + x);
        VEC c = V_OR(V_SHUFFLE8(raw, order), alpha_255);
        VEC a = V_SHUFFLE8(raw, spread);
        VEC t = V_MULLO16(c, a);
        V_STORE(dst + x,
                V_SRLI16(V_ADD16(V_ADD16(t, V_MULHI_U16(t, k257)), two), 2));
    }
}

#if LANES16 == 32
/* Weights w[0..7] as (w0 w1) x4, (w2 w3) x4, ...: one per 128-bit lane. */
static inline VEC KERNEL(pair_weights)(const int16_t *w) {
    const __m512i spread =
        _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    return _mm512_permutexvar_epi32(
        spread, _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)w)));
}

static inline __m128i KERNEL(lanes_sum)(VEC acc) {
    __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(acc),
                                    _mm512_extracti64x4_epi64(acc, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(half),
                         _mm256_extracti128_si256(half, 1));
}

/* The lane sums of four pixels' accumulators, pixel j in lane j. */
static inline VEC KERNEL(lanes_sum4)(VEC a, VEC b, VEC c, VEC d) {
    VEC ab = _mm512_add_epi32(_mm512_shuffle_i32x4(a, b, 0x44),
                              _mm512_shuffle_i32x4(a, b, 0xEE));
    VEC cd = _mm512_add_epi32(_mm512_shuffle_i32x4(c, d, 0x44),
                              _mm512_shuffle_i32x4(c, d, 0xEE));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(ab, cd, 0x88),
                            _mm512_shuffle_i32x4(ab, cd, 0xDD));
}

static inline void KERNEL(store4_q6)(VEC a, VEC b, VEC c, VEC d, int16_t *dst) {
    VEC sums = _mm512_srai_epi32(
        _mm512_add_epi32(KERNEL(lanes_sum4)(a, b, c, d),
                         _mm512_set1_epi32(1 << (V_SHIFT_Q6 - 1))),
        V_SHIFT_Q6);
    _mm256_storeu_si256((__m256i *)dst, _mm512_cvtsepi32_epi16(sums));
}
#elif LANES16 == 16
/* Weights w[0..3] as (w0 w1) x4, (w2 w3) x4: one per 128-bit lane. */
static inline VEC KERNEL(pair_weights)(const int16_t *w) {
    return _mm256_permutevar8x32_epi32(
        _mm256_castsi128_si256(_mm_loadl_epi64((const __m128i *)w)),
        _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
}

static inline __m128i KERNEL(lanes_sum)(VEC acc) {
    return _mm_add_epi32(_mm256_castsi256_si128(acc),
                         _mm256_extracti128_si256(acc, 1));
}

static inline void KERNEL(store4_q6)(VEC a, VEC b, VEC c, VEC d, int16_t *dst) {
    const VEC half = _mm256_set1_epi32(1 << (V_SHIFT_Q6 - 1));
    /* (a, b) and (c, d) summed across lanes, one pixel per lane. */
    VEC ab = _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                              _mm256_permute2x128_si256(a, b, 0x31));
    VEC cd = _mm256_add_epi32(_mm256_permute2x128_si256(c, d, 0x20),
                              _mm256_permute2x128_si256(c, d, 0x31));
    ab = _mm256_srai_epi32(_mm256_add_epi32(ab, half), V_SHIFT_Q6);
    cd = _mm256_srai_epi32(_mm256_add_epi32(cd, half), V_SHIFT_Q6);
    /* packs works per lane: (a c | b d), put back in pixel order. */
    _mm256_storeu_si256((__m256i *)dst, _mm256_permute4x64_epi64(
                                            _mm256_packs_epi32(ab, cd), 0xD8));
}
#else
/* Weights w[0..1] as (w0 w1) x4. */
static inline VEC KERNEL(pair_weights)(const int16_t *w) {
    return _mm_set1_epi32(KERNEL(weight_pair)(w));
}

static inline __m128i KERNEL(lanes_sum)(VEC acc) {
    return acc;
}

static inline void KERNEL(store4_q6)(VEC a, VEC b, VEC c, VEC d, int16_t *dst) {
    const VEC half = _mm_set1_epi32(1 << (V_SHIFT_Q6 - 1));
    a = _mm_srai_epi32(_mm_add_epi32(a, half), V_SHIFT_Q6);
    b = _mm_srai_epi32(_mm_add_epi32(b, half), V_SHIFT_Q6);
    c = _mm_srai_epi32(_mm_add_epi32(c, half), V_SHIFT_Q6);
    d = _mm_srai_epi32(_mm_add_epi32(d, half), V_SHIFT_Q6);
    _mm_storeu_si128((__m128i *)dst, _mm_packs_epi32(a, b));
    _mm_storeu_si128((__m128i *)(dst + 8), _mm_packs_epi32(c, d));
}
#endif

/* Pair windows run PAIR_TAPS taps a step; at 512 bits a window may end
 * in a half step of PAIR_ALIGN taps, taken at 256 bits. */
#if LANES16 == 32
#define PAIR_HALF 1
static inline VEC KERNEL(pair_half)(VEC acc, const int16_t *s,
                                    const int16_t *w) {
    __m256i wk = _mm256_permutevar8x32_epi32(
        _mm256_castsi128_si256(_mm_loadl_epi64((const __m128i *)w)),
        _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
    __m256i sum = V256_MADD_ACC(_mm256_setzero_si256(),
                                _mm256_loadu_si256((const __m256i *)s), wk);
    return _mm512_add_epi32(acc, _mm512_zextsi256_si512(sum));
}
#else
#define PAIR_HALF 0
#endif

/* Window i of a pair-ordered row in one accumulator, whose 128-bit lanes
 * still need summing. */
static inline VEC KERNEL(pair_window)(const resize_axis *ax, const int16_t *src,
                                      uint32_t i) {
    const uint32_t taps = ax->pair_taps;
    const int16_t *w = ax->pair_weights + (size_t)i * taps;
    const int16_t *s = src + (size_t)ax->pair_first[i] * 4;
    VEC acc = V_SET1_32(0);
    uint32_t k = 0;
    for (; k + PAIR_TAPS <= taps; k += PAIR_TAPS)
        acc = V_MADD_ACC(acc, V_LOAD(s + (size_t)k * 4),
                         KERNEL(pair_weights)(w + k));
#if PAIR_HALF
    if (k < taps)
        acc = KERNEL(pair_half)(acc, s + (size_t)k * 4, w + k);
#endif
    return acc;
}

static inline void KERNEL(store1_q6)(VEC acc, int16_t *dst) {
    __m128i sum =
        _mm_srai_epi32(_mm_add_epi32(KERNEL(lanes_sum)(acc),
                                     _mm_set1_epi32(1 << (V_SHIFT_Q6 - 1))),
                       V_SHIFT_Q6);
    _mm_storel_epi64((__m128i *)dst, _mm_packs_epi32(sum, sum));
}

/* Four outputs a step, their taps interleaved: each multiply-add then
 * waits on its own pixel's chain only, and one store writes all four.
 * Windows of one length let the four run in step. */
static void KERNEL(horizontal_pairs_1)(const resize_axis *ax,
                                       const int16_t *src, int16_t *dst) {
    const uint32_t taps = ax->pair_taps;
    uint32_t i = 0;
    for (; i + 4 <= ax->out_count; i += 4) {
        const int16_t *w0 = ax->pair_weights + (size_t)i * taps;
        const int16_t *w1 = w0 + taps, *w2 = w1 + taps, *w3 = w2 + taps;
        const int16_t *s0 = src + (size_t)ax->pair_first[i] * 4;
        const int16_t *s1 = src + (size_t)ax->pair_first[i + 1] * 4;
        const int16_t *s2 = src + (size_t)ax->pair_first[i + 2] * 4;
        const int16_t *s3 = src + (size_t)ax->pair_first[i + 3] * 4;
        VEC a = V_SET1_32(0), b = a, c = a, d = a;
        uint32_t k = 0;
        for (; k + PAIR_TAPS <= taps; k += PAIR_TAPS) {
            size_t at = (size_t)k * 4;
            a = V_MADD_ACC(a, V_LOAD(s0 + at), KERNEL(pair_weights)(w0 + k));
            b = V_MADD_ACC(b, V_LOAD(s1 + at), KERNEL(pair_weights)(w1 + k));
            c = V_MADD_ACC(c, V_LOAD(s2 + at), KERNEL(pair_weights)(w2 + k));
            d = V_MADD_ACC(d, V_LOAD(s3 + at), KERNEL(pair_weights)(w3 + k));
        }
#if PAIR_HALF
        if (k < taps) {
            size_t at = (size_t)k * 4;
            a = KERNEL(pair_half)(a, s0 + at, w0 + k);
            b = KERNEL(pair_half)(b, s1 + at, w1 + k);
            c = KERNEL(pair_half)(c, s2 + at, w2 + k);
            d = KERNEL(pair_half)(d, s3 + at, w3 + k);
        }
#endif
        KERNEL(store4_q6)(a, b, c, d, dst + (size_t)i * 4);
    }
    for (; i < ax->out_count; i++)
        KERNEL(store1_q6)(KERNEL(pair_window)(ax, src, i), dst + (size_t)i * 4);
}

/* Two rows: each weight register serves both. */
static void KERNEL(horizontal_pairs_2)(const resize_axis *ax,
                                       const int16_t *src0, const int16_t *src1,
                                       int16_t *dst0, int16_t *dst1) {
    const uint32_t taps = ax->pair_taps;
    uint32_t i = 0;
    for (; i + 4 <= ax->out_count; i += 4) {
        const int16_t *w0 = ax->pair_weights + (size_t)i * taps;
        const int16_t *w1 = w0 + taps, *w2 = w1 + taps, *w3 = w2 + taps;
        size_t o0 = (size_t)ax->pair_first[i] * 4;
        size_t o1 = (size_t)ax->pair_first[i + 1] * 4;
        size_t o2 = (size_t)ax->pair_first[i + 2] * 4;
        size_t o3 = (size_t)ax->pair_first[i + 3] * 4;
        VEC a = V_SET1_32(0), b = a, c = a, d = a, e = a, f = a, g = a, h = a;
        uint32_t k = 0;
        for (; k + PAIR_TAPS <= taps; k += PAIR_TAPS) {
            size_t at = (size_t)k * 4;
            VEC x = KERNEL(pair_weights)(w0 + k);
            a = V_MADD_ACC(a, V_LOAD(src0 + o0 + at), x);
            e = V_MADD_ACC(e, V_LOAD(src1 + o0 + at), x);
            x = KERNEL(pair_weights)(w1 + k);
            b = V_MADD_ACC(b, V_LOAD(src0 + o1 + at), x);
            f = V_MADD_ACC(f, V_LOAD(src1 + o1 + at), x);
            x = KERNEL(pair_weights)(w2 + k);
            c = V_MADD_ACC(c, V_LOAD(src0 + o2 + at), x);
            g = V_MADD_ACC(g, V_LOAD(src1 + o2 + at), x);
            x = KERNEL(pair_weights)(w3 + k);
            d = V_MADD_ACC(d, V_LOAD(src0 + o3 + at), x);
            h = V_MADD_ACC(h, V_LOAD(src1 + o3 + at), x);
        }
#if PAIR_HALF
        if (k < taps) {
            size_t at = (size_t)k * 4;
            a = KERNEL(pair_half)(a, src0 + o0 + at, w0 + k);
            e = KERNEL(pair_half)(e, src1 + o0 + at, w0 + k);
            b = KERNEL(pair_half)(b, src0 + o1 + at, w1 + k);
            f = KERNEL(pair_half)(f, src1 + o1 + at, w1 + k);
            c = KERNEL(pair_half)(c, src0 + o2 + at, w2 + k);
            g = KERNEL(pair_half)(g, src1 + o2 + at, w2 + k);
            d = KERNEL(pair_half)(d, src0 + o3 + at, w3 + k);
            h = KERNEL(pair_half)(h, src1 + o3 + at, w3 + k);
        }
#endif
        KERNEL(store4_q6)(a, b, c, d, dst0 + (size_t)i * 4);
        KERNEL(store4_q6)(e, f, g, h, dst1 + (size_t)i * 4);
    }
    for (; i < ax->out_count; i++) {
        KERNEL(store1_q6)
        (KERNEL(pair_window)(ax, src0, i), dst0 + (size_t)i * 4);
        KERNEL(store1_q6)
        (KERNEL(pair_window)(ax, src1, i), dst1 + (size_t)i * 4);
    }
}

static void KERNEL(horizontal_pairs)(const resize_axis *ax,
                                     const int16_t *const *src,
                                     int16_t *const *dst, int rows) {
    if (rows == 2)
        KERNEL(horizontal_pairs_2)(ax, src[0], src[1], dst[0], dst[1]);
    else
        KERNEL(horizontal_pairs_1)(ax, src[0], dst[0]);
}

/* ---- unpremultiply ------------------------------------------------------ */

/* resize_unpremultiply_q6() on the LANES16 / 2 samples at src, whole
 * pixels of 2 or 4 channels (`four`), in int32 and float lanes. The
 * alpha of each pixel is spread over its lanes with an in-lane dword
 * shuffle; a pixel whose alpha rounds to 0 gets colour 0 through a zero
 * quotient, as in the scalar code. */
#if LANES16 == 32
static inline void KERNEL(unpremultiply_step)(const int16_t *src, uint8_t *dst,
                                              int four) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i v = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const void *)src));
    __m512i a =
        four ? _mm512_shuffle_epi32(v, 0xFF) : _mm512_shuffle_epi32(v, 0xF5);
    __m512i a8 = _mm512_srai_epi32(
        _mm512_add_epi32(a, _mm512_set1_epi32(1 << (INTER_BITS - 1))),
        INTER_BITS);
    __mmask16 lit = _mm512_cmpgt_epi32_mask(a8, zero);
    __m512 inv =
        _mm512_maskz_div_ps(lit, _mm512_set1_ps(255.0f), _mm512_cvtepi32_ps(a));
    __m512 f =
        _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_max_epi32(v, zero)), inv);
    f = _mm512_add_ps(f, _mm512_set1_ps(0.5f));
    __m512i out = _mm512_mask_blend_epi32(four ? 0x8888 : 0xAAAA,
                                          _mm512_cvttps_epi32(f), a8);
    /* Unsigned saturation caps at 255; the max floors a negative alpha. */
    _mm_storeu_si128((__m128i *)dst,
                     _mm512_cvtusepi32_epi8(_mm512_max_epi32(out, zero)));
}
#elif LANES16 == 16
static inline void KERNEL(unpremultiply_step)(const int16_t *src, uint8_t *dst,
                                              int four) {
    const __m256i zero = _mm256_setzero_si256();
    __m256i v = _mm256_cvtepi16_epi32(_mm_loadu_si128((const void *)src));
    __m256i a =
        four ? _mm256_shuffle_epi32(v, 0xFF) : _mm256_shuffle_epi32(v, 0xF5);
    __m256i a8 = _mm256_srai_epi32(
        _mm256_add_epi32(a, _mm256_set1_epi32(1 << (INTER_BITS - 1))),
        INTER_BITS);
    __m256 lit = _mm256_castsi256_ps(_mm256_cmpgt_epi32(a8, zero));
    __m256 inv = _mm256_and_ps(
        _mm256_div_ps(_mm256_set1_ps(255.0f), _mm256_cvtepi32_ps(a)), lit);
    __m256 f =
        _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_max_epi32(v, zero)), inv);
    f = _mm256_add_ps(f, _mm256_set1_ps(0.5f));
    __m256i c = _mm256_cvttps_epi32(f);
    __m256i out = four ? _mm256_blend_epi32(c, a8, 0x88)
                       : _mm256_blend_epi32(c, a8, 0xAA);
    /* Saturating packs cap at 255 and floor at 0; they work per lane, so
     * the two lanes' first dwords are gathered. */
    out = _mm256_packs_epi32(out, out);
    out = _mm256_packus_epi16(out, out);
    out = _mm256_permutevar8x32_epi32(
        out, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
    _mm_storel_epi64((__m128i *)dst, _mm256_castsi256_si128(out));
}
#else
static inline void KERNEL(unpremultiply_step)(const int16_t *src, uint8_t *dst,
                                              int four) {
    const __m128i zero = _mm_setzero_si128();
    __m128i v = _mm_cvtepi16_epi32(_mm_loadl_epi64((const void *)src));
    __m128i a = four ? _mm_shuffle_epi32(v, 0xFF) : _mm_shuffle_epi32(v, 0xF5);
    __m128i a8 = _mm_srai_epi32(
        _mm_add_epi32(a, _mm_set1_epi32(1 << (INTER_BITS - 1))), INTER_BITS);
    __m128 lit = _mm_castsi128_ps(_mm_cmpgt_epi32(a8, zero));
    __m128 inv =
        _mm_and_ps(_mm_div_ps(_mm_set1_ps(255.0f), _mm_cvtepi32_ps(a)), lit);
    __m128 f = _mm_mul_ps(_mm_cvtepi32_ps(_mm_max_epi32(v, zero)), inv);
    f = _mm_add_ps(f, _mm_set1_ps(0.5f));
    __m128i c = _mm_cvttps_epi32(f);
    __m128i out =
        four ? _mm_blend_epi16(c, a8, 0xC0) : _mm_blend_epi16(c, a8, 0xCC);
    out = _mm_packs_epi32(out, out);
    out = _mm_packus_epi16(out, out);
    uint32_t px = (uint32_t)_mm_cvtsi128_si32(out);
    memcpy(dst, &px, sizeof px);
}
#endif

static void KERNEL(unpremultiply)(const int16_t *src, uint8_t *dst,
                                  uint32_t width, int channels) {
    const size_t step = LANES16 / 2;
    size_t samples = (size_t)width * channels, x = 0;
    for (; x + step <= samples; x += step)
        KERNEL(unpremultiply_step)(src + x, dst + x, channels == 4);
    for (; x < samples; x += channels)
        resize_unpremultiply_q6(src + x, dst + x, channels - 1);
}
