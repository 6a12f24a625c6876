/* The box shrink (box.h). Plain C written for the compiler to vectorise,
 * built twice on x86-64: for the baseline, and for AVX2, chosen when
 * planning (not by an ifunc: see resize_cpu.c). */
#include "box.h"

#include "thumbnail.h"

/* Whole boxes of K columns of CH channels, K and CH constants where
 * inlined, divided by 2^shift and rounded (half - odd). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
box_cols_pow2(const uint16_t *restrict sums, uint8_t *restrict out,
              size_t cells, int CH, uint32_t K, unsigned shift, int odd) {
    uint32_t round = ((1u << shift) >> 1) - (uint32_t)odd;
    for (size_t x = 0; x < cells; x++)
        for (int c = 0; c < CH; c++) {
            uint32_t sum = 0;
            for (uint32_t j = 0; j < K; j++)
                sum += sums[(x * K + j) * (size_t)CH + (size_t)c];
            out[x * (size_t)CH + (size_t)c] = (uint8_t)((sum + round) >> shift);
        }
}

/* Any boxes: the right edge's, and the bottom row's, fewer rows deep. */
static void box_cols_any(const uint16_t *sums, uint8_t *out, size_t cells,
                         int ch, uint32_t k, uint32_t area, int odd) {
    uint32_t round = area / 2 - (uint32_t)(odd && area % 2 == 0);
    for (size_t x = 0; x < cells; x++)
        for (int c = 0; c < ch; c++) {
            uint32_t sum = 0;
            for (uint32_t j = 0; j < k; j++)
                sum += sums[(x * k + j) * (size_t)ch + (size_t)c];
            /* The analyzer loses track of which sums the rows filled and
             * of area's lower bound (1: one row of one column). */
            // NOLINTNEXTLINE(clang-analyzer-core.DivideZero,clang-analyzer-core.UndefinedBinaryOperatorResult)
            out[x * (size_t)ch + (size_t)c] = (uint8_t)((sum + round) / area);
        }
}

/* The column sums down a box: the first row, then each next one. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
widen_row(uint16_t *restrict sums, const uint8_t *restrict in, size_t n) {
    for (size_t x = 0; x < n; x++)
        sums[x] = in[x];
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
add_row(uint16_t *restrict sums, const uint8_t *restrict in, size_t n) {
    for (size_t x = 0; x < n; x++)
        sums[x] = (uint16_t)(sums[x] + in[x]);
}

/* 2 x 2 boxes of one channel straight from the two rows: the commonest
 * box (a JPEG plane one DCT scale finer than needed), without the sums'
 * pass. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
box_2x2_grey(const uint8_t *restrict a, const uint8_t *restrict b, size_t cells,
             uint8_t *restrict out, int odd) {
    uint32_t round = 2u - (uint32_t)odd;
    for (size_t x = 0; x < cells; x++)
        out[x] = (uint8_t)(((uint32_t)a[2 * x] + a[2 * x + 1] + b[2 * x] +
                            b[2 * x + 1] + round) >>
                           2);
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
box_row_body(const uint8_t *const *rows, uint32_t count, size_t width,
             int channels, uint32_t k, uint16_t *restrict sums,
             uint8_t *restrict out, int odd) {
    if (k == 2 && count == 2 && channels == 1) {
        size_t cells = width / 2;
        box_2x2_grey(rows[0], rows[1], cells, out, odd);
        if (width % 2)
            out[cells] = (uint8_t)(((uint32_t)rows[0][width - 1] +
                                    rows[1][width - 1] + 1u - (uint32_t)odd) /
                                   2);
        return;
    }
    size_t n = width * (size_t)channels;
    widen_row(sums, rows[0], n);
    for (uint32_t y = 1; y < count; y++)
        add_row(sums, rows[y], n);
    size_t cells = width / k, rest = width - cells * k;
    /* Whole k x k boxes of 1 or 3 channels, each with its constants. */
#define BOX_CASE(K, CH, SHIFT)                                                 \
    case (K)*4 + (CH):                                                         \
        box_cols_pow2(sums, out, cells, CH, K, SHIFT, odd);                    \
        break
    switch (count == k ? k * 4 + (uint32_t)channels : 0) {
        BOX_CASE(2, 1, 2);
        BOX_CASE(4, 1, 4);
        BOX_CASE(8, 1, 6);
        BOX_CASE(2, 3, 2);
        BOX_CASE(4, 3, 4);
        BOX_CASE(8, 3, 6);
    default:
        box_cols_any(sums, out, cells, channels, k, k * count, odd);
    }
#undef BOX_CASE
    if (rest)
        box_cols_any(sums + cells * k * (size_t)channels,
                     out + cells * (size_t)channels, 1, channels,
                     (uint32_t)rest, (uint32_t)rest * count, odd);
}

static void box_row_base(const uint8_t *const *rows, uint32_t count,
                         size_t width, int channels, uint32_t k, uint16_t *sums,
                         uint8_t *out, int odd) {
    box_row_body(rows, count, width, channels, k, sums, out, odd);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define BOX_AVX2 1
#include <immintrin.h>

/* The whole 2 x 2 and 4 x 4 boxes of one channel by hand, 64 source
 * columns a step (the fan-out's commonest boxes: a JPEG plane one or two
 * DCT scales finer than needed), where the compiler's vectorisation of
 * box_row_body took several instructions a sample. pmaddubsw sums
 * column pairs, pmaddwd pairs of those; returns the source columns done
 * (a multiple of 64), the rest left to box_row_body. Inlined with k a
 * constant, so that the rows unroll. */
__attribute__((target("avx2"), always_inline)) static inline size_t
box_grey_avx2(const uint8_t *const *rows, size_t width, uint32_t k,
              uint8_t *out, int odd) {
    const __m256i ones8 = _mm256_set1_epi8(1);
    const __m256i ones16 = _mm256_set1_epi16(1);
    const __m256i round =
        _mm256_set1_epi16((int16_t)(k * k / 2 - (uint32_t)odd));
    const __m128i shift = _mm_cvtsi32_si128(k == 2 ? 2 : 4);
    size_t x = 0;
    for (; x + 64 <= width; x += 64) {
        __m256i half[2];
        for (int h = 0; h < 2; h++) {
            __m256i p = _mm256_setzero_si256();
#pragma GCC unroll 4
            for (uint32_t y = 0; y < k; y++)
                p = _mm256_add_epi16(
                    p, _mm256_maddubs_epi16(
                           _mm256_loadu_si256(
                               (const __m256i *)(const void *)(rows[y] + x +
                                                               (size_t)32 * h)),
                           ones8));
            half[h] = p; /* 16 column pairs */
        }
        __m256i v;
        if (k == 2) {
            /* (a0-7 b0-7 | a8-15 b8-15) in 64-bit units -> a, b. */
            v = _mm256_packus_epi16(
                _mm256_srl_epi16(_mm256_add_epi16(half[0], round), shift),
                _mm256_srl_epi16(_mm256_add_epi16(half[1], round), shift));
            v = _mm256_permute4x64_epi64(v, _MM_SHUFFLE(3, 1, 2, 0));
            _mm256_storeu_si256((__m256i *)(void *)(out + x / 2), v);
            continue;
        }
        v = _mm256_packs_epi32(_mm256_madd_epi16(half[0], ones16),
                               _mm256_madd_epi16(half[1], ones16));
        v = _mm256_permute4x64_epi64(v, _MM_SHUFFLE(3, 1, 2, 0));
        v = _mm256_srl_epi16(_mm256_add_epi16(v, round), shift);
        v = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v),
                                     _MM_SHUFFLE(3, 1, 2, 0));
        _mm_storeu_si128((__m128i *)(void *)(out + x / 4),
                         _mm256_castsi256_si128(v));
    }
    return x;
}

__attribute__((target("avx2"))) static void
box_row_avx2(const uint8_t *const *rows, uint32_t count, size_t width,
             int channels, uint32_t k, uint16_t *sums, uint8_t *out, int odd) {
    if (channels == 1 && count == k && (k == 2 || k == 4)) {
        size_t done = k == 2 ? box_grey_avx2(rows, width, 2, out, odd)
                             : box_grey_avx2(rows, width, 4, out, odd);
        if (done == width)
            return;
        const uint8_t *rest[BOX_MAX];
        for (uint32_t y = 0; y < count; y++)
            rest[y] = rows[y] + done;
        box_row_body(rest, count, width - done, channels, k, sums,
                     out + done / k, odd);
        return;
    }
    box_row_body(rows, count, width, channels, k, sums, out, odd);
}
#endif

box_row_fn box_row_pick(int simd) {
#ifdef BOX_AVX2
    if ((simd == THUMB_SIMD_AUTO || simd == THUMB_SIMD_AVX2 ||
         simd == THUMB_SIMD_AVX512) &&
        __builtin_cpu_supports("avx2"))
        return box_row_avx2;
#else
    (void)simd;
#endif
    return box_row_base;
}
