/* PNG decoding (src/codec/png_decode.c) through the decoder interface, and
 * PNG encoding (src/codec/png_encode.c). */
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "counting_alloc.h"
#include "ctx.h"
#include "decode_rows.h"
#include "support.h"

#include <check.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Rows are fetched in batches of this many, so that read_rows is called
 * several times per image, with a short last batch. */
#define ROWS_PER_CALL 7
/* The pipeline's default pixel limit: the helpers refuse to start larger
 * images, as the pipeline would. */
#define TEST_MAX_PIXELS 100000000u

/* ---- Decoding helpers ---------------------------------------------- */

typedef decoded_rows decoded;

/* Decodes data fully on ctx. ops NULL: through decoder_open (sniffing);
 * else that codec directly, as decoder_open would after sniffing. */
static decoded decode_on(thumb_ctx *ctx, const decoder_ops *ops,
                         const uint8_t *data, size_t size) {
    ctx_clear_error(ctx);
    decoder d;
    thumb_status st;
    if (ops) {
        memset(&d, 0, sizeof d);
        d.ctx = ctx;
        d.data = data;
        d.size = size;
        d.ops = ops;
        d.info.format = THUMB_FORMAT_PNG;
        d.info.orientation = 1;
        d.info.frames = 1;
        st = ops->probe(&d);
        if (st != THUMB_OK) {
            ops->destroy(&d);
            d.ops = NULL;
        }
    } else {
        st = decoder_open(ctx, data, size, &d);
    }
    return decode_rows_finish(ctx, &d, st, 1, 1, TEST_MAX_PIXELS,
                              ROWS_PER_CALL);
}

static decoded decode_bytes(const uint8_t *data, size_t size) {
    thumb_ctx *ctx = thumb_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    decoded r = decode_on(ctx, NULL, data, size);
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

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* What the raw file says, read independently of libpng. */
typedef struct png_header {
    uint32_t width, height;
    int bit_depth, color_type, interlace;
    int has_trns; /* a tRNS chunk before IDAT */
} png_header;

static png_header parse_header(const uint8_t *data, size_t size) {
    png_header h;
    memset(&h, 0, sizeof h);
    ck_assert_uint_ge(size, 33);
    ck_assert_mem_eq(data + 12, "IHDR", 4);
    h.width = be32(data + 16);
    h.height = be32(data + 20);
    h.bit_depth = data[24];
    h.color_type = data[25];
    h.interlace = data[28];
    for (size_t off = 8; off + 8 <= size;) {
        uint32_t len = be32(data + off);
        if (memcmp(data + off + 4, "IDAT", 4) == 0)
            break;
        if (memcmp(data + off + 4, "tRNS", 4) == 0)
            h.has_trns = 1;
        off += 12 + (size_t)len;
    }
    return h;
}

static int expected_channels(const png_header *h) {
    switch (h->color_type) {
    case 0: /* grey */
        return h->has_trns ? 2 : 1;
    case 4: /* grey + alpha */
        return 2;
    case 2: /* RGB */
    case 3: /* palette */
        return h->has_trns ? 4 : 3;
    default: /* RGBA */
        return 4;
    }
}

/* ---- Decoding: good files ------------------------------------------ */

typedef struct corpus_tally {
    int files;
} corpus_tally;

static void check_good_png(const char *path, const char *description,
                           void *opaque) {
    (void)description;
    corpus_tally *tally = opaque;
    if (base_name(path)[0] == 'x')
        return; /* PngSuite's corrupt files live in bad/, but be sure */
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    png_header h = parse_header(data, size);
    decoded r = decode_bytes(data, size);
    ck_assert_msg(r.status == THUMB_OK, "%s: %s", path, r.message);
    ck_assert_msg(r.width == h.width && r.height == h.height,
                  "%s: %ux%u, IHDR says %ux%u", path, r.width, r.height,
                  h.width, h.height);
    ck_assert_msg(r.info.width == h.width && r.info.height == h.height,
                  "%s: probe says %ux%u", path, r.info.width, r.info.height);
    ck_assert_msg(r.channels == expected_channels(&h),
                  "%s: %d channels for colour type %d%s", path, r.channels,
                  h.color_type, h.has_trns ? " with tRNS" : "");
    ck_assert_msg(r.info.has_alpha == channels_have_alpha(r.channels),
                  "%s: has_alpha %d but %d channels", path, r.info.has_alpha,
                  r.channels);
    ck_assert_int_eq(r.info.bit_depth, h.bit_depth);
    ck_assert_int_eq(r.info.format, THUMB_FORMAT_PNG);
    free(r.px);
    free(data);
    tally->files++;
}

START_TEST(every_corpus_png_decodes_with_its_ihdr_size) {
    corpus_tally tally = {0};
    manifest_each("png/", check_good_png, &tally);
    /* 175 PngSuite files without the x* ones, plus the others. */
    ck_assert_int_ge(tally.files, 190);
}
END_TEST

typedef struct twin_tally {
    int pairs;
} twin_tally;

/* PngSuite names interlaced files with an 'i' in the fourth letter and
 * their non-interlaced twins with an 'n': basi0g01/basn0g01, s01i3p01/
 * s01n3p01, bgai4a08/bgan4a08... */
static void check_twin(const char *path, const char *description,
                       void *opaque) {
    (void)description;
    twin_tally *tally = opaque;
    const char *name = base_name(path);
    if (strlen(name) < 8 || name[3] != 'i')
        return;
    char twin[4096];
    snprintf(twin, sizeof twin, "%s", path);
    twin[name - path + 3] = 'n';
    char full[8192];
    snprintf(full, sizeof full, "%s/%s", corpus_dir(), twin);
    if (access(full, R_OK) != 0)
        return;
    decoded a = decode_file(path);
    decoded b = decode_file(twin);
    ck_assert_msg(a.status == THUMB_OK, "%s: %s", path, a.message);
    ck_assert_msg(b.status == THUMB_OK, "%s: %s", twin, b.message);
    ck_assert_uint_eq(a.width, b.width);
    ck_assert_uint_eq(a.height, b.height);
    ck_assert_int_eq(a.channels, b.channels);
    ck_assert_msg(memcmp(a.px, b.px, (size_t)a.width * a.height * a.channels) ==
                      0,
                  "%s and %s differ", path, twin);
    free(a.px);
    free(b.px);
    tally->pairs++;
}

START_TEST(interlaced_twins_give_identical_pixels) {
    twin_tally tally = {0};
    manifest_each("png/pngsuite/", check_twin, &tally);
    /* 15 basi/basn, 2 bgai/bgan and 17 sNNi/sNNn pairs. */
    ck_assert_int_ge(tally.pairs, 30);
}
END_TEST

/* The file's 16-bit samples, read through libpng with no transformation
 * (a path independent of the decoder's). */
typedef struct raw16 {
    uint32_t width, height;
    int channels;
    uint16_t *samples;
} raw16;

typedef struct mem_reader {
    const uint8_t *data;
    size_t size, offset;
} mem_reader;

static void mem_read(png_structp png, png_bytep out, size_t len) {
    mem_reader *m = png_get_io_ptr(png);
    if (len > m->size - m->offset)
        png_error(png, "end of data");
    memcpy(out, m->data + m->offset, len);
    m->offset += len;
}

static raw16 read_raw16(const uint8_t *data, size_t size) {
    raw16 r;
    memset(&r, 0, sizeof r);
    mem_reader m = {data, size, 0};
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(png);
    png_infop info = png_create_info_struct(png);
    ck_assert_ptr_nonnull(info);
    png_bytep *volatile rows = NULL;
    volatile int ok = 0;
    if (!setjmp(png_jmpbuf(png))) {
        png_set_read_fn(png, &m, mem_read);
        png_read_info(png, info);
        ck_assert_int_eq(png_get_bit_depth(png, info), 16);
        png_set_interlace_handling(png);
        png_read_update_info(png, info);
        r.width = png_get_image_width(png, info);
        r.height = png_get_image_height(png, info);
        r.channels = png_get_channels(png, info);
        size_t row_bytes = png_get_rowbytes(png, info);
        uint8_t *bytes = malloc(row_bytes * r.height);
        rows = malloc(sizeof *rows * r.height);
        ck_assert_ptr_nonnull(bytes);
        ck_assert_ptr_nonnull(rows);
        for (uint32_t y = 0; y < r.height; y++)
            rows[y] = bytes + y * row_bytes;
        png_read_image(png, rows);
        size_t n = (size_t)r.width * r.height * r.channels;
        r.samples = malloc(n * sizeof *r.samples);
        ck_assert_ptr_nonnull(r.samples);
        for (size_t i = 0; i < n; i++)
            r.samples[i] = (uint16_t)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
        free(bytes);
        ok = 1;
    }
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    ck_assert_msg(ok, "libpng could not read the 16-bit file");
    return r;
}

static const char *const sixteen_bit_files[] = {
    "png/pngsuite/basn0g16.png", "png/pngsuite/basn2c16.png",
    "png/pngsuite/basn4a16.png", "png/pngsuite/basn6a16.png",
    "png/pngsuite/basi6a16.png", "png/16-bit-grey-alpha.png",
    "png/monkey16.png",          "png/Flag_of_the_Netherlands-16bit.png",
    "png/wide-gamut-only.png",
};

START_TEST(sixteen_bit_samples_are_rounded_not_truncated) {
    const char *path = sixteen_bit_files[_i];
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    raw16 raw = read_raw16(data, size);
    decoded r = decode_bytes(data, size);
    ck_assert_msg(r.status == THUMB_OK, "%s: %s", path, r.message);
    ck_assert_int_eq(r.info.bit_depth, 16);
    ck_assert_int_eq(r.channels, raw.channels);
    ck_assert_uint_eq(r.width, raw.width);
    ck_assert_uint_eq(r.height, raw.height);
    size_t n = (size_t)raw.width * raw.height * raw.channels;
    size_t differs_from_truncation = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = raw.samples[i];
        unsigned rounded = (v * 255u + 32767u) / 65535u;
        ck_assert_msg(r.px[i] == rounded,
                      "%s: sample %zu is %u, 16-bit %u rounds to %u", path, i,
                      r.px[i], v, rounded);
        if (rounded != v >> 8)
            differs_from_truncation++;
    }
    /* Proves the comparison can tell rounding from truncation. (Files made
     * by scaling 8-bit samples by 257 have no such sample.) */
    if (strstr(path, "pngsuite"))
        ck_assert_msg(differs_from_truncation > 0,
                      "%s: no sample where rounding and truncation differ",
                      path);
    free(raw.samples);
    free(r.px);
    free(data);
}
END_TEST

typedef struct expected_pixel {
    uint32_t x, y;
    uint8_t v[4];
} expected_pixel;

/* Values from Pillow 9.4 (/usr/bin/python3):
 *     Image.open(f).convert("RGBA").getpixel((x, y))      (palette files)
 *     Image.open(f).getpixel((x, y))                      (grey files)
 * Where Pillow gives alpha 0, only the alpha is compared: the colour of a
 * fully transparent pixel carries no meaning. */
static void check_pixels(const char *path, int channels,
                         const expected_pixel *px, size_t count) {
    decoded r = decode_file(path);
    ck_assert_msg(r.status == THUMB_OK, "%s: %s", path, r.message);
    ck_assert_int_eq(r.channels, channels);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *got = pixel(&r, px[i].x, px[i].y);
        int transparent = channels == 4 && px[i].v[3] == 0;
        for (int c = transparent ? 3 : 0; c < channels; c++)
            ck_assert_msg(got[c] == px[i].v[c],
                          "%s (%u,%u) channel %d: %u, Pillow %u", path, px[i].x,
                          px[i].y, c, got[c], px[i].v[c]);
    }
    free(r.px);
}

START_TEST(palette_with_trns_gives_rgba_with_its_alpha) {
    static const expected_pixel tbbn3p08[] = {
        {0, 0, {255, 255, 255, 0}},
        {16, 16, {158, 158, 158, 255}},
        {10, 20, {0, 139, 0, 255}},
        {31, 31, {255, 255, 255, 0}},
    };
    check_pixels("png/pngsuite/tbbn3p08.png", 4, tbbn3p08,
                 sizeof tbbn3p08 / sizeof *tbbn3p08);
    /* 2-bit palette, tRNS with partial alpha. */
    static const expected_pixel tm3n3p02[] = {
        {0, 0, {0, 0, 255, 0}},
        {16, 16, {0, 0, 255, 255}},
        {10, 20, {0, 0, 255, 170}},
    };
    check_pixels("png/pngsuite/tm3n3p02.png", 4, tm3n3p02,
                 sizeof tm3n3p02 / sizeof *tm3n3p02);
    static const expected_pixel d_png[] = {
        {0, 0, {71, 112, 76, 0}},
        {16, 16, {255, 255, 255, 255}},
        {10, 20, {89, 86, 87, 255}},
    };
    check_pixels("png/d.png", 4, d_png, sizeof d_png / sizeof *d_png);
    /* Palette without tRNS stays opaque RGB. */
    static const expected_pixel basn3p02[] = {
        {0, 0, {0, 0, 255}},
        {5, 3, {255, 0, 0}},
    };
    check_pixels("png/pngsuite/basn3p02.png", 3, basn3p02,
                 sizeof basn3p02 / sizeof *basn3p02);
}
END_TEST

START_TEST(grey_stays_grey_and_low_bit_grey_is_scaled_to_8_bits) {
    static const expected_pixel basn0g02[] = {
        {0, 0, {0}},
        {5, 3, {85}},
        {31, 31, {170}},
        {10, 20, {255}},
    };
    check_pixels("png/pngsuite/basn0g02.png", 1, basn0g02,
                 sizeof basn0g02 / sizeof *basn0g02);
    static const expected_pixel basn0g04[] = {
        {5, 3, {17}},
        {16, 16, {136}},
        {31, 31, {238}},
        {10, 20, {119}},
    };
    check_pixels("png/pngsuite/basn0g04.png", 1, basn0g04,
                 sizeof basn0g04 / sizeof *basn0g04);

    decoded r = decode_file("png/pngsuite/basn0g01.png");
    ck_assert_int_eq(r.status, THUMB_OK);
    ck_assert_int_eq(r.channels, 1);
    for (size_t i = 0; i < (size_t)r.width * r.height; i++)
        ck_assert(r.px[i] == 0 || r.px[i] == 255);
    free(r.px);

    r = decode_file("png/pngsuite/basn4a08.png");
    ck_assert_int_eq(r.status, THUMB_OK);
    ck_assert_int_eq(r.channels, 2);
    ck_assert_int_eq(r.info.has_alpha, 1);
    free(r.px);

    /* Grey with a tRNS colour key becomes grey + alpha. The key of this
     * 4-bit file is 15, white once scaled: exactly the white pixels are
     * transparent. (Pillow 9.4 gets this one wrong: it compares the
     * scaled samples with the unscaled key and finds no match.) */
    r = decode_file("png/pngsuite/tbbn0g04.png");
    ck_assert_int_eq(r.status, THUMB_OK);
    ck_assert_int_eq(r.channels, 2);
    size_t transparent = 0;
    for (size_t i = 0; i < (size_t)r.width * r.height; i++) {
        ck_assert_int_eq(r.px[2 * i + 1], r.px[2 * i] == 255 ? 0 : 255);
        transparent += r.px[2 * i] == 255;
    }
    ck_assert_uint_gt(transparent, 0);
    free(r.px);
}
END_TEST

START_TEST(rgb_with_trns_colour_key_is_transparent_exactly_there) {
    /* tbrn2c08: 8-bit RGB whose tRNS names one colour. */
    size_t size;
    uint8_t *data = read_corpus("png/pngsuite/tbrn2c08.png", &size);
    decoded r = decode_bytes(data, size);
    ck_assert_int_eq(r.status, THUMB_OK);
    ck_assert_int_eq(r.channels, 4);
    /* The colour key, from the tRNS chunk: three 16-bit samples. */
    const uint8_t *trns = NULL;
    for (size_t off = 8; off + 8 <= size; off += 12 + be32(data + off))
        if (memcmp(data + off + 4, "tRNS", 4) == 0)
            trns = data + off + 8;
    ck_assert_ptr_nonnull(trns);
    uint8_t key[3] = {trns[1], trns[3], trns[5]};
    size_t transparent = 0;
    for (size_t i = 0; i < (size_t)r.width * r.height; i++) {
        const uint8_t *p = r.px + i * 4;
        int is_key = memcmp(p, key, 3) == 0;
        ck_assert_int_eq(p[3], is_key ? 0 : 255);
        transparent += is_key;
    }
    ck_assert_uint_gt(transparent, 0);
    free(r.px);
    free(data);
}
END_TEST

static image_info probe_file(const char *rel, thumb_status *status) {
    size_t size;
    uint8_t *data = read_corpus(rel, &size);
    thumb_ctx *ctx = thumb_ctx_new();
    decoder d;
    image_info info;
    memset(&info, 0, sizeof info);
    *status = decoder_open(ctx, data, size, &d);
    if (*status == THUMB_OK) {
        info = d.info;
        decoder_close(&d);
    }
    thumb_ctx_free(ctx);
    free(data);
    return info;
}

START_TEST(probe_reports_header_facts) {
    thumb_status st;
    image_info info = probe_file("png/pngsuite/basn6a08.png", &st);
    ck_assert_int_eq(st, THUMB_OK);
    ck_assert_int_eq(info.has_alpha, 1);
    ck_assert_int_eq(info.bit_depth, 8);
    ck_assert_uint_eq(info.frames, 1);
    ck_assert_int_eq(info.orientation, 1);

    info = probe_file("png/pngsuite/basn3p01.png", &st);
    ck_assert_int_eq(info.bit_depth, 1);
    ck_assert_int_eq(info.has_alpha, 0);

    info = probe_file("png/pngsuite/tbbn3p08.png", &st);
    ck_assert_int_eq(info.has_alpha, 1); /* from tRNS */

    info = probe_file("png/pngsuite/basn0g16.png", &st);
    ck_assert_int_eq(info.bit_depth, 16);
    ck_assert_int_eq(info.has_alpha, 0);
}
END_TEST

START_TEST(orientation_comes_from_the_exif_chunk) {
    thumb_status st;
    /* Pillow: Image.open(f).getexif()[0x0112] == 6. */
    image_info info = probe_file("orientation/serenity-exif.png", &st);
    ck_assert_int_eq(st, THUMB_OK);
    ck_assert_int_eq(info.orientation, 6);
    info = probe_file("png/pngsuite/exif2c08.png", &st);
    ck_assert_int_eq(st, THUMB_OK);
    ck_assert_int_eq(info.orientation, 1);
}
END_TEST

START_TEST(apng_frame_count_comes_from_actl_before_idat) {
    thumb_status st;
    ck_assert_uint_eq(probe_file("png/apng-mode_16bit.png", &st).frames, 2);
    ck_assert_uint_eq(probe_file("png/iss634.apng", &st).frames, 41);
    ck_assert_uint_eq(probe_file("png/apng-single_frame.png", &st).frames, 1);
    ck_assert_uint_eq(probe_file("png/pngsuite/basn2c08.png", &st).frames, 1);
    /* The default image of an APNG decodes as a still image. */
    decoded r = decode_file("png/iss634.apng");
    ck_assert_int_eq(r.status, THUMB_OK);
    ck_assert_uint_eq(r.width, 245);
    free(r.px);
}
END_TEST

START_TEST(huge_declared_size_probes_without_decoding) {
    /* 65536x65536: 4 Gpx. The probe reports it (limits are the
     * pipeline's business) and allocates nothing for pixels. */
    size_t size;
    uint8_t *data = read_corpus("bad/bomb/65536-uint32-limit.png", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    decoder d;
    double t0 = test_seconds();
    ck_assert_int_eq(decoder_open(ctx, data, size, &d), THUMB_OK);
    ck_assert_uint_eq(d.info.width, 65536);
    ck_assert_uint_eq(d.info.height, 65536);
    ck_assert_int_eq(d.info.bit_depth, 1);
    decoder_close(&d);
    ck_assert_double_lt(test_seconds() - t0, 1.0);
    ck_assert_uint_lt(a.peak_bytes, 1u << 20);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

/* ---- Decoding: bad files ------------------------------------------- */

/* The 6 files with a damaged signature are not recognised as PNG by the
 * sniffer; decoder_open calls them unsupported. */
static int signature_damaged(const char *name) {
    return strncmp(name, "xs", 2) == 0 || strncmp(name, "xcr", 3) == 0 ||
           strncmp(name, "xlf", 3) == 0;
}

static void check_pngsuite_x(const char *path, const char *description,
                             void *opaque) {
    (void)description;
    int *count = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    decoded r = decode_bytes(data, size);
    if (signature_damaged(base_name(path)))
        ck_assert_msg(r.status == THUMB_ERR_UNSUPPORTED_FORMAT, "%s: status %d",
                      path, r.status);
    else
        ck_assert_msg(r.status == THUMB_ERR_CORRUPT, "%s: status %d (%s)", path,
                      r.status, r.message);
    free(r.px);

    /* Straight to the PNG codec, bypassing the sniffer: all corrupt. */
    thumb_ctx *ctx = thumb_ctx_new();
    r = decode_on(ctx, &png_decoder_ops, data, size);
    ck_assert_msg(r.status == THUMB_ERR_CORRUPT, "%s: status %d (%s)", path,
                  r.status, r.message);
    ck_assert_msg(strncmp(r.message, "PNG: ", 5) == 0, "%s: message '%s'", path,
                  r.message);
    free(r.px);
    thumb_ctx_free(ctx);
    free(data);
    (*count)++;
}

START_TEST(every_pngsuite_x_file_is_corrupt) {
    int count = 0;
    manifest_each("bad/png/pngsuite-x/", check_pngsuite_x, &count);
    ck_assert_int_eq(count, 14);
}
END_TEST

/* Memory a decode may use beyond the decoded image: libpng and zlib state,
 * rows, one ancillary chunk of up to 8 MiB. */
#define MEMORY_OVERHEAD_MAX ((size_t)16 << 20)

static void check_no_crash(const char *path, const char *description,
                           void *opaque) {
    (void)description;
    int *count = opaque;
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    double t0 = test_seconds();
    decoded r = decode_on(ctx, NULL, data, size);
    double elapsed = test_seconds() - t0;
    ck_assert_msg(r.status == THUMB_OK || r.status == THUMB_ERR_CORRUPT ||
                      r.status == THUMB_ERR_UNSUPPORTED_FORMAT ||
                      r.status == THUMB_ERR_LIMIT,
                  "%s: status %d (%s)", path, r.status, r.message);
    if (r.status == THUMB_ERR_CORRUPT)
        ck_assert_msg(strncmp(r.message, "PNG: ", 5) == 0, "%s: message '%s'",
                      path, r.message);
    ck_assert_msg(elapsed < 2.0, "%s took %.2f s", path, elapsed);
    /* Bounded by what the header declares, whatever the chunks claim. */
    size_t image_bytes = (size_t)r.info.width * r.info.height * 4;
    ck_assert_msg(a.peak_bytes <= MEMORY_OVERHEAD_MAX + image_bytes,
                  "%s: peak %zu bytes", path, a.peak_bytes);
    free(r.px);
    thumb_ctx_free(ctx);
    ck_assert_msg(a.live_blocks == 0, "%s: %ld blocks leaked", path,
                  a.live_blocks);
    free(data);
    (*count)++;
}

START_TEST(bad_pngs_fail_cleanly_or_decode) {
    int count = 0;
    manifest_each("bad/png/", check_no_crash, &count);
    ck_assert_int_ge(count, 60);
    count = 0;
    manifest_each("bad/fuzz-corpus/png/", check_no_crash, &count);
    ck_assert_int_ge(count, 200);
}
END_TEST

START_TEST(critical_damage_is_reported_as_corrupt) {
    decoded r = decode_file("bad/png/truncated_image.png");
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strstr(r.message, "PNG: data ends early"), "'%s'", r.message);
    r = decode_file("bad/png/broken_data_stream.png");
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    r = decode_file("bad/png/pngsuite-x/xcsn0g01.png"); /* IDAT CRC */
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strstr(r.message, "CRC"), "'%s'", r.message);
}
END_TEST

START_TEST(every_truncation_fails_cleanly) {
    static const char *const files[] = {"png/pngsuite/basn2c08.png",
                                        "png/pngsuite/basi3p02.png",
                                        "png/pngsuite/tbbn3p08.png"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t size;
        uint8_t *data = read_corpus(files[f], &size);
        thumb_ctx *ctx = thumb_ctx_new();
        for (size_t len = 0; len < size; len++) {
            uint8_t *copy = malloc(len + 1); /* exact size for ASan */
            memcpy(copy, data, len);
            decoded r = decode_on(ctx, NULL, copy, len);
            /* Cut inside IEND only: all rows are there and decode. */
            ck_assert_msg(r.status == THUMB_OK ||
                              r.status == THUMB_ERR_CORRUPT ||
                              r.status == THUMB_ERR_UNSUPPORTED_FORMAT,
                          "%s cut at %zu: %d", files[f], len, r.status);
            if (len + 12 < size && len >= 8)
                ck_assert_msg(r.status == THUMB_ERR_CORRUPT,
                              "%s cut at %zu: %d", files[f], len, r.status);
            free(r.px);
            free(copy);
        }
        thumb_ctx_free(ctx);
        free(data);
    }
}
END_TEST

START_TEST(oversized_exif_chunk_is_not_allocated) {
    /* 57 bytes whose eXIf chunk declares 1 GiB; libpng 1.6.39 would
     * allocate that much before finding the data missing. */
    size_t size;
    uint8_t *data =
        read_corpus("bad/png/libpng-crashers/huge_eXIf_chunk.png", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    decoded r = decode_on(ctx, NULL, data, size);
    ck_assert_int_eq(r.status, THUMB_ERR_CORRUPT);
    ck_assert_msg(strstr(r.message, "data ends early"), "%s", r.message);
    ck_assert_msg(a.peak_bytes < (1u << 20), "peak %zu bytes", a.peak_bytes);
    thumb_ctx_free(ctx);
    free(data);
}
END_TEST

START_TEST(ztxt_bomb_is_cheap) {
    size_t size;
    uint8_t *data = read_corpus("bad/bomb/png_decompression_dos.png", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    double t0 = test_seconds();
    decoded r = decode_on(ctx, NULL, data, size);
    double elapsed = test_seconds() - t0;
    ck_assert_msg(r.status == THUMB_OK || r.status == THUMB_ERR_CORRUPT,
                  "%d %s", r.status, r.message);
    ck_assert_msg(elapsed < 0.5, "took %.2f s", elapsed);
    /* Text chunks are skipped unread; without that, libpng would inflate
     * each zTXt up to its 8 MiB chunk limit. */
    ck_assert_msg(a.peak_bytes < (1u << 20), "peak %zu bytes", a.peak_bytes);
    free(r.px);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

static void check_allocation_failures(const char *path) {
    size_t size;
    uint8_t *data = read_corpus(path, &size);
    decoded good = decode_bytes(data, size);
    ck_assert_int_eq(good.status, THUMB_OK);
    int completed = 0;
    for (long n = 0; !completed; n++) {
        counting_allocator a;
        thumb_ctx *ctx = counting_ctx(&a);
        a.calls = 0;
        a.fail_at = n;
        decoded r = decode_on(ctx, NULL, data, size);
        if (!a.failed) {
            completed = 1;
        } else {
            /* libpng drops an ancillary chunk it cannot allocate and goes
             * on, so a failure may still end in success. */
            ck_assert_msg(r.status == THUMB_ERR_NOMEM || r.status == THUMB_OK,
                          "%s, allocation %ld failing: %d (%s)", path, n,
                          r.status, r.message);
        }
        if (r.status == THUMB_OK)
            ck_assert_mem_eq(r.px, good.px,
                             (size_t)good.width * good.height * good.channels);
        free(r.px);
        thumb_ctx_free(ctx);
        ck_assert_msg(a.live_blocks == 0, "%s: %ld blocks leaked at %ld", path,
                      a.live_blocks, n);
    }
    free(good.px);
    free(data);
}

START_TEST(allocation_failures_give_nomem_and_leak_nothing) {
    check_allocation_failures("png/pngsuite/basn6a16.png");
    check_allocation_failures("png/pngsuite/basi3p04.png");
    check_allocation_failures("orientation/serenity-exif.png");
}
END_TEST

START_TEST(libpng_memory_goes_through_the_context_allocator) {
    size_t size;
    uint8_t *data = read_corpus("png/pngsuite/basn2c08.png", &size);
    counting_allocator a;
    thumb_ctx *ctx = counting_ctx(&a);
    long before = a.calls;
    decoded r = decode_on(ctx, NULL, data, size);
    ck_assert_int_eq(r.status, THUMB_OK);
    /* The state, libpng's structs, zlib's window... */
    ck_assert_int_ge(a.calls - before, 5);
    /* A zlib inflate window alone is 32 KiB. */
    ck_assert_uint_ge(a.peak_bytes, 32768);
    free(r.px);
    thumb_ctx_free(ctx);
    ck_assert_int_eq(a.live_blocks, 0);
    free(data);
}
END_TEST

/* ---- Encoding ------------------------------------------------------- */

/* A pattern with edges and gradients; `padding` extra bytes per row check
 * that the encoder honours the stride. */
static image make_image(uint32_t width, uint32_t height, int channels,
                        size_t padding) {
    image img;
    img.width = width;
    img.height = height;
    img.channels = channels;
    img.stride = (size_t)width * channels + padding;
    img.px = malloc(img.stride * height);
    ck_assert_ptr_nonnull(img.px);
    memset(img.px, 0xEE, img.stride * height);
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            for (int c = 0; c < channels; c++)
                img.px[y * img.stride + x * channels + c] =
                    (uint8_t)((x * 7 + y * 13 + c * 50) ^ (x * y));
    return img;
}

static encode_options default_options(int level) {
    encode_options opt;
    memset(&opt, 0, sizeof opt);
    opt.quality = 80;
    opt.png_compression = level;
    return opt;
}

START_TEST(encode_round_trip_is_lossless) {
    int channels = _i + 1;
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(61, 37, channels, 5);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = default_options(6);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    ck_assert_mem_eq(out.data, "\x89PNG\r\n\x1a\n", 8);

    decoded r = decode_on(ctx, NULL, out.data, out.size);
    ck_assert_msg(r.status == THUMB_OK, "%s", r.message);
    ck_assert_uint_eq(r.width, 61);
    ck_assert_uint_eq(r.height, 37);
    ck_assert_int_eq(r.channels, channels);
    ck_assert_int_eq(r.info.bit_depth, 8);
    ck_assert_int_eq(r.info.has_alpha, channels_have_alpha(channels));
    for (uint32_t y = 0; y < img.height; y++)
        ck_assert_mem_eq(pixel(&r, 0, y), image_row(&img, y),
                         (size_t)img.width * channels);
    free(r.px);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

static size_t encoded_size(int level) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(256, 256, 3, 0);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = default_options(level);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    size_t size = out.size;
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
    return size;
}

START_TEST(compression_level_changes_size) {
    size_t stored = encoded_size(0);
    size_t fast = encoded_size(1);
    size_t best = encoded_size(9);
    /* Level 0 stores: at least the raw samples plus a filter byte a row. */
    ck_assert_uint_ge(stored, 256 * (256 * 3 + 1));
    ck_assert_uint_gt(stored, fast);
    ck_assert_uint_gt(stored, best);
    /* zlib's levels trade speed for size, but on a given image a higher
     * level is not always smaller; that they differ shows the level is
     * passed on. */
    ck_assert_uint_ne(fast, best);
}
END_TEST

START_TEST(encode_appends_after_existing_bytes) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(8, 8, 4, 0);
    buffer out;
    buffer_init(&out, ctx);
    ck_assert_int_eq(buffer_append(&out, "abc", 3), THUMB_OK);
    encode_options opt = default_options(6);
    ck_assert_int_eq(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    ck_assert_mem_eq(out.data, "abc\x89PNG", 7);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

START_TEST(encode_rejects_bad_channel_counts) {
    thumb_ctx *ctx = thumb_ctx_new();
    image img = make_image(4, 4, 4, 0);
    buffer out;
    buffer_init(&out, ctx);
    encode_options opt = default_options(6);
    img.channels = 5;
    ck_assert_int_ne(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    ck_assert_uint_eq(out.size, 0);
    ck_assert_msg(strncmp(ctx->message, "PNG: ", 5) == 0, "'%s'", ctx->message);
    ctx_clear_error(ctx);
    img.channels = 0;
    ck_assert_int_ne(png_encode(ctx, &img, &opt, &out), THUMB_OK);
    buffer_release(&out);
    free(img.px);
    thumb_ctx_free(ctx);
}
END_TEST

static Suite *png_suite(void) {
    Suite *s = suite_create("png");
    TCase *decode = tcase_create("decode");
    /* Whole-corpus loops run far longer than Check's 4 s default,
     * especially under sanitizers. */
    tcase_set_timeout(decode, 300);
    tcase_add_test(decode, every_corpus_png_decodes_with_its_ihdr_size);
    tcase_add_test(decode, interlaced_twins_give_identical_pixels);
    tcase_add_loop_test(
        decode, sixteen_bit_samples_are_rounded_not_truncated, 0,
        (int)(sizeof sixteen_bit_files / sizeof *sixteen_bit_files));
    tcase_add_test(decode, palette_with_trns_gives_rgba_with_its_alpha);
    tcase_add_test(decode,
                   grey_stays_grey_and_low_bit_grey_is_scaled_to_8_bits);
    tcase_add_test(decode,
                   rgb_with_trns_colour_key_is_transparent_exactly_there);
    tcase_add_test(decode, probe_reports_header_facts);
    tcase_add_test(decode, orientation_comes_from_the_exif_chunk);
    tcase_add_test(decode, apng_frame_count_comes_from_actl_before_idat);
    tcase_add_test(decode, huge_declared_size_probes_without_decoding);
    tcase_add_test(decode, libpng_memory_goes_through_the_context_allocator);
    suite_add_tcase(s, decode);

    TCase *bad = tcase_create("bad");
    tcase_set_timeout(bad, 300);
    tcase_add_test(bad, every_pngsuite_x_file_is_corrupt);
    tcase_add_test(bad, bad_pngs_fail_cleanly_or_decode);
    tcase_add_test(bad, critical_damage_is_reported_as_corrupt);
    tcase_add_test(bad, every_truncation_fails_cleanly);
    tcase_add_test(bad, ztxt_bomb_is_cheap);
    tcase_add_test(bad, oversized_exif_chunk_is_not_allocated);
    tcase_add_test(bad, allocation_failures_give_nomem_and_leak_nothing);
    suite_add_tcase(s, bad);

    TCase *encode = tcase_create("encode");
    tcase_set_timeout(encode, 300);
    tcase_add_loop_test(encode, encode_round_trip_is_lossless, 0, 4);
    tcase_add_test(encode, compression_level_changes_size);
    tcase_add_test(encode, encode_appends_after_existing_bytes);
    tcase_add_test(encode, encode_rejects_bad_channel_counts);
    suite_add_tcase(s, encode);
    return s;
}

THUMB_TEST_MAIN(png_suite)
