/* GIF decoding (src/codec/gif_decode.c) through the decoder interface: the
 * first frame composited on the logical screen. */
#include "codec/decoder.h"
#include "ctx.h"
#include "decode_rows.h"
#include "support.h"

#include <check.h>
#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows are fetched in batches of this many, so that read_rows is called
 * several times per image. */
#define ROWS_PER_CALL 5
/* The pipeline's default pixel limit: the helper refuses to start larger
 * images, as the pipeline would. */
#define TEST_MAX_PIXELS 100000000u

/* ---- An allocator that fails on request and counts live blocks ------ */

typedef struct failing_allocator {
    long live_blocks;
    long calls;   /* malloc and realloc calls so far */
    long fail_at; /* the call number that fails, or -1 */
    int failed;
} failing_allocator;

static void *failing_malloc(void *opaque, size_t size) {
    failing_allocator *a = opaque;
    if (a->calls++ == a->fail_at) {
        a->failed = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (p)
        a->live_blocks++;
    return p;
}

static void *failing_realloc(void *opaque, void *ptr, size_t size) {
    failing_allocator *a = opaque;
    if (!ptr)
        return failing_malloc(opaque, size);
    if (a->calls++ == a->fail_at) {
        a->failed = 1;
        return NULL;
    }
    return realloc(ptr, size);
}

static void failing_free(void *opaque, void *ptr) {
    failing_allocator *a = opaque;
    if (ptr)
        a->live_blocks--;
    free(ptr);
}

/* ---- Decoding helpers ---------------------------------------------- */

typedef decoded_rows decoded;

static decoded decode_on(thumb_ctx *ctx, const uint8_t *data, size_t size) {
    ctx_clear_error(ctx);
    decoder d;
    thumb_status st = decoder_open(ctx, data, size, &d);
    return decode_rows_finish(ctx, &d, st, 1, 1, TEST_MAX_PIXELS,
                              ROWS_PER_CALL);
}

static decoded decode_bytes(const uint8_t *data, size_t size) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoded r = decode_on(ctx, data, size);
    thumb_ctx_free(ctx);
    return r;
}

static decoded decode_file(const char *rel) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    decoded r = decode_bytes(data, size);
    free(data);
    return r;
}

static const uint8_t *pixel(const decoded *r, uint32_t x, uint32_t y) {
    return r->px + ((size_t)y * r->width + x) * (size_t)r->channels;
}

/* ---- A reference: giflib's DGifSlurp, composited here -------------- */

typedef struct mem_reader {
    const uint8_t *data;
    size_t size, offset;
} mem_reader;

static int mem_input(GifFileType *gif, GifByteType *out, int len) {
    mem_reader *m = gif->UserData;
    size_t n = (size_t)len;
    if (n > m->size - m->offset)
        n = m->size - m->offset;
    memcpy(out, m->data + m->offset, n);
    m->offset += n;
    return (int)n;
}

/* The first frame on the screen by a second path: DGifSlurp decodes every
 * frame and de-interlaces by itself; the compositing rules are the
 * decoder's documented ones (outside the frame and the transparent index:
 * 0,0,0,0; an index outside the table: opaque black). */
static decoded reference_first_frame(const uint8_t *data, size_t size) {
    decoded r;
    memset(&r, 0, sizeof r);
    mem_reader m = {data, size, 0};
    int error = 0;
    GifFileType *gif = DGifOpen(&m, mem_input, &error);
    ck_assert_ptr_nonnull(gif);
    ck_assert_int_eq(DGifSlurp(gif), GIF_OK);
    ck_assert_int_ge(gif->ImageCount, 1);
    const SavedImage *frame = &gif->SavedImages[0];
    const GifImageDesc *desc = &frame->ImageDesc;
    GraphicsControlBlock gcb = {0, false, 0, NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(gif, 0, &gcb);
    const ColorMapObject *map =
        desc->ColorMap ? desc->ColorMap : gif->SColorMap;
    ck_assert_ptr_nonnull(map);
    r.width = (uint32_t)gif->SWidth;
    r.height = (uint32_t)gif->SHeight;
    int covers = desc->Left == 0 && desc->Top == 0 &&
                 desc->Width >= gif->SWidth && desc->Height >= gif->SHeight;
    r.channels =
        gcb.TransparentColor != NO_TRANSPARENT_COLOR || !covers ? 4 : 3;
    r.px = calloc((size_t)r.width * r.height, (size_t)r.channels);
    ck_assert_ptr_nonnull(r.px);
    for (int y = 0; y < desc->Height; y++)
        for (int x = 0; x < desc->Width; x++) {
            int sx = desc->Left + x, sy = desc->Top + y;
            if (sx >= gif->SWidth || sy >= gif->SHeight)
                continue;
            int index = frame->RasterBits[(size_t)y * desc->Width + x];
            uint8_t *out =
                r.px + ((size_t)sy * r.width + (size_t)sx) * (size_t)r.channels;
            if (index == gcb.TransparentColor)
                continue;
            if (index < map->ColorCount) {
                out[0] = map->Colors[index].Red;
                out[1] = map->Colors[index].Green;
                out[2] = map->Colors[index].Blue;
            }
            if (r.channels == 4)
                out[3] = 255;
        }
    DGifCloseFile(gif, &error);
    return r;
}

/* ---- A GIF writer for hand-made files ------------------------------ */

typedef struct gif_writer {
    uint8_t *data;
    size_t size, cap;
} gif_writer;

static void put(gif_writer *w, const void *bytes, size_t n) {
    if (w->size + n > w->cap) {
        w->cap = (w->size + n) * 2;
        w->data = realloc(w->data, w->cap);
        ck_assert_ptr_nonnull(w->data);
    }
    memcpy(w->data + w->size, bytes, n);
    w->size += n;
}

static void put8(gif_writer *w, unsigned v) {
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}

static void put16(gif_writer *w, unsigned v) {
    put8(w, v & 0xFF);
    put8(w, v >> 8);
}

/* table_bits 0: no table; else 2^table_bits entries, entry i being
 * (i * 40, 255 - i * 40, i) mod 256. */
static void put_table(gif_writer *w, int table_bits) {
    for (int i = 0; table_bits && i < 1 << table_bits; i++) {
        put8(w, (unsigned)(i * 40) & 0xFF);
        put8(w, (unsigned)(255 - i * 40) & 0xFF);
        put8(w, (unsigned)i);
    }
}

static const uint8_t *table_colour(int i) {
    static uint8_t rgb[3];
    rgb[0] = (uint8_t)(i * 40);
    rgb[1] = (uint8_t)(255 - i * 40);
    rgb[2] = (uint8_t)i;
    return rgb;
}

static void put_header(gif_writer *w, unsigned width, unsigned height,
                       int table_bits) {
    put(w, "GIF89a", 6);
    put16(w, width);
    put16(w, height);
    put8(w, table_bits ? 0x80 | (unsigned)(table_bits - 1) : 0);
    put8(w, 0); /* background */
    put8(w, 0); /* aspect */
    put_table(w, table_bits);
}

static void put_gce(gif_writer *w, int transparent) {
    const uint8_t gce[] = {0x21,
                           0xF9,
                           4,
                           transparent >= 0 ? 1 : 0,
                           0,
                           0,
                           (uint8_t)(transparent >= 0 ? transparent : 0),
                           0};
    put(w, gce, sizeof gce);
}

/* LZW with 8-bit literals only: a clear code every LITERAL_RUN literals
 * keeps every code 9 bits wide, so no dictionary is needed. Any index
 * 0..255 can be written, whatever the colour table's size. */
#define LZW_MIN_CODE_SIZE 8
#define LZW_CLEAR 256
#define LZW_END 257
#define LITERAL_RUN 200

typedef struct bit_writer {
    gif_writer *w;
    uint8_t block[255];
    int block_len;
    uint32_t bits;
    int nbits;
} bit_writer;

static void flush_block(bit_writer *b) {
    if (b->block_len) {
        put8(b->w, (unsigned)b->block_len);
        put(b->w, b->block, (size_t)b->block_len);
        b->block_len = 0;
    }
}

static void put_code(bit_writer *b, unsigned code) {
    b->bits |= code << b->nbits;
    b->nbits += LZW_MIN_CODE_SIZE + 1;
    while (b->nbits >= 8) {
        b->block[b->block_len++] = (uint8_t)b->bits;
        b->bits >>= 8;
        b->nbits -= 8;
        if (b->block_len == 255)
            flush_block(b);
    }
}

static void put_image(gif_writer *w, unsigned left, unsigned top,
                      unsigned width, unsigned height, int interlaced,
                      int table_bits, const uint8_t *indices, size_t count) {
    put8(w, 0x2C);
    put16(w, left);
    put16(w, top);
    put16(w, width);
    put16(w, height);
    put8(w, (table_bits ? 0x80 | (unsigned)(table_bits - 1) : 0) |
                (interlaced ? 0x40 : 0));
    put_table(w, table_bits);
    put8(w, LZW_MIN_CODE_SIZE);
    bit_writer b = {.w = w};
    for (size_t i = 0; i < count; i++) {
        if (i % LITERAL_RUN == 0)
            put_code(&b, LZW_CLEAR);
        put_code(&b, indices[i]);
    }
    put_code(&b, LZW_END);
    if (b.nbits > 0) { /* the last partial byte */
        b.block[b.block_len++] = (uint8_t)b.bits;
        if (b.block_len == 255)
            flush_block(&b);
    }
    flush_block(&b);
    put8(w, 0); /* block terminator */
}

static void put_trailer(gif_writer *w) {
    put8(w, 0x3B);
}

/* ---- Good files ------------------------------------------------------ */

/* The frame count in a MANIFEST description: "GIF89a 370x285, 10 frames". */
static uint32_t manifest_frames(const char *description) {
    const char *p = strchr(description, ',');
    unsigned frames = 0;
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p + 1, " %u frame", &frames), 1);
    return frames;
}

static void check_good_gif(const char *path, const char *description,
                           void *opaque) {
    int *count = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    uint32_t screen_width = data[6] | (uint32_t)data[7] << 8;
    uint32_t screen_height = data[8] | (uint32_t)data[9] << 8;
    decoded r = decode_bytes(data, size);
    ck_assert_msg(r.status == THUMB_OK, "%s: %s", path, r.message);
    ck_assert_msg(r.width == screen_width && r.height == screen_height,
                  "%s: %ux%u, screen %ux%u", path, r.width, r.height,
                  screen_width, screen_height);
    ck_assert_int_eq(r.info.format, THUMB_FORMAT_GIF);
    ck_assert_int_eq(r.info.bit_depth, 8);
    ck_assert_int_eq(r.info.orientation, 1);
    ck_assert_int_eq(r.channels, r.info.has_alpha ? 4 : 3);
    ck_assert_msg(r.info.frames == manifest_frames(description),
                  "%s: %u frames, MANIFEST says '%s'", path, r.info.frames,
                  description);

    decoded ref = reference_first_frame(data, size);
    ck_assert_int_eq(r.channels, ref.channels);
    ck_assert_msg(
        memcmp(r.px, ref.px, (size_t)r.width * r.height * r.channels) == 0,
        "%s differs from giflib's DGifSlurp", path);
    free(ref.px);
    free(r.px);
    free(data);
    (*count)++;
}

START_TEST(every_corpus_gif_decodes_with_the_screen_size) {
    int count = 0;
    manifest_each("gif/", check_good_gif, &count);
    ck_assert_int_eq(count, 34);
}
END_TEST

START_TEST(interlaced_and_progressive_treescap_are_identical) {
    decoded a = decode_file("gif/treescap.gif");
    decoded b = decode_file("gif/treescap-interlaced.gif");
    ck_assert_int_eq(a.status, THUMB_OK);
    ck_assert_int_eq(b.status, THUMB_OK);
    ck_assert_uint_eq(a.width, b.width);
    ck_assert_uint_eq(a.height, b.height);
    ck_assert_int_eq(a.channels, 3);
    ck_assert_int_eq(b.channels, 3);
    ck_assert_mem_eq(a.px, b.px, (size_t)a.width * a.height * 3);
    free(a.px);
    free(b.px);
}
END_TEST

typedef struct expected_pixel {
    uint32_t x, y;
    uint8_t rgba[4];
} expected_pixel;

/* Values from Pillow 9.4 (/usr/bin/python3):
 *     Image.open(f).convert("RGBA").getpixel((x, y))
 * Pillow keeps the palette colour of a transparent pixel; we give 0,0,0,0,
 * so only the alpha is compared there. */
static void check_pixels(const char *path, int channels,
                         const expected_pixel *px, size_t count) {
    decoded r = decode_file(path);
    ck_assert_msg(r.status == THUMB_OK, "%s: %s", path, r.message);
    ck_assert_int_eq(r.channels, channels);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *got = pixel(&r, px[i].x, px[i].y);
        if (channels == 4 && px[i].rgba[3] == 0) {
            ck_assert_mem_eq(got, "\0\0\0\0", 4);
            continue;
        }
        ck_assert_msg(memcmp(got, px[i].rgba, (size_t)channels) == 0,
                      "%s (%u,%u): %u,%u,%u", path, px[i].x, px[i].y, got[0],
                      got[1], got[2]);
    }
    free(r.px);
}

START_TEST(pixels_match_pillow) {
    static const expected_pixel treescap[] = {
        {0, 0, {231, 231, 231, 255}},
        {20, 20, {0, 255, 255, 255}},
        {39, 39, {110, 110, 110, 255}},
        {7, 30, {0, 157, 0, 255}},
    };
    check_pixels("gif/treescap.gif", 3, treescap,
                 sizeof treescap / sizeof *treescap);
    static const expected_pixel porsche[] = {
        {0, 0, {0, 0, 0, 255}},
        {160, 100, {170, 51, 68, 255}},
        {33, 177, {34, 34, 34, 255}},
    };
    check_pixels("gif/porsche.gif", 3, porsche,
                 sizeof porsche / sizeof *porsche);
    /* Interlaced with transparency. */
    static const expected_pixel x_trans[] = {
        {0, 0, {0, 0, 0, 0}},
        {50, 50, {0, 0, 0, 255}},
        {20, 70, {0, 0, 0, 0}},
    };
    check_pixels("gif/x-trans.gif", 4, x_trans,
                 sizeof x_trans / sizeof *x_trans);
    /* Only local colour tables. */
    static const expected_pixel iss634[] = {
        {0, 0, {42, 82, 90, 255}},
        {122, 122, {57, 100, 106, 255}},
        {244, 244, {176, 140, 112, 255}},
    };
    check_pixels("gif/iss634.gif", 3, iss634, sizeof iss634 / sizeof *iss634);
    static const expected_pixel grey_alpha[] = {
        {0, 0, {101, 101, 101, 255}},
        {1, 0, {0, 0, 0, 0}},
    };
    check_pixels("gif/grey-plus-alpha.gif", 4, grey_alpha,
                 sizeof grey_alpha / sizeof *grey_alpha);
}
END_TEST

START_TEST(transparent_index_gives_transparent_pixels) {
    static const expected_pixel transparent[] = {
        {0, 0, {0, 0, 0, 0}},
        {100, 75, {134, 60, 60, 255}},
        {50, 10, {134, 134, 210, 255}},
        {150, 120, {0, 0, 0, 0}},
    };
    check_pixels("gif/transparent.gif", 4, transparent,
                 sizeof transparent / sizeof *transparent);
    decoded r = decode_file("gif/transparent.gif");
    ck_assert_int_eq(r.info.has_alpha, 1);
    /* Pillow: sum(a == 0 for a in im.convert("RGBA").getchannel("A")
     * .getdata()) == 20114, and every other pixel is opaque. */
    size_t clear = 0, opaque = 0;
    for (size_t i = 0; i < (size_t)r.width * r.height; i++) {
        clear += r.px[i * 4 + 3] == 0;
        opaque += r.px[i * 4 + 3] == 255;
    }
    ck_assert_uint_eq(clear, 20114);
    ck_assert_uint_eq(clear + opaque, (size_t)r.width * r.height);
    free(r.px);
}
END_TEST

START_TEST(screen_outside_the_first_frame_is_transparent) {
    /* 50x50 frame at (25,0) on a 75x50 screen, interlaced, transparent
     * index 1. Pillow: (25,0) and (40,20) are (0,255,0,255). */
    static const expected_pixel first[] = {
        {0, 0, {0, 0, 0, 0}},
        {24, 49, {0, 0, 0, 0}},
        {25, 0, {0, 255, 0, 255}},
        {40, 20, {0, 255, 0, 255}},
    };
    check_pixels("gif/first_frame_transparency.gif", 4, first,
                 sizeof first / sizeof *first);
    decoded r = decode_file("gif/first_frame_transparency.gif");
    for (uint32_t y = 0; y < r.height; y++)
        for (uint32_t x = 0; x < 25; x++)
            ck_assert_mem_eq(pixel(&r, x, y), "\0\0\0\0", 4);
    free(r.px);
}
END_TEST

/* ---- Hand-made files -------------------------------------------------- */

START_TEST(frame_is_clipped_to_the_screen) {
    /* A 3x3 frame at (2,2) on a 4x4 screen: only its top-left 2x2 shows. */
    gif_writer w = {0};
    put_header(&w, 4, 4, 4);
    const uint8_t idx[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    put_image(&w, 2, 2, 3, 3, 0, 0, idx, 9);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_int_eq(r.channels, 4);
    ck_assert_int_eq(r.info.has_alpha, 1);
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 4; x++) {
            const uint8_t *p = pixel(&r, x, y);
            if (x < 2 || y < 2) {
                ck_assert_mem_eq(p, "\0\0\0\0", 4);
                continue;
            }
            int i = idx[(y - 2) * 3 + (x - 2)];
            ck_assert_mem_eq(p, table_colour(i), 3);
            ck_assert_int_eq(p[3], 255);
        }
    free(r.px);
    free(w.data);
}
END_TEST

static void interlaced_rows(const uint8_t *rows, uint32_t width,
                            uint32_t height, uint8_t *out) {
    static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    size_t n = 0;
    for (int pass = 0; pass < 4; pass++)
        for (uint32_t y = start[pass]; y < height; y += step[pass]) {
            memcpy(out + n, rows + (size_t)y * width, width);
            n += width;
        }
}

START_TEST(interlaced_rows_land_on_the_right_lines) {
    /* Every height from 1 to 20 exercises short and empty passes. */
    for (uint32_t height = 1; height <= 20; height++) {
        uint32_t width = 3;
        uint8_t rows[3 * 20], stored[3 * 20];
        for (uint32_t y = 0; y < height; y++)
            for (uint32_t x = 0; x < width; x++)
                rows[y * width + x] = (uint8_t)(y % 16);
        interlaced_rows(rows, width, height, stored);
        gif_writer a = {0}, b = {0};
        put_header(&a, width, height, 4);
        put_image(&a, 0, 0, width, height, 1, 0, stored, width * height);
        put_trailer(&a);
        put_header(&b, width, height, 4);
        put_image(&b, 0, 0, width, height, 0, 0, rows, width * height);
        put_trailer(&b);
        decoded ra = decode_bytes(a.data, a.size);
        decoded rb = decode_bytes(b.data, b.size);
        ck_assert_msg(ra.status == THUMB_OK, "%s", ra.message);
        ck_assert_msg(rb.status == THUMB_OK, "%s", rb.message);
        for (uint32_t y = 0; y < height; y++)
            ck_assert_msg(
                memcmp(pixel(&ra, 0, y), table_colour((int)(y % 16)), 3) == 0,
                "height %u, row %u", height, y);
        ck_assert_mem_eq(ra.px, rb.px, (size_t)width * height * 3);
        free(ra.px);
        free(rb.px);
        free(a.data);
        free(b.data);
    }
}
END_TEST

START_TEST(index_outside_the_table_is_opaque_black) {
    gif_writer w = {0};
    put_header(&w, 4, 1, 1); /* two colours */
    const uint8_t idx[4] = {0, 1, 5, 200};
    put_image(&w, 0, 0, 4, 1, 0, 0, idx, 4);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_int_eq(r.channels, 3);
    ck_assert_mem_eq(pixel(&r, 0, 0), table_colour(0), 3);
    ck_assert_mem_eq(pixel(&r, 1, 0), table_colour(1), 3);
    ck_assert_mem_eq(pixel(&r, 2, 0), "\0\0\0", 3);
    ck_assert_mem_eq(pixel(&r, 3, 0), "\0\0\0", 3);
    free(r.px);
    free(w.data);
}
END_TEST

START_TEST(transparent_index_outside_the_table_is_transparent) {
    gif_writer w = {0};
    put_header(&w, 3, 1, 1);
    put_gce(&w, 7);
    const uint8_t idx[3] = {7, 1, 9};
    put_image(&w, 0, 0, 3, 1, 0, 0, idx, 3);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_int_eq(r.channels, 4);
    ck_assert_mem_eq(pixel(&r, 0, 0), "\0\0\0\0", 4);
    ck_assert_mem_eq(pixel(&r, 1, 0), table_colour(1), 3);
    ck_assert_mem_eq(pixel(&r, 2, 0), "\0\0\0\xff", 4);
    free(r.px);
    free(w.data);
}
END_TEST

START_TEST(local_table_wins_over_the_global_one) {
    gif_writer w = {0};
    put_header(&w, 2, 1, 1);
    const uint8_t idx[2] = {2, 3};
    put_image(&w, 0, 0, 2, 1, 0, 2, idx, 2);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    /* Both indices are outside the 2-colour global table, inside the
     * 4-colour local one. */
    ck_assert_mem_eq(pixel(&r, 0, 0), table_colour(2), 3);
    ck_assert_mem_eq(pixel(&r, 1, 0), table_colour(3), 3);
    free(r.px);
    free(w.data);
}
END_TEST

START_TEST(frame_without_any_colour_table_is_corrupt) {
    decoded r = decode_file("bad/gif/no_palette.gif");
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_str_eq(r.message, "GIF: frame has no colour table");
    /* The first frame has a local table; later frames do not matter. */
    r = decode_file("bad/gif/no_palette_after_rgb.gif");
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.info.frames, 3);
    free(r.px);
}
END_TEST

START_TEST(zero_width_screen_is_corrupt) {
    decoded r = decode_file("bad/gif/zero_width.gif");
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_str_eq(r.message, "GIF: logical screen width is 0");
    gif_writer w = {0};
    put_header(&w, 5, 0, 1);
    const uint8_t idx[1] = {0};
    put_image(&w, 0, 0, 1, 1, 0, 0, idx, 1);
    put_trailer(&w);
    r = decode_bytes(w.data, w.size);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_str_eq(r.message, "GIF: logical screen height is 0");
    free(w.data);
}
END_TEST

START_TEST(file_without_images_is_corrupt) {
    gif_writer w = {0};
    put_header(&w, 5, 5, 1);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strncmp(r.message, "GIF: ", 5) == 0, "%s", r.message);
    free(w.data);
}
END_TEST

START_TEST(frame_entirely_off_screen_leaves_it_transparent) {
    gif_writer w = {0};
    put_header(&w, 8, 8, 1);
    const uint8_t idx[4] = {1, 1, 1, 1};
    put_image(&w, 65533, 65533, 2, 2, 0, 0, idx, 4);
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_int_eq(r.channels, 4);
    for (size_t i = 0; i < 8 * 8 * 4; i++)
        ck_assert_int_eq(r.px[i], 0);
    free(r.px);
    free(w.data);
}
END_TEST

/* A frame declared far larger than the screen is rejected before any LZW
 * decoding when the rows needed to fill the screen exceed the budget. */
START_TEST(frame_far_larger_than_the_screen_is_rejected_fast) {
    const uint8_t idx[4] = {1, 1, 1, 1};
    struct {
        unsigned sw, sh;
        int interlaced;
    } cases[] = {
        /* Interlaced: the screen's second row arrives in the last pass,
         * after half of the frame's 65535 rows. */
        {32, 2, 1},
        /* Non-interlaced: every one of 65535 rows is on the screen and
         * each is 65535 pixels long. */
        {1, 65535, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gif_writer w = {0};
        put_header(&w, cases[i].sw, cases[i].sh, 1);
        put_image(&w, 0, 0, 65535, 65535, cases[i].interlaced, 0, idx, 4);
        put_trailer(&w);
        double t0 = test_seconds();
        decoded r = decode_bytes(w.data, w.size);
        ck_assert_double_lt(test_seconds() - t0, 0.5);
        ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
        ck_assert_msg(strstr(r.message, "far larger than"), "%s", r.message);
        free(w.data);
    }
}
END_TEST

START_TEST(wide_frame_on_a_small_screen_decodes_only_the_visible_rows) {
    /* 65535x65535 frame on a 32x32 screen: 32 rows of 65535 pixels are
     * within the budget. The data runs out after 4 pixels, so giflib's
     * error is the answer, quickly. */
    gif_writer w = {0};
    put_header(&w, 32, 32, 1);
    const uint8_t idx[4] = {1, 1, 1, 1};
    put_image(&w, 0, 0, 65535, 65535, 0, 0, idx, 4);
    put_trailer(&w);
    double t0 = test_seconds();
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_double_lt(test_seconds() - t0, 0.5);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strncmp(r.message, "GIF: ", 5) == 0, "%s", r.message);
    free(w.data);

    /* The same frame with all 32 visible rows' data decodes. */
    size_t count = (size_t)65535 * 32;
    uint8_t *many = malloc(count);
    ck_assert_ptr_nonnull(many);
    for (size_t i = 0; i < count; i++)
        many[i] = (uint8_t)(i % 65535 % 2);
    gif_writer v = {0};
    put_header(&v, 32, 32, 1);
    put_image(&v, 0, 0, 65535, 65535, 0, 0, many, count);
    put_trailer(&v);
    r = decode_bytes(v.data, v.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_int_eq(r.channels, 3); /* the frame covers the screen */
    for (uint32_t y = 0; y < 32; y++)
        for (uint32_t x = 0; x < 32; x++)
            ck_assert_mem_eq(pixel(&r, x, y), table_colour((int)(x % 2)), 3);
    free(r.px);
    free(v.data);
    free(many);
}
END_TEST

START_TEST(frames_are_counted_without_decoding) {
    gif_writer w = {0};
    put_header(&w, 2, 2, 1);
    const uint8_t idx[4] = {0, 1, 1, 0};
    for (int i = 0; i < 1000; i++) {
        put_gce(&w, i % 2 ? 0 : -1);
        put_image(&w, 0, 0, 2, 2, 0, i % 3 ? 2 : 0, idx, 4);
    }
    put_trailer(&w);
    decoded r = decode_bytes(w.data, w.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.info.frames, 1000);
    /* The first frame has no transparency: the later ones do not matter. */
    ck_assert_int_eq(r.channels, 3);
    free(r.px);
    free(w.data);
}
END_TEST

START_TEST(damage_after_the_first_frame_is_tolerated) {
    /* MANIFEST: one good frame, then a bad record. */
    decoded r = decode_file("bad/gif/test_extents_transparency.gif");
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.info.frames, 1);
    ck_assert_int_eq(r.channels, 4);
    free(r.px);

    /* Truncated in the middle of the second frame. */
    gif_writer w = {0};
    put_header(&w, 2, 1, 1);
    const uint8_t idx[2] = {0, 1};
    put_image(&w, 0, 0, 2, 1, 0, 0, idx, 2);
    size_t first_end = w.size;
    put_image(&w, 0, 0, 2, 1, 0, 0, idx, 2);
    put_trailer(&w);
    for (size_t len = first_end; len < w.size; len++) {
        r = decode_bytes(w.data, len);
        ck_assert_msg(r.status == THUMB_OK, "cut at %zu: %s", len, r.message);
        ck_assert_uint_eq(r.info.frames, len + 1 >= w.size ? 2 : 1);
        free(r.px);
    }
    free(w.data);
}
END_TEST

START_TEST(every_truncation_fails_cleanly) {
    static const char *const files[] = {"gif/treescap.gif",
                                        "gif/treescap-interlaced.gif",
                                        "gif/grey-plus-alpha.gif"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        for (size_t len = 0; len < size; len++) {
            uint8_t *copy = malloc(len + 1);
            memcpy(copy, data, len);
            decoded r = decode_bytes(copy, len);
            ck_assert_msg(r.status == THUMB_OK ||
                              r.status == THUMB_ERR_CORRUPT ||
                              r.status == THUMB_ERR_UNSUPPORTED_FORMAT,
                          "%s cut at %zu: %d", files[f], len, r.status);
            /* Only the trailer byte may be missing. */
            if (len >= 6 && len + 1 < size)
                ck_assert_msg(r.status == THUMB_ERR_CORRUPT,
                              "%s cut at %zu: %d", files[f], len, r.status);
            free(r.px);
            free(copy);
        }
        free(data);
    }
}
END_TEST

/* ---- Bad files ---------------------------------------------------- */

static void check_bad_gif(const char *path, const char *description,
                          void *opaque) {
    (void)description;
    int *count = opaque;
    double t0 = test_seconds();
    decoded r = decode_file(path);
    double elapsed = test_seconds() - t0;
    ck_assert_msg(r.status == THUMB_OK || r.status == THUMB_ERR_CORRUPT,
                  "%s: %d (%s)", path, r.status, r.message);
    if (r.status != THUMB_OK)
        ck_assert_msg(strncmp(r.message, "GIF: ", 5) == 0, "%s: '%s'", path,
                      r.message);
    ck_assert_msg(elapsed < 0.5, "%s took %.2f s", path, elapsed);
    free(r.px);
    (*count)++;
}

START_TEST(bad_gifs_fail_cleanly_or_decode_fast) {
    int count = 0;
    manifest_each("bad/gif/", check_bad_gif, &count);
    ck_assert_int_eq(count, 8);
    manifest_each("bad/bomb/decompression_bomb.gif", check_bad_gif, &count);
    ck_assert_int_eq(count, 9);
}
END_TEST

START_TEST(decompression_bomb_fails_fast) {
    /* 44 bytes declaring a 65535-wide frame off a 32x32 screen, cut short. */
    double t0 = test_seconds();
    decoded r = decode_file("bad/bomb/decompression_bomb.gif");
    ck_assert_double_lt(test_seconds() - t0, 0.1);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strncmp(r.message, "GIF: ", 5) == 0, "%s", r.message);
}
END_TEST

START_TEST(second_frame_far_outside_the_screen_is_harmless) {
    /* MANIFEST: the second frame is at (65535,65535) on 100x100. */
    decoded r = decode_file("bad/gif/decompression_bomb_extents.gif");
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.width, 100);
    ck_assert_uint_eq(r.height, 100);
    ck_assert_uint_eq(r.info.frames, 2);
    free(r.px);
}
END_TEST

START_TEST(allocation_failures_give_nomem_and_leak_nothing) {
    static const char *const files[] = {"gif/treescap-interlaced.gif",
                                        "gif/first_frame_transparency.gif"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        int completed = 0;
        for (long n = 0; !completed; n++) {
            failing_allocator a = {0, 0, -1, 0};
            thumb_allocator al = {failing_malloc, failing_realloc, failing_free,
                                  &a};
            thumb_ctx *ctx = thumb_ctx_new_with_allocator(&al);
            ck_assert_ptr_nonnull(ctx);
            a.calls = 0;
            a.fail_at = n;
            decoded r = decode_on(ctx, data, size);
            if (a.failed)
                ck_assert_msg(r.status == THUMB_ERR_NOMEM,
                              "%s, allocation %ld failing: %d (%s)", files[f],
                              n, r.status, r.message);
            else
                completed = r.status == THUMB_OK;
            ck_assert_msg(a.failed || completed, "%s: %s", files[f], r.message);
            free(r.px);
            thumb_ctx_free(ctx);
            ck_assert_msg(a.live_blocks == 0, "%s: %ld blocks leaked at %ld",
                          files[f], a.live_blocks, n);
        }
        free(data);
    }
}
END_TEST

static Suite *gif_suite(void) {
    Suite *s = suite_create("gif");
    TCase *good = tcase_create("good");
    /* Whole-corpus loops outlast Check's 4 s default under sanitizers. */
    tcase_set_timeout(good, 300);
    tcase_add_test(good, every_corpus_gif_decodes_with_the_screen_size);
    tcase_add_test(good, interlaced_and_progressive_treescap_are_identical);
    tcase_add_test(good, pixels_match_pillow);
    tcase_add_test(good, transparent_index_gives_transparent_pixels);
    tcase_add_test(good, screen_outside_the_first_frame_is_transparent);
    suite_add_tcase(s, good);

    TCase *made = tcase_create("hand-made");
    tcase_set_timeout(made, 300);
    tcase_add_test(made, frame_is_clipped_to_the_screen);
    tcase_add_test(made, interlaced_rows_land_on_the_right_lines);
    tcase_add_test(made, index_outside_the_table_is_opaque_black);
    tcase_add_test(made, transparent_index_outside_the_table_is_transparent);
    tcase_add_test(made, local_table_wins_over_the_global_one);
    tcase_add_test(made, frame_entirely_off_screen_leaves_it_transparent);
    tcase_add_test(made, frame_far_larger_than_the_screen_is_rejected_fast);
    tcase_add_test(made,
                   wide_frame_on_a_small_screen_decodes_only_the_visible_rows);
    tcase_add_test(made, frames_are_counted_without_decoding);
    tcase_add_test(made, file_without_images_is_corrupt);
    suite_add_tcase(s, made);

    TCase *bad = tcase_create("bad");
    tcase_set_timeout(bad, 300);
    tcase_add_test(bad, frame_without_any_colour_table_is_corrupt);
    tcase_add_test(bad, zero_width_screen_is_corrupt);
    tcase_add_test(bad, damage_after_the_first_frame_is_tolerated);
    tcase_add_test(bad, every_truncation_fails_cleanly);
    tcase_add_test(bad, bad_gifs_fail_cleanly_or_decode_fast);
    tcase_add_test(bad, decompression_bomb_fails_fast);
    tcase_add_test(bad, second_frame_far_outside_the_screen_is_harmless);
    tcase_add_test(bad, allocation_failures_give_nomem_and_leak_nothing);
    suite_add_tcase(s, bad);
    return s;
}

THUMB_TEST_MAIN(gif_suite)
