/* Run-time choice of the resize kernels: what the CPU supports, what the
 * caller asked for. The SIMD files are compiled with their own -m flags;
 * nothing from them runs unless the CPU has been asked first. */
#include "resize.h"

#include "../ctx.h"
#include "resize_kernels.h"
#include "resize_test.h"

#include <stdlib.h>
#include <string.h>

static const char *simd_name(int simd) {
    switch (simd) {
    case THUMB_SIMD_AUTO:
        return "auto";
    case THUMB_SIMD_SCALAR:
        return "scalar";
    case THUMB_SIMD_SSE41:
        return "sse41";
    case THUMB_SIMD_AVX2:
        return "avx2";
    case THUMB_SIMD_AVX512:
        return "avx512";
    case THUMB_SIMD_NEON:
        return "neon";
    }
    return "unknown";
}

int resize_simd_available(int simd) {
#if defined(__x86_64__)
    /* Idempotent; needed when this runs before libgcc's constructor has
     * (from another library's constructor, for one). */
    __builtin_cpu_init();
#endif
    switch (simd) {
    case THUMB_SIMD_AUTO:
    case THUMB_SIMD_SCALAR:
        return 1;
#if defined(__x86_64__)
    /* __builtin_cpu_supports also checks that the OS saves the wider
     * registers (XGETBV), not only the CPUID bits. */
    case THUMB_SIMD_SSE41:
        return __builtin_cpu_supports("sse4.1");
    case THUMB_SIMD_AVX2:
        return __builtin_cpu_supports("avx2");
    case THUMB_SIMD_AVX512:
        return __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl");
#endif
#if defined(__aarch64__)
    /* Advanced SIMD is part of every ARMv8-A core. */
    case THUMB_SIMD_NEON:
        return 1;
#endif
    default:
        return 0;
    }
}

int resize_simd_best(void) {
    static const int fastest_first[] = {THUMB_SIMD_AVX512, THUMB_SIMD_AVX2,
                                        THUMB_SIMD_SSE41, THUMB_SIMD_NEON};
    for (size_t i = 0; i < sizeof fastest_first / sizeof *fastest_first; i++)
        if (resize_simd_available(fastest_first[i]))
            return fastest_first[i];
    return THUMB_SIMD_SCALAR;
}

thumb_status resize_select_kernels(thumb_ctx *ctx, int simd,
                                   const resize_kernels **out) {
    if (simd == THUMB_SIMD_AUTO)
        simd = resize_simd_best();
    if (!resize_simd_available(simd))
        return ctx_fail(ctx, THUMB_ERR_UNSUPPORTED_FEATURE,
                        "resize: this CPU or build has no %s kernels "
                        "(THUMB_OPT_SIMD %d)",
                        simd_name(simd), simd);
    switch (simd) {
#if defined(__x86_64__)
    case THUMB_SIMD_SSE41:
        *out = &resize_kernels_sse41;
        return THUMB_OK;
    case THUMB_SIMD_AVX2:
        *out = &resize_kernels_avx2;
        return THUMB_OK;
    case THUMB_SIMD_AVX512:
        *out = __builtin_cpu_supports("avx512vnni")
                   ? &resize_kernels_avx512_vnni
                   : &resize_kernels_avx512;
        return THUMB_OK;
#endif
#if defined(__aarch64__)
    case THUMB_SIMD_NEON:
        *out = &resize_kernels_neon;
        return THUMB_OK;
#endif
    default:
        *out = &resize_kernels_scalar;
        return THUMB_OK;
    }
}

/* A test hook (resize_test.h): the tests compare every table. */
size_t resize_test_kernel_tables(const resize_kernels **out, size_t cap) {
    size_t n = 0;
#define RESIZE_OFFER(cond, table)                                              \
    do {                                                                       \
        if ((cond) && n < cap)                                                 \
            out[n++] = &(table);                                               \
    } while (0)
    RESIZE_OFFER(1, resize_kernels_scalar);
#if defined(__x86_64__)
    RESIZE_OFFER(resize_simd_available(THUMB_SIMD_SSE41), resize_kernels_sse41);
    RESIZE_OFFER(resize_simd_available(THUMB_SIMD_AVX2), resize_kernels_avx2);
    RESIZE_OFFER(resize_simd_available(THUMB_SIMD_AVX512),
                 resize_kernels_avx512);
    RESIZE_OFFER(resize_simd_available(THUMB_SIMD_AVX512) &&
                     __builtin_cpu_supports("avx512vnni"),
                 resize_kernels_avx512_vnni);
#endif
#if defined(__aarch64__)
    RESIZE_OFFER(1, resize_kernels_neon);
#endif
#undef RESIZE_OFFER
    return n;
}

int resize_simd_from_env(void) {
    const char *v = getenv("THUMB_SIMD");
    if (!v)
        return THUMB_SIMD_AUTO;
    for (int simd = THUMB_SIMD_SCALAR; simd <= THUMB_SIMD_NEON; simd++)
        if (strcmp(v, simd_name(simd)) == 0)
            return simd;
    return THUMB_SIMD_AUTO;
}
