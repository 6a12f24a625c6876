/* Several resizes over one ring of decoded row groups (fanout.h).
 *
 * The decoder gives one group of rows per read (a JPEG's planes: an iMCU
 * row of each; rows: one row). The outputs take turns, one output row
 * each, the one whose next row reaches least far into the source first;
 * for it, each plane's resize pulls the rows that row needs, decoding
 * groups as it goes. The others still need the groups from their own
 * next row on, so the ring holds the span between the slowest and the
 * fastest consumer: about one output row's window (a whole window at the
 * first row). plan_ring() replays the pulls to size the ring exactly;
 * were it ever short, read_group() would fail with THUMB_ERR_INTERNAL
 * rather than overwrite rows still needed. */
#include "fanout.h"

#include "ctx.h"
#include "resize/box.h"
#include "ycc.h"

#include <string.h>

/* What is decoded: the three planes, or the rows as one plane. */
typedef struct fan_source {
    uint32_t height, group_rows;
    size_t copy_bytes; /* of a row, to the resize */
    size_t row_bytes;  /* of a row in the ring (a plane's padding) */
    uint8_t *ring;     /* ring_groups groups of rows */
    uint8_t **group;   /* row pointers of the group being read */
} fan_source;

typedef struct fan_feed {
    struct fanout *owner;
    size_t output;
    int plane;
} fan_feed;

typedef struct fan_output {
    resize_geometry g; /* as given, before the shrink */
    color_transform *color;
    uint32_t shrink[DECODER_PLANES]; /* 1: none */
    resize *rs[DECODER_PLANES];
    fan_feed feeds[DECODER_PLANES];
    /* A run: the source row each resize pulls next. */
    uint32_t next_row[DECODER_PLANES];
} fan_output;

struct fanout {
    thumb_ctx *ctx;
    int planar;
    int planes;                           /* 3 planes, or 1 for rows */
    decoder_plane layout[DECODER_PLANES]; /* planar: as the decoder said */
    fan_source src[DECODER_PLANES];
    uint8_t **group_ptrs[DECODER_PLANES]; /* src[i].group, for the decoder */
    uint32_t ring_groups;
    size_t n;
    fan_output *outs;
    int16_t *q6_rows;   /* planar: one output row per plane, Q6 */
    uint16_t *box_sums; /* with a shrink: a ring row's sums down a box */
    box_row_fn box;
    size_t q6_stride;
    ycc_to_rgb_fn ycc_to_rgb;
    /* A run: */
    decoder *dec;
    uint32_t groups_read, groups_total;
    int64_t decode_us;
};

static uint8_t *ring_row(const fanout *f, int plane, uint32_t row) {
    const fan_source *s = &f->src[plane];
    uint32_t slot = row / s->group_rows % f->ring_groups;
    return s->ring +
           ((size_t)slot * s->group_rows + row % s->group_rows) * s->row_bytes;
}

/* One past the last source row of `plane` that output o's resize rows
 * up to `end` (of its shrunk source) cover. */
static uint32_t ring_end(const fanout *f, const fan_output *o, int plane,
                         uint32_t end) {
    uint64_t rows = (uint64_t)end * o->shrink[plane];
    return rows < f->src[plane].height ? (uint32_t)rows : f->src[plane].height;
}

/* The oldest group any consumer but (skip_output, skip_plane) still
 * needs, no older than `oldest`. */
static uint32_t oldest_needed(const fanout *f, const uint32_t *next,
                              size_t skip_output, int skip_plane,
                              uint32_t oldest) {
    for (size_t o = 0; o < f->n; o++)
        for (int q = 0; q < f->planes; q++) {
            uint32_t g =
                next[o * DECODER_PLANES + (size_t)q] / f->src[q].group_rows;
            if ((o != skip_output || q != skip_plane) && g < oldest)
                oldest = g;
        }
    return oldest;
}

/* Decodes the next group into the ring slot of the group ring_groups
 * before it, which no consumer may still need. */
static thumb_status read_group(fanout *f) {
    uint32_t g = f->groups_read;
    for (size_t o = 0; o < f->n; o++)
        for (int i = 0; i < f->planes; i++) {
            uint32_t needed = f->outs[o].next_row[i] / f->src[i].group_rows;
            if (needed + f->ring_groups <= g)
                return ctx_fail(f->ctx, THUMB_ERR_INTERNAL,
                                "fanout: output %zu plane %d still needs "
                                "group %u when group %u is read",
                                o, i, needed, g);
        }
    thumb_status st = ctx_check_deadline(f->ctx, "decoding");
    if (st != THUMB_OK)
        return st;
    for (int i = 0; i < f->planes; i++)
        for (uint32_t k = 0; k < f->src[i].group_rows; k++)
            f->src[i].group[k] = ring_row(f, i, g * f->src[i].group_rows + k);
    int64_t t0 = ctx_now_us();
    if (f->planar)
        st =
            decoder_read_planes(f->dec, (uint8_t *const *const *)f->group_ptrs);
    else
        st = decoder_read_rows(f->dec, f->src[0].group, 1);
    f->decode_us += ctx_now_us() - t0;
    if (st == THUMB_OK)
        f->groups_read++;
    return st;
}
/* The shrunk row made of source rows [y0, y1) of `plane`, into out. */
static void box_row(fanout *f, int plane, const fan_output *o, uint32_t y0,
                    uint32_t y1, uint8_t *out) {
    const uint8_t *rows[BOX_MAX];
    for (uint32_t y = y0; y < y1; y++)
        rows[y - y0] = ring_row(f, plane, y);
    int ch = f->planar ? 1 : f->dec->channels;
    uint32_t k = o->shrink[plane];
    f->box(rows, y1 - y0, f->src[plane].copy_bytes / (size_t)ch, ch, k,
           f->box_sums, out, (int)(y0 / k % 2));
}

/* The row source of one plane's resize of one output: rows of the ring,
 * or of its shrunk image. */
static thumb_status feed_rows(void *opaque, uint8_t *const *rows,
                              uint32_t count) {
    fan_feed *feed = opaque;
    fanout *f = feed->owner;
    fan_output *o = &f->outs[feed->output];
    int p = feed->plane;
    const fan_source *s = &f->src[p];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t row = o->next_row[p];
        uint32_t end = ring_end(f, o, p, row / o->shrink[p] + 1);
        while (f->groups_read <= (end - 1) / s->group_rows) {
            thumb_status st = read_group(f);
            if (st != THUMB_OK)
                return st;
        }
        const uint8_t *src = ring_row(f, p, row);
        if (o->shrink[p] > 1)
            box_row(f, p, o, row, end, rows[i]);
        else if (o->color)
            color_transform_row(o->color, src, rows[i], f->dec->width);
        else
            memcpy(rows[i], src, s->copy_bytes);
        o->next_row[p] = end;
    }
    return THUMB_OK;
}

/* The output whose next row reaches least far into the source (plane 0,
 * which every plane's span follows), or n when all are done. */
static size_t next_output(const fanout *f, const uint32_t *y) {
    size_t best = f->n;
    uint32_t best_end = 0;
    for (size_t o = 0; o < f->n; o++) {
        if (y[o] >= f->outs[o].g.dst_height)
            continue;
        uint32_t end =
            ring_end(f, &f->outs[o], 0, resize_row_end(f->outs[o].rs[0], y[o]));
        if (best == f->n || end < best_end) {
            best = o;
            best_end = end;
        }
    }
    return best;
}

/* The ring a run needs: its pulls replayed in the order fanout_run makes
 * them. Whenever one consumer decodes up to group g, every other one
 * still needs the groups from its next row's on, so the ring must span
 * them through g. */
static thumb_status plan_ring(fanout *f) {
    uint32_t *next = ctx_calloc(f->ctx, f->n * DECODER_PLANES, sizeof *next);
    uint32_t *y = ctx_calloc(f->ctx, f->n, sizeof *y);
    if (!next || !y) {
        ctx_free(f->ctx, next);
        ctx_free(f->ctx, y);
        return THUMB_ERR_NOMEM;
    }
    uint32_t decoded = 0, worst = 1;
    for (size_t o; (o = next_output(f, y)) < f->n; y[o]++)
        for (int i = 0; i < f->planes; i++) {
            uint32_t *at = &next[o * DECODER_PLANES + (size_t)i];
            uint32_t end = ring_end(f, &f->outs[o], i,
                                    resize_row_end(f->outs[o].rs[i], y[o]));
            if (end <= *at)
                continue;
            uint32_t groups = (end - 1) / f->src[i].group_rows + 1;
            if (groups > decoded) {
                uint32_t oldest = oldest_needed(f, next, o, i, groups - 1);
                if (groups - oldest > worst)
                    worst = groups - oldest;
                decoded = groups;
            }
            *at = end;
        }
    f->ring_groups = worst;
    ctx_free(f->ctx, next);
    ctx_free(f->ctx, y);
    return THUMB_OK;
}

/* The source planes: the decoder's planes, or its rows as one. */
static void plan_sources(fanout *f, const decoder *dec) {
    if (f->planar) {
        for (int i = 0; i < DECODER_PLANES; i++)
            f->src[i] = (fan_source){
                .height = dec->planes[i].height,
                .group_rows = dec->planes[i].group_rows,
                .copy_bytes = dec->planes[i].width,
                .row_bytes = dec->planes[i].row_bytes,
            };
        return;
    }
    size_t row =
        (size_t)dec->width * (size_t)dec->channels * (size_t)(dec->depth / 8);
    f->src[0] = (fan_source){
        .height = dec->height,
        .group_rows = 1,
        .copy_bytes = row,
        .row_bytes = row,
    };
}

/* The resizes of one output: one, or one per plane to Q6. */
static thumb_status plan_output(fanout *f, fan_output *o) {
    for (int i = 0; i < f->planes; i++) {
        resize_geometry g = o->g;
        if (f->planar) {
            const decoder_plane *pl = &f->layout[i];
            g.src_width = pl->width;
            g.src_height = pl->height;
            g.extent_width = pl->extent_width;
            g.extent_height = pl->extent_height;
            g.channels = 1;
            g.src_depth = g.dst_depth = 8;
            g.linear = 0;
            g.dst_q6 = 1;
        }
        uint32_t k = o->shrink[i];
        if (k > 1) {
            /* The boxes' centres sit on the source's sample grid scaled
             * by 1/k, so the span scales with it. */
            double ew = g.extent_width ? g.extent_width : g.src_width;
            double eh = g.extent_height ? g.extent_height : g.src_height;
            g.src_width = (g.src_width + k - 1) / k;
            g.src_height = (g.src_height + k - 1) / k;
            g.extent_width = ew / k;
            g.extent_height = eh / k;
        }
        /* Cb and Cr share one plan of their taps (resize_new_like()). */
        thumb_status st =
            resize_new_like(f->ctx, &g, i ? o->rs[i - 1] : NULL, &o->rs[i]);
        if (st != THUMB_OK)
            return st;
        o->feeds[i] = (fan_feed){f, (size_t)(o - f->outs), i};
    }
    return THUMB_OK;
}

static thumb_status plan(fanout *f, const decoder *dec) {
    thumb_ctx *ctx = f->ctx;
    plan_sources(f, dec);
    uint32_t widest = 0, shrinks = 0;
    for (size_t k = 0; k < f->n; k++) {
        thumb_status st = plan_output(f, &f->outs[k]);
        if (st != THUMB_OK)
            return st;
        if (f->outs[k].g.dst_width > widest)
            widest = f->outs[k].g.dst_width;
        for (int i = 0; i < f->planes; i++)
            shrinks += f->outs[k].shrink[i] > 1;
    }
    /* Plane 0's rows are the widest. */
    if (shrinks) {
        f->box_sums = ctx_malloc(ctx, f->src[0].copy_bytes * sizeof(uint16_t));
        if (!f->box_sums)
            return THUMB_ERR_NOMEM;
    }
    thumb_status st = plan_ring(f);
    if (st != THUMB_OK)
        return st;
    for (int i = 0; i < f->planes; i++) {
        fan_source *s = &f->src[i];
        int ok = 1;
        size_t ring = size_mul(size_mul(s->row_bytes, s->group_rows, &ok),
                               f->ring_groups, &ok);
        if (!ok)
            return ctx_fail(ctx, THUMB_ERR_LIMIT,
                            "fanout: ring of %zu-byte rows overflows",
                            s->row_bytes);
        s->ring = ctx_malloc(ctx, ring);
        s->group = ctx_calloc(ctx, s->group_rows, sizeof *s->group);
        if (!s->ring || !s->group)
            return THUMB_ERR_NOMEM;
        f->group_ptrs[i] = s->group;
    }
    if (!f->planar)
        return THUMB_OK;
    f->q6_stride = (size_t)widest + RESIZE_Q6_ROW_SLACK;
    f->q6_rows =
        ctx_malloc(ctx, f->q6_stride * DECODER_PLANES * sizeof *f->q6_rows);
    return f->q6_rows ? THUMB_OK : THUMB_ERR_NOMEM;
}

void fanout_free(fanout *f) {
    if (!f)
        return;
    for (size_t k = 0; f->outs && k < f->n; k++)
        for (int i = 0; i < DECODER_PLANES; i++)
            resize_free(f->outs[k].rs[i]);
    for (int i = 0; i < DECODER_PLANES; i++) {
        ctx_free(f->ctx, f->src[i].ring);
        ctx_free(f->ctx, f->src[i].group);
    }
    ctx_free(f->ctx, f->outs);
    ctx_free(f->ctx, f->q6_rows);
    ctx_free(f->ctx, f->box_sums);
    ctx_free(f->ctx, f);
}

static int same_geometry(const resize_geometry *a, const resize_geometry *b) {
    return a->src_width == b->src_width && a->src_height == b->src_height &&
           a->extent_width == b->extent_width &&
           a->extent_height == b->extent_height &&
           a->scaled_width == b->scaled_width &&
           a->scaled_height == b->scaled_height && a->crop_x == b->crop_x &&
           a->crop_y == b->crop_y && a->dst_width == b->dst_width &&
           a->dst_height == b->dst_height && a->channels == b->channels &&
           a->simd == b->simd && a->src_depth == b->src_depth &&
           a->dst_depth == b->dst_depth && a->linear == b->linear &&
           a->dst_q6 == b->dst_q6;
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

static uint32_t shrink_of(const fanout_output *o, int plane) {
    return o->shrink[plane] > 1 ? o->shrink[plane] : 1;
}

/* 1 when f was planned for this source and these outputs. */
static int same_plan(const fanout *f, const decoder *dec,
                     const fanout_output *outputs, size_t n) {
    if (f->n != n || f->planar != dec->planar)
        return 0;
    if (f->planar && !same_planes(f->layout, dec->planes))
        return 0;
    /* The rows the decoder gives (CMYK or RGB, 8 or 16 bits) size the
     * ring and each copy. */
    fanout now = {.planar = f->planar};
    plan_sources(&now, dec);
    for (int i = 0; i < f->planes; i++)
        if (now.src[i].row_bytes != f->src[i].row_bytes ||
            now.src[i].copy_bytes != f->src[i].copy_bytes ||
            now.src[i].group_rows != f->src[i].group_rows ||
            now.src[i].height != f->src[i].height)
            return 0;
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < f->planes; i++)
            if (!same_geometry(&f->outs[k].g, &outputs[k].g) ||
                f->outs[k].shrink[i] != shrink_of(&outputs[k], i))
                return 0;
    return 1;
}

thumb_status fanout_reuse(thumb_ctx *ctx, const decoder *dec,
                          const fanout_output *outputs, size_t n, fanout **kept,
                          fanout **out) {
    fanout *f = *kept;
    *kept = NULL;
    *out = NULL;
    if (f && f->ctx == ctx && same_plan(f, dec, outputs, n)) {
        /* The transforms are the run's. */
        for (size_t k = 0; k < n; k++)
            f->outs[k].color = outputs[k].color;
        *out = f;
        return THUMB_OK;
    }
    fanout_free(f);
    f = ctx_calloc(ctx, 1, sizeof *f);
    if (!f)
        return THUMB_ERR_NOMEM;
    f->ctx = ctx;
    f->planar = dec->planar;
    f->planes = dec->planar ? DECODER_PLANES : 1;
    if (dec->planar)
        memcpy(f->layout, dec->planes, sizeof f->layout);
    f->n = n;
    f->outs = ctx_calloc(ctx, n, sizeof *f->outs);
    if (!f->outs) {
        fanout_free(f);
        return THUMB_ERR_NOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        f->outs[k].g = outputs[k].g;
        f->outs[k].color = outputs[k].color;
        for (int i = 0; i < f->planes; i++)
            f->outs[k].shrink[i] = shrink_of(&outputs[k], i);
        if (f->outs[k].shrink[0] > 1 && f->outs[k].color) {
            fanout_free(f);
            return ctx_fail(ctx, THUMB_ERR_INTERNAL,
                            "fanout: a shrink with a colour transform");
        }
    }
    f->ycc_to_rgb = ycc_pick(outputs[0].g.simd);
    f->box = box_row_pick(outputs[0].g.simd);
    thumb_status st = plan(f, dec);
    if (st != THUMB_OK) {
        fanout_free(f);
        return st;
    }
    *out = f;
    return THUMB_OK;
}

/* Checks that out is what output k was planned to make. */
static thumb_status check_output(const fanout *f, const fan_output *o,
                                 const image *out) {
    int channels = f->planar ? 3 : o->g.channels;
    int depth = f->planar || !o->g.dst_depth ? 8 : o->g.dst_depth;
    if (out->channels != channels || out->depth != depth ||
        out->width != o->g.dst_width || out->height != o->g.dst_height)
        return ctx_fail(f->ctx, THUMB_ERR_INTERNAL,
                        "fanout: output %ux%ux%d does not match the plan "
                        "%ux%ux%d",
                        out->width, out->height, out->channels, o->g.dst_width,
                        o->g.dst_height, channels);
    return THUMB_OK;
}

/* The next row of output k into row. */
static thumb_status make_row(fanout *f, size_t k, uint8_t *row) {
    fan_output *o = &f->outs[k];
    if (!f->planar)
        return resize_next_row(o->rs[0], feed_rows, &o->feeds[0], row);
    int16_t *q6[DECODER_PLANES];
    for (int i = 0; i < DECODER_PLANES; i++) {
        q6[i] = f->q6_rows + (size_t)i * f->q6_stride;
        thumb_status st = resize_next_row(o->rs[i], feed_rows, &o->feeds[i],
                                          (uint8_t *)(void *)q6[i]);
        if (st != THUMB_OK)
            return st;
    }
    f->ycc_to_rgb(q6[0], q6[1], q6[2], row, o->g.dst_width);
    return THUMB_OK;
}

thumb_status fanout_run(fanout *f, decoder *dec, const fanout_sink *sinks,
                        int64_t *decode_us) {
    *decode_us = 0;
    thumb_status st = THUMB_OK;
    for (size_t k = 0; k < f->n && st == THUMB_OK; k++)
        st = check_output(f, &f->outs[k], sinks[k].img);
    if (st != THUMB_OK)
        return st;
    f->dec = dec;
    f->decode_us = 0;
    f->groups_read = 0;
    const fan_source *first = &f->src[0];
    f->groups_total =
        (uint32_t)(((uint64_t)first->height + first->group_rows - 1) /
                   first->group_rows);
    uint32_t *y = ctx_calloc(f->ctx, f->n, sizeof *y);
    if (!y)
        return THUMB_ERR_NOMEM;
    for (size_t k = 0; k < f->n; k++) {
        fan_output *o = &f->outs[k];
        for (int i = 0; i < f->planes; i++) {
            o->next_row[i] = 0;
            resize_begin(o->rs[i]);
        }
    }
    for (size_t k; st == THUMB_OK && (k = next_output(f, y)) < f->n; y[k]++) {
        const fanout_sink *s = &sinks[k];
        uint8_t *row =
            s->img->px ? image_row(s->img, y[k]) : s->slot(s->opaque);
        st = make_row(f, k, row);
        if (st == THUMB_OK && !s->img->px)
            st = s->done(s->opaque);
    }
    ctx_free(f->ctx, y);
    /* The rest of the image is decoded too, as a single resize reads its
     * source to the end: damage below the last row used still fails. No
     * output needs a row any more. */
    for (size_t k = 0; k < f->n; k++)
        for (int i = 0; i < f->planes; i++)
            f->outs[k].next_row[i] = f->src[i].height;
    while (st == THUMB_OK && f->groups_read < f->groups_total)
        st = read_group(f);
    *decode_us = f->decode_us;
    f->dec = NULL;
    return st;
}
