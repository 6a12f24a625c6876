/* The kernels at 256 bits. Compiled with -mavx2; called only when the CPU
 * has it. */
#include <immintrin.h>

#define VEC __m256i
#define LANES16 16
#define KERNEL(name) avx2_##name
#define V_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define V_LOAD_U8(p)                                                           \
    _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(p)))
#define V_SET1_32 _mm256_set1_epi32
#define V_SET1_16 _mm256_set1_epi16
#define V_SET_MASK(...) _mm256_broadcastsi128_si256(_mm_setr_epi8(__VA_ARGS__))
#define V_ADD32 _mm256_add_epi32
#define V_ADD16 _mm256_add_epi16
#define V_SRAI32 _mm256_srai_epi32
#define V_SRLI16 _mm256_srli_epi16
#define V_PACKS32 _mm256_packs_epi32
#define V_UNPACKLO16 _mm256_unpacklo_epi16
#define V_UNPACKHI16 _mm256_unpackhi_epi16
#define V_MULLO16 _mm256_mullo_epi16
#define V_MULHI_U16 _mm256_mulhi_epu16
#define V_MADD _mm256_madd_epi16
#define V_SHUFFLE8 _mm256_shuffle_epi8
#define V_OR _mm256_or_si256

#include "resize_x86.h"

const resize_kernels resize_kernels_avx2 = {
    "avx2",
    avx2_premultiply,
    avx2_vertical_u8,
    avx2_vertical_q6,
    avx2_horizontal,
    avx2_horizontal_q6,
    avx2_premultiply_pairs,
    avx2_horizontal_pairs,
    avx2_unpremultiply,
    PAIR_START_EVEN,
};
