/* PNG row filters and libpng's minimum-sum heuristic (see png_filter.h). */
#include "png_filter.h"

#include <string.h>

/* On x86-64 the filters are compiled twice, the second time for AVX2,
 * which runs them about three times faster than the SSE2 baseline; the
 * CPU is asked once per encode. Everything the AVX2 entry calls is
 * inlined into it, so that all of it is compiled for AVX2. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PNGFILTER_AVX2 1
#define FILTER_INLINE static inline __attribute__((always_inline))
#else
#define PNGFILTER_AVX2 0
#define FILTER_INLINE static inline
#endif

/* The cost of a row is summed in blocks this long into 16 bits (each byte
 * adds at most 128, so a block adds at most 2^15), which the compiler
 * keeps in 16-bit lanes, then into 64 bits. */
#define COST_BLOCK ((size_t)256)

thumb_status pngfilter_init(thumb_ctx *ctx, pngfilter *f, size_t row_bytes,
                            size_t bpp) {
    memset(f, 0, sizeof *f);
    int ok = 1;
    size_t one = size_mul(PNGFILTER_COUNT, row_bytes + 1, &ok);
    if (!ok || one > SIZE_MAX - row_bytes)
        return ctx_fail(ctx, THUMB_ERR_LIMIT,
                        "PNG: filter rows of %zu bytes overflow", row_bytes);
    uint8_t *block = ctx_malloc(ctx, one + row_bytes);
    if (!block)
        return THUMB_ERR_NOMEM;
    for (int t = 0; t < PNGFILTER_COUNT; t++) {
        f->rows[t] = block + (size_t)t * (row_bytes + 1);
        f->rows[t][0] = (uint8_t)t;
    }
    memset(block + one, 0, row_bytes);
    f->zero_row = block + one;
    f->row_bytes = row_bytes;
    f->bpp = bpp;
#if PNGFILTER_AVX2
    /* Idempotent; needed when this runs before libgcc's constructor has.
     * __builtin_cpu_supports also checks that the OS saves the AVX
     * registers. */
    __builtin_cpu_init();
    f->avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
    return THUMB_OK;
}

void pngfilter_release(thumb_ctx *ctx, pngfilter *f) {
    ctx_free(ctx, f->rows[0]);
    memset(f, 0, sizeof *f);
}

/* Sum of |v| over the bytes read as signed: min(v, 256 - v) unsigned. */
FILTER_INLINE uint64_t row_cost(const uint8_t *p, size_t n) {
    uint64_t total = 0;
    for (size_t at = 0; at < n; at += COST_BLOCK) {
        size_t end = n - at < COST_BLOCK ? n : at + COST_BLOCK;
        uint16_t sum = 0;
        for (size_t i = at; i < end; i++) {
            uint8_t v = p[i], neg = (uint8_t)(0u - v);
            /* 8-bit v and neg keep the vectorised loop 16 or 32 lanes
             * wide. (cppcheck wrongly takes neg for 0.) */
            /* cppcheck-suppress knownConditionTrueFalse */
            sum = (uint16_t)(sum + (v < neg ? v : neg));
        }
        total += sum;
    }
    return total;
}

/* Each filter writes out[i] = x[i] - predictor, where a is the byte one
 * pixel left, b the byte above and c the byte above-left (0 off the
 * left edge). The first bpp bytes have no left neighbour. */

FILTER_INLINE void filter_sub(uint8_t *restrict out, const uint8_t *restrict x,
                              size_t n, size_t bpp) {
    memcpy(out, x, bpp);
    for (size_t i = bpp; i < n; i++)
        out[i] = (uint8_t)(x[i] - x[i - bpp]);
}

FILTER_INLINE void filter_up(uint8_t *restrict out, const uint8_t *restrict x,
                             const uint8_t *restrict b, size_t n) {
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(x[i] - b[i]);
}

FILTER_INLINE void filter_average(uint8_t *restrict out,
                                  const uint8_t *restrict x,
                                  const uint8_t *restrict b, size_t n,
                                  size_t bpp) {
    for (size_t i = 0; i < bpp; i++)
        out[i] = (uint8_t)(x[i] - (b[i] >> 1));
    for (size_t i = bpp; i < n; i++)
        out[i] = (uint8_t)(x[i] - ((x[i - bpp] + b[i]) >> 1));
}

FILTER_INLINE void filter_paeth(uint8_t *restrict out,
                                const uint8_t *restrict x,
                                const uint8_t *restrict b, size_t n,
                                size_t bpp) {
    /* Off the left edge a = c = 0, so the predictor is b. */
    for (size_t i = 0; i < bpp; i++)
        out[i] = (uint8_t)(x[i] - b[i]);
    /* In 16 bits, which the compiler keeps 8 or 16 lanes wide: the
     * differences fit, and |a + b - 2c| is |(b - c) + (a - c)|. */
    for (size_t i = bpp; i < n; i++) {
        int16_t a = x[i - bpp], up = b[i], c = b[i - bpp];
        int16_t pa = (int16_t)(up - c), pb = (int16_t)(a - c);
        int16_t pc = (int16_t)(pa + pb);
        pa = (int16_t)(pa < 0 ? -pa : pa);
        pb = (int16_t)(pb < 0 ? -pb : pb);
        pc = (int16_t)(pc < 0 ? -pc : pc);
        int16_t pred = (int16_t)(pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
        out[i] = (uint8_t)(x[i] - pred);
    }
}

FILTER_INLINE const uint8_t *filter_best(pngfilter *f, const uint8_t *row,
                                         const uint8_t *above) {
    size_t n = f->row_bytes, bpp = f->bpp;
    const uint8_t *b = above ? above : f->zero_row;
    uint8_t *none = f->rows[PNGFILTER_NONE] + 1;
    uint8_t *sub = f->rows[PNGFILTER_SUB] + 1;
    uint8_t *up = f->rows[PNGFILTER_UP] + 1;
    uint8_t *average = f->rows[PNGFILTER_AVERAGE] + 1;
    uint8_t *paeth = f->rows[PNGFILTER_PAETH] + 1;
    filter_sub(sub, row, n, bpp);
    filter_up(up, row, b, n);
    filter_average(average, row, b, n, bpp);
    filter_paeth(paeth, row, b, n, bpp);

    /* Ties go to the lower type, as in libpng. None is costed on the row
     * itself and copied only when it wins. */
    int best = PNGFILTER_NONE;
    uint64_t best_cost = row_cost(row, n);
    for (int t = PNGFILTER_SUB; t < PNGFILTER_COUNT; t++) {
        uint64_t cost = row_cost(f->rows[t] + 1, n);
        if (cost < best_cost) {
            best_cost = cost;
            best = t;
        }
    }
    if (best == PNGFILTER_NONE)
        memcpy(none, row, n);
    return f->rows[best];
}

#if PNGFILTER_AVX2
__attribute__((target("avx2"))) static const uint8_t *
filter_best_avx2(pngfilter *f, const uint8_t *row, const uint8_t *above) {
    return filter_best(f, row, above);
}
#endif

const uint8_t *pngfilter_best(pngfilter *f, const uint8_t *row,
                              const uint8_t *above) {
#if PNGFILTER_AVX2
    if (f->avx2)
        return filter_best_avx2(f, row, above);
#endif
    return filter_best(f, row, above);
}

const uint8_t *pngfilter_none(pngfilter *f, const uint8_t *row) {
    memcpy(f->rows[PNGFILTER_NONE] + 1, row, f->row_bytes);
    return f->rows[PNGFILTER_NONE];
}
