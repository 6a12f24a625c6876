/* The PNG writer (src/codec/png_encode.c) and its row filters
 * (src/codec/png_filter.c): files read back by libpng, an independent
 * reader, sample for sample; every chunk's framing and CRC; the filter
 * the heuristic picks; metadata; compression levels; allocation failures.
 */
#include "codec/encoder.h"
#include "codec/png_filter.h"
#include "color.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "support.h"

#include <check.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SIGNATURE_SIZE 8
#define CHUNK_OVERHEAD 12 /* length, type, CRC */
/* The writer's IDAT chunk size (png_encode.c). */
#define IDAT_CHUNK_MAX ((size_t)1 << 16)

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* A test image of 8 or 16 bits: edges and gradients, with `padding`
 * bytes of junk after each row so that the stride is honoured (even for 16
 * bits, whose rows are uint16 aligned). */
static image make_image(uint32_t width, uint32_t height, int channels,
                        int depth, size_t padding) {
    image img = {
        .width = width, .height = height, .channels = channels, .depth = depth};
    size_t sample = (size_t)depth / 8;
    img.stride = (size_t)width * channels * sample + padding;
    img.px = malloc(img.stride * height);
    ck_assert_ptr_nonnull(img.px);
    memset(img.px, 0xEE, img.stride * height);
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = image_row(&img, y);
        for (uint32_t x = 0; x < width; x++)
            for (int c = 0; c < channels; c++) {
                uint32_t v = (x * 7 + y * 13 + (uint32_t)c * 50) ^ (x * y);
                size_t i = (size_t)x * channels + (size_t)c;
                if (depth == 16)
                    ((uint16_t *)(void *)row)[i] = (uint16_t)(v * 257 + y);
                else
                    row[i] = (uint8_t)v;
            }
    }
    return img;
}

static encode_options options(int level) {
    encode_options opt;
    memset(&opt, 0, sizeof opt);
    opt.quality = 80;
    opt.png_compression = level;
    return opt;
}

/* ---- an independent reader: libpng ---------------------------------- */

typedef struct reader {
    const uint8_t *data;
    size_t size, at;
} reader;

static void on_read(png_structp png, png_bytep out, size_t len) {
    reader *r = png_get_io_ptr(png);
    if (len > r->size - r->at)
        png_error(png, "read past the end");
    memcpy(out, r->data + r->at, len);
    r->at += len;
}

typedef struct read_back {
    uint32_t width, height;
    int channels, depth;
    uint8_t *px; /* tightly packed, 16-bit samples native-endian */
    uint8_t *icc;
    size_t icc_size;
    uint8_t *exif;
    size_t exif_size;
} read_back;

/* Decodes with libpng, failing the test on any libpng error or warning. */
static void on_png_error(png_structp png, png_const_charp msg) {
    (void)png;
    ck_abort_msg("libpng: %s", msg);
}

static read_back read_with_libpng(const uint8_t *data, size_t size) {
    read_back rb = {0};
    reader r = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
                                             on_png_error, on_png_error);
    png_infop info = png_create_info_struct(png);
    ck_assert_ptr_nonnull(info);
    png_set_read_fn(png, &r, on_read);
    png_read_info(png, info);
    rb.width = png_get_image_width(png, info);
    rb.height = png_get_image_height(png, info);
    rb.channels = png_get_channels(png, info);
    rb.depth = png_get_bit_depth(png, info);
    const uint16_t one = 1;
    if (rb.depth == 16 && *(const uint8_t *)&one == 1)
        png_set_swap(png);
    png_charp name;
    int method;
    png_bytep profile;
    png_uint_32 profile_size;
    if (png_get_iCCP(png, info, &name, &method, &profile, &profile_size)) {
        rb.icc = malloc(profile_size);
        memcpy(rb.icc, profile, profile_size);
        rb.icc_size = profile_size;
    }
    png_bytep exif;
    png_uint_32 exif_size;
    if (png_get_eXIf_1(png, info, &exif_size, &exif)) {
        rb.exif = malloc(exif_size);
        memcpy(rb.exif, exif, exif_size);
        rb.exif_size = exif_size;
    }
    size_t row = (size_t)rb.width * rb.channels * (rb.depth / 8);
    rb.px = malloc(row * rb.height);
    ck_assert_ptr_nonnull(rb.px);
    for (uint32_t y = 0; y < rb.height; y++)
        png_read_row(png, rb.px + row * y, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    ck_assert_uint_eq(r.at, size); /* nothing after IEND */
    return rb;
}

static void read_back_free(read_back *rb) {
    free(rb->px);
    free(rb->icc);
    free(rb->exif);
}

/* ---- chunk framing ---------------------------------------------------- */

typedef struct chunk_list {
    int count;
    char types[64][5];
    uint32_t lengths[64];
} chunk_list;

/* Walks every chunk: lengths in bounds, CRCs right, IHDR first, IEND
 * last, IDAT chunks consecutive. */
static chunk_list check_chunks(const uint8_t *d, size_t n) {
    chunk_list cl = {0};
    ck_assert_uint_ge(n, SIGNATURE_SIZE);
    ck_assert_mem_eq(d, "\x89PNG\r\n\x1a\n", SIGNATURE_SIZE);
    size_t at = SIGNATURE_SIZE;
    int idat_run_ended = 0;
    while (at < n) {
        ck_assert_uint_le(at + CHUNK_OVERHEAD, n);
        uint32_t len = be32(d + at);
        ck_assert_uint_le(len, 0x7FFFFFFFu);
        ck_assert_uint_le(at + CHUNK_OVERHEAD + len, n);
        uint32_t crc = (uint32_t)crc32(0L, d + at + 4, len + 4);
        ck_assert_uint_eq(crc, be32(d + at + 8 + len));
        ck_assert_int_lt(cl.count, 64);
        memcpy(cl.types[cl.count], d + at + 4, 4);
        cl.types[cl.count][4] = 0;
        cl.lengths[cl.count] = len;
        int is_idat = strcmp(cl.types[cl.count], "IDAT") == 0;
        if (cl.count > 0 && !is_idat &&
            strcmp(cl.types[cl.count - 1], "IDAT") == 0)
            idat_run_ended = 1;
        ck_assert_msg(!(is_idat && idat_run_ended), "IDAT chunks split");
        cl.count++;
        at += CHUNK_OVERHEAD + len;
    }
    ck_assert_uint_eq(at, n);
    ck_assert_str_eq(cl.types[0], "IHDR");
    ck_assert_str_eq(cl.types[cl.count - 1], "IEND");
    return cl;
}

/* The whole IDAT stream inflated: each row's filter byte, then its data. */
static uint8_t *inflate_idat(const uint8_t *d, size_t n, size_t raw_size) {
    uint8_t *raw = malloc(raw_size);
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(inflateInit(&z), Z_OK);
    z.next_out = raw;
    z.avail_out = (uInt)raw_size;
    int ret = Z_OK;
    for (size_t at = SIGNATURE_SIZE; at < n;) {
        uint32_t len = be32(d + at);
        if (memcmp(d + at + 4, "IDAT", 4) == 0) {
            z.next_in = (Bytef *)(d + at + 8);
            z.avail_in = len;
            ret = inflate(&z, Z_NO_FLUSH);
            ck_assert(ret == Z_OK || ret == Z_STREAM_END);
        }
        at += CHUNK_OVERHEAD + len;
    }
    ck_assert_int_eq(ret, Z_STREAM_END);
    ck_assert_uint_eq(z.total_out, raw_size);
    inflateEnd(&z);
    return raw;
}

/* ---- tests ------------------------------------------------------------ */

static const int LEVELS[] = {0, 1, 6, 9};
#define LEVEL_COUNT (int)(sizeof LEVELS / sizeof *LEVELS)

/* _i runs over channels (4) x depth (2) x levels. */
START_TEST(every_layout_and_level_reads_back_exactly) {
    int channels = _i % 4 + 1;
    int depth = (_i / 4) % 2 ? 16 : 8;
    int level = LEVELS[_i / 8];
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(61, 37, channels, depth, 6);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = options(level);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    chunk_list cl = check_chunks(out.data, out.size);
    ck_assert_int_eq(cl.count, 3); /* IHDR IDAT IEND */

    read_back rb = read_with_libpng(out.data, out.size);
    ck_assert_uint_eq(rb.width, 61);
    ck_assert_uint_eq(rb.height, 37);
    ck_assert_int_eq(rb.channels, channels);
    ck_assert_int_eq(rb.depth, depth);
    size_t row = (size_t)61 * channels * (size_t)(depth / 8);
    for (uint32_t y = 0; y < img.height; y++)
        ck_assert_mem_eq(rb.px + row * y, image_row(&img, y), row);
    read_back_free(&rb);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

/* Level 0 stores; the others compress, and 1..6 (run-length) and 9
 * (zlib's full search) are different coders. */
START_TEST(level_zero_stores_and_the_others_compress) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(256, 256, 3, 8, 0);
    /* Smooth, so that every coder has something to find. */
    for (uint32_t y = 0; y < img.height; y++)
        for (uint32_t x = 0; x < img.width * 3; x++)
            image_row(&img, y)[x] = (uint8_t)(x / 3 + 2 * y + x % 3 * 30);
    size_t sizes[LEVEL_COUNT];
    for (int l = 0; l < LEVEL_COUNT; l++) {
        buffer out;
        buffer_init(&out, ctx);
        encode_options opt = options(LEVELS[l]);
        ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
        sizes[l] = out.size;
        buffer_release(&out);
    }
    ck_assert_uint_ge(sizes[0], (size_t)256 * (256 * 3 + 1));
    for (int l = 1; l < LEVEL_COUNT; l++)
        ck_assert_uint_lt(sizes[l], sizes[0] / 2);
    ck_assert_uint_eq(sizes[1], sizes[2]);
    ck_assert_uint_ne(sizes[2], sizes[3]);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

/* Rows made for one filter each; the heuristic must find it.
 *   row 0: a horizontal ramp: Sub leaves 3s (Paeth, whose row above is
 *          zero, ties and loses: lower types win ties, as in libpng);
 *   row 1: row 0 again: Up leaves zeros (Paeth ties again);
 *   row 2: flat on the left, steep steps on the right (not checked);
 *   row 3: flat 80 on the left, a copy of row 2 on the right: only Paeth
 *          leaves zeros on both sides (Sub not on the right, Up not on the
 *          left);
 *   row 4: zeros: None, tied by Sub. */
START_TEST(heuristic_picks_the_filter_a_row_was_made_for) {
    enum { W = 64, H = 5, CH = 3, HALF = W / 2 };
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(W, H, CH, 8, 0);
    for (uint32_t x = 0; x < W; x++)
        for (int c = 0; c < CH; c++) {
            size_t i = x * CH + (size_t)c;
            uint8_t ramp = (uint8_t)(x * 3 + 10);
            uint8_t steps = x < HALF ? 50 : (uint8_t)(x * 60);
            image_row(&img, 0)[i] = ramp;
            image_row(&img, 1)[i] = ramp;
            image_row(&img, 2)[i] = steps;
            image_row(&img, 3)[i] = x < HALF ? 80 : steps;
            image_row(&img, 4)[i] = 0;
        }
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = options(6);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    size_t row = (size_t)W * CH + 1;
    uint8_t *raw = inflate_idat(out.data, out.size, row * H);
    ck_assert_int_eq(raw[0], PNGFILTER_SUB);
    ck_assert_int_eq(raw[row], PNGFILTER_UP);
    ck_assert_int_eq(raw[3 * row], PNGFILTER_PAETH);
    ck_assert_int_eq(raw[4 * row], PNGFILTER_NONE);
    free(raw);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

/* The filters against the specification's formulas, computed plainly
 * here, on noise, for every bytes-per-pixel the writer uses. */
START_TEST(each_filter_matches_the_specification) {
    static const size_t bpps[] = {1, 2, 3, 4, 6, 8};
    size_t bpp = bpps[_i];
    size_t n = bpp * 123;
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *above = malloc(n), *row = malloc(n);
    uint32_t seed = 12345;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        above[i] = (uint8_t)(seed >> 16);
        seed = seed * 1103515245u + 12345u;
        row[i] = (uint8_t)(seed >> 16);
    }
    pngfilter f;
    ck_assert_int_eq(pngfilter_init(ctx, &f, n, bpp), THUMB_OK);
    /* The AVX2 build of the filters where the CPU has it, and the
     * baseline build always. */
    int has_avx2 = f.avx2;
    for (int avx2 = 0; avx2 <= has_avx2; avx2++) {
        f.avx2 = avx2;
        for (int t = 0; t < PNGFILTER_COUNT; t++)
            memset(f.rows[t] + 1, 0xA5, n);
        (void)pngfilter_best(&f, row, above);
        for (size_t i = 0; i < n; i++) {
            int a = i >= bpp ? row[i - bpp] : 0, b = above[i];
            int c = i >= bpp ? above[i - bpp] : 0;
            int p = a + b - c, pa = abs(p - a), pb = abs(p - b);
            int pc = abs(p - c);
            int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            ck_assert_int_eq(f.rows[PNGFILTER_SUB][1 + i],
                             (uint8_t)(row[i] - a));
            ck_assert_int_eq(f.rows[PNGFILTER_UP][1 + i],
                             (uint8_t)(row[i] - b));
            ck_assert_int_eq(f.rows[PNGFILTER_AVERAGE][1 + i],
                             (uint8_t)(row[i] - (a + b) / 2));
            ck_assert_int_eq(f.rows[PNGFILTER_PAETH][1 + i],
                             (uint8_t)(row[i] - paeth));
        }
        for (int t = 0; t < PNGFILTER_COUNT; t++)
            ck_assert_int_eq(f.rows[t][0], t);
    }
    pngfilter_release(ctx, &f);
    free(row);
    free(above);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(icc_and_exif_are_written_and_read_back) {
    int channels = _i + 1;
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *icc;
    size_t icc_size;
    ck_assert_int_eq(color_srgb_profile(ctx, channels <= 2, &icc, &icc_size),
                     THUMB_OK);
    static const uint8_t exif[] = "MM\0*\0\0\0\x08\0\0";
    image img = make_image(20, 10, channels, 8, 0);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = options(6);
    opt.icc = icc;
    opt.icc_size = icc_size;
    opt.exif = exif;
    opt.exif_size = sizeof exif;
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    chunk_list cl = check_chunks(out.data, out.size);
    ck_assert_str_eq(cl.types[1], "iCCP");
    ck_assert_str_eq(cl.types[2], "eXIf");
    read_back rb = read_with_libpng(out.data, out.size);
    ck_assert_uint_eq(rb.icc_size, icc_size);
    ck_assert_mem_eq(rb.icc, icc, icc_size);
    ck_assert_uint_eq(rb.exif_size, sizeof exif);
    ck_assert_mem_eq(rb.exif, exif, sizeof exif);
    read_back_free(&rb);
    buffer_release(&out);
    ctx_free(ctx, icc);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

/* A profile libpng would refuse (png_encode.c dropped those) is left
 * out, and the image is still written: the wrong colour space, a size
 * field that disagrees, a tag outside the profile, a truncated header. */
START_TEST(unfit_profiles_are_left_out) {
    thumb_ctx *ctx = thumb_ctx_new();
    uint8_t *grey_icc, *rgb_icc;
    size_t grey_size, rgb_size;
    ck_assert_int_eq(color_srgb_profile(ctx, 1, &grey_icc, &grey_size),
                     THUMB_OK);
    ck_assert_int_eq(color_srgb_profile(ctx, 0, &rgb_icc, &rgb_size), THUMB_OK);
    uint8_t *bad = malloc(rgb_size);
    image img = make_image(8, 8, 3, 8, 0);
    for (int k = 0; k < 4; k++) {
        const uint8_t *icc = bad;
        size_t size = rgb_size;
        memcpy(bad, rgb_icc, rgb_size);
        if (k == 0) {
            icc = grey_icc;
            size = grey_size;
        } else if (k == 1) {
            bad[3] ^= 1; /* the size field */
        } else if (k == 2) {
            bad[128 + 4 + 4] = 0x7F; /* the first tag's offset */
        } else {
            size = 100;
        }
        buffer out;
        buffer_init(&out, ctx);
        encode_options opt = options(6);
        opt.icc = icc;
        opt.icc_size = size;
        ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
        chunk_list cl = check_chunks(out.data, out.size);
        ck_assert_msg(cl.count == 3, "case %d: %d chunks", k, cl.count);
        buffer_release(&out);
    }
    free(bad);
    free(img.px);
    ctx_free(ctx, grey_icc);
    ctx_free(ctx, rgb_icc);
    thumb_ctx_free(ctx);
}
END_TEST

/* Noise does not compress: the IDAT data is cut into chunks of the
 * writer's size, all full but the last, and still reads back. */
START_TEST(large_output_is_cut_into_idat_chunks) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(300, 300, 4, 8, 0);
    uint32_t seed = 99;
    for (uint32_t y = 0; y < img.height; y++)
        for (size_t i = 0; i < (size_t)img.width * 4; i++) {
            seed = seed * 1103515245u + 12345u;
            image_row(&img, y)[i] = (uint8_t)(seed >> 16);
        }
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = options(6);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    chunk_list cl = check_chunks(out.data, out.size);
    int idats = cl.count - 2;
    ck_assert_int_ge(idats, 5);
    for (int i = 1; i < cl.count - 2; i++)
        ck_assert_uint_eq(cl.lengths[i], IDAT_CHUNK_MAX);
    ck_assert_uint_le(cl.lengths[cl.count - 2], IDAT_CHUNK_MAX);
    read_back rb = read_with_libpng(out.data, out.size);
    for (uint32_t y = 0; y < img.height; y++)
        ck_assert_mem_eq(rb.px + (size_t)y * 1200, image_row(&img, y), 1200);
    read_back_free(&rb);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(appends_after_existing_bytes) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(8, 8, 4, 8, 0);
    buffer out;
    buffer_init(&out, ctx);
    ck_assert_int_eq(buffer_append(&out, "abc", 3), THUMB_OK);
    encode_options opt = options(6);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    ck_assert_mem_eq(out.data, "abc\x89PNG", 7);
    check_chunks(out.data + 3, out.size - 3);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(bad_shapes_are_refused_with_a_png_message) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(4, 4, 4, 8, 0);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = options(6);
    static const int channels[] = {0, 5};
    for (int k = 0; k < 2; k++) {
        img.channels = channels[k];
        ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_ERR_INTERNAL);
        ck_assert_uint_eq(out.size, 0);
        ck_assert_msg(strncmp(ctx->message, "PNG: ", 5) == 0, "'%s'",
                      ctx->message);
        ctx_clear_error(ctx);
    }
    img.channels = 4;
    img.width = 0;
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_ERR_INTERNAL);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

/* Every allocation (zlib's included) fails in turn: NOMEM, the bytes
 * before the file untouched, nothing leaked. With metadata, so that the
 * iCCP stream's allocations are covered too. */
START_TEST(allocation_failures_give_nomem_and_leak_nothing) {
    int depth = _i ? 16 : 8;
    image img = make_image(40, 30, 3, depth, 0);
    thumb_ctx *plain = thumb_ctx_new();
    uint8_t *icc;
    size_t icc_size;
    ck_assert_int_eq(color_srgb_profile(plain, 0, &icc, &icc_size), THUMB_OK);
    static const uint8_t exif[] = "II*\0\x08\0\0\0\0\0";
    encode_options opt = options(6);
    opt.icc = icc;
    opt.icc_size = icc_size;
    opt.exif = exif;
    opt.exif_size = sizeof exif;
    int completed = 0;
    long n = 0;
    for (; !completed; n++) {
        counting_allocator a;
        thumb_ctx *ctx = counting_ctx(&a);
        buffer out;
        buffer_init(&out, ctx);
        ck_assert_int_eq(buffer_append(&out, "xy", 2), THUMB_OK);
        a.calls = 0;
        a.fail_at = n;
        thumb_status st = png_encode(ctx, &img, &opt, &out);
        if (!a.failed) {
            ck_assert_int_eq(st, THUMB_OK);
            completed = 1;
        } else {
            ck_assert_msg(st == THUMB_ERR_NOMEM, "allocation %ld: %d (%s)", n,
                          st, ctx->message);
            ck_assert_uint_eq(out.size, 2);
        }
        buffer_release(&out);
        thumb_ctx_free(ctx);
        ck_assert_msg(a.live_blocks == 0, "%ld blocks leaked at %ld",
                      a.live_blocks, n);
    }
    /* zlib's state, twice (iCCP, IDAT), the filter rows, the output. */
    ck_assert_int_ge(n, 5);
    ctx_free(plain, icc);
    thumb_ctx_free(plain);
    free(img.px);
}
END_TEST

static Suite *png_encode_suite(void) {
    Suite *s = suite_create("png_encode");
    TCase *tc = tcase_create("write");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, every_layout_and_level_reads_back_exactly, 0,
                        4 * 2 * LEVEL_COUNT);
    tcase_add_test(tc, level_zero_stores_and_the_others_compress);
    tcase_add_test(tc, heuristic_picks_the_filter_a_row_was_made_for);
    tcase_add_loop_test(tc, each_filter_matches_the_specification, 0, 6);
    tcase_add_loop_test(tc, icc_and_exif_are_written_and_read_back, 0, 4);
    tcase_add_test(tc, unfit_profiles_are_left_out);
    tcase_add_test(tc, large_output_is_cut_into_idat_chunks);
    tcase_add_test(tc, appends_after_existing_bytes);
    tcase_add_test(tc, bad_shapes_are_refused_with_a_png_message);
    tcase_add_loop_test(tc, allocation_failures_give_nomem_and_leak_nothing, 0,
                        2);
    suite_add_tcase(s, tc);
    return s;
}

THUMB_TEST_MAIN(png_encode_suite)
