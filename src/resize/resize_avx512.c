/* The kernels at 512 bits, AVX-512BW (with VL for the 128-bit horizontal
 * pass). Compiled with -mavx512bw -mavx512vl; called only when the CPU has
 * both. resize_avx512_vnni.c is the same with VNNI's fused multiply-add. */
#include <immintrin.h>

#define VEC __m512i
#define LANES16 32
#define KERNEL(name) avx512_##name
#define V_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define V_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#define V_LOAD_U8(p)                                                           \
    _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(const void *)(p)))
#define V_SET1_32 _mm512_set1_epi32
#define V_SET1_16 _mm512_set1_epi16
#define V_SET_MASK(...) _mm512_broadcast_i32x4(_mm_setr_epi8(__VA_ARGS__))
#define V_ADD32 _mm512_add_epi32
#define V_ADD16 _mm512_add_epi16
#define V_SRAI32 _mm512_srai_epi32
#define V_SRLI16 _mm512_srli_epi16
#define V_PACKS32 _mm512_packs_epi32
#define V_UNPACKLO16 _mm512_unpacklo_epi16
#define V_UNPACKHI16 _mm512_unpackhi_epi16
#define V_MULLO16 _mm512_mullo_epi16
#define V_MULHI_U16 _mm512_mulhi_epu16
#define V_MADD _mm512_madd_epi16
#define V_SHUFFLE8 _mm512_shuffle_epi8
#define V_OR _mm512_or_si512
#ifdef RESIZE_AVX512_VNNI
#define V_MADD_ACC _mm512_dpwssd_epi32
#define V256_MADD_ACC _mm256_dpwssd_epi32
#else
#define V256_MADD_ACC(acc, a, b) _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
#endif

#include "resize_x86.h"

#ifdef RESIZE_AVX512_VNNI
const resize_kernels resize_kernels_avx512_vnni = {
    "avx512vnni",
#else
const resize_kernels resize_kernels_avx512 = {
    "avx512",
#endif
    KERNEL(premultiply),
    KERNEL(vertical_u8),
    KERNEL(vertical_q6),
    KERNEL(horizontal),
    KERNEL(horizontal_q6),
    KERNEL(premultiply_pairs),
    KERNEL(horizontal_pairs),
    KERNEL(unpremultiply),
    PAIR_START_LINE,
};
