/* Metadata in the output: by default none (no EXIF, XMP, comments, text
 * chunks or ICC profile); THUMB_OPT_KEEP_EXIF keeps the EXIF block with
 * its orientation reset to 1; THUMB_OPT_COLOR = THUMB_COLOR_KEEP keeps the
 * ICC profile. Outputs are read at the container level (JPEG markers, PNG
 * chunks, RIFF chunks), independently of the library's decoders. */
#include "decoded.h"
#include "exif.h"
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* What a container holds, counted by kind. */
typedef struct meta_found {
    int exif, xmp, icc, comment, text, other_app;
} meta_found;

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

#define JPEG_SOI 0xD8
#define JPEG_SOS 0xDA
#define JPEG_APP0 0xE0
#define JPEG_APP1 0xE1
#define JPEG_APP2 0xE2
#define JPEG_APP15 0xEF
#define JPEG_COM 0xFE
static const char XMP_NS[] = "http://ns.adobe.com/xap/1.0/";

/* The marker segments before the first scan. */
static meta_found scan_jpeg(const uint8_t *d, size_t n) {
    meta_found f = {0};
    ck_assert(n >= 4 && d[0] == 0xFF && d[1] == JPEG_SOI);
    size_t at = 2;
    while (at + 4 <= n) {
        ck_assert_uint_eq(d[at], 0xFF);
        uint8_t marker = d[at + 1];
        if (marker == JPEG_SOS)
            break;
        size_t len = (size_t)d[at + 2] << 8 | d[at + 3];
        const uint8_t *body = d + at + 4;
        size_t body_len = len - 2;
        ck_assert_uint_le(at + 2 + len, n);
        if (marker == JPEG_APP1 && body_len >= 6 &&
            memcmp(body, "Exif\0\0", 6) == 0)
            f.exif++;
        else if (marker == JPEG_APP1 && body_len >= sizeof XMP_NS &&
                 memcmp(body, XMP_NS, sizeof XMP_NS - 1) == 0)
            f.xmp++;
        else if (marker == JPEG_APP2 && body_len >= 12 &&
                 memcmp(body, "ICC_PROFILE", 12) == 0)
            f.icc++;
        else if (marker == JPEG_COM)
            f.comment++;
        else if (marker > JPEG_APP0 && marker <= JPEG_APP15)
            f.other_app++;
        at += 2 + len;
    }
    return f;
}

#define PNG_SIGNATURE_SIZE 8
static meta_found scan_png(const uint8_t *d, size_t n) {
    meta_found f = {0};
    size_t at = PNG_SIGNATURE_SIZE;
    while (at + 12 <= n) {
        uint32_t len = be32(d + at);
        const uint8_t *type = d + at + 4;
        if (memcmp(type, "eXIf", 4) == 0)
            f.exif++;
        else if (memcmp(type, "iCCP", 4) == 0)
            f.icc++;
        else if (memcmp(type, "iTXt", 4) == 0 || memcmp(type, "tEXt", 4) == 0 ||
                 memcmp(type, "zTXt", 4) == 0)
            f.text++; /* XMP lives in iTXt */
        else if (memcmp(type, "tIME", 4) == 0)
            f.other_app++;
        at += 12 + (size_t)len;
    }
    return f;
}

#define RIFF_HEADER_SIZE 12
#define VP8X_FLAGS_ICC 0x20
#define VP8X_FLAGS_EXIF 0x08
#define VP8X_FLAGS_XMP 0x04
static meta_found scan_webp(const uint8_t *d, size_t n) {
    meta_found f = {0};
    ck_assert(n >= RIFF_HEADER_SIZE && memcmp(d, "RIFF", 4) == 0 &&
              memcmp(d + 8, "WEBP", 4) == 0);
    size_t at = RIFF_HEADER_SIZE;
    int vp8x = 0;
    uint8_t flags = 0;
    while (at + 8 <= n) {
        const uint8_t *type = d + at;
        uint32_t len = le32(d + at + 4);
        if (memcmp(type, "EXIF", 4) == 0)
            f.exif++;
        else if (memcmp(type, "XMP ", 4) == 0)
            f.xmp++;
        else if (memcmp(type, "ICCP", 4) == 0)
            f.icc++;
        else if (memcmp(type, "VP8X", 4) == 0 && len >= 1) {
            vp8x = 1;
            flags = d[at + 8];
        }
        at += 8 + (size_t)len + (len & 1);
    }
    /* The VP8X flags must agree with the chunks. */
    if (vp8x) {
        ck_assert_int_eq((flags & VP8X_FLAGS_EXIF) != 0, f.exif > 0);
        ck_assert_int_eq((flags & VP8X_FLAGS_ICC) != 0, f.icc > 0);
        ck_assert_int_eq((flags & VP8X_FLAGS_XMP) != 0, f.xmp > 0);
    } else {
        ck_assert_int_eq(f.exif + f.icc + f.xmp, 0);
    }
    return f;
}

static meta_found scan(thumb_format format, const uint8_t *d, size_t n) {
    switch (format) {
    case THUMB_FORMAT_JPEG:
        return scan_jpeg(d, n);
    case THUMB_FORMAT_PNG:
        return scan_png(d, n);
    default:
        return scan_webp(d, n);
    }
}

static const thumb_format OUT_FORMATS[] = {THUMB_FORMAT_JPEG, THUMB_FORMAT_PNG,
                                           THUMB_FORMAT_WEBP};

/* Inputs rich in metadata, and what each holds. */
static const char *const RICH_FILES[] = {
    "jpeg/xmp_test.jpg",                    /* EXIF, XMP, APP13, ICC */
    "orientation/Landscape_6.jpg",          /* EXIF orientation 6 */
    "webp/extended-lossy.webp",             /* ICCP, EXIF, XMP */
    "png/icc-v2.png",                       /* iCCP, eXIf, iTXt */
    "orientation/xmp_tags_orientation.png", /* iTXt XMP, iCCP */
};

static uint8_t *run_file(const char *rel, const option_value *opts, size_t n,
                         size_t *out_size) {
    size_t size;
    uint8_t *in = read_corpus(rel, &size);
    uint8_t *out = make_thumbnail(in, size, opts, n, out_size);
    free(in);
    return out;
}

START_TEST(default_output_carries_no_metadata) {
    thumb_format format = OUT_FORMATS[_i];
    for (size_t f = 0; f < OPTION_COUNT(RICH_FILES); f++) {
        option_value opts[] = {{THUMB_OPT_FORMAT, format},
                               {THUMB_OPT_WIDTH, 64}};
        size_t n;
        uint8_t *out = run_file(RICH_FILES[f], opts, 2, &n);
        meta_found m = scan(format, out, n);
        ck_assert_msg(m.exif == 0 && m.xmp == 0 && m.icc == 0 &&
                          m.comment == 0 && m.text == 0 && m.other_app == 0,
                      "%s -> %s: exif %d xmp %d icc %d comment %d text %d "
                      "other %d",
                      RICH_FILES[f], thumb_format_name(format), m.exif, m.xmp,
                      m.icc, m.comment, m.text, m.other_app);
        free(out);
    }
}
END_TEST

/* The kept block is the input's, byte for byte, but for the orientation
 * value, now 1; nothing else (XMP, comments) comes with it. */
START_TEST(keep_exif_keeps_the_block_with_orientation_1) {
    thumb_format format = OUT_FORMATS[_i];
    const char *files[] = {"orientation/Landscape_6.jpg",
                           "orientation/hopper_orientation_7.webp",
                           "jpeg/xmp_test.jpg"};
    for (size_t f = 0; f < OPTION_COUNT(files); f++) {
        size_t size;
        uint8_t *in = read_corpus(files[f], &size);
        decoded source = decode_image(in, size);
        ck_assert_ptr_nonnull(source.exif);
        option_value opts[] = {{THUMB_OPT_FORMAT, format},
                               {THUMB_OPT_WIDTH, 64},
                               {THUMB_OPT_KEEP_EXIF, 1}};
        size_t n;
        uint8_t *out = make_thumbnail(in, size, opts, 3, &n);
        meta_found m = scan(format, out, n);
        ck_assert_int_eq(m.exif, 1);
        ck_assert_int_eq(m.xmp + m.comment + m.text + m.icc + m.other_app, 0);

        decoded kept = decode_image(out, n);
        ck_assert_int_eq(kept.orientation, 1);
        ck_assert_uint_eq(kept.exif_size, source.exif_size);
        int changed = 0;
        for (size_t i = 0; i < source.exif_size; i++)
            changed += kept.exif[i] != source.exif[i];
        /* Orientation 1 is one byte away from any other value. */
        ck_assert_int_eq(changed, source.orientation == 1 ? 0 : 1);
        ck_assert_int_eq(exif_orientation(kept.exif, kept.exif_size), 1);
        decoded_free(&source);
        decoded_free(&kept);
        free(out);
        free(in);
    }
}
END_TEST

START_TEST(color_keep_keeps_the_icc_profile) {
    thumb_format format = OUT_FORMATS[_i];
    option_value opts[] = {{THUMB_OPT_FORMAT, format},
                           {THUMB_OPT_WIDTH, 64},
                           {THUMB_OPT_COLOR, THUMB_COLOR_KEEP}};
    size_t n;
    uint8_t *out = run_file("jpeg/xmp_test.jpg", opts, 3, &n);
    meta_found m = scan(format, out, n);
    ck_assert_int_eq(m.icc, 1);
    ck_assert_int_eq(m.exif + m.xmp + m.comment + m.text + m.other_app, 0);
    free(out);
}
END_TEST

START_TEST(keep_exif_option_is_bounded) {
    int64_t min, max;
    ck_assert_int_eq(thumb_option_bounds(THUMB_OPT_KEEP_EXIF, &min, &max),
                     THUMB_OK);
    ck_assert_int_eq(min, 0);
    ck_assert_int_eq(max, 1);
    ck_assert_int_eq(thumb_option_bounds(THUMB_OPT_COLOR, &min, &max),
                     THUMB_OK);
    ck_assert_int_eq(min, THUMB_COLOR_SRGB);
    ck_assert_int_eq(max, THUMB_COLOR_KEEP);
    thumb_ctx *ctx = thumb_ctx_new();
    int64_t v = -1;
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_KEEP_EXIF, &v), THUMB_OK);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(thumb_ctx_get(ctx, THUMB_OPT_COLOR, &v), THUMB_OK);
    ck_assert_int_eq(v, THUMB_COLOR_SRGB);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_KEEP_EXIF, 2),
                     THUMB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(thumb_ctx_set(ctx, THUMB_OPT_COLOR, 3),
                     THUMB_ERR_INVALID_ARGUMENT);
    thumb_ctx_free(ctx);
}
END_TEST

static Suite *metadata_suite(void) {
    Suite *s = suite_create("metadata");
    TCase *c = tcase_create("metadata");
    tcase_set_timeout(c, 120);
    tcase_add_loop_test(c, default_output_carries_no_metadata, 0, 3);
    tcase_add_loop_test(c, keep_exif_keeps_the_block_with_orientation_1, 0, 3);
    tcase_add_loop_test(c, color_keep_keeps_the_icc_profile, 0, 3);
    tcase_add_test(c, keep_exif_option_is_bounded);
    suite_add_tcase(s, c);
    return s;
}

THUMB_TEST_MAIN(metadata_suite)
