/* The WebP codec: decoding the corpus through the decoder interface
 * (src/codec/webp_decode.c), shrink-on-load, animations, EXIF orientation,
 * damaged and fuzzed files, and the encoder (src/codec/webp_encode.c). */
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "decode_rows.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows are fetched in batches of this many, so that read_rows is called
 * several times per image, with a short last batch. */
#define ROWS_PER_CALL 7
/* The pipeline's default pixel limit: the helpers refuse to start larger
 * images, as the pipeline would (fuzz files declare up to 12336x12336). */
#define TEST_MAX_PIXELS 100000000u

/* ---- Decoding helpers ---------------------------------------------- */

typedef decoded_rows decoded;

/* Opens, starts with the given minimum, reads every row and closes, on
 * ctx. */
static decoded decode_limited(thumb_ctx *ctx, const uint8_t *data, size_t size,
                              uint32_t min_w, uint32_t min_h,
                              uint64_t max_pixels) {
    ctx_clear_error(ctx);
    decoder d;
    thumb_status st = decoder_open(ctx, data, size, &d);
    return decode_rows_finish(ctx, &d, st, min_w, min_h, max_pixels,
                              ROWS_PER_CALL);
}

static decoded decode_on(thumb_ctx *ctx, const uint8_t *data, size_t size,
                         uint32_t min_w, uint32_t min_h) {
    return decode_limited(ctx, data, size, min_w, min_h, TEST_MAX_PIXELS);
}

/* Decodes on a counting context and checks that nothing is left
 * allocated once the decoder is closed. */
static decoded decode_bytes(const uint8_t *data, size_t size, uint32_t min_w,
                            uint32_t min_h) {
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    long before = a.live_blocks;
    decoded r = decode_on(ctx, data, size, min_w, min_h);
    ck_assert_msg(a.live_blocks == before, "%ld blocks leaked (status %d, %s)",
                  a.live_blocks - before, r.status, r.message);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    return r;
}

/* Full size: the minimum is the image itself, so nothing shrinks. */
#define FULL_SIZE UINT32_MAX

static decoded decode_file(const char *rel, uint32_t min_w, uint32_t min_h) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    decoded r = decode_bytes(data, size, min_w, min_h);
    free(data);
    return r;
}

static decoded decode_ok(const char *rel, uint32_t min_w, uint32_t min_h) {
    decoded r = decode_file(rel, min_w, min_h);
    ck_assert_msg(r.status == THUMB_OK, "%s: status %d (%s)", rel, r.status,
                  r.message);
    return r;
}

static const uint8_t *pixel(const decoded *r, uint32_t x, uint32_t y) {
    return r->px + ((size_t)y * r->width + x) * (size_t)r->channels;
}

/* 32-bit FNV-1a, the hash the Pillow reference values below were made
 * with. */
static uint32_t fnv1a(const uint8_t *p, size_t n) {
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static size_t sample_count(const decoded *r) {
    return (size_t)r->width * r->height * (size_t)r->channels;
}

/* ---- Every corpus file ------------------------------------------------ */

/* What a MANIFEST description says about a WebP file. */
typedef struct manifest_facts {
    uint32_t width, height;
    int alpha;       /* "alpha flag" (VP8X) or "alpha_is_used" (VP8L) */
    uint32_t frames; /* "animated N frames", else 1 */
    int orientation; /* "orientation=N", else 1 */
} manifest_facts;

static manifest_facts parse_description(const char *path,
                                        const char *description) {
    /* Only the measured facts, before " -- " and the free text, which may
     * say "alpha_is_used flag false". */
    char desc[512];
    snprintf(desc, sizeof desc, "%s", description);
    char *free_text = strstr(desc, " -- ");
    if (free_text)
        *free_text = '\0';
    manifest_facts f = {0, 0, 0, 1, 1};
    ck_assert_msg(sscanf(desc, "WebP %ux%u", &f.width, &f.height) == 2,
                  "%s: description without a size: %s", path, desc);
    f.alpha = strstr(desc, "alpha flag") || strstr(desc, "alpha_is_used");
    const char *anim = strstr(desc, "animated ");
    if (anim)
        ck_assert(sscanf(anim, "animated %u frames", &f.frames) == 1);
    const char *orient = strstr(desc, "orientation=");
    if (orient)
        ck_assert(sscanf(orient, "orientation=%d", &f.orientation) == 1);
    return f;
}

static void check_good_file(const char *path, const char *desc, void *opaque) {
    int *count = opaque;
    manifest_facts f = parse_description(path, desc);
    decoded r = decode_ok(path, FULL_SIZE, FULL_SIZE);
    ck_assert_msg(r.info.format == THUMB_FORMAT_WEBP, "%s", path);
    ck_assert_msg(r.info.width == f.width && r.info.height == f.height,
                  "%s: probed %ux%u, MANIFEST says %ux%u", path, r.info.width,
                  r.info.height, f.width, f.height);
    ck_assert_msg(r.width == f.width && r.height == f.height,
                  "%s: decoded %ux%u, MANIFEST says %ux%u", path, r.width,
                  r.height, f.width, f.height);
    ck_assert_msg(r.info.has_alpha == f.alpha, "%s: has_alpha %d", path,
                  r.info.has_alpha);
    ck_assert_msg(r.channels == (f.alpha ? 4 : 3), "%s: %d channels", path,
                  r.channels);
    ck_assert_msg(r.info.frames == f.frames, "%s: %u frames, MANIFEST says %u",
                  path, r.info.frames, f.frames);
    ck_assert_msg(r.info.orientation == f.orientation,
                  "%s: orientation %d, MANIFEST says %d", path,
                  r.info.orientation, f.orientation);
    ck_assert_int_eq(r.info.bit_depth, 8);
    free(r.px);
    (*count)++;
}

START_TEST(every_corpus_webp_decodes_with_its_manifest_facts) {
    int count = 0;
    manifest_each("webp/", check_good_file, &count);
    /* 152 files, 111 of them libwebp's test data: an empty walk would
     * prove nothing. */
    ck_assert_int_eq(count, 152);
}
END_TEST

/* ---- Against Pillow --------------------------------------------------- */

/* Reference values from Pillow 9.4 (python3-pil) over the same libwebp
 * 1.2.4, computed once with
 *
 *   from PIL import Image
 *   im = Image.open(path); im.seek(0)        # first frame
 *   h = 0x811c9dc5
 *   for b in im.tobytes():                   # RGB, or RGBA with alpha
 *       h = ((h ^ b) * 0x01000193) & 0xffffffff
 *   print(im.size, len(im.mode), hex(h), im.load()[x, y])
 *
 * Pillow decodes every WebP (still or animated) through WebPAnimDecoder in
 * straight-alpha RGBA; still files here go through WebPDecode to RGB or
 * RGBA, and the samples must still be identical. */
typedef struct pillow_pixel {
    uint32_t x, y;
    uint8_t v[4];
} pillow_pixel;

typedef struct pillow_ref {
    const char *path;
    uint32_t width, height;
    int channels;
    uint32_t fnv1a;
    int npixels;
    pillow_pixel pixels[5];
} pillow_ref;

static const pillow_ref lossless_refs[] = {
    {"webp/Qpalette.webp",
     256,
     256,
     3,
     0x3f2500c5u,
     5,
     {{0, 0, {0, 0, 0}},
      {255, 255, {159, 91, 83}},
      {176, 240, {255, 0, 0}},
      {0, 208, {0, 0, 255}},
      {240, 96, {255, 243, 27}}}},
    {"webp/catdog-alert-13.webp",
     32,
     32,
     4,
     0x283f7603u,
     5,
     {{0, 0, {0, 0, 0, 0}},
      {31, 31, {0, 0, 0, 0}},
      {20, 18, {230, 18, 18, 255}},
      {18, 8, {255, 200, 140, 255}},
      {28, 28, {162, 119, 75, 255}}}},
    {"webp/libwebp-test-data/lossless1.webp",
     1000,
     307,
     4,
     0xc26d79d0u,
     5,
     {{0, 0, {255, 255, 255, 0}},
      {999, 306, {255, 255, 255, 0}},
      {744, 190, {154, 194, 47, 255}},
      {868, 285, {0, 0, 0, 35}},
      {868, 266, {0, 0, 0, 131}}}},
    {"webp/libwebp-test-data/lossless_vec_2_0.webp",
     128,
     128,
     3,
     0xd3887f14u,
     5,
     {{0, 0, {204, 226, 252}},
      {127, 127, {68, 71, 76}},
      {120, 0, {204, 226, 252}},
      {120, 8, {204, 230, 249}},
      {24, 16, {188, 206, 231}}}},
    {"webp/simple-vp8l-alpha-used-false.webp",
     386,
     395,
     3,
     0xd1199695u,
     5,
     {{0, 0, {0, 0, 0}},
      {385, 394, {204, 150, 0}},
      {192, 168, {236, 209, 0}},
      {72, 336, {216, 183, 0}},
      {336, 360, {207, 157, 0}}}},
    {"webp/width11-height11-colors15.webp",
     11,
     11,
     3,
     0xb29d3a58u,
     5,
     {{0, 0, {0, 255, 0}},
      {10, 10, {236, 255, 234}},
      {2, 0, {0, 255, 0}},
      {4, 0, {51, 255, 45}},
      {5, 0, {78, 255, 71}}}},
    {"webp/libwebp-test-data/lossless_vec_1_0.webp",
     16,
     16,
     4,
     0x4d6875c5u,
     3,
     {{0, 0, {0, 0, 255, 255}},
      {15, 15, {0, 0, 255, 255}},
      {15, 14, {255, 0, 0, 128}}}},
    {"webp/libwebp-test-data/lossless_color_transform.webp",
     512,
     512,
     3,
     0x4f258a52u,
     5,
     {{0, 0, {119, 119, 118}},
      {511, 511, {126, 126, 126}},
      {352, 256, {160, 223, 19}},
      {320, 384, {29, 233, 29}},
      {320, 256, {162, 225, 21}}}},
    /* Animated: the first frame on its 990x1050 canvas. */
    {"webp/extended-lossless-animated.webp",
     990,
     1050,
     4,
     0x1c080635u,
     5,
     {{0, 0, {0, 0, 0, 0}},
      {989, 1049, {0, 0, 0, 0}},
      {610, 650, {255, 255, 0, 255}},
      {610, 585, {255, 0, 0, 255}},
      {671, 650, {206, 206, 0, 255}}}},
};

/* Lossy files: the same libwebp with the same options (fancy upsampling,
 * no dithering) gives the same samples, so the whole-image hash applies
 * to them too. */
static const pillow_ref lossy_refs[] = {
    {"webp/libwebp-test-data/test.webp", 128, 128, 3, 0x39b7de55u, 0, {{0}}},
    {"webp/5_webp_a.webp", 300, 300, 4, 0x1eb88952u, 0, {{0}}},
    {"webp/libwebp-test-data/lossy_alpha1.webp",
     1000,
     307,
     4,
     0x165d97eau,
     0,
     {{0}}},
    /* Animated, first frame composited on the canvas. */
    {"webp/rotating-squares.webp", 80, 80, 4, 0x18cbfdfbu, 0, {{0}}},
    {"webp/big-height.webp", 13, 169, 3, 0x674204f8u, 0, {{0}}},
    {"webp/animated-loop-3.webp", 370, 285, 4, 0xd4712febu, 0, {{0}}},
};

static void check_against_pillow(const pillow_ref *ref) {
    decoded r = decode_ok(ref->path, FULL_SIZE, FULL_SIZE);
    ck_assert_msg(r.width == ref->width && r.height == ref->height &&
                      r.channels == ref->channels,
                  "%s: %ux%u x %d, Pillow %ux%u x %d", ref->path, r.width,
                  r.height, r.channels, ref->width, ref->height, ref->channels);
    for (int i = 0; i < ref->npixels; i++) {
        const pillow_pixel *p = &ref->pixels[i];
        const uint8_t *got = pixel(&r, p->x, p->y);
        ck_assert_msg(memcmp(got, p->v, (size_t)r.channels) == 0,
                      "%s (%u,%u): %u %u %u %u, Pillow %u %u %u %u", ref->path,
                      p->x, p->y, got[0], got[1], got[2],
                      r.channels == 4 ? got[3] : 255, p->v[0], p->v[1], p->v[2],
                      r.channels == 4 ? p->v[3] : 255);
    }
    uint32_t h = fnv1a(r.px, sample_count(&r));
    ck_assert_msg(h == ref->fnv1a, "%s: hash %08x, Pillow %08x", ref->path, h,
                  ref->fnv1a);
    free(r.px);
}

START_TEST(lossless_files_decode_exactly_like_pillow) {
    check_against_pillow(&lossless_refs[_i]);
}
END_TEST

START_TEST(lossy_files_decode_like_pillow) {
    check_against_pillow(&lossy_refs[_i]);
}
END_TEST

/* ---- Alpha, animation, orientation ------------------------------------ */

START_TEST(alpha_files_give_four_channels_and_others_three) {
    static const struct {
        const char *path;
        int channels;
    } cases[] = {
        {"webp/5_webp_a.webp", 4},
        {"webp/transparent.webp", 4},
        {"webp/extended-lossless.webp", 4},
        {"webp/extended-lossy-uncompressed-alpha.webp", 4},
        {"webp/smolkling-gradient-alpha.webp", 4},
        {"webp/libwebp-test-data/alpha_filter_2_method_1.webp", 4},
        {"webp/libwebp-test-data/dual_transform.webp", 4},
        {"webp/4.webp", 3},
        {"webp/smolkling.webp", 3},
        {"webp/simple-vp8l-alpha-used-false.webp", 3},
        {"webp/Qpalette.webp", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        decoded r = decode_ok(cases[i].path, FULL_SIZE, FULL_SIZE);
        ck_assert_msg(r.channels == cases[i].channels, "%s: %d channels",
                      cases[i].path, r.channels);
        ck_assert_int_eq(r.info.has_alpha, cases[i].channels == 4);
        free(r.px);
    }
}
END_TEST

START_TEST(alpha_is_straight_not_premultiplied) {
    /* lossless_vec_1_0 has pure red at half alpha: premultiplied it would
     * read 128 0 0 128. */
    decoded r = decode_ok("webp/libwebp-test-data/lossless_vec_1_0.webp",
                          FULL_SIZE, FULL_SIZE);
    const uint8_t *p = pixel(&r, 15, 14);
    ck_assert_int_eq(p[0], 255);
    ck_assert_int_eq(p[3], 128);
    free(r.px);
}
END_TEST

static const struct {
    const char *path;
    uint32_t width, height, frames;
    int channels;
    int blank; /* the first frame is one flat colour (so says Pillow too) */
} animations[] = {
    {"webp/animated-loop-3.webp", 370, 285, 10, 4, 0},
    {"webp/big-height.webp", 13, 169, 97, 3, 1},
    {"webp/extended-lossless-animated.webp", 990, 1050, 8, 4, 0},
    {"webp/iss634.webp", 245, 245, 42, 4, 0},
    {"webp/rotating-squares.webp", 80, 80, 9, 4, 0},
};

START_TEST(animations_give_the_first_frame_on_the_canvas) {
    /* A small minimum: animations are never shrunk on load. */
    decoded r = decode_ok(animations[_i].path, 1, 1);
    ck_assert_uint_eq(r.info.frames, animations[_i].frames);
    ck_assert_uint_eq(r.width, animations[_i].width);
    ck_assert_uint_eq(r.height, animations[_i].height);
    ck_assert_int_eq(r.channels, animations[_i].channels);
    int varied = 0;
    for (size_t i = 1; i < sample_count(&r) && !varied; i++)
        varied = r.px[i] != r.px[0];
    ck_assert_msg(varied == !animations[_i].blank, "%s: first frame %s",
                  animations[_i].path, varied ? "varies" : "is flat");
    free(r.px);
}
END_TEST

START_TEST(still_files_report_one_frame) {
    decoded r = decode_ok("webp/4.webp", 1, 1);
    ck_assert_uint_eq(r.info.frames, 1);
    free(r.px);
}
END_TEST

START_TEST(orientation_comes_from_the_exif_chunk) {
    char path[64];
    snprintf(path, sizeof path, "orientation/hopper_orientation_%d.webp", _i);
    decoded r = decode_ok(path, FULL_SIZE, FULL_SIZE);
    ck_assert_int_eq(r.info.orientation, _i);
    /* Orientation is applied later, by the pipeline: stored size here. */
    ck_assert_uint_eq(r.width, 128);
    ck_assert_uint_eq(r.height, 128);
    free(r.px);
}
END_TEST

START_TEST(files_without_exif_have_orientation_one) {
    static const char *const paths[] = {
        "webp/4.webp", "webp/Qpalette.webp", "webp/smolkling.webp",
        "webp/extended-lossy.webp", "webp/animated-loop-3.webp"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        decoded r = decode_ok(paths[i], 1, 1);
        ck_assert_msg(r.info.orientation == 1, "%s: orientation %d", paths[i],
                      r.info.orientation);
        free(r.px);
    }
}
END_TEST

/* ---- Shrink-on-load --------------------------------------------------- */

static uint32_t ceil_div(uint32_t a, uint32_t b) {
    return (a + b - 1) / b;
}

/* The size decoder_start must pick, by brute force: the largest n with
 * ceil(w/n) >= min_w and ceil(h/n) >= min_h (n = 1 when none). */
static void expected_size(uint32_t w, uint32_t h, uint32_t min_w,
                          uint32_t min_h, uint32_t *ew, uint32_t *eh) {
    uint32_t best = 1;
    uint32_t largest = w > h ? w : h;
    for (uint32_t n = 1; n <= largest; n++)
        if (ceil_div(w, n) >= min_w && ceil_div(h, n) >= min_h)
            best = n;
    *ew = ceil_div(w, best);
    *eh = ceil_div(h, best);
}

static void check_start_size(const uint8_t *data, size_t size, uint32_t min_w,
                             uint32_t min_h, uint32_t want_w, uint32_t want_h) {
    decoded r = decode_bytes(data, size, min_w, min_h);
    ck_assert_msg(r.status == THUMB_OK, "min %ux%u: %s", min_w, min_h,
                  r.message);
    ck_assert_msg(r.width == want_w && r.height == want_h,
                  "min %ux%u: got %ux%u, expected %ux%u", min_w, min_h, r.width,
                  r.height, want_w, want_h);
    free(r.px);
}

START_TEST(shrink_on_load_gives_the_largest_integer_shrink) {
    /* 1024x772. */
    size_t size;
    uint8_t *data = read_corpus("webp/4.webp", &size);
    check_start_size(data, size, 1024, 772, 1024, 772);
    check_start_size(data, size, FULL_SIZE, FULL_SIZE, 1024, 772);
    check_start_size(data, size, 512, 386, 512, 386); /* n = 2 */
    check_start_size(data, size, 513, 1, 1024, 772);  /* n = 1 */
    check_start_size(data, size, 342, 258, 342, 258); /* n = 3 */
    check_start_size(data, size, 100, 100, 147, 111); /* n = 7 by height */
    check_start_size(data, size, 256, 1, 256, 193);   /* n = 4 */
    check_start_size(data, size, 1, 1, 1, 1);         /* n = 1024 */
    check_start_size(data, size, 2, 1, 2, 1);         /* n = 1023 */
    free(data);
}
END_TEST

START_TEST(shrink_on_load_never_goes_below_the_minimum) {
    /* Odd sizes exercise the rounding; lossy, lossy + alpha, lossless. */
    static const struct {
        const char *path;
        uint32_t w, h;
    } files[] = {
        {"webp/libwebp-test-data/vp80-00-comprehensive-006.webp", 175, 143},
        {"webp/libwebp-test-data/lossy_alpha4.webp", 100, 100},
        {"webp/libwebp-test-data/lossless1.webp", 1000, 307},
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f].path, &size);
        for (uint32_t min_w = 1; min_w <= files[f].w + 20; min_w += 37) {
            for (uint32_t min_h = 1; min_h <= files[f].h + 20; min_h += 29) {
                uint32_t ew, eh;
                expected_size(files[f].w, files[f].h, min_w, min_h, &ew, &eh);
                check_start_size(data, size, min_w, min_h, ew, eh);
                ck_assert(ew >= (min_w < files[f].w ? min_w : files[f].w));
                ck_assert(eh >= (min_h < files[f].h ? min_h : files[f].h));
            }
        }
        free(data);
    }
}
END_TEST

/* Box-averages a full decode by n (n divides both sides), as a reference
 * for libwebp's rescaler, which averages areas when shrinking. */
static uint8_t *box_average(const decoded *full, uint32_t n) {
    uint32_t w = full->width / n, h = full->height / n;
    int c = full->channels;
    uint8_t *out = malloc((size_t)w * h * c);
    ck_assert_ptr_nonnull(out);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (int k = 0; k < c; k++) {
                unsigned sum = 0;
                for (uint32_t dy = 0; dy < n; dy++)
                    for (uint32_t dx = 0; dx < n; dx++)
                        sum += pixel(full, x * n + dx, y * n + dy)[k];
                out[((size_t)y * w + x) * c + k] =
                    (uint8_t)((sum + n * n / 2) / (n * n));
            }
    return out;
}

START_TEST(shrunk_decode_matches_a_box_average_of_the_full_one) {
    /* 128x128 lossy, 128x128 lossless, 1000x307... cut to factors that
     * divide evenly. */
    static const struct {
        const char *path;
        uint32_t n;
    } cases[] = {
        {"webp/libwebp-test-data/test.webp", 2},
        {"webp/libwebp-test-data/test.webp", 4},
        {"webp/libwebp-test-data/lossless_vec_2_0.webp", 2},
        {"webp/libwebp-test-data/alpha_filter_1_method_1.webp", 4},
        {"webp/Qpalette.webp", 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        decoded full = decode_ok(cases[i].path, FULL_SIZE, FULL_SIZE);
        uint32_t n = cases[i].n;
        decoded small =
            decode_ok(cases[i].path, full.width / n, full.height / n);
        ck_assert_uint_eq(small.width, full.width / n);
        ck_assert_uint_eq(small.height, full.height / n);
        ck_assert_int_eq(small.channels, full.channels);
        uint8_t *ref = box_average(&full, n);
        double db = psnr_u8(small.px, ref, sample_count(&small));
        ck_assert_msg(db > 35.0, "%s at 1/%u: PSNR %.1f dB", cases[i].path, n,
                      db);
        free(ref);
        free(full.px);
        free(small.px);
    }
}
END_TEST

START_TEST(animations_are_not_shrunk_on_load) {
    decoded r = decode_ok("webp/extended-lossless-animated.webp", 10, 10);
    ck_assert_uint_eq(r.width, 990);
    ck_assert_uint_eq(r.height, 1050);
    free(r.px);
}
END_TEST

/* ---- Damaged and hostile files ---------------------------------------- */

static void check_clean_result(const char *path, const char *desc,
                               void *opaque) {
    (void)desc;
    int *count = opaque;
    (*count)++;
    decoded r = decode_file(path, 1, 1);
    free(r.px);
    if (r.status == THUMB_OK)
        return;
    ck_assert_msg(r.message[0] != '\0', "%s: status %d without a message", path,
                  r.status);
    ck_assert_msg(r.status == THUMB_ERR_CORRUPT ||
                      r.status == THUMB_ERR_UNSUPPORTED_FEATURE ||
                      r.status == THUMB_ERR_UNSUPPORTED_FORMAT ||
                      r.status == THUMB_ERR_LIMIT,
                  "%s: status %d (%s)", path, r.status, r.message);
    if (r.status == THUMB_ERR_CORRUPT ||
        r.status == THUMB_ERR_UNSUPPORTED_FEATURE)
        ck_assert_msg(strncmp(r.message, "WebP: ", 6) == 0, "%s: %s", path,
                      r.message);
}

START_TEST(fuzz_corpus_decodes_or_fails_cleanly) {
    int count = 0;
    manifest_each("bad/fuzz-corpus/webp/", check_clean_result, &count);
    ck_assert_int_eq(count, 166);
}
END_TEST

/* Cuts a file at many lengths: each cut gives an error or an image, never
 * a crash or a leak; a cut inside the bitstream is corrupt. */
static void check_cuts(const char *rel, size_t step) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    for (size_t cut = 1; cut < size; cut += step) {
        uint8_t *part = malloc(cut);
        ck_assert_ptr_nonnull(part);
        memcpy(part, data, cut);
        decoded r = decode_bytes(part, cut, 1, 1);
        free(r.px);
        /* Cuts inside the 12-byte RIFF header may not sniff as WebP. */
        ck_assert_msg(
            r.status == THUMB_ERR_CORRUPT ||
                (cut < 12 && r.status == THUMB_ERR_UNSUPPORTED_FORMAT),
            "%s cut at %zu of %zu: status %d (%s)", rel, cut, size, r.status,
            r.message);
        free(part);
    }
    free(data);
}

START_TEST(every_cut_of_a_file_fails_cleanly) {
    check_cuts("webp/libwebp-test-data/test.webp", 7);
    check_cuts("webp/libwebp-test-data/lossless_vec_2_0.webp", 23);
    check_cuts("webp/5_webp_a.webp", 97);
    check_cuts("webp/rotating-squares.webp", 53);
    check_cuts("orientation/hopper_orientation_6.webp", 211);
}
END_TEST

/* A deterministic byte-mutation sweep: the shipped fuzz corpus stops at
 * the header, this reaches the bitstream decoders, the alpha and the
 * animation paths. */
START_TEST(mutated_files_decode_or_fail_cleanly) {
    /* A mutated size field can declare a large image; a small cap keeps the
     * sweep fast (a larger declared size is refused, as by the pipeline). */
    enum { MUTANTS = 300, MAX_MUTANT_PIXELS = 1 << 20 };
    static const char *const paths[] = {
        "webp/libwebp-test-data/test.webp",
        "webp/libwebp-test-data/lossless_vec_2_3.webp",
        "webp/libwebp-test-data/alpha_filter_2_method_1.webp",
        "webp/catdog-alert-13.webp",
        "webp/rotating-squares.webp",
        "orientation/hopper_orientation_5.webp",
    };
    uint32_t seed = 12345;
    for (size_t f = 0; f < sizeof paths / sizeof paths[0]; f++) {
        size_t size;
        uint8_t *data = read_corpus(paths[f], &size);
        uint8_t *copy = malloc(size);
        ck_assert_ptr_nonnull(copy);
        for (int m = 0; m < MUTANTS; m++) {
            memcpy(copy, data, size);
            /* 1 to 4 bytes replaced; positions past the 12-byte RIFF
             * header, which would only stop sniffing. */
            int changes = 1 + m % 4;
            for (int c = 0; c < changes; c++) {
                seed = seed * 1664525u + 1013904223u;
                size_t at = 12 + (seed >> 8) % (size - 12);
                seed = seed * 1664525u + 1013904223u;
                copy[at] = (uint8_t)(seed >> 24);
            }
            counting_allocator a;
            thumb_ctx *ctx = counting_ctx(&a);
            long before = a.live_blocks;
            decoded r = decode_limited(ctx, copy, size, 1 + m % 50, 1 + m % 30,
                                       MAX_MUTANT_PIXELS);
            free(r.px);
            ck_assert_msg(a.live_blocks == before, "%s mutant %d: leak",
                          paths[f], m);
            thumb_ctx_free(ctx);
            ck_assert_msg(r.status == THUMB_OK ||
                              r.status == THUMB_ERR_CORRUPT ||
                              r.status == THUMB_ERR_UNSUPPORTED_FEATURE ||
                              r.status == THUMB_ERR_LIMIT,
                          "%s mutant %d: status %d (%s)", paths[f], m, r.status,
                          r.message);
            if (r.status != THUMB_OK && r.status != THUMB_ERR_LIMIT)
                ck_assert_msg(strncmp(r.message, "WebP: ", 6) == 0,
                              "%s mutant %d: %s", paths[f], m, r.message);
        }
        free(copy);
        free(data);
    }
}
END_TEST

START_TEST(truncated_file_names_the_cause) {
    size_t size;
    uint8_t *data = read_corpus("webp/4.webp", &size);
    decoded r = decode_bytes(data, size / 2, 1, 1);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strstr(r.message, "WebP: ") == r.message &&
                      strstr(r.message, "truncated"),
                  "%s", r.message);
    free(data);
}
END_TEST

START_TEST(damaged_bitstream_is_corrupt) {
    /* Overwrite the middle of the VP8L bitstream of a lossless file. */
    size_t size;
    uint8_t *data = read_corpus("webp/Qpalette.webp", &size);
    memset(data + 40, 0xff, size - 80);
    decoded r = decode_bytes(data, size, 1, 1);
    free(r.px);
    ck_assert_msg(r.status == THUMB_ERR_CORRUPT, "status %d (%s)", r.status,
                  r.message);
    ck_assert_msg(strncmp(r.message, "WebP: ", 6) == 0, "%s", r.message);
    free(data);
}
END_TEST

START_TEST(truncated_animation_fails_at_start_not_probe) {
    /* The header and the first frames are there, the rest is cut: probe
     * reports the animation, start refuses it. */
    size_t size;
    uint8_t *data = read_corpus("webp/iss634.webp", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size / 2, &d), THUMB_OK);
    ck_assert_uint_eq(d.info.width, 245);
    ck_assert(d.info.frames >= 1 && d.info.frames < 42);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_ERR_CORRUPT);
    ck_assert_str_eq(thumb_ctx_error(ctx),
                     "WebP: the animation's chunks are incomplete: the file "
                     "is truncated");
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(rows_past_the_end_are_refused) {
    size_t size;
    uint8_t *data =
        read_corpus("webp/libwebp-test-data/small_13x1.webp", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 13, .min_height = 1}),
        THUMB_OK);
    uint8_t row0[13 * 3], row1[13 * 3];
    uint8_t *rows[2] = {row0, row1};
    ck_assert_int_eq(decoder_read_rows(&d, rows, 2), THUMB_ERR_INTERNAL);
    ck_assert_int_eq(decoder_read_rows(&d, rows, 1), THUMB_OK);
    ck_assert_int_eq(decoder_read_rows(&d, rows, 1), THUMB_ERR_INTERNAL);
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(rows_after_a_failed_start_are_refused) {
    size_t size;
    uint8_t *data = read_corpus("webp/4.webp", &size);
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    ck_assert_int_eq(decoder_open(ctx, data, size / 2, &d), THUMB_OK);
    ck_assert_int_eq(
        decoder_start(&d, &(decoder_request){.min_width = 1, .min_height = 1}),
        THUMB_ERR_CORRUPT);
    ctx_clear_error(ctx);
    uint8_t row[3];
    uint8_t *rows[1] = {row};
    ck_assert_int_eq(decoder_read_rows(&d, rows, 1), THUMB_ERR_INTERNAL);
    decoder_close(&d);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

/* Fails the allocation numbered fail_at (0 = the first after the context
 * exists) and checks for NOMEM and no leak. Returns 0 once fail_at is past
 * the last allocation, i.e. the decode succeeded. */
static int decode_failing_at(const uint8_t *data, size_t size, long fail_at) {
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    long before = a.live_blocks;
    a.fail_at = a.calls + fail_at;
    decoded r = decode_on(ctx, data, size, 1, 1);
    free(r.px);
    ck_assert_msg(a.live_blocks == before, "fail_at %ld: %ld blocks leaked",
                  fail_at, a.live_blocks - before);
    thumb_ctx_free(ctx);
    if (r.status == THUMB_OK)
        return 0;
    ck_assert_msg(r.status == THUMB_ERR_NOMEM, "fail_at %ld: status %d (%s)",
                  fail_at, r.status, r.message);
    return 1;
}

START_TEST(allocation_failures_in_the_decoder_are_nomem) {
    /* Still: the state, then the pixels. */
    size_t size;
    uint8_t *data = read_corpus("webp/5_webp_a.webp", &size);
    long n = 0;
    while (decode_failing_at(data, size, n))
        n++;
    ck_assert_int_eq(n, 2);
    free(data);
}
END_TEST

/* ---- Encoder ---------------------------------------------------------- */

static encode_options options(int quality, int lossless) {
    encode_options o;
    memset(&o, 0, sizeof o);
    o.quality = quality;
    o.webp_lossless = lossless;
    return o;
}

/* A synthetic image with gradients, hard edges and (for alpha layouts)
 * every alpha value from 1 to 255 plus fully transparent pixels. */
static image make_image(uint32_t w, uint32_t h, int channels) {
    image img = {w, h, channels, (size_t)w * channels, NULL, 8};
    img.px = malloc(img.stride * h);
    ck_assert_ptr_nonnull(img.px);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = img.px + y * img.stride + (size_t)x * channels;
            uint8_t v[4] = {(uint8_t)(x * 255 / (w - 1)),
                            (uint8_t)(y * 255 / (h - 1)),
                            (uint8_t)(((x / 8) + (y / 8)) % 2 ? 220 : 30),
                            (uint8_t)((x * 7 + y * 13) % 256)};
            switch (channels) {
            case 1:
                p[0] = (uint8_t)(v[0] / 2 + v[2] / 2);
                break;
            case 2:
                p[0] = (uint8_t)(v[0] / 2 + v[2] / 2);
                p[1] = v[3];
                break;
            default:
                memcpy(p, v, (size_t)channels);
                break;
            }
        }
    }
    return img;
}

static void encode_ok(thumb_ctx *ctx, const image *img, const encode_options *o,
                      buffer *out) {
    thumb_status st = webp_encode(ctx, img, o, out);
    ck_assert_msg(st == THUMB_OK, "%s", thumb_ctx_error(ctx));
}

/* Encodes img with o and decodes the result at full size. */
static decoded round_trip(const image *img, const encode_options *o) {
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    buffer out;
    buffer_init(&out, ctx);
    encode_ok(ctx, img, o, &out);
    ck_assert(out.size > 12 && memcmp(out.data, "RIFF", 4) == 0 &&
              memcmp(out.data + 8, "WEBP", 4) == 0);
    decoded r = decode_bytes(out.data, out.size, FULL_SIZE, FULL_SIZE);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.width, img->width);
    ck_assert_uint_eq(r.height, img->height);
    buffer_release(&out);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    return r;
}

START_TEST(lossless_round_trip_is_exact_for_rgb) {
    image img = make_image(61, 47, 3);
    encode_options o = options(80, 1);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 3);
    ck_assert(memcmp(r.px, img.px, img.stride * img.height) == 0);
    free(r.px);
    free(img.px);
}
END_TEST

START_TEST(lossless_round_trip_is_exact_for_rgba) {
    /* RGB under alpha 0 is invisible, and libwebp may change it (exact is
     * off, as in cwebp): only visible pixels must keep their RGB. */
    image img = make_image(61, 47, 4);
    encode_options o = options(80, 1);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 4);
    size_t transparent = 0;
    for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
        const uint8_t *a = img.px + i * 4, *b = r.px + i * 4;
        ck_assert_int_eq(a[3], b[3]);
        if (a[3] == 0) {
            transparent++;
            continue;
        }
        ck_assert_msg(memcmp(a, b, 3) == 0, "pixel %zu: %u %u %u vs %u %u %u",
                      i, a[0], a[1], a[2], b[0], b[1], b[2]);
    }
    ck_assert(transparent > 0); /* the case above was exercised */
    free(r.px);
    free(img.px);
}
END_TEST

START_TEST(lossy_round_trip_at_q90_keeps_psnr_above_30db) {
    /* A real photo, shrunk on load to 342x258. */
    decoded photo = decode_ok("webp/4.webp", 342, 258);
    image img = {photo.width,    photo.height,
                 photo.channels, (size_t)photo.width * photo.channels,
                 photo.px,       8};
    encode_options o = options(90, 0);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 3);
    double db = psnr_u8(img.px, r.px, sample_count(&r));
    ck_assert_msg(db > 30.0, "PSNR %.2f dB", db);
    free(r.px);
    free(photo.px);
}
END_TEST

START_TEST(lossy_round_trip_keeps_alpha) {
    image img = make_image(64, 48, 4);
    encode_options o = options(90, 0);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 4);
    /* Alpha is stored losslessly by default (alpha_quality 100). */
    for (size_t i = 0; i < (size_t)img.width * img.height; i++)
        ck_assert_int_eq(r.px[i * 4 + 3], img.px[i * 4 + 3]);
    free(r.px);
    free(img.px);
}
END_TEST

START_TEST(grey_input_is_written_as_rgb) {
    image img = make_image(40, 30, 1);
    encode_options o = options(80, 1);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 3);
    for (size_t i = 0; i < (size_t)img.width * img.height; i++)
        for (int k = 0; k < 3; k++)
            ck_assert_int_eq(r.px[i * 3 + k], img.px[i]);
    free(r.px);

    /* Lossy: grey stays (close to) grey. */
    o = options(90, 0);
    r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 3);
    uint8_t *green = malloc((size_t)img.width * img.height);
    for (size_t i = 0; i < (size_t)img.width * img.height; i++)
        green[i] = r.px[i * 3 + 1];
    double db = psnr_u8(img.px, green, (size_t)img.width * img.height);
    ck_assert_msg(db > 30.0, "PSNR %.2f dB", db);
    free(green);
    free(r.px);
    free(img.px);
}
END_TEST

START_TEST(grey_alpha_input_is_written_as_rgba) {
    image img = make_image(40, 30, 2);
    encode_options o = options(80, 1);
    decoded r = round_trip(&img, &o);
    ck_assert_int_eq(r.channels, 4);
    for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
        ck_assert_int_eq(r.px[i * 4 + 3], img.px[i * 2 + 1]);
        if (img.px[i * 2 + 1] == 0)
            continue;
        for (int k = 0; k < 3; k++)
            ck_assert_int_eq(r.px[i * 4 + k], img.px[i * 2]);
    }
    free(r.px);
    free(img.px);
}
END_TEST

START_TEST(padded_rows_are_read_at_their_stride) {
    /* The encoder must honour img->stride, not assume packed rows. */
    image packed = make_image(33, 21, 3);
    image padded = packed;
    padded.stride = packed.stride + 5;
    padded.px = malloc(padded.stride * padded.height);
    ck_assert_ptr_nonnull(padded.px);
    for (uint32_t y = 0; y < packed.height; y++)
        memcpy(padded.px + y * padded.stride, packed.px + y * packed.stride,
               packed.stride);
    encode_options o = options(80, 1);
    decoded r = round_trip(&padded, &o);
    ck_assert(memcmp(r.px, packed.px, packed.stride * packed.height) == 0);
    free(r.px);
    free(padded.px);
    free(packed.px);
}
END_TEST

static size_t encoded_size(const image *img, const encode_options *o) {
    thumb_ctx *ctx = thumb_ctx_new();
    buffer out;
    buffer_init(&out, ctx);
    encode_ok(ctx, img, o, &out);
    size_t n = out.size;
    buffer_release(&out);
    thumb_ctx_free(ctx);
    return n;
}

START_TEST(quality_changes_the_size) {
    decoded photo = decode_ok("webp/4.webp", 342, 258);
    image img = {photo.width,    photo.height,
                 photo.channels, (size_t)photo.width * photo.channels,
                 photo.px,       8};
    encode_options low = options(20, 0), high = options(95, 0);
    size_t small = encoded_size(&img, &low), large = encoded_size(&img, &high);
    ck_assert_msg(small < large, "q20 %zu bytes, q95 %zu bytes", small, large);
    /* Out-of-range qualities are clamped, not refused. */
    encode_options zero = options(0, 0), over = options(1000, 0);
    ck_assert(encoded_size(&img, &zero) > 0);
    ck_assert(encoded_size(&img, &over) > 0);
    free(photo.px);
}
END_TEST

START_TEST(output_is_appended_after_existing_content) {
    image img = make_image(16, 16, 3);
    thumb_ctx *ctx = thumb_ctx_new();
    buffer out;
    buffer_init(&out, ctx);
    static const char prefix[] = "existing";
    ck_assert_int_eq(buffer_append(&out, prefix, 8), THUMB_OK);
    encode_options o = options(80, 0);
    encode_ok(ctx, &img, &o, &out);
    ck_assert(memcmp(out.data, prefix, 8) == 0);
    ck_assert(memcmp(out.data + 8, "RIFF", 4) == 0);
    /* The RIFF size covers exactly what follows its 8-byte header. */
    uint32_t riff = out.data[12] | out.data[13] << 8 | out.data[14] << 16 |
                    (uint32_t)out.data[15] << 24;
    ck_assert_uint_eq(riff + 8, out.size - 8);
    buffer_release(&out);
    thumb_ctx_free(ctx);
    free(img.px);
}
END_TEST

START_TEST(encoder_rejects_bad_images) {
    thumb_ctx *ctx = thumb_ctx_new();
    buffer out;
    buffer_init(&out, ctx);
    encode_options o = options(80, 0);
    uint8_t px[16 * 5] = {0};
    image bad_channels = {4, 4, 5, 20, px, 8};
    ck_assert_int_eq(webp_encode(ctx, &bad_channels, &o, &out),
                     THUMB_ERR_INTERNAL);
    ctx_clear_error(ctx);
    image empty = {0, 4, 3, 0, px, 8};
    ck_assert_int_eq(webp_encode(ctx, &empty, &o, &out), THUMB_ERR_INTERNAL);
    ctx_clear_error(ctx);
    /* Wider than WebP's 16383: refused before any pixel is read, so a tiny
     * buffer is enough. */
    image wide = {16384, 1, 3, 16384 * 3, px, 8};
    ck_assert_int_eq(encoder_write(ctx, THUMB_FORMAT_WEBP, &wide, &o, &out),
                     THUMB_ERR_ENCODE);
    ck_assert_str_eq(thumb_ctx_error(ctx),
                     "WebP: a 16384x1 image is larger than WebP's limit of "
                     "16383 pixels a side");
    ck_assert_uint_eq(out.size, 0);
    buffer_release(&out);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(encoder_allocation_failures_are_nomem_and_leave_nothing) {
    /* Grey + alpha: the expanded copy, then the output buffer's growth. */
    image img = make_image(300, 200, 2);
    encode_options o = options(80, 0);
    int failures = 0;
    for (long fail_at = 0;; fail_at++) {
        counting_allocator a;
        thumb_ctx *ctx = counting_ctx(&a);
        buffer out;
        buffer_init(&out, ctx);
        a.fail_at = a.calls + fail_at;
        thumb_status st = webp_encode(ctx, &img, &o, &out);
        if (st == THUMB_OK) {
            ck_assert(out.size > 0);
            buffer_release(&out);
            thumb_ctx_free(ctx);
            ck_assert_int_eq(a.live_blocks, 0);
            break;
        }
        failures++;
        ck_assert_msg(st == THUMB_ERR_NOMEM, "fail_at %ld: status %d (%s)",
                      fail_at, st, thumb_ctx_error(ctx));
        ck_assert_uint_eq(out.size, 0);
        buffer_release(&out);
        thumb_ctx_free(ctx);
        ck_assert_int_eq(a.live_blocks, 0);
    }
    ck_assert_int_ge(failures, 2);
    free(img.px);
}
END_TEST

static Suite *webp_suite(void) {
    Suite *s = suite_create("webp");

    TCase *decode = tcase_create("decode");
    tcase_set_timeout(decode, 300);
    tcase_add_test(decode, every_corpus_webp_decodes_with_its_manifest_facts);
    tcase_add_loop_test(decode, lossless_files_decode_exactly_like_pillow, 0,
                        sizeof lossless_refs / sizeof lossless_refs[0]);
    tcase_add_loop_test(decode, lossy_files_decode_like_pillow, 0,
                        sizeof lossy_refs / sizeof lossy_refs[0]);
    tcase_add_test(decode, alpha_files_give_four_channels_and_others_three);
    tcase_add_test(decode, alpha_is_straight_not_premultiplied);
    tcase_add_loop_test(decode, animations_give_the_first_frame_on_the_canvas,
                        0, sizeof animations / sizeof animations[0]);
    tcase_add_test(decode, still_files_report_one_frame);
    tcase_add_loop_test(decode, orientation_comes_from_the_exif_chunk, 2, 9);
    tcase_add_test(decode, files_without_exif_have_orientation_one);
    suite_add_tcase(s, decode);

    TCase *shrink = tcase_create("shrink");
    tcase_set_timeout(shrink, 300);
    tcase_add_test(shrink, shrink_on_load_gives_the_largest_integer_shrink);
    tcase_add_test(shrink, shrink_on_load_never_goes_below_the_minimum);
    tcase_add_test(shrink, shrunk_decode_matches_a_box_average_of_the_full_one);
    tcase_add_test(shrink, animations_are_not_shrunk_on_load);
    suite_add_tcase(s, shrink);

    TCase *bad = tcase_create("bad");
    tcase_set_timeout(bad, 300);
    tcase_add_test(bad, fuzz_corpus_decodes_or_fails_cleanly);
    tcase_add_test(bad, every_cut_of_a_file_fails_cleanly);
    tcase_add_test(bad, mutated_files_decode_or_fail_cleanly);
    tcase_add_test(bad, truncated_file_names_the_cause);
    tcase_add_test(bad, damaged_bitstream_is_corrupt);
    tcase_add_test(bad, truncated_animation_fails_at_start_not_probe);
    tcase_add_test(bad, rows_past_the_end_are_refused);
    tcase_add_test(bad, rows_after_a_failed_start_are_refused);
    tcase_add_test(bad, allocation_failures_in_the_decoder_are_nomem);
    suite_add_tcase(s, bad);

    TCase *encode = tcase_create("encode");
    tcase_set_timeout(encode, 300);
    tcase_add_test(encode, lossless_round_trip_is_exact_for_rgb);
    tcase_add_test(encode, lossless_round_trip_is_exact_for_rgba);
    tcase_add_test(encode, lossy_round_trip_at_q90_keeps_psnr_above_30db);
    tcase_add_test(encode, lossy_round_trip_keeps_alpha);
    tcase_add_test(encode, grey_input_is_written_as_rgb);
    tcase_add_test(encode, grey_alpha_input_is_written_as_rgba);
    tcase_add_test(encode, padded_rows_are_read_at_their_stride);
    tcase_add_test(encode, quality_changes_the_size);
    tcase_add_test(encode, output_is_appended_after_existing_content);
    tcase_add_test(encode, encoder_rejects_bad_images);
    tcase_add_test(encode,
                   encoder_allocation_failures_are_nomem_and_leave_nothing);
    suite_add_tcase(s, encode);
    return s;
}

THUMB_TEST_MAIN(webp_suite)
