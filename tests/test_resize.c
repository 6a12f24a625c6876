/* Tests of src/resize/: the fixed-point streamed Lanczos3 against an exact
 * float64 Lanczos3 written here from the definition, the exact cases
 * (constant, identity, tiny sizes, weight sums), alpha without halos, and
 * the streaming contract (rows pulled in order, a bounded ring). */
#include "counting_alloc.h"
#include "lanczos_ref.h"
#include "support.h"

#include "codec/decoder.h"
#include "ctx.h"
#include "resize/resize.h"
#include "resize/resize_test.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The accuracy target of the issue: fixed point versus exact float64. */
#define MIN_PSNR_DB 50.0
#define TEST_PI 3.14159265358979323846

/* ---- images held by the tests ------------------------------------------ */

typedef struct pixels {
    uint32_t w, h;
    int ch;
    uint8_t *px; /* tightly packed, malloc'd */
} pixels;

static pixels pixels_new(uint32_t w, uint32_t h, int ch) {
    pixels p = {w, h, ch, malloc((size_t)w * h * ch)};
    ck_assert_ptr_nonnull(p.px);
    return p;
}

static uint8_t *pixels_row(const pixels *p, uint32_t y) {
    return p->px + (size_t)y * p->w * p->ch;
}

static size_t pixels_size(const pixels *p) {
    return (size_t)p->w * p->h * p->ch;
}

/* Deterministic noise (xorshift32), so failures reproduce. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static int verbose(void) {
    const char *v = getenv("THUMB_TEST_VERBOSE");
    return v && *v && *v != '0';
}

/* ---- the row source ---------------------------------------------------- */

typedef struct feeder {
    const pixels *src;
    uint32_t next; /* the row the next call delivers first */
    uint32_t calls;
    /* Fails with fail_status when asked for row fail_at. */
    uint32_t fail_at;
    thumb_status fail_status;
    thumb_ctx *ctx;
    /* Streaming checks, when watch is set: dst starts all zero and the
     * source never makes a zero output, so finished rows are visible. */
    const resize *watch;
    const image *dst;
    uint32_t max_held;
} feeder;

static feeder feeder_for(const pixels *src) {
    feeder f = {.src = src, .fail_at = UINT32_MAX};
    return f;
}

static uint32_t finished_rows(const image *dst) {
    uint32_t y = 0;
    for (; y < dst->height; y++) {
        const uint8_t *row = image_row(dst, y);
        for (size_t i = 0; i < (size_t)dst->width * dst->channels; i++)
            if (row[i] == 0)
                return y;
    }
    return y;
}

/* The rows about to be delivered must be needed by the next output row,
 * and everything from that row's first tap on must fit the ring. */
static void check_streaming(feeder *f, uint32_t count) {
    uint32_t done = finished_rows(f->dst);
    if (done == f->dst->height)
        return; /* draining the rows below the last tap */
    uint32_t first, n, ring;
    int32_t one;
    ck_assert_ptr_nonnull(
        resize_test_taps(f->watch, 1, done, &first, &n, &one, &ring));
    uint32_t newest = f->next + count - 1;
    ck_assert_msg(newest <= first + n - 1,
                  "row %u pulled before output row %u (taps %u..%u) needs it",
                  newest, done, first, first + n - 1);
    uint32_t held = newest >= first ? newest - first + 1 : 0;
    if (held > f->max_held)
        f->max_held = held;
    ck_assert_uint_le(held, ring);
}

static thumb_status feed(void *opaque, uint8_t *const *rows, uint32_t count) {
    feeder *f = opaque;
    f->calls++;
    ck_assert_uint_ge(count, 1);
    ck_assert_msg((uint64_t)f->next + count <= f->src->h,
                  "asked for rows %u..%u of %u", f->next, f->next + count - 1,
                  f->src->h);
    if (f->fail_at >= f->next && f->fail_at - f->next < count)
        return ctx_fail(f->ctx, f->fail_status, "test source: row %u fails",
                        f->fail_at);
    if (f->watch)
        check_streaming(f, count);
    for (uint32_t i = 0; i < count; i++)
        memcpy(rows[i], pixels_row(f->src, f->next + i),
               (size_t)f->src->w * f->src->ch);
    f->next += count;
    return THUMB_OK;
}

/* ---- the exact float64 reference (tests/lanczos_ref.c) ------------------ */

static pixels ref_resize(const pixels *src, const resize_geometry *g) {
    lanczos_ref_geometry rg = {g->src_width,     g->src_height, g->scaled_width,
                               g->scaled_height, g->crop_x,     g->crop_y,
                               g->dst_width,     g->dst_height, src->ch};
    pixels dst = {g->dst_width, g->dst_height, src->ch,
                  lanczos_ref_resize(src->px, &rg)};
    return dst;
}

/* The kernel alone, for the test of resize_lanczos3(). */
static double ref_sinc(double x) {
    return x == 0.0 ? 1.0 : sin(TEST_PI * x) / (TEST_PI * x);
}

static double ref_lanczos3(double x) {
    return fabs(x) < 3.0 ? ref_sinc(x) * ref_sinc(x / 3.0) : 0.0;
}

/* ---- running the library's resize -------------------------------------- */

static resize_geometry geometry(const pixels *src, uint32_t sw, uint32_t sh,
                                uint32_t cx, uint32_t cy, uint32_t dw,
                                uint32_t dh) {
    resize_geometry g = {src->w,  src->h, sw, sh, cx, cy, dw, dh,
                         src->ch, 0,      8,  8,  0,  0,  0,  0};
    return g;
}

static resize_geometry full(const pixels *src, uint32_t w, uint32_t h) {
    return geometry(src, w, h, 0, 0, w, h);
}

static pixels run_resize(const pixels *src, const resize_geometry *g) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    resize *r = NULL;
    ck_assert_msg(resize_new(ctx, g, &r) == THUMB_OK, "resize_new: %s",
                  thumb_ctx_error(ctx));
    pixels out = pixels_new(g->dst_width, g->dst_height, g->channels);
    image dst = {out.w, out.h, out.ch, (size_t)out.w * out.ch, out.px, 8};
    feeder f = feeder_for(src);
    f.ctx = ctx;
    ck_assert_msg(resize_run(r, feed, &f, &dst) == THUMB_OK, "resize_run: %s",
                  thumb_ctx_error(ctx));
    ck_assert_uint_eq(f.next, src->h);
    resize_free(r);
    thumb_ctx_free(ctx);
    return out;
}

/* Straight colour times alpha, rounded: what a compositor shows. The
 * colour of a nearly transparent pixel is invisible and is amplified by
 * unpremultiplying (alpha 1 turns a 1/255 error into 255), so alpha images
 * are compared premultiplied, as they will be seen. */
static void premultiply_in_place(pixels *p) {
    if (p->ch != 2 && p->ch != 4)
        return;
    for (size_t i = 0; i < (size_t)p->w * p->h; i++) {
        uint8_t *px = p->px + i * p->ch;
        unsigned a = px[p->ch - 1];
        for (int c = 0; c < p->ch - 1; c++)
            px[c] = (uint8_t)((px[c] * a + 127) / 255);
    }
}

/* PSNR of the library against the reference for one geometry. */
static double accuracy(const pixels *src, const resize_geometry *g,
                       const char *what) {
    pixels got = run_resize(src, g);
    pixels want = ref_resize(src, g);
    premultiply_in_place(&got);
    premultiply_in_place(&want);
    double db = psnr_u8(got.px, want.px, pixels_size(&got));
    int worst = 0;
    for (size_t i = 0; i < pixels_size(&got); i++) {
        int d = abs(got.px[i] - want.px[i]);
        if (d > worst)
            worst = d;
    }
    if (verbose())
        printf("%-44s %ux%ux%d -> %ux%u (+%u,%u of %ux%u): %6.2f dB, max "
               "err %d\n",
               what, src->w, src->h, src->ch, g->dst_width, g->dst_height,
               g->crop_x, g->crop_y, g->scaled_width, g->scaled_height, db,
               worst);
    ck_assert_msg(db >= MIN_PSNR_DB, "%s -> %ux%u: PSNR %.2f dB < %.0f dB",
                  what, g->dst_width, g->dst_height, db, MIN_PSNR_DB);
    free(got.px);
    free(want.px);
    return db;
}

static uint32_t div_round(uint32_t n, double f) {
    double v = floor(n / f + 0.5);
    return v < 1 ? 1 : (uint32_t)v;
}

/* The scale factors the issue names, on one image. */
static void accuracy_suite(const pixels *src, const char *name) {
    char what[128];
    static const double factors[] = {2.0, 3.7, 8.0, 1.5};
    for (size_t i = 0; i < sizeof factors / sizeof *factors; i++) {
        uint32_t w = div_round(src->w, factors[i]);
        uint32_t h = div_round(src->h, factors[i]);
        resize_geometry g = full(src, w, h);
        snprintf(what, sizeof what, "%s /%.1f", name, factors[i]);
        accuracy(src, &g, what);
    }
    /* Non-uniform fill: different scales per axis. */
    resize_geometry fill =
        full(src, div_round(src->w, 5.3), div_round(src->h, 2.2));
    snprintf(what, sizeof what, "%s fill", name);
    accuracy(src, &fill, what);
    /* Enlargement, with a different factor per axis. */
    resize_geometry up =
        full(src, div_round(src->w, 1 / 2.3), div_round(src->h, 1 / 1.7));
    snprintf(what, sizeof what, "%s enlarge", name);
    accuracy(src, &up, what);
    /* Crop window, as a cover fit makes: the middle of a 3x shrink. */
    uint32_t sw = div_round(src->w, 3.0), sh = div_round(src->h, 3.0);
    uint32_t dw = sw * 2 / 3 ? sw * 2 / 3 : 1, dh = sh * 3 / 4 ? sh * 3 / 4 : 1;
    resize_geometry crop =
        geometry(src, sw, sh, (sw - dw) / 2, (sh - dh) / 2, dw, dh);
    snprintf(what, sizeof what, "%s crop", name);
    accuracy(src, &crop, what);
}

/* ---- synthetic images -------------------------------------------------- */

static pixels make_noise(uint32_t w, uint32_t h, int ch, uint32_t seed) {
    pixels p = pixels_new(w, h, ch);
    for (size_t i = 0; i < pixels_size(&p); i++)
        p.px[i] = (uint8_t)(next_random(&seed) >> 24);
    return p;
}

static pixels make_gradient(uint32_t w, uint32_t h, int ch) {
    pixels p = pixels_new(w, h, ch);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < ch; c++)
                pixels_row(&p, y)[x * ch + c] =
                    (uint8_t)((x * 255 / (w - 1) * (c + 1) +
                               y * 255 / (h - 1) * (ch - c)) /
                              (ch + 1));
    return p;
}

/* Bars, a disc and a diagonal: hard edges in every direction. */
static pixels make_edges(uint32_t w, uint32_t h, int ch) {
    pixels p = pixels_new(w, h, ch);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            double dx = x - w / 2.0, dy = y - h / 2.0;
            int disc = dx * dx + dy * dy < (h / 3.0) * (h / 3.0);
            int bar = (x / 7) % 2;
            int diag = x > y;
            for (int c = 0; c < ch; c++) {
                int v = c % 3 == 0   ? (disc ? 255 : 0)
                        : c % 3 == 1 ? (bar ? 255 : 0)
                                     : (diag ? 255 : 0);
                if (c == ch - 1 && (ch == 2 || ch == 4))
                    v = disc ? 255 : bar ? 96 : 0; /* hard alpha edges */
                pixels_row(&p, y)[x * ch + c] = (uint8_t)v;
            }
        }
    return p;
}

/* A checkerboard of lo and hi. A 1-pixel board shrinks to its mean
 * everywhere: keep that mean off a rounding tie (127.5 for 0 and 255), or
 * half the pixels flip by 1 LSB on noise far below the precision asked. */
static pixels make_checker(uint32_t w, uint32_t h, int ch, uint32_t cell,
                           uint8_t lo, uint8_t hi) {
    pixels p = pixels_new(w, h, ch);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int c = 0; c < ch; c++)
                pixels_row(&p, y)[x * ch + c] =
                    ((x / cell + y / cell) % 2) ? hi : lo;
    return p;
}

/* Soft alpha over noisy colour: the case premultiplication is for. */
static pixels make_soft_alpha(uint32_t w, uint32_t h, int ch) {
    pixels p = make_noise(w, h, ch, 12345);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            double dx = x - w / 2.0, dy = y - h / 2.0;
            double r = sqrt(dx * dx + dy * dy) / (h / 2.0);
            double a = r < 0.5 ? 255 : r > 1 ? 0 : 255 * (1 - r) * 2;
            pixels_row(&p, y)[x * ch + ch - 1] = (uint8_t)a;
        }
    return p;
}

START_TEST(test_accuracy_synthetic) {
    struct {
        const char *name;
        pixels p;
    } images[] = {
        {"noise rgb", make_noise(301, 203, 3, 1)},
        {"noise grey", make_noise(256, 171, 1, 2)},
        {"noise rgba", make_noise(240, 180, 4, 3)},
        {"gradient rgb", make_gradient(320, 240, 3)},
        {"edges rgb", make_edges(250, 190, 3)},
        {"edges rgba", make_edges(250, 190, 4)},
        {"edges grey+alpha", make_edges(250, 190, 2)},
        {"checker 8px rgb", make_checker(240, 160, 3, 8, 0, 255)},
        {"checker 1px grey", make_checker(199, 133, 1, 1, 20, 230)},
        {"soft alpha rgba", make_soft_alpha(260, 200, 4)},
    };
    for (size_t i = 0; i < sizeof images / sizeof *images; i++) {
        accuracy_suite(&images[i].p, images[i].name);
        free(images[i].p.px);
    }
}
END_TEST

/* ---- corpus images ----------------------------------------------------- */

/* Decodes at full size: a minimum of 1x1 would let JPEG shrink on load. */
static pixels decode_corpus(const char *rel) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoder d;
    ck_assert_msg(decoder_open(ctx, data, size, &d) == THUMB_OK, "%s: %s", rel,
                  thumb_ctx_error(ctx));
    ck_assert_msg(
        decoder_start(&d, &(decoder_request){.min_width = d.info.width,
                                             .min_height = d.info.height}) ==
            THUMB_OK,
        "%s: %s", rel, thumb_ctx_error(ctx));
    ck_assert_uint_eq(d.width, d.info.width);
    ck_assert_uint_eq(d.height, d.info.height);
    pixels p = pixels_new(d.width, d.height, d.channels);
    for (uint32_t y = 0; y < p.h; y++) {
        uint8_t *row = pixels_row(&p, y);
        ck_assert_msg(decoder_read_rows(&d, &row, 1) == THUMB_OK, "%s: %s", rel,
                      thumb_ctx_error(ctx));
    }
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(data);
    return p;
}

typedef struct corpus_case {
    const char *path;
    int channels;  /* what the decoder must give, so alpha is exercised */
    double fx, fy; /* shrink factors; below 1 enlarges */
    double keep;   /* < 1: a centred crop window of this fraction */
} corpus_case;

static const corpus_case corpus_cases[] = {
    {"jpeg/2569067123_aca715a2ee_o.jpg", 3, 2.0, 2.0, 1},
    {"jpeg/2569067123_aca715a2ee_o.jpg", 3, 3.7, 3.7, 1},
    {"jpeg/2569067123_aca715a2ee_o.jpg", 3, 8.0, 8.0, 1},
    {"jpeg/2569067123_aca715a2ee_o.jpg", 3, 9.08, 4.45, 1}, /* fill */
    {"jpeg/2569067123_aca715a2ee_o.jpg", 3, 3.0, 3.0, 0.7}, /* crop */
    {"jpeg/flowers.jpeg", 3, 1.5, 1.5, 1},
    {"jpeg/testorig.jpg", 3, 1 / 2.2, 1 / 2.2, 1}, /* enlarge */
    {"jpeg/concert.jpg", 1, 3.7, 3.7, 1},          /* grey */
    {"jpeg/concert.jpg", 1, 1 / 1.6, 1 / 1.6, 0.8},
    {"png/embedgravitybird.png", 4, 2.0, 2.0, 1}, /* soft alpha edges */
    {"png/embedgravitybird.png", 4, 3.7, 3.7, 1},
    {"png/embedgravitybird.png", 4, 1 / 1.8, 1 / 1.8, 1},
    {"png/alpha-premultiply-2048x1536-paper.png", 4, 8.0, 8.0, 1},
    {"png/alpha-premultiply-2048x1536-paper.png", 4, 1.5, 2.5, 0.6},
    {"png/grey-8bit-alpha.png", 2, 1.5, 1.5, 1},
    {"png/grey-8bit-alpha.png", 2, 3.7, 3.7, 1},
    {"png/buggie.png", 4, 1 / 2.3, 1 / 2.3, 1},
};

START_TEST(test_accuracy_corpus) {
    const corpus_case *c = &corpus_cases[_i];
    pixels src = decode_corpus(c->path);
    ck_assert_int_eq(src.ch, c->channels);
    uint32_t sw = div_round(src.w, c->fx), sh = div_round(src.h, c->fy);
    uint32_t dw = sw, dh = sh;
    if (c->keep < 1) {
        dw = div_round(sw, 1 / c->keep);
        dh = div_round(sh, 1 / c->keep);
    }
    resize_geometry g =
        geometry(&src, sw, sh, (sw - dw) / 2, (sh - dh) / 3, dw, dh);
    accuracy(&src, &g, c->path);
    free(src.px);
}
END_TEST

/* ---- exact cases ------------------------------------------------------- */

static pixels make_constant(uint32_t w, uint32_t h, int ch,
                            const uint8_t *value) {
    pixels p = pixels_new(w, h, ch);
    for (size_t i = 0; i < (size_t)w * h; i++)
        memcpy(p.px + i * ch, value, ch);
    return p;
}

START_TEST(test_constant_image_stays_constant) {
    /* Alpha 77 and 200: premultiplied Q6 values round-trip exactly for
     * any alpha above 4. */
    static const uint8_t values[4][4] = {
        {173}, {90, 77}, {37, 200, 129}, {255, 3, 140, 200}};
    static const uint32_t sizes[][6] = {
        /* scaled w, h, crop x, y, dst w, h from a 97x61 source */
        {48, 30, 0, 0, 48, 30},     {26, 16, 0, 0, 26, 16},
        {12, 8, 0, 0, 12, 8},       {1, 1, 0, 0, 1, 1},
        {250, 133, 0, 0, 250, 133}, {97, 20, 0, 0, 97, 20},
        {40, 61, 0, 0, 40, 61},     {60, 40, 10, 5, 30, 30},
    };
    for (int ch = 1; ch <= 4; ch++) {
        pixels src = make_constant(97, 61, ch, values[ch - 1]);
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            const uint32_t *z = sizes[s];
            resize_geometry g =
                geometry(&src, z[0], z[1], z[2], z[3], z[4], z[5]);
            pixels out = run_resize(&src, &g);
            for (size_t i = 0; i < (size_t)out.w * out.h; i++)
                ck_assert_msg(memcmp(out.px + i * ch, values[ch - 1], ch) == 0,
                              "%d channels, %ux%u: pixel %zu changed", ch,
                              out.w, out.h, i);
            free(out.px);
        }
        free(src.px);
    }
}
END_TEST

START_TEST(test_identity_is_a_copy) {
    for (int ch = 1; ch <= 4; ch++) {
        pixels src = make_noise(123, 77, ch, 99u + ch);
        resize_geometry g = full(&src, src.w, src.h);
        pixels out = run_resize(&src, &g);
        ck_assert_int_eq(memcmp(out.px, src.px, pixels_size(&src)), 0);
        free(out.px);
        free(src.px);
    }
}
END_TEST

START_TEST(test_one_axis_identity_is_exact) {
    /* The width is kept: each output column has one tap of weight 1, so
     * the rows are those of a pure vertical resize. And vice versa. */
    pixels src = make_noise(64, 48, 3, 7);
    resize_geometry g = full(&src, 64, 20);
    accuracy(&src, &g, "noise: height only");
    uint32_t first, n, ring;
    int32_t one;
    resize *r = NULL;
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_int_eq(resize_new(ctx, &g, &r), THUMB_OK);
    for (uint32_t x = 0; x < 64; x++) {
        const int16_t *w = resize_test_taps(r, 0, x, &first, &n, &one, &ring);
        ck_assert_ptr_nonnull(w);
        ck_assert_uint_eq(first, x);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(w[0], one);
    }
    resize_free(r);
    thumb_ctx_free(ctx);
    free(src.px);
}
END_TEST

START_TEST(test_thin_and_tiny_images) {
    static const uint32_t cases[][4] = {
        /* src w, h -> dst w, h */
        {1, 50, 1, 10}, {50, 1, 10, 1}, {1, 50, 3, 120}, {50, 1, 7, 2},
        {1, 1, 7, 5},   {1, 1, 1, 1},   {37, 23, 1, 1},  {2, 2, 1, 1},
        {1, 9, 1, 1},   {9, 1, 1, 1},   {3, 2, 300, 1},  {400, 3, 1, 9},
    };
    for (int ch = 1; ch <= 4; ch++)
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            pixels src = make_noise(cases[i][0], cases[i][1], ch,
                                    (uint32_t)(i * 4 + ch));
            resize_geometry g = full(&src, cases[i][2], cases[i][3]);
            char what[64];
            snprintf(what, sizeof what, "tiny %ux%u", src.w, src.h);
            pixels got = run_resize(&src, &g);
            pixels want = ref_resize(&src, &g);
            premultiply_in_place(&got);
            premultiply_in_place(&want);
            for (size_t k = 0; k < pixels_size(&got); k++)
                ck_assert_msg(abs(got.px[k] - want.px[k]) <= 1,
                              "%s x%d -> %ux%u: sample %zu is %d, want %d",
                              what, ch, g.dst_width, g.dst_height, k, got.px[k],
                              want.px[k]);
            free(got.px);
            free(want.px);
            free(src.px);
        }
}
END_TEST

START_TEST(test_weights_sum_to_exactly_one) {
    static const uint32_t axes[][4] = {
        /* src, scaled, crop, out */
        {1000, 500, 0, 500}, {1000, 270, 0, 270}, {1000, 125, 0, 125},
        {1000, 667, 0, 667}, {100, 230, 0, 230},  {7, 1000, 0, 1000},
        {1, 10, 0, 10},      {10, 1, 0, 1},       {2725, 1, 0, 1},
        {999, 300, 50, 200}, {5, 3, 1, 2},        {4000, 17, 0, 17},
    };
    thumb_ctx *ctx = thumb_ctx_new();
    for (size_t a = 0; a < sizeof axes / sizeof *axes; a++) {
        const uint32_t *ax = axes[a];
        for (int vertical_axis = 0; vertical_axis < 2; vertical_axis++) {
            resize_geometry g = {vertical_axis ? 3 : ax[0],
                                 vertical_axis ? ax[0] : 3,
                                 vertical_axis ? 2 : ax[1],
                                 vertical_axis ? ax[1] : 2,
                                 vertical_axis ? 0 : ax[2],
                                 vertical_axis ? ax[2] : 0,
                                 vertical_axis ? 2 : ax[3],
                                 vertical_axis ? ax[3] : 2,
                                 3,
                                 THUMB_SIMD_AUTO,
                                 8,
                                 8,
                                 0,
                                 0,
                                 0,
                                 0};
            resize *r = NULL;
            ck_assert_int_eq(resize_new(ctx, &g, &r), THUMB_OK);
            for (uint32_t i = 0; i < ax[3]; i++) {
                uint32_t first, n, ring;
                int32_t one;
                const int16_t *w = resize_test_taps(r, vertical_axis, i, &first,
                                                    &n, &one, &ring);
                ck_assert_ptr_nonnull(w);
                ck_assert_uint_ge(n, 1);
                ck_assert_uint_le((uint64_t)first + n, ax[0]);
                int64_t sum = 0;
                for (uint32_t k = 0; k < n; k++)
                    sum += w[k];
                /* The SIMD contract: zeros up to the next multiple of 8,
                 * so kernels may run over whole registers. */
                for (uint32_t k = n; k % 8 != 0; k++)
                    ck_assert_int_eq(w[k], 0);
                ck_assert_msg(sum == one,
                              "%u -> %u, set %u: weights sum to %lld, not %d",
                              ax[0], ax[1], i, (long long)sum, one);
            }
            uint32_t f, n, ring;
            int32_t one;
            ck_assert_ptr_null(
                resize_test_taps(r, vertical_axis, ax[3], &f, &n, &one, &ring));
            resize_free(r);
        }
    }
    thumb_ctx_free(ctx);
}
END_TEST

/* Sets of a along one axis equal those of b. */
static void assert_same_taps(const resize *a, const resize *b, int vertical,
                             uint32_t sets) {
    for (uint32_t i = 0; i < sets; i++) {
        uint32_t fa, na, ra, fb, nb, rb;
        int32_t one;
        const int16_t *wa =
            resize_test_taps(a, vertical, i, &fa, &na, &one, &ra);
        const int16_t *wb =
            resize_test_taps(b, vertical, i, &fb, &nb, &one, &rb);
        ck_assert_ptr_nonnull(wa);
        ck_assert_ptr_nonnull(wb);
        ck_assert_uint_eq(fa, fb);
        ck_assert_uint_eq(na, nb);
        ck_assert_uint_eq(ra, rb);
        ck_assert_mem_eq(wa, wb, (na + 7) / 8 * 8 * sizeof *wa);
    }
}

/* resize_new_like() copies the sets of a plan of the same geometry (the
 * chroma planes of a JPEG) and plans anew for any other. */
START_TEST(test_new_like_copies_only_the_same_geometry) {
    thumb_ctx *ctx = thumb_ctx_new();
    resize_geometry g = {1363, 1113, 720, 588, 0, 0, 720, 588,
                         1,    0,    8,   8,   0, 0, 0,   0};
    g.dst_q6 = 1;
    resize_geometry other = g;
    other.src_width = 2725;
    other.src_height = 2225;
    resize *planned = NULL, *copied = NULL, *fresh = NULL, *unlike = NULL;
    ck_assert_int_eq(resize_new(ctx, &g, &planned), THUMB_OK);
    ck_assert_int_eq(resize_new_like(ctx, &g, planned, &copied), THUMB_OK);
    ck_assert_int_eq(resize_new(ctx, &other, &fresh), THUMB_OK);
    ck_assert_int_eq(resize_new_like(ctx, &other, planned, &unlike), THUMB_OK);
    for (int vertical = 0; vertical < 2; vertical++) {
        assert_same_taps(planned, copied, vertical, vertical ? 588 : 720);
        assert_same_taps(fresh, unlike, vertical, vertical ? 588 : 720);
    }
    resize_free(unlike);
    resize_free(fresh);
    resize_free(copied);
    resize_free(planned);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(test_lanczos3_kernel) {
    ck_assert(resize_lanczos3(0.0) == 1.0);
    for (int i = 1; i <= 2; i++) {
        ck_assert(fabs(resize_lanczos3(i)) < 1e-12);
        ck_assert(fabs(resize_lanczos3(-i)) < 1e-12);
    }
    ck_assert(resize_lanczos3(3.0) == 0.0);
    ck_assert(resize_lanczos3(-3.0) == 0.0);
    ck_assert(resize_lanczos3(3.5) == 0.0);
    ck_assert(resize_lanczos3(1e300) == 0.0);
    for (double x = -3.2; x <= 3.2; x += 0.0137) {
        ck_assert(fabs(resize_lanczos3(x) - ref_lanczos3(x)) < 1e-12);
        ck_assert(resize_lanczos3(x) == resize_lanczos3(-x));
    }
    ck_assert(fabs(resize_lanczos3(1e-300) - 1.0) < 1e-12);
    /* The negative first side lobe: the ringing the int16 headroom is
     * there for. */
    ck_assert(resize_lanczos3(1.5) < -0.1);
}
END_TEST

/* ---- alpha: no halos ---------------------------------------------------- */

/* Left half fully transparent in one colour, right half opaque in another:
 * no visible output pixel may carry the transparent colour. */
static void check_no_halo(int ch, const uint8_t *hidden, const uint8_t *shown,
                          const resize_geometry *g, const pixels *src) {
    pixels out = run_resize(src, g);
    uint32_t visible = 0;
    for (size_t i = 0; i < (size_t)out.w * out.h; i++) {
        const uint8_t *px = out.px + i * ch;
        if (px[ch - 1] == 0) {
            for (int c = 0; c < ch - 1; c++)
                ck_assert_int_eq(px[c], 0); /* alpha 0 has colour 0 */
            continue;
        }
        visible++;
        for (int c = 0; c < ch - 1; c++)
            ck_assert_msg(px[c] == shown[c],
                          "pixel %zu (alpha %d) channel %d is %d, want %d: "
                          "hidden colour %d bled in",
                          i, px[ch - 1], c, px[c], shown[c], hidden[c]);
    }
    ck_assert_uint_gt(visible, 0);
    free(out.px);
}

START_TEST(test_no_halo) {
    static const uint8_t red[] = {255, 0, 0, 0}, blue[] = {0, 0, 255, 255};
    static const uint8_t black[] = {0, 0, 0, 0}, white[] = {255, 255, 255, 255};
    static const uint8_t grey_white[] = {255, 0}, grey_black[] = {0, 255};
    struct {
        int ch;
        const uint8_t *hidden, *shown;
    } pairs[] = {
        {4, red, blue},             /* a red fringe */
        {4, black, white},          /* a dark fringe */
        {2, grey_white, grey_black} /* a light fringe, grey+alpha */
    };
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        int ch = pairs[p].ch;
        pixels src = pixels_new(64, 48, ch);
        for (uint32_t y = 0; y < src.h; y++)
            for (uint32_t x = 0; x < src.w; x++) {
                /* A wavy boundary, so both axes see it. */
                int shown = x > 30 + (y % 9);
                memcpy(pixels_row(&src, y) + x * ch,
                       shown ? pairs[p].shown : pairs[p].hidden, ch);
                if (shown && (x + y) % 5 == 0) /* and soft alpha inside */
                    pixels_row(&src, y)[x * ch + ch - 1] = 90;
            }
        resize_geometry shrink = full(&src, 27, 20);
        resize_geometry shrink8 = full(&src, 8, 6);
        resize_geometry enlarge = full(&src, 150, 111);
        resize_geometry crop = geometry(&src, 100, 75, 30, 10, 50, 40);
        check_no_halo(ch, pairs[p].hidden, pairs[p].shown, &shrink, &src);
        check_no_halo(ch, pairs[p].hidden, pairs[p].shown, &shrink8, &src);
        check_no_halo(ch, pairs[p].hidden, pairs[p].shown, &enlarge, &src);
        check_no_halo(ch, pairs[p].hidden, pairs[p].shown, &crop, &src);
        free(src.px);
    }
}
END_TEST

START_TEST(test_transparent_stays_transparent) {
    pixels src = make_noise(40, 30, 4, 5);
    for (size_t i = 0; i < (size_t)src.w * src.h; i++)
        src.px[i * 4 + 3] = 0;
    resize_geometry g = full(&src, 13, 11);
    pixels out = run_resize(&src, &g);
    for (size_t i = 0; i < pixels_size(&out); i++)
        ck_assert_int_eq(out.px[i], 0);
    free(out.px);
    free(src.px);
}
END_TEST

/* ---- streaming ---------------------------------------------------------- */

/* Rows of 64..191, so that no Lanczos output (ringing stays under 30%)
 * can be 0, the "not written yet" mark. */
static pixels make_streaming_source(uint32_t w, uint32_t h) {
    pixels p = make_noise(w, h, 3, 77);
    for (size_t i = 0; i < pixels_size(&p); i++)
        p.px[i] = (uint8_t)(64 + p.px[i] / 2);
    return p;
}

/* Runs g over src watching the source calls; returns the ring size. */
static uint32_t watch_streaming(const pixels *src, const resize_geometry *g) {
    thumb_ctx *ctx = thumb_ctx_new();
    resize *r = NULL;
    ck_assert_int_eq(resize_new(ctx, g, &r), THUMB_OK);
    pixels out = pixels_new(g->dst_width, g->dst_height, 3);
    memset(out.px, 0, pixels_size(&out));
    image dst = {out.w, out.h, 3, (size_t)out.w * 3, out.px, 8};
    feeder f = feeder_for(src);
    f.ctx = ctx;
    f.watch = r;
    f.dst = &dst;
    ck_assert_int_eq(resize_run(r, feed, &f, &dst), THUMB_OK);
    /* Every row pulled, in order, none twice (feed checks the order and
     * the end; this checks that the end was reached). */
    ck_assert_uint_eq(f.next, src->h);
    ck_assert_uint_eq(finished_rows(&dst), dst.height);
    uint32_t first, n, ring;
    int32_t one;
    ck_assert_ptr_nonnull(resize_test_taps(r, 1, 0, &first, &n, &one, &ring));
    ck_assert_uint_le(f.max_held, ring);
    ck_assert_uint_ge(f.max_held, n);
    resize_free(r);
    thumb_ctx_free(ctx);
    free(out.px);
    return ring;
}

START_TEST(test_streaming_ring_is_bounded_by_the_kernel) {
    /* 8x vertical shrink: a tap set spans 2 x 3 x 8 + 1 = 49 rows. */
    const uint32_t kernel_rows = 2 * 3 * 8 + 2;
    pixels small = make_streaming_source(40, 400);
    pixels tall = make_streaming_source(40, 4000);
    resize_geometry gs = full(&small, 10, 50);
    resize_geometry gt = full(&tall, 10, 500);
    uint32_t ring_small = watch_streaming(&small, &gs);
    uint32_t ring_tall = watch_streaming(&tall, &gt);
    ck_assert_uint_le(ring_small, kernel_rows);
    ck_assert_uint_eq(ring_small, ring_tall); /* not the height */

    /* A crop window: rows above it are skipped, rows below it drained. */
    resize_geometry crop = geometry(&tall, 10, 500, 2, 100, 6, 200);
    ck_assert_uint_le(watch_streaming(&tall, &crop), kernel_rows);

    /* Enlarging: 7 rows at most (6 lobes' width plus one). */
    pixels low = make_streaming_source(30, 60);
    resize_geometry up = full(&low, 70, 150);
    ck_assert_uint_le(watch_streaming(&low, &up), 7);
    free(small.px);
    free(tall.px);
    free(low.px);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

static void check_source_error(const resize_geometry *g, const pixels *src,
                               uint32_t fail_at, thumb_status status) {
    thumb_ctx *ctx = thumb_ctx_new();
    resize *r = NULL;
    ck_assert_int_eq(resize_new(ctx, g, &r), THUMB_OK);
    pixels out = pixels_new(g->dst_width, g->dst_height, src->ch);
    image dst = {out.w, out.h, out.ch, (size_t)out.w * out.ch, out.px, 8};
    feeder f = feeder_for(src);
    f.ctx = ctx;
    f.fail_at = fail_at;
    f.fail_status = status;
    ck_assert_int_eq(resize_run(r, feed, &f, &dst), status);
    char want[64];
    snprintf(want, sizeof want, "test source: row %u fails", fail_at);
    ck_assert_str_eq(thumb_ctx_error(ctx), want);
    ck_assert_uint_eq(f.next, fail_at); /* nothing pulled after the error */
    resize_free(r);
    thumb_ctx_free(ctx);
    free(out.px);
}

START_TEST(test_source_errors_pass_through) {
    pixels src = make_noise(50, 80, 4, 11);
    resize_geometry shrink = full(&src, 20, 30);
    resize_geometry identity = full(&src, 50, 80);
    /* Rows 70..79 are pulled only to drain the source. */
    resize_geometry top = geometry(&src, 50, 80, 0, 0, 50, 10);
    check_source_error(&shrink, &src, 0, THUMB_ERR_CORRUPT);
    check_source_error(&shrink, &src, 41, THUMB_ERR_IO);
    check_source_error(&identity, &src, 13, THUMB_ERR_CORRUPT);
    check_source_error(&top, &src, 79, THUMB_ERR_CORRUPT);
    free(src.px);
}
END_TEST

START_TEST(test_invalid_geometry_fails_cleanly) {
    thumb_ctx *ctx = thumb_ctx_new();
    const resize_geometry good = {100, 80, 50, 40, 0, 0, 50, 40,
                                  3,   0,  8,  8,  0, 0, 0,  0};
    resize_geometry bad[7];
    for (int i = 0; i < 7; i++)
        bad[i] = good;
    bad[0].channels = 0;
    bad[1].channels = 5;
    bad[2].src_width = 0;
    bad[3].dst_height = 0;
    bad[4].crop_x = 1; /* 1 + 50 > 50 */
    bad[5].crop_y = UINT32_MAX;
    bad[6].scaled_height = 0;
    for (int i = 0; i < 7; i++) {
        static char sentinel;
        resize *r = (resize *)(void *)&sentinel; /* must be reset to NULL */
        ck_assert_int_ne(resize_new(ctx, &bad[i], &r), THUMB_OK);
        ck_assert_ptr_null(r);
        ck_assert_str_ne(thumb_ctx_error(ctx), "");
        ctx_clear_error(ctx);
    }
    resize_free(NULL);

    /* An output image of the wrong size is refused, not overrun. */
    resize *r = NULL;
    ck_assert_int_eq(resize_new(ctx, &good, &r), THUMB_OK);
    pixels out = pixels_new(40, 40, 3);
    image dst = {40, 40, 3, 120, out.px, 8};
    pixels src = make_noise(100, 80, 3, 1);
    feeder f = feeder_for(&src);
    ck_assert_int_ne(resize_run(r, feed, &f, &dst), THUMB_OK);
    resize_free(r);
    free(out.px);
    free(src.px);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(test_out_of_memory_fails_cleanly) {
    counting_allocator state;
    thumb_ctx *ctx = counting_ctx(&state);
    long base = state.live_blocks;
    const resize_geometry g = {300, 200, 70, 50, 5, 5, 60, 40,
                               4,   0,   8,  8,  0, 0, 0,  0};
    int succeeded = 0;
    for (long n = 0; n < 64 && !succeeded; n++) {
        state.fail_at = state.calls + n;
        resize *r = NULL;
        thumb_status st = resize_new(ctx, &g, &r);
        if (st == THUMB_OK) {
            succeeded = 1;
            resize_free(r);
        } else {
            ck_assert_int_eq(st, THUMB_ERR_NOMEM);
            ck_assert_ptr_null(r);
            ctx_clear_error(ctx);
        }
        ck_assert_int_eq(state.live_blocks, base);
    }
    ck_assert(succeeded);
    state.fail_at = -1;
    thumb_ctx_free(ctx);
}
END_TEST

static Suite *resize_suite(void) {
    Suite *s = suite_create("resize");
    /* Many small resizes each: Check's 4 s default is too tight when the
     * machine is shared and busy. */
    const int busy_machine_timeout = 120;
    TCase *exact = tcase_create("exact");
    tcase_set_timeout(exact, busy_machine_timeout);
    tcase_add_test(exact, test_lanczos3_kernel);
    tcase_add_test(exact, test_weights_sum_to_exactly_one);
    tcase_add_test(exact, test_new_like_copies_only_the_same_geometry);
    tcase_add_test(exact, test_constant_image_stays_constant);
    tcase_add_test(exact, test_identity_is_a_copy);
    tcase_add_test(exact, test_one_axis_identity_is_exact);
    tcase_add_test(exact, test_thin_and_tiny_images);
    suite_add_tcase(s, exact);

    TCase *alpha = tcase_create("alpha");
    tcase_set_timeout(alpha, busy_machine_timeout);
    tcase_add_test(alpha, test_no_halo);
    tcase_add_test(alpha, test_transparent_stays_transparent);
    suite_add_tcase(s, alpha);

    TCase *stream = tcase_create("streaming");
    tcase_set_timeout(stream, busy_machine_timeout);
    tcase_add_test(stream, test_streaming_ring_is_bounded_by_the_kernel);
    tcase_add_test(stream, test_source_errors_pass_through);
    tcase_add_test(stream, test_invalid_geometry_fails_cleanly);
    tcase_add_test(stream, test_out_of_memory_fails_cleanly);
    suite_add_tcase(s, stream);

    TCase *acc = tcase_create("accuracy");
    /* The float64 reference over multi-megapixel images is slow under
     * sanitizers. */
    tcase_set_timeout(acc, 600);
    tcase_add_test(acc, test_accuracy_synthetic);
    tcase_add_loop_test(acc, test_accuracy_corpus, 0,
                        (int)(sizeof corpus_cases / sizeof *corpus_cases));
    suite_add_tcase(s, acc);
    return s;
}

THUMB_TEST_MAIN(resize_suite)
