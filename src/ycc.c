/* YCbCr -> RGB on Q6 rows (ycc.h).
 *
 * Samples are Q6 (x 64) and the coefficients Q14, so a sum is the result
 * in Q20. Any int16 Q6 input keeps every sum within int32: the largest,
 * blue's, is at most 2^15 x 2^14 + 40960 x 29032 < 2^31 (40960: an int16
 * less the chroma centre). */
#include "ycc.h"

#include "thumbnail.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#define Q6_BITS 6
#define COEF_BITS 14
#define SUM_BITS (Q6_BITS + COEF_BITS)
#define SUM_HALF (1 << (SUM_BITS - 1))
#define COEF_1_40200 22970 /* round(1.40200 x 2^14) */
#define COEF_0_34414 5638
#define COEF_0_71414 11700
#define COEF_1_77200 29032
#define CHROMA_CENTRE_Q6 (128 << Q6_BITS)

/* A Q20 sum plus half, rounded down to 8 bits and clamped. */
static uint8_t sum_to_u8(int32_t v) {
    return (uint8_t)(v < 0 ? 0 : v >> SUM_BITS > 255 ? 255 : v >> SUM_BITS);
}

void ycc_to_rgb_scalar(const int16_t *y, const int16_t *cb, const int16_t *cr,
                       uint8_t *rgb, uint32_t width) {
    for (size_t x = 0; x < width; x++, rgb += 3) {
        int32_t l = y[x] * (1 << COEF_BITS) + SUM_HALF; /* y may be < 0 */
        int32_t b = cb[x] - CHROMA_CENTRE_Q6, r = cr[x] - CHROMA_CENTRE_Q6;
        rgb[0] = sum_to_u8(l + COEF_1_40200 * r);
        rgb[1] = sum_to_u8(l - COEF_0_34414 * b - COEF_0_71414 * r);
        rgb[2] = sum_to_u8(l + COEF_1_77200 * b);
    }
}

/* AVX2 (chosen when planning, not by an ifunc: a resolver runs before
 * ThreadSanitizer's runtime is up and crashes it). Each sum is one or two
 * pmaddwd on interleaved sample pairs, the chroma centre folded into the
 * constant: red = y x 2^14 + 22970 x cr + (half - 22970 x 2^13), the same
 * integer as the scalar's, so saturating packs give its clamp. Sixteen
 * pixels a step, interleaved to RGB with byte shuffles; the rest scalar.
 * Compilers vectorised the scalar loop into 14 instructions a pixel, this
 * takes about 4. */
#if defined(__x86_64__) && defined(__GNUC__)
#define YCC_AVX2 1

/* Pair constants: a in the low half of each int32 lane, b in the high. */
#define PAIR(a, b)                                                             \
    _mm256_set1_epi32(                                                         \
        (int32_t)(((uint32_t)(uint16_t)(b) << 16) | (uint16_t)(a)))

/* a's sample pairs times k's, plus c: Q20 sums. */
__attribute__((target("avx2"))) static inline __m256i
pair_sum(__m256i a, __m256i k, __m256i c) {
    return _mm256_add_epi32(_mm256_madd_epi16(a, k), c);
}

/* Q20 sums of pixels (0-3, 8-11) and (4-7, 12-15) to 16-bit results in
 * pixel order. */
__attribute__((target("avx2"))) static inline __m256i sums_to_16(__m256i lo,
                                                                 __m256i hi) {
    return _mm256_packs_epi32(_mm256_srai_epi32(lo, SUM_BITS),
                              _mm256_srai_epi32(hi, SUM_BITS));
}

__attribute__((target("avx2"))) static void
ycc_to_rgb_avx2(const int16_t *y, const int16_t *cb, const int16_t *cr,
                uint8_t *rgb, uint32_t width) {
    const __m256i k_r = PAIR(1 << COEF_BITS, COEF_1_40200);
    const __m256i k_b = PAIR(1 << COEF_BITS, COEF_1_77200);
    const __m256i k_l = PAIR(1 << COEF_BITS, 0);
    const __m256i k_g = PAIR(-COEF_0_34414, -COEF_0_71414);
    const __m256i c_r =
        _mm256_set1_epi32(SUM_HALF - COEF_1_40200 * CHROMA_CENTRE_Q6);
    const __m256i c_b =
        _mm256_set1_epi32(SUM_HALF - COEF_1_77200 * CHROMA_CENTRE_Q6);
    const __m256i c_g = _mm256_set1_epi32(
        SUM_HALF + (COEF_0_34414 + COEF_0_71414) * CHROMA_CENTRE_Q6);
    /* Bytes of output chunk j (0..2) taken from plane p: pixel (16j + i) / 3
     * where (16j + i) % 3 == p, else zero (0x80). */
    static const int8_t shuffles[3][3][16] = {
        {{0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1, 5},
         {-1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1, -1},
         {-1, -1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1}},
        {{-1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10, -1},
         {5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1, 10},
         {-1, 5, -1, -1, 6, -1, -1, 7, -1, -1, 8, -1, -1, 9, -1, -1}},
        {{-1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1, -1},
         {-1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15, -1},
         {10, -1, -1, 11, -1, -1, 12, -1, -1, 13, -1, -1, 14, -1, -1, 15}}};
    uint32_t x = 0;
    for (; x + 16 <= width; x += 16, rgb += 48) {
        __m256i vy = _mm256_loadu_si256((const __m256i *)(const void *)(y + x));
        __m256i vb =
            _mm256_loadu_si256((const __m256i *)(const void *)(cb + x));
        __m256i vr =
            _mm256_loadu_si256((const __m256i *)(const void *)(cr + x));
        /* Pairs, pixels 0-3 and 8-11 (lo), 4-7 and 12-15 (hi): packs
         * puts them back in order. */
        __m256i yr_lo = _mm256_unpacklo_epi16(vy, vr);
        __m256i yr_hi = _mm256_unpackhi_epi16(vy, vr);
        __m256i yb_lo = _mm256_unpacklo_epi16(vy, vb);
        __m256i yb_hi = _mm256_unpackhi_epi16(vy, vb);
        __m256i br_lo = _mm256_unpacklo_epi16(vb, vr);
        __m256i br_hi = _mm256_unpackhi_epi16(vb, vr);
        __m256i r16 =
            sums_to_16(pair_sum(yr_lo, k_r, c_r), pair_sum(yr_hi, k_r, c_r));
        __m256i b16 =
            sums_to_16(pair_sum(yb_lo, k_b, c_b), pair_sum(yb_hi, k_b, c_b));
        __m256i g16 =
            sums_to_16(_mm256_add_epi32(pair_sum(yr_lo, k_l, c_g),
                                        _mm256_madd_epi16(br_lo, k_g)),
                       _mm256_add_epi32(pair_sum(yr_hi, k_l, c_g),
                                        _mm256_madd_epi16(br_hi, k_g)));
        /* (r0-7 g0-7 | r8-15 g8-15) -> (r0-15 | g0-15); b likewise. */
        __m256i rg = _mm256_permute4x64_epi64(_mm256_packus_epi16(r16, g16),
                                              _MM_SHUFFLE(3, 1, 2, 0));
        __m256i bb = _mm256_permute4x64_epi64(_mm256_packus_epi16(b16, b16),
                                              _MM_SHUFFLE(3, 1, 2, 0));
        __m128i planes[3] = {_mm256_castsi256_si128(rg),
                             _mm256_extracti128_si256(rg, 1),
                             _mm256_castsi256_si128(bb)};
        for (int j = 0; j < 3; j++) {
            __m128i out = _mm_setzero_si128();
            for (int p = 0; p < 3; p++)
                out = _mm_or_si128(
                    out,
                    _mm_shuffle_epi8(
                        planes[p],
                        _mm_loadu_si128(
                            (const __m128i *)(const void *)shuffles[j][p])));
            _mm_storeu_si128((__m128i *)(void *)(rgb + (size_t)16 * j), out);
        }
    }
    ycc_to_rgb_scalar(y + x, cb + x, cr + x, rgb, width - x);
}
#endif

ycc_to_rgb_fn ycc_pick(int simd) {
#ifdef YCC_AVX2
    if ((simd == THUMB_SIMD_AUTO || simd == THUMB_SIMD_AVX2 ||
         simd == THUMB_SIMD_AVX512) &&
        __builtin_cpu_supports("avx2"))
        return ycc_to_rgb_avx2;
#else
    (void)simd;
#endif
    return ycc_to_rgb_scalar;
}

size_t ycc_test_builds(ycc_to_rgb_fn *out, size_t cap) {
    size_t n = 0;
    if (n < cap)
        out[n++] = ycc_to_rgb_scalar;
#ifdef YCC_AVX2
    if (n < cap && __builtin_cpu_supports("avx2"))
        out[n++] = ycc_to_rgb_avx2;
#endif
    return n;
}
