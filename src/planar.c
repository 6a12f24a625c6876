/* Planar YCbCr: three resizes in step over a ring of decoded row groups,
 * and the colour conversion on the output rows.
 *
 * The decoder gives every plane one group of rows per call (a JPEG iMCU
 * row). The three resizes take turns, one output row each, and each pulls
 * the rows its next output row needs, decoding groups as it goes; the
 * others still need the groups from their own next row on. Their tap sets
 * cover the same stretch of the image, so that lag is about one output
 * row's window (a whole window at the first row). plan() replays the
 * pulls to size the ring exactly; were it ever short, read_group() would
 * fail with THUMB_ERR_INTERNAL rather than overwrite rows still needed. */
#include "planar.h"

#include "ctx.h"

#include <string.h>

/* JFIF's YCbCr -> RGB (libjpeg's jdcolor.c) on the resizes' Q6 output,
 * rounded once: samples are Q6 (x 64) and the coefficients Q14, so a sum
 * is the result in Q20. Any int16 Q6 input keeps every sum within int32:
 * the largest, blue's, is at most 2^15 x 2^14 + 40960 x 29032 < 2^31
 * (40960: an int16 less the chroma centre). */
#define Q6_BITS 6
#define COEF_BITS 14
#define SUM_BITS (Q6_BITS + COEF_BITS)
#define SUM_HALF (1 << (SUM_BITS - 1))
#define COEF_1_40200 22970 /* round(1.40200 x 2^14) */
#define COEF_0_34414 5638
#define COEF_0_71414 11700
#define COEF_1_77200 29032
#define CHROMA_CENTRE_Q6 (128 << Q6_BITS)

typedef void (*ycc_to_rgb_fn)(const int16_t *, const int16_t *, const int16_t *,
                              uint8_t *, uint32_t);

typedef struct plane_feed {
    struct planar *owner;
    int plane;
} plane_feed;

struct planar {
    thumb_ctx *ctx;
    decoder_plane planes[DECODER_PLANES];
    resize *rs[DECODER_PLANES];
    plane_feed feeds[DECODER_PLANES];
    uint32_t ring_groups;
    uint8_t *ring[DECODER_PLANES];   /* ring_groups groups of rows */
    uint8_t **group[DECODER_PLANES]; /* row pointers of the group read */
    int16_t *rows;                   /* one output row per plane, Q6 */
    ycc_to_rgb_fn ycc_to_rgb;
    size_t row_stride;
    resize_geometry g;
    /* A run: */
    decoder *dec;
    uint32_t groups_read, groups_total;
    uint32_t next_row[DECODER_PLANES]; /* the row each resize pulls next */
    int64_t decode_us;
};

static uint8_t *ring_row(const planar *p, int plane, uint32_t row) {
    const decoder_plane *pl = &p->planes[plane];
    uint32_t slot = row / pl->group_rows % p->ring_groups;
    return p->ring[plane] +
           ((size_t)slot * pl->group_rows + row % pl->group_rows) *
               pl->row_bytes;
}

/* Decodes the next group into the ring slot of the group ring_groups
 * before it, which no plane may still need. */
static thumb_status read_group(planar *p) {
    uint32_t g = p->groups_read;
    for (int i = 0; i < DECODER_PLANES; i++) {
        uint32_t needed = p->next_row[i] / p->planes[i].group_rows;
        if (needed + p->ring_groups <= g)
            return ctx_fail(p->ctx, THUMB_ERR_INTERNAL,
                            "planar: plane %d still needs group %u when "
                            "group %u is read",
                            i, needed, g);
    }
    thumb_status st = ctx_check_deadline(p->ctx, "decoding");
    if (st != THUMB_OK)
        return st;
    for (int i = 0; i < DECODER_PLANES; i++)
        for (uint32_t k = 0; k < p->planes[i].group_rows; k++)
            p->group[i][k] = ring_row(p, i, g * p->planes[i].group_rows + k);
    int64_t t0 = ctx_now_us();
    st = decoder_read_planes(p->dec, (uint8_t *const *const *)p->group);
    p->decode_us += ctx_now_us() - t0;
    if (st == THUMB_OK)
        p->groups_read++;
    return st;
}

/* The row source of one plane's resize. */
static thumb_status plane_rows(void *opaque, uint8_t *const *rows,
                               uint32_t count) {
    plane_feed *f = opaque;
    planar *p = f->owner;
    const decoder_plane *pl = &p->planes[f->plane];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t row = p->next_row[f->plane];
        while (p->groups_read <= row / pl->group_rows) {
            thumb_status st = read_group(p);
            if (st != THUMB_OK)
                return st;
        }
        memcpy(rows[i], ring_row(p, f->plane, row), pl->width);
        p->next_row[f->plane]++;
    }
    return THUMB_OK;
}

/* A Q20 sum plus half, rounded down to 8 bits and clamped. */
static uint8_t sum_to_u8(int32_t v) {
    return (uint8_t)(v < 0 ? 0 : v >> SUM_BITS > 255 ? 255 : v >> SUM_BITS);
}

/* Plain C that compilers vectorise (restrict: the rows never overlap),
 * inlined into each build of it below. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
ycc_to_rgb_row(const int16_t *restrict y, const int16_t *restrict cb,
               const int16_t *restrict cr, uint8_t *restrict rgb,
               uint32_t width) {
    for (size_t x = 0; x < width; x++, rgb += 3) {
        int32_t l = y[x] * (1 << COEF_BITS) + SUM_HALF; /* y may be < 0 */
        int32_t b = cb[x] - CHROMA_CENTRE_Q6, r = cr[x] - CHROMA_CENTRE_Q6;
        rgb[0] = sum_to_u8(l + COEF_1_40200 * r);
        rgb[1] = sum_to_u8(l - COEF_0_34414 * b - COEF_0_71414 * r);
        rgb[2] = sum_to_u8(l + COEF_1_77200 * b);
    }
}

static void ycc_to_rgb_base(const int16_t *y, const int16_t *cb,
                            const int16_t *cr, uint8_t *rgb, uint32_t width) {
    ycc_to_rgb_row(y, cb, cr, rgb, width);
}

/* On x86-64 also built for AVX2, as the baseline SSE2 cannot vectorise
 * the widening, and chosen when planning (not by an ifunc: a resolver
 * runs before ThreadSanitizer's runtime is up and crashes it). */
#if defined(__x86_64__) && defined(__GNUC__)
#define PLANAR_AVX2 1
__attribute__((target("avx2"))) static void
ycc_to_rgb_avx2(const int16_t *y, const int16_t *cb, const int16_t *cr,
                uint8_t *rgb, uint32_t width) {
    ycc_to_rgb_row(y, cb, cr, rgb, width);
}
#endif

/* The build for the instruction sets THUMB_OPT_SIMD allows. */
static ycc_to_rgb_fn pick_ycc_to_rgb(int simd) {
#ifdef PLANAR_AVX2
    if ((simd == THUMB_SIMD_AUTO || simd == THUMB_SIMD_AVX2 ||
         simd == THUMB_SIMD_AVX512) &&
        __builtin_cpu_supports("avx2"))
        return ycc_to_rgb_avx2;
#else
    (void)simd;
#endif
    return ycc_to_rgb_base;
}

void planar_free(planar *p) {
    if (!p)
        return;
    for (int i = 0; i < DECODER_PLANES; i++) {
        resize_free(p->rs[i]);
        ctx_free(p->ctx, p->ring[i]);
        ctx_free(p->ctx, p->group[i]);
    }
    ctx_free(p->ctx, p->rows);
    ctx_free(p->ctx, p);
}

/* The ring a run needs: its pulls replayed. Whenever plane i decodes up
 * to group g, every other plane q still needs the groups from its next
 * row's on, so the ring must span them through g. */
static uint32_t ring_groups_needed(const planar *p) {
    uint32_t next[DECODER_PLANES] = {0};
    uint32_t decoded = 0, worst = 1;
    for (uint32_t y = 0; y < p->g.dst_height; y++) {
        for (int i = 0; i < DECODER_PLANES; i++) {
            uint32_t end = resize_row_end(p->rs[i], y);
            if (end <= next[i])
                continue;
            uint32_t groups = (end - 1) / p->planes[i].group_rows + 1;
            if (groups > decoded) {
                uint32_t oldest = groups - 1;
                for (int q = 0; q < DECODER_PLANES; q++) {
                    uint32_t g = next[q] / p->planes[q].group_rows;
                    if (q != i && g < oldest)
                        oldest = g;
                }
                if (groups - oldest > worst)
                    worst = groups - oldest;
                decoded = groups;
            }
            next[i] = end;
        }
    }
    return worst;
}

static thumb_status plan(planar *p) {
    thumb_ctx *ctx = p->ctx;
    for (int i = 0; i < DECODER_PLANES; i++) {
        const decoder_plane *pl = &p->planes[i];
        resize_geometry g = p->g;
        g.src_width = pl->width;
        g.src_height = pl->height;
        g.extent_width = pl->extent_width;
        g.extent_height = pl->extent_height;
        g.channels = 1;
        g.dst_q6 = 1;
        thumb_status st =
            resize_new_like(ctx, &g, i ? p->rs[i - 1] : NULL, &p->rs[i]);
        if (st != THUMB_OK)
            return st;
    }
    p->ring_groups = ring_groups_needed(p);
    for (int i = 0; i < DECODER_PLANES; i++) {
        const decoder_plane *pl = &p->planes[i];
        int ok = 1;
        size_t ring = size_mul(size_mul(pl->row_bytes, pl->group_rows, &ok),
                               p->ring_groups, &ok);
        if (!ok)
            return ctx_fail(ctx, THUMB_ERR_LIMIT,
                            "planar: ring of %zu-byte rows overflows",
                            pl->row_bytes);
        p->ring[i] = ctx_malloc(ctx, ring);
        p->group[i] = ctx_calloc(ctx, pl->group_rows, sizeof *p->group[i]);
        if (!p->ring[i] || !p->group[i])
            return THUMB_ERR_NOMEM;
        p->feeds[i] = (plane_feed){p, i};
    }
    p->row_stride = (size_t)p->g.dst_width + RESIZE_Q6_ROW_SLACK;
    p->rows = ctx_malloc(ctx, p->row_stride * DECODER_PLANES * sizeof *p->rows);
    return p->rows ? THUMB_OK : THUMB_ERR_NOMEM;
}

static int same_planes(const decoder_plane *a, const decoder_plane *b) {
    for (int i = 0; i < DECODER_PLANES; i++)
        if (a[i].width != b[i].width || a[i].height != b[i].height ||
            a[i].extent_width != b[i].extent_width ||
            a[i].extent_height != b[i].extent_height ||
            a[i].group_rows != b[i].group_rows ||
            a[i].row_bytes != b[i].row_bytes)
            return 0;
    return 1;
}

static int same_plan(const planar *p, const decoder *dec,
                     const resize_geometry *g) {
    return same_planes(p->planes, dec->planes) &&
           p->g.scaled_width == g->scaled_width &&
           p->g.scaled_height == g->scaled_height && p->g.crop_x == g->crop_x &&
           p->g.crop_y == g->crop_y && p->g.dst_width == g->dst_width &&
           p->g.dst_height == g->dst_height && p->g.simd == g->simd;
}

thumb_status planar_reuse(thumb_ctx *ctx, const decoder *dec,
                          const resize_geometry *g, planar **kept,
                          planar **out) {
    planar *p = *kept;
    *kept = NULL;
    *out = NULL;
    if (p && p->ctx == ctx && same_plan(p, dec, g)) {
        *out = p;
        return THUMB_OK;
    }
    planar_free(p);
    if (!dec->planar)
        return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                        "planar: the decoder gives rows, not planes");
    p = ctx_calloc(ctx, 1, sizeof *p);
    if (!p)
        return THUMB_ERR_NOMEM;
    p->ctx = ctx;
    memcpy(p->planes, dec->planes, sizeof p->planes);
    p->g = *g;
    p->g.src_depth = p->g.dst_depth = 8;
    p->g.linear = 0;
    p->ycc_to_rgb = pick_ycc_to_rgb(g->simd);
    thumb_status st = plan(p);
    if (st != THUMB_OK) {
        planar_free(p);
        return st;
    }
    *out = p;
    return THUMB_OK;
}

thumb_status planar_run(planar *p, decoder *dec, image *out,
                        int64_t *decode_us) {
    const resize_geometry *g = &p->g;
    *decode_us = 0;
    if (out->channels != 3 || out->depth != 8 || out->width != g->dst_width ||
        out->height != g->dst_height)
        return ctx_fail(p->ctx, THUMB_ERR_INTERNAL,
                        "planar: output %ux%ux%d does not match the plan "
                        "%ux%ux3",
                        out->width, out->height, out->channels, g->dst_width,
                        g->dst_height);
    p->dec = dec;
    p->decode_us = 0;
    p->groups_read = 0;
    const decoder_plane *luma = &p->planes[0];
    p->groups_total =
        (uint32_t)(((uint64_t)luma->height + luma->group_rows - 1) /
                   luma->group_rows);
    for (int i = 0; i < DECODER_PLANES; i++) {
        p->next_row[i] = 0;
        resize_begin(p->rs[i]);
    }
    int16_t *row[DECODER_PLANES];
    for (int i = 0; i < DECODER_PLANES; i++)
        row[i] = p->rows + (size_t)i * p->row_stride;
    thumb_status st = THUMB_OK;
    for (uint32_t y = 0; y < g->dst_height && st == THUMB_OK; y++) {
        for (int i = 0; i < DECODER_PLANES && st == THUMB_OK; i++)
            st = resize_next_row(p->rs[i], plane_rows, &p->feeds[i],
                                 (uint8_t *)(void *)row[i]);
        if (st == THUMB_OK)
            p->ycc_to_rgb(row[0], row[1], row[2], image_row(out, y),
                          g->dst_width);
    }
    /* The rest of the file is decoded too, as the row path reads its
     * source to the end: damage below the last row used still fails. No
     * plane needs a row any more. */
    for (int i = 0; i < DECODER_PLANES; i++)
        p->next_row[i] = p->planes[i].height;
    while (st == THUMB_OK && p->groups_read < p->groups_total)
        st = read_group(p);
    *decode_us = p->decode_us;
    p->dec = NULL;
    return st;
}
