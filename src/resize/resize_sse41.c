/* The kernels at 128 bits (SSE4.1: pmovzxbw, pshufb, packusdw-era x86-64).
 * Compiled with -msse4.1; called only when the CPU has it. */
#include <immintrin.h>

#define VEC __m128i
#define LANES16 8
#define KERNEL(name) sse41_##name
#define V_LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define V_STORE(p, v) _mm_storeu_si128((__m128i *)(void *)(p), v)
#define V_LOAD_U8(p)                                                           \
    _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)(p)))
#define V_SET1_32 _mm_set1_epi32
#define V_SET1_16 _mm_set1_epi16
#define V_SET_MASK _mm_setr_epi8
#define V_ADD32 _mm_add_epi32
#define V_ADD16 _mm_add_epi16
#define V_SRAI32 _mm_srai_epi32
#define V_SRLI16 _mm_srli_epi16
#define V_PACKS32 _mm_packs_epi32
#define V_UNPACKLO16 _mm_unpacklo_epi16
#define V_UNPACKHI16 _mm_unpackhi_epi16
#define V_MULLO16 _mm_mullo_epi16
#define V_MULHI_U16 _mm_mulhi_epu16
#define V_MADD _mm_madd_epi16
#define V_SHUFFLE8 _mm_shuffle_epi8
#define V_OR _mm_or_si128

#include "resize_x86.h"

const resize_kernels resize_kernels_sse41 = {
    "sse41",
    sse41_premultiply,
    sse41_vertical_u8,
    sse41_vertical_q6,
    sse41_horizontal,
    sse41_horizontal_q6,
    sse41_premultiply_pairs,
    sse41_horizontal_pairs,
    sse41_unpremultiply,
    PAIR_START_EVEN,
};
